// Search page of the knowledge base: queries the Pagefind index of sections,
// FAQ items and safety cards (one index entry each) and lists the answers as
// "Page › Section" links with a snippet that highlights the query's words.
//
// Natural questions: stop words are dropped, and every remaining word is also
// searched on its own, so a word that no answer contains does not empty the
// results; an entry's score is the sum of its per-word scores (Pagefind's
// BM25 with stemming, the entry's title weighted above its body) plus the
// score of the whole query when the entry matches every word.
"use strict";

const STOP_WORDS = new Set(
  (
    "a about after again all am an and any are as at be been before being both but by can " +
    "could did do does doing down during each few for from further had has have having he her " +
    "here hers him his how i if in into is it its itself just me more most my myself no nor " +
    "not now of off on once only or other our ours out over own same she should so some such " +
    "than that the their theirs them then there these they this those through to too under " +
    "until up very was we were what when where which while who whom why will with would you " +
    "your yours yourself ok okay really actually"
  ).split(" "),
);
const KIND_LABELS = { faq: "FAQ", safety: "Safety", section: "Section", page: "Page" };
const FACET_LABELS = { "body-part": "Body part", condition: "Condition", "use-case": "Use case" };
const MAX_RESULTS = 10;
const SNIPPET_WORDS = 28;

const root = document.querySelector(".kb-search");
const form = root && root.querySelector(".kb-search-form");
const input = root && root.querySelector("#kb-search-input");
const statusEl = root && root.querySelector("#kb-search-status");
const list = root && root.querySelector("#kb-search-results");
const filterBox = root && root.querySelector(".kb-search-filters");
const siteRoot = root && new URL(root.dataset.kbSearchRoot || "./", location.href);
const bundle = root && new URL(root.dataset.kbSearchBundle || "pagefind/", location.href);

let pagefindPromise = null;
let commonWords = new Set();
let sequence = 0;
let startedAt = 0;

function loadPagefind() {
  if (!pagefindPromise) {
    pagefindPromise = import(new URL("pagefind.js", bundle).href).then(async (pf) => {
      await pf.options({ excerptLength: SNIPPET_WORDS });
      const [, common] = await Promise.all([
        pf.init(),
        fetch(new URL("kb-common-words.json", bundle))
          .then((r) => (r.ok ? r.json() : []))
          .catch(() => []),
      ]);
      commonWords = new Set(common);
      return pf;
    });
  }
  return pagefindPromise;
}

/** The words of a query that carry meaning (all words when every one is a stop word). */
function queryTerms(query) {
  const words = (query.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) || []).map((w) =>
    w.replace(/['’]s$/, ""),
  );
  const kept = words.filter((w) => !STOP_WORDS.has(w) && w.length > 1);
  return [...new Set(kept.length ? kept : words)];
}

/** A crude English stem used only to highlight words in snippets. */
function stem(word) {
  let w = word.toLowerCase();
  for (const suffix of ["ing", "ness", "edly", "ed", "ies", "es", "ly", "s"]) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w.replace(/(.)\1$/, "$1");
}

function selectedFilters() {
  const filters = {};
  if (!filterBox) return filters;
  for (const select of filterBox.querySelectorAll("select")) {
    if (select.value) filters[select.dataset.facet] = select.value;
  }
  return filters;
}

async function rank(pf, allTerms, filters) {
  // Words in most answers ("foam", "roll") barely rank and are costly to score: leave them
  // out when the query has rarer words.
  const rare = allTerms.filter((t) => !commonWords.has(t));
  const terms = rare.length ? rare : allTerms;
  const queries = [terms.join(" ")];
  if (terms.length > 1) queries.push(...terms);
  const searches = await Promise.all(queries.map((q) => pf.search(q, { filters })));
  const entries = new Map();
  searches.forEach((search, i) => {
    if (!search) return;
    for (const result of search.results) {
      let entry = entries.get(result.id);
      if (!entry) {
        entry = { result, score: 0, words: 0 };
        entries.set(result.id, entry);
      }
      entry.score += result.score;
      if (i > 0 || terms.length === 1) entry.words += 1;
    }
  });
  return [...entries.values()].sort(
    (a, b) => b.score - a.score || a.result.id.localeCompare(b.result.id),
  );
}

function snippet(content, terms) {
  const words = content.split(/\s+/).filter(Boolean);
  const stems = terms.map(stem).filter((s) => s.length >= 2);
  const hit = words.map((w) => {
    const bare = w.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    return stems.findIndex((s) => bare.startsWith(s) || stem(bare) === s);
  });
  // The window with the most distinct terms, then the most hits.
  let best = 0;
  let bestScore = -1;
  for (let start = 0; start < Math.max(1, words.length - SNIPPET_WORDS + 1); start += 1) {
    const window = hit.slice(start, start + SNIPPET_WORDS).filter((h) => h >= 0);
    const score = new Set(window).size * 100 + window.length;
    if (score > bestScore) {
      bestScore = score;
      best = start;
    }
  }
  const start = Math.max(0, best - (best > 3 ? 3 : 0));
  const end = Math.min(words.length, start + SNIPPET_WORDS);
  const p = document.createElement("p");
  p.className = "kb-search-snippet";
  if (start > 0) p.append("… ");
  for (let i = start; i < end; i += 1) {
    if (hit[i] >= 0) {
      const mark = document.createElement("mark");
      mark.textContent = words[i];
      p.append(mark);
    } else {
      p.append(words[i]);
    }
    if (i < end - 1) p.append(" ");
  }
  if (end < words.length) p.append(" …");
  return p;
}

function resultItem(data, terms) {
  const meta = data.meta || {};
  const kind = meta.kind || "section";
  const li = document.createElement("li");
  li.className = "kb-search-result";
  li.dataset.kind = kind;
  const link = document.createElement("a");
  link.className = "kb-search-link";
  link.href = new URL(String(meta.link || data.url).replace(/^\/+/, ""), siteRoot).href;
  const page = document.createElement("span");
  page.className = "kb-search-page";
  page.textContent = meta.page || meta.title || "";
  link.append(page);
  if (kind !== "page" && meta.section) {
    const sep = document.createElement("span");
    sep.className = "kb-search-sep";
    sep.setAttribute("aria-hidden", "true");
    sep.textContent = " › ";
    const hidden = document.createElement("span");
    hidden.className = "kb-visually-hidden";
    hidden.textContent = ": ";
    const section = document.createElement("span");
    section.className = "kb-search-section";
    section.textContent = meta.section;
    link.append(sep, hidden, section);
  }
  const badge = document.createElement("span");
  badge.className = "kb-search-kind";
  badge.textContent = KIND_LABELS[kind] || kind;
  const head = document.createElement("div");
  head.className = "kb-search-head";
  head.append(link, " ", badge);
  li.append(head);
  // The entry's text starts with its title and the page title: the link shows those.
  let text = String(data.content || "");
  for (const title of [meta.section, meta.page]) {
    if (title && text.startsWith(title)) text = text.slice(title.length).replace(/^[\s.:]+/, "");
  }
  li.append(snippet(text, terms));
  return li;
}

function announce(text) {
  statusEl.textContent = text;
}

async function runSearch(query, { updateUrl = true } = {}) {
  const mine = ++sequence;
  const terms = queryTerms(query);
  if (updateUrl) {
    const url = new URL(location.href);
    if (query.trim()) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  }
  if (!terms.length) {
    list.replaceChildren();
    announce("");
    list.dataset.kbQuery = query;
    return;
  }
  const pf = await loadPagefind();
  const ranked = await rank(pf, terms, selectedFilters());
  const top = ranked.slice(0, MAX_RESULTS);
  const datas = await Promise.all(top.map((entry) => entry.result.data()));
  if (mine !== sequence) return; // a newer query is on its way
  const items = datas.map((data) => resultItem(data, terms));
  list.replaceChildren(...items);
  const shown = items.length;
  const more = ranked.length > shown ? ` (best ${shown} shown)` : "";
  announce(
    shown
      ? `${ranked.length} ${ranked.length === 1 ? "answer" : "answers"} for “${query.trim()}”${more}`
      : `No answers for “${query.trim()}”. Try fewer or other words.`,
  );
  list.dataset.kbQuery = query;
  list.dataset.kbMs = String(Math.round((performance.now() - startedAt) * 10) / 10);
}

async function buildFilters() {
  const pf = await loadPagefind();
  const available = await pf.filters();
  let any = false;
  for (const facet of Object.keys(FACET_LABELS)) {
    const values = Object.keys(available[facet] || {}).sort();
    if (!values.length) continue;
    any = true;
    const id = `kb-search-filter-${facet}`;
    const wrap = document.createElement("div");
    wrap.className = "kb-search-filter";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = FACET_LABELS[facet];
    const select = document.createElement("select");
    select.id = id;
    select.dataset.facet = facet;
    const all = new Option("Any", "");
    select.append(all, ...values.map((v) => new Option(`${v} (${available[facet][v]})`, v)));
    select.addEventListener("change", () => {
      startedAt = performance.now();
      runSearch(input.value);
    });
    wrap.append(label, select);
    filterBox.append(wrap);
  }
  filterBox.hidden = !any;
}

function links() {
  return [...list.querySelectorAll(".kb-search-link")];
}

function onKey(event) {
  const all = links();
  const index = all.indexOf(document.activeElement);
  if (event.key === "ArrowDown") {
    const next = event.target === input ? all[0] : all[index + 1];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  } else if (event.key === "ArrowUp" && index >= 0) {
    event.preventDefault();
    (index === 0 ? input : all[index - 1]).focus();
  } else if (event.key === "Escape" && index >= 0) {
    event.preventDefault();
    input.focus();
  }
}

if (root && input && list) {
  input.addEventListener("input", () => {
    startedAt = performance.now();
    runSearch(input.value);
  });
  input.addEventListener("focus", () => loadPagefind(), { once: true });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    startedAt = performance.now();
    runSearch(input.value);
  });
  input.addEventListener("keydown", onKey);
  list.addEventListener("keydown", onKey);
  const initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  buildFilters().catch((err) => console.error("search filters:", err));
  if (initial.trim()) {
    startedAt = performance.now();
    runSearch(initial, { updateUrl: false });
  } else {
    input.focus();
  }
}
