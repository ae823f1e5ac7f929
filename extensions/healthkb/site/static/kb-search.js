// Search page of the knowledge base: queries the Pagefind index (one Pagefind page per site
// page, every section, FAQ item and safety card a heading with its id) and lists the
// answers, not the pages, as "Page › Section" links with a snippet that highlights the
// query's words.
//
// Natural questions: stop words are dropped, and every remaining word is also searched on
// its own, so a word that no answer contains does not empty the results. Two stages:
// Pagefind ranks the pages (the sum of the whole query's and each word's score), then the
// fragments of the best MAX_PAGES pages are loaded and every answer on them is scored
// from where each word is on the page (Pagefind's weighted_locations of the word's own
// search): BM25 over the answer with Pagefind's parameters, its title or question weighted
// 7 and its body 1, the page title counting 2 in each answer of the page, a word's rarity
// taken among the answers of those pages, and double for an answer that has every word.
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
// The heading element of each kind of record (HEADINGS in healthkb/search/pagefind.py).
const KINDS = { h1: "page", h2: "section", h3: "faq", h4: "safety" };
// Pages whose answers are scored (their fragments are loaded for every query).
const MAX_PAGES = 10;
// The weight of the page title in each answer of the page (the answer's own title has 7).
const PAGE_TITLE_WEIGHT = 2;
// Pagefind's own BM25 parameters (term saturation, page length).
const BM25_K1 = 1.4;
const BM25_B = 0.75;
const FACET_LABELS = { "body-part": "Body part", condition: "Condition", "use-case": "Use case" };
const MAX_RESULTS = 10;
// What the status says when nothing matches ({query}: the reader's words): the site's own
// words, kept at grade 6 or below (tests/test_plain_language.py reads it here).
const NO_RESULTS = "No answers for “{query}”. Try fewer or other words.";
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
    const json = (name) =>
      fetch(new URL(name, bundle))
        .then((r) => (r.ok ? r.json() : []))
        .catch(() => []);
    pagefindPromise = import(new URL("pagefind.js", bundle).href).then(async (pf) => {
      await pf.options({ excerptLength: SNIPPET_WORDS });
      // A large site is indexed in several bundles (kb-shards.json): merged into this one.
      const [shards, common] = await Promise.all([json("kb-shards.json"), json("kb-common-words.json")]);
      await Promise.all(shards.map((shard) => pf.mergeIndex(new URL(shard, bundle).href)));
      await pf.init();
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

/** A word without the punctuation around it, in lower case. */
function bare(word) {
  return word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

function selectedFilters() {
  const filters = {};
  if (!filterBox) return filters;
  for (const select of filterBox.querySelectorAll("select")) {
    if (select.value) filters[select.dataset.facet] = select.value;
  }
  return filters;
}

/** The answers (sections, FAQ items, cards) of one page, from its Pagefind fragment. */
function answersOf(fragment) {
  const words = String(fragment.content || "").split(/\s+/);
  const meta = fragment.meta || {};
  const anchors = (fragment.anchors || [])
    .filter((a) => KINDS[String(a.element).toLowerCase()] && a.id)
    .sort((a, b) => a.location - b.location);
  if (!anchors.length || anchors[0].location > 0) {
    // No introduction record: the page title heading has no id and links to the page.
    anchors.unshift({ element: "h1", id: "", text: meta.title || "", location: 0 });
  }
  const link = String(meta.link || fragment.url);
  return anchors.map((anchor, i) => {
    const kind = KINDS[String(anchor.element).toLowerCase()];
    const start = anchor.location;
    const titleEnd = start + String(anchor.text || "").split(/\s+/).filter(Boolean).length;
    const end = i + 1 < anchors.length ? anchors[i + 1].location : words.length;
    return {
      kind,
      page: meta.title || "",
      section: kind === "page" ? "" : String(anchor.text || "").trim(),
      link: kind === "page" || !anchor.id ? link : `${link}#${anchor.id}`,
      start,
      titleEnd,
      end,
      words,
      tf: [],
      hits: new Set(),
      score: 0,
    };
  });
}

/** A result's data() with its own weighted_locations. Pagefind keeps one fragment object per
 * page and every data() call of that page overwrites its weighted_locations, so the calls of a
 * page run one after the other and each copy is taken before the next call starts. */
const fragmentQueues = new Map();
function fragmentOf(result) {
  const previous = fragmentQueues.get(result.id) || Promise.resolve();
  const next = previous
    .then(() => result.data())
    .then((data) => ({
      content: data.content,
      anchors: data.anchors,
      meta: data.meta,
      url: data.url,
      weighted_locations: data.weighted_locations,
    }));
  fragmentQueues.set(result.id, next.catch(() => null));
  return next;
}

/** How much one located match counts: its weight times Pagefind's length bonus (1 for the
 * query's word, less for a longer word that only starts with it: "backfires" for "back").
 * Pagefind's balanced_score is (24 × weight)² × length bonus. */
function matchWeight(location) {
  const weight = location.weight || 0;
  return weight > 0 ? location.balanced_score / (576 * weight) : 0;
}

async function rank(pf, allTerms, filters) {
  // Words in most answers ("foam", "roll") barely rank and are costly to score: leave them
  // out when the query has rarer words.
  const rare = allTerms.filter((t) => !commonWords.has(t));
  const terms = rare.length ? rare : allTerms;
  const queries = [terms.join(" ")];
  if (terms.length > 1) queries.push(...terms);
  const searches = await Promise.all(queries.map((q) => pf.search(q, { filters })));
  // Stage 1: Pagefind ranks the pages.
  const pages = new Map();
  searches.forEach((search, i) => {
    if (!search) return;
    for (const result of search.results) {
      let page = pages.get(result.id);
      if (!page) {
        page = { id: result.id, score: 0, results: [] };
        pages.set(result.id, page);
      }
      page.score += result.score;
      page.results[i] = result;
    }
  });
  const ranked = [...pages.values()].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const top = ranked.slice(0, MAX_PAGES);
  // Stage 2: the answers of those pages, scored from where each word is (the search of
  // the word on its own; of the whole query when it has one word).
  const termSearch = (t) => (terms.length > 1 ? t + 1 : 0);
  const located = await Promise.all(
    top.map((page) =>
      Promise.all(
        terms.map((_, t) => {
          const result = page.results[termSearch(t)];
          return result ? fragmentOf(result).catch(() => null) : null;
        }),
      ),
    ),
  );
  const answers = [];
  located.forEach((datas, p) => {
    const fragment = datas.find(Boolean);
    if (!fragment) return;
    const own = answersOf(fragment);
    const intro = own[0];
    terms.forEach((_, t) => {
      for (const l of (datas[t] && datas[t].weighted_locations) || []) {
        const w = matchWeight(l);
        if (l.location < intro.titleEnd) {
          // The page title: its own weight in the introduction, a little in every answer.
          for (const answer of own) {
            const add = answer === intro ? w : (PAGE_TITLE_WEIGHT * w) / Math.max(l.weight, 1);
            answer.tf[t] = (answer.tf[t] || 0) + add;
            if (answer === intro) answer.hits.add(l.location);
          }
          continue;
        }
        let answer = intro;
        for (const a of own) if (a.start <= l.location) answer = a;
        answer.tf[t] = (answer.tf[t] || 0) + w;
        answer.hits.add(l.location);
      }
    });
    for (const answer of own) {
      answer.length = answer.end - answer.start + (answer === intro ? 0 : intro.titleEnd);
      answer.pageRank = p;
      answers.push(answer);
    }
  });
  const matching = answers.filter((a) => a.tf.some((tf) => tf > 0));
  const avg = answers.reduce((n, a) => n + a.length, 0) / Math.max(answers.length, 1);
  // A word's rarity among the answers of those pages (how well it tells them apart).
  const idf = terms.map((_, t) => {
    const df = answers.filter((a) => (a.tf[t] || 0) > 0).length;
    return Math.log(1 + (answers.length - df + 0.5) / (df + 0.5));
  });
  for (const answer of matching) {
    const norm = BM25_K1 * (1 - BM25_B + (BM25_B * answer.length) / Math.max(avg, 1));
    let score = 0;
    let every = true;
    terms.forEach((_, t) => {
      const tf = answer.tf[t] || 0;
      if (tf <= 0) every = false;
      score += (idf[t] * tf * (BM25_K1 + 1)) / (tf + norm);
    });
    answer.score = every && terms.length > 1 ? 2 * score : score;
  }
  matching.sort((a, b) => b.score - a.score || a.pageRank - b.pageRank || a.start - b.start);
  return { answers: matching, pages: ranked.length, scored: top.length };
}

/** The answer's text (after its title) with the query's words marked: the words Pagefind
 * located, and words that share a crude stem with a query word (also a common word). */
function snippet(answer, terms) {
  const words = answer.words.slice(answer.titleEnd, answer.end);
  const stems = terms.map(stem).filter((s) => s.length >= 2);
  // The stem each marked word stands for (null: not marked).
  const hit = words.map((w, i) => {
    const b = bare(w);
    const s = stems.find((s) => b.startsWith(s) || stem(b) === s);
    if (s) return s;
    return answer.hits.has(answer.titleEnd + i) ? stem(b) : null;
  });
  // The window with the most distinct terms, then the most hits.
  let best = 0;
  let bestScore = -1;
  for (let start = 0; start < Math.max(1, words.length - SNIPPET_WORDS + 1); start += 1) {
    const window = hit.slice(start, start + SNIPPET_WORDS).filter((h) => h !== null);
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
    if (hit[i] !== null) {
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

function resultItem(answer, terms) {
  const kind = answer.kind;
  const li = document.createElement("li");
  li.className = "kb-search-result";
  li.dataset.kind = kind;
  const link = document.createElement("a");
  link.className = "kb-search-link";
  link.href = new URL(answer.link.replace(/^\/+/, ""), siteRoot).href;
  const page = document.createElement("span");
  page.className = "kb-search-page";
  page.textContent = answer.page;
  link.append(page);
  if (kind !== "page" && answer.section) {
    const sep = document.createElement("span");
    sep.className = "kb-search-sep";
    sep.setAttribute("aria-hidden", "true");
    sep.textContent = " › ";
    const hidden = document.createElement("span");
    hidden.className = "kb-visually-hidden";
    hidden.textContent = ": ";
    const section = document.createElement("span");
    section.className = "kb-search-section";
    section.textContent = answer.section;
    link.append(sep, hidden, section);
  }
  const badge = document.createElement("span");
  badge.className = "kb-search-kind";
  badge.textContent = KIND_LABELS[kind] || kind;
  const head = document.createElement("div");
  head.className = "kb-search-head";
  head.append(link, " ", badge);
  li.append(head, snippet(answer, terms));
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
  const { answers, pages, scored } = await rank(pf, terms, selectedFilters());
  if (mine !== sequence) return; // a newer query is on its way
  const items = answers.slice(0, MAX_RESULTS).map((answer) => resultItem(answer, terms));
  list.replaceChildren(...items);
  const shown = items.length;
  const q = query.trim();
  let text = NO_RESULTS.replace("{query}", q);
  if (shown && pages > scored) {
    text = `Best ${shown} answers for “${q}”, from ${pages} matching pages`;
  } else if (shown) {
    const more = answers.length > shown ? ` (best ${shown} shown)` : "";
    text = `${answers.length} ${answers.length === 1 ? "answer" : "answers"} for “${q}”${more}`;
  }
  announce(text);
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
