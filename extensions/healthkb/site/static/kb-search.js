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

import {
  STOP_WORDS,
  checkable,
  concepts as conceptsOf,
  correction,
  stem,
  lexicon as lexiconOf,
  symptomLike,
  vocabulary,
  words as wordsOf,
} from "./kb-search-query.js";

const KIND_LABELS = {
  faq: "FAQ",
  safety: "Safety",
  section: "Section",
  page: "Page",
  term: "Glossary",
};
// The heading element of each kind of record (HEADINGS in healthkb/search/documents.py); a
// glossary entry is an h2 whose id starts "term-" (Sphinx's glossary ids).
const KINDS = { h1: "page", h2: "section", h3: "faq", h4: "safety", h5: "safety", h6: "safety" };
// A safety card's level by its heading (CARD_HEADINGS in healthkb/search/documents.py).
const LEVELS = { h4: "caution", h5: "professional", h6: "urgent" };
const TERM_ID = /^term-/;
// A glossary entry explains a word; it answers a reader's question less often than a section,
// FAQ item or card that uses the word, so it ranks below them at an equal score.
const KIND_SCORE = { term: 0.5 };
// Pages whose answers are scored (their fragments are loaded for every query).
const MAX_PAGES = 10;
// The weight of the page title in each answer of the page (the answer's own title has 7).
const PAGE_TITLE_WEIGHT = 2;
// Pagefind's own BM25 parameters (term saturation, page length).
const BM25_K1 = 1.4;
const BM25_B = 0.75;
const FACET_LABELS = { "body-part": "Body part", condition: "Condition", "use-case": "Use case" };
const MAX_RESULTS = 10;
// How much a synonym's match counts against a match of the reader's own word.
const SYNONYM_WEIGHT = 0.4;
// The most terms of a concept searched besides the reader's own words.
const MAX_SYNONYMS = 3;
// How much an answer's share of the query's concepts counts (score × share^power).
const COVERAGE_POWER = 2;
// The notice above the results when the query was changed, and the help when nothing matched.
const NOTICE_FOR = (shown) => `Showing results for “${shown}”`;
const NOTICE_WITHOUT = (left) => ` without ${left.map((w) => `“${w}”`).join(", ")}`;
const HELP_SYMPTOM = "If you have symptoms, read when to see a health professional:";
const HELP_BROWSE = "Or find your answer by topic or in the questions and answers:";
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
let wordsPromise = null;
let commonWords = new Set();
let vocab = vocabulary(null);
let sequence = 0;
let startedAt = 0;

function loadPagefind() {
  if (!pagefindPromise) {
    const json = (name) =>
      fetch(new URL(name, bundle))
        .then((r) => (r.ok ? r.json() : []))
        .catch(() => []);
    loadWords();
    pagefindPromise = import(new URL("pagefind.js", bundle).href).then(async (pf) => {
      await pf.options({ excerptLength: SNIPPET_WORDS });
      // A large site is indexed in several bundles (kb-shards.json): merged into this one.
      const [shards, common, query] = await Promise.all([
        json("kb-shards.json"),
        json("kb-common-words.json"),
        json("kb-query.json"),
      ]);
      await Promise.all(shards.map((shard) => pf.mergeIndex(new URL(shard, bundle).href)));
      await pf.init();
      commonWords = new Set(common);
      vocab = vocabulary(query);
      return pf;
    });
  }
  return pagefindPromise;
}

/** The index's words, most frequent first, as a lexicon (loaded beside the index). */
function loadWords() {
  if (!wordsPromise) {
    wordsPromise = fetch(new URL("kb-words.json", bundle))
      .then((r) => (r.ok ? r.json() : []))
      .catch(() => [])
      .then(lexiconOf);
  }
  return wordsPromise;
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
    const element = String(anchor.element).toLowerCase();
    const kind = element === "h2" && TERM_ID.test(anchor.id || "") ? "term" : KINDS[element];
    const start = anchor.location;
    const titleEnd = start + String(anchor.text || "").split(/\s+/).filter(Boolean).length;
    const end = i + 1 < anchors.length ? anchors[i + 1].location : words.length;
    return {
      kind,
      level: LEVELS[String(anchor.element).toLowerCase()] || "",
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

/** The words a concept's alternative is searched as (a phrase's words that are not stop
 * words; its common words too only when it has nothing rarer). */
function altWords(alt) {
  const all = alt.split(" ").filter((w) => !STOP_WORDS.has(w) && w.length > 1);
  const rare = all.filter((w) => !commonWords.has(w));
  return rare.length ? rare : all;
}

/** What the reader asks for: the query's concepts (synonyms matched), its misspelled words
 * corrected against the index's words, and the concepts that find nothing dropped (each word
 * is searched once; `search` keeps the searches for the ranking). */
async function understand(query, search) {
  const lexicon = await loadWords();
  const corrected = [];
  const tokens = wordsOf(query).map((word) => {
    if (!checkable([word], vocab).length || lexicon.knows(word)) return word;
    // The index's words, then the synonyms' (words the search understands).
    const fix = correction(word, [...lexicon.words, ...vocab.known]);
    if (!fix) return word; // left out below: it matches nothing
    corrected.push([word, fix]);
    return fix;
  });
  const all = conceptsOf(tokens, vocab);
  // An alternative is kept when the index holds each of its words (a word the index does not
  // hold would only find words that start like it).
  const found = await Promise.all(
    all.map(async (concept) => {
      // The reader's words and the first MAX_SYNONYMS terms of its concept: each word
      // searched costs a look-up in every bundle of a large site.
      concept.alts = concept.alts
        .filter((alt) => {
          const ws = altWords(alt);
          return ws.length && ws.every((w) => lexicon.knows(w) || /\d/.test(w));
        })
        .slice(0, MAX_SYNONYMS + (concept.alts.includes(concept.label) ? 1 : 0));
      const hits = await Promise.all(
        concept.alts.map(async (alt) => {
          const results = await Promise.all(altWords(alt).map((w) => search(w)));
          return results.every((r) => r.results.length > 0);
        }),
      );
      concept.alts = concept.alts.filter((_, i) => hits[i]);
      return concept.alts.length > 0;
    }),
  );
  const kept = all.filter((_, i) => found[i]);
  const missing = all.filter((_, i) => !found[i]).map((c) => c.label);
  return { tokens, concepts: kept, corrected, missing, all };
}

/** Rank the answers for the query's concepts: Pagefind ranks the pages (each concept's best
 * alternative), then the answers of the best pages are scored from where each word is. */
async function rank(search, allConcepts) {
  // Concepts whose words are in most answers ("foam", "roll") barely rank and are costly to
  // score: left out when the query has rarer ones.
  const isCommon = (c) => c.alts.every((alt) => altWords(alt).every((w) => commonWords.has(w)));
  const rare = allConcepts.filter((c) => !isCommon(c));
  const concepts = rare.length ? rare : allConcepts;
  const words = [...new Set(concepts.flatMap((c) => c.alts.flatMap(altWords)))];
  const searches = new Map(await Promise.all(words.map(async (w) => [w, await search(w)])));
  // Stage 1: Pagefind ranks the pages: the sum over the concepts of their best alternative
  // (a phrase scores as its weakest word), times the share of the concepts the page has.
  const pages = new Map();
  for (const [word, result] of searches) {
    for (const r of result.results) {
      let page = pages.get(r.id);
      if (!page) {
        page = { id: r.id, byWord: new Map() };
        pages.set(r.id, page);
      }
      page.byWord.set(word, r);
    }
  }
  const altScore = (page, alt) => {
    const ws = altWords(alt);
    return Math.min(...ws.map((w) => (page.byWord.get(w) || { score: 0 }).score));
  };
  for (const page of pages.values()) {
    let score = 0;
    let covered = 0;
    for (const c of concepts) {
      const best = Math.max(
        0,
        ...c.alts.map((alt) => (alt === c.label ? 1 : SYNONYM_WEIGHT) * altScore(page, alt)),
      );
      if (best > 0) covered += 1;
      score += best;
    }
    page.score = score * (covered / concepts.length) ** 2;
  }
  const ranked = [...pages.values()].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const top = ranked.slice(0, MAX_PAGES);
  // Stage 2: the answers of those pages, scored from where each word is.
  const located = await Promise.all(
    top.map(async (page) => {
      const datas = new Map();
      await Promise.all(
        [...page.byWord].map(async ([w, r]) => datas.set(w, await fragmentOf(r).catch(() => null))),
      );
      return datas;
    }),
  );
  const answers = [];
  located.forEach((datas, p) => {
    const fragment = [...datas.values()].find(Boolean);
    if (!fragment) return;
    const own = answersOf(fragment);
    const intro = own[0];
    for (const a of own) a.wordTf = new Map();
    for (const [word, data] of datas) {
      for (const l of (data && data.weighted_locations) || []) {
        const w = matchWeight(l);
        const add = (answer, value, hit) => {
          answer.wordTf.set(word, (answer.wordTf.get(word) || 0) + value);
          if (hit) answer.hits.add(l.location);
        };
        if (l.location < intro.titleEnd) {
          // The page title: its own weight in the introduction, a little in every answer.
          for (const answer of own) {
            if (answer === intro) add(answer, w, true);
            else add(answer, (PAGE_TITLE_WEIGHT * w) / Math.max(l.weight, 1), false);
          }
          continue;
        }
        let answer = intro;
        for (const a of own) if (a.start <= l.location) answer = a;
        add(answer, w, true);
      }
    }
    for (const answer of own) {
      // A concept's weight in the answer: its best alternative (a phrase: its weakest word).
      // The reader's own words count fully, a synonym's SYNONYM_WEIGHT.
      answer.tf = concepts.map((c) =>
        Math.max(
          0,
          ...c.alts.map(
            (alt) =>
              (alt === c.label ? 1 : SYNONYM_WEIGHT) *
              Math.min(...altWords(alt).map((w) => answer.wordTf.get(w) || 0)),
          ),
        ),
      );
      answer.length = answer.end - answer.start + (answer === intro ? 0 : intro.titleEnd);
      answer.pageRank = p;
      answers.push(answer);
    }
  });
  const matching = answers.filter((a) => a.tf.some((tf) => tf > 0));
  // The statistics come from the pages' answers without the glossary's short entries, so
  // adding a definition never changes how the articles' answers rank among themselves.
  const others = answers.filter((a) => a.kind !== "term");
  const pool = others.length ? others : answers;
  const avg = pool.reduce((n, a) => n + a.length, 0) / Math.max(pool.length, 1);
  // A concept's rarity among the answers of those pages (how well it tells them apart).
  const idf = concepts.map((_, t) => {
    const df = pool.filter((a) => a.tf[t] > 0).length;
    return Math.log(1 + (pool.length - df + 0.5) / (df + 0.5));
  });
  for (const answer of matching) {
    const norm = BM25_K1 * (1 - BM25_B + (BM25_B * answer.length) / Math.max(avg, 1));
    let score = 0;
    let covered = 0;
    concepts.forEach((_, t) => {
      const tf = answer.tf[t];
      if (tf > 0) covered += 1;
      score += (idf[t] * tf * (BM25_K1 + 1)) / (tf + norm);
    });
    // Coverage: an answer with more of the query's concepts ranks above one with fewer.
    answer.covered = covered;
    const all = covered === concepts.length && covered > 1 ? 2 : 1;
    answer.score =
      (KIND_SCORE[answer.kind] || 1) * score * (covered / concepts.length) ** COVERAGE_POWER * all;
  }
  matching.sort((a, b) => b.score - a.score || a.pageRank - b.pageRank || a.start - b.start);
  return { answers: safetyFirst(matching, concepts), pages: ranked.length, scored: top.length };
}

/** Safety first: for a query about a symptom, the safety cards that match the symptom come
 * first (for an urgent symptom, the urgent cards before them), in their ranked order. */
function safetyFirst(answers, concepts) {
  const symptoms = concepts.map((c, t) => (/^(symptom|urgent)$/.test(c.kind) ? t : -1)).filter((t) => t >= 0);
  if (!symptoms.length) return answers;
  const urgent = symptoms.filter((t) => concepts[t].kind === "urgent");
  const matches = (a, ts) => a.kind === "safety" && ts.some((t) => a.tf[t] > 0);
  const first = answers.filter((a) => matches(a, urgent) && a.level === "urgent");
  const next = answers.filter((a) => !first.includes(a) && matches(a, symptoms));
  return [...first, ...next, ...answers.filter((a) => !first.includes(a) && !next.includes(a))];
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

/** The results count in the live region; a notice shown above the results is read out with
 * it (visually hidden there: it is on the page once). */
function announce(text, notice = "") {
  if (!notice) {
    statusEl.textContent = text;
    return;
  }
  const hidden = document.createElement("span");
  hidden.className = "kb-visually-hidden";
  hidden.textContent = `${notice}. `;
  statusEl.replaceChildren(hidden, text);
}

/** The notice above the results when the search changed the query: a word corrected, or
 * words that match nothing left out. */
function noticeText(understood) {
  const { tokens, corrected, missing } = understood;
  if (!corrected.length && !missing.length) return "";
  const left = new Set(missing.flatMap((m) => m.split(" ")));
  const shown = tokens.filter((w) => !STOP_WORDS.has(w) && !left.has(w)).join(" ");
  const without = missing.length ? NOTICE_WITHOUT(missing) : "";
  return shown ? NOTICE_FOR(shown) + without : "";
}

function setNotice(text) {
  let notice = root.querySelector(".kb-search-notice");
  if (!text) {
    if (notice) notice.remove();
    return;
  }
  if (!notice) {
    notice = document.createElement("p");
    notice.className = "kb-search-notice";
    list.before(notice);
  }
  notice.textContent = text;
}

/** Somewhere to go when nothing matched: for a symptom-like query the card that says when to
 * see a professional first, then the topics and the questions and answers. */
function setHelp(understood) {
  const old = root.querySelector(".kb-search-help");
  if (old) old.remove();
  if (!understood) return;
  const help = vocab.help || {};
  const link = (page) => {
    const a = document.createElement("a");
    a.href = new URL(String(page.link).replace(/^\/+/, ""), siteRoot).href;
    a.textContent = page.title;
    return a;
  };
  const box = document.createElement("div");
  box.className = "kb-search-help";
  if (help.symptom_card && symptomLike(understood.tokens, understood.all)) {
    const p = document.createElement("p");
    p.className = "kb-search-help-symptom";
    p.append(HELP_SYMPTOM, " ", link(help.symptom_card));
    box.append(p);
  }
  const pages = [help.topics, help.faq].filter(Boolean);
  if (pages.length) {
    const p = document.createElement("p");
    p.textContent = HELP_BROWSE;
    const ul = document.createElement("ul");
    ul.append(...pages.map((page) => {
      const li = document.createElement("li");
      li.append(link(page));
      return li;
    }));
    box.append(p, ul);
  }
  if (box.childElementCount) list.after(box);
}

async function runSearch(query, { updateUrl = true } = {}) {
  const mine = ++sequence;
  if (updateUrl) {
    const url = new URL(location.href);
    if (query.trim()) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  }
  if (!wordsOf(query).length) {
    list.replaceChildren();
    setNotice("");
    setHelp(null);
    announce("");
    list.dataset.kbQuery = query;
    return;
  }
  const pf = await loadPagefind();
  const filters = selectedFilters();
  // Each word is searched once per query (to correct, to relax, to rank).
  const cache = new Map();
  const search = (word) => {
    if (!cache.has(word)) {
      cache.set(word, pf.search(word, { filters }).then((r) => r || { results: [] }));
    }
    return cache.get(word);
  };
  const understood = await understand(query, search);
  const { answers, pages, scored } = understood.concepts.length
    ? await rank(search, understood.concepts)
    : { answers: [], pages: 0, scored: 0 };
  if (mine !== sequence) return; // a newer query is on its way
  const marked = understood.concepts.flatMap((c) => c.alts.flatMap((alt) => alt.split(" ")));
  const items = answers.slice(0, MAX_RESULTS).map((answer) => resultItem(answer, marked));
  list.replaceChildren(...items);
  const shown = items.length;
  const notice = shown ? noticeText(understood) : "";
  setNotice(notice);
  setHelp(shown ? null : understood);
  const q = query.trim();
  let text = NO_RESULTS.replace("{query}", q);
  if (shown && pages > scored) {
    text = `Best ${shown} answers for “${q}”, from ${pages} matching pages`;
  } else if (shown) {
    const more = answers.length > shown ? ` (best ${shown} shown)` : "";
    text = `${answers.length} ${answers.length === 1 ? "answer" : "answers"} for “${q}”${more}`;
  }
  announce(text, notice);
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
