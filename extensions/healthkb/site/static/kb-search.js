// Search page of the knowledge base: lists the answers (sections, FAQ items, safety cards,
// glossary entries), not the pages, as "Page › Section" links with a snippet that
// highlights the query's words. The modules, one job each:
//
// - kb-search-query.js: what a reader's words ask for (stop words, synonyms, typos);
// - kb-search-index.js: loading the answer index (kb-index/), only the shards a query needs;
// - kb-search-rank.js: the query's concepts in the index's words, and the best records;
// - kb-search-render.js: results, snippets, the notice, the help, the live region.
//
// This module wires them to the page: the box, the filters, the keyboard, the URL (?q=).
"use strict";

import { vocabulary, words as wordsOf } from "./kb-search-query.js";
import { openIndex } from "./kb-search-index.js";
import { rank, understand } from "./kb-search-rank.js";
import { announce, noticeText, resultItem, setHelp, setNotice } from "./kb-search-render.js";

const FACET_LABELS = { "body-part": "Body part", condition: "Condition", "use-case": "Use case" };
const MAX_RESULTS = 10;
// What the status says when nothing matches ({query}: the reader's words): the site's own
// words, kept at grade 6 or below (tests/test_plain_language.py reads it here).
const NO_RESULTS = "No answers for “{query}”. Try fewer or other words.";
// The help when nothing matched (tests/test_plain_language.py reads them here too).
const HELP_SYMPTOM = "If you have symptoms, read when to see a health professional:";
const HELP_BROWSE = "Or find your answer by topic or in the questions and answers:";

const root = document.querySelector(".kb-search");
const form = root && root.querySelector(".kb-search-form");
const input = root && root.querySelector("#kb-search-input");
const statusEl = root && root.querySelector("#kb-search-status");
const list = root && root.querySelector("#kb-search-results");
const filterBox = root && root.querySelector(".kb-search-filters");
const siteRoot = root && new URL(root.dataset.kbSearchRoot || "./", location.href);
const index = root && openIndex(new URL(root.dataset.kbSearchIndex || "kb-index/", location.href));

let vocabPromise = null;
let sequence = 0;
let startedAt = 0;

/** The index's first file and the synonyms (once per visit). */
function loadIndex() {
  if (!vocabPromise) {
    vocabPromise = Promise.all([index.meta(), index.query()]).then(([, query]) => vocabulary(query));
  }
  return vocabPromise;
}

/** The pages the chosen filters allow (null: no filter chosen). */
async function allowedPages() {
  const chosen = [];
  if (filterBox) {
    for (const select of filterBox.querySelectorAll("select")) {
      if (select.value) chosen.push([select.dataset.facet, select.value]);
    }
  }
  if (!chosen.length) return null;
  const filters = await index.filters();
  let allowed = null;
  for (const [facet, value] of chosen) {
    const pages = new Set(((filters[facet] || {})[value]) || []);
    allowed = allowed ? new Set([...allowed].filter((p) => pages.has(p))) : pages;
  }
  return allowed;
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
    setNotice(root, list, "");
    setHelp(root, list, siteRoot, {}, null);
    announce(statusEl, "");
    list.dataset.kbQuery = query;
    return;
  }
  const vocab = await loadIndex();
  const allowed = await allowedPages();
  const understood = await understand(query, index, vocab, allowed);
  const answers = understood.concepts.length ? await rank(index, understood.concepts, allowed) : [];
  const best = (await Promise.all(answers.slice(0, MAX_RESULTS).map((a) => index.display(a.record)))).filter(Boolean);
  if (mine !== sequence) return; // a newer query is on its way
  const marked = understood.concepts.flatMap((c) => c.alts.flatMap((alt) => wordsOf(alt)));
  const stems = new Set(marked.map((w) => index.cachedStem(w)).filter(Boolean));
  const items = best.map((answer) => resultItem(answer, siteRoot, marked, stems, index.cachedStem));
  list.replaceChildren(...items);
  const shown = items.length;
  const notice = shown ? noticeText(understood) : "";
  setNotice(root, list, notice);
  setHelp(root, list, siteRoot, vocab.help || {}, shown ? null : understood, {
    symptom: HELP_SYMPTOM,
    browse: HELP_BROWSE,
  });
  const q = query.trim();
  let text = NO_RESULTS.replace("{query}", q);
  if (shown) {
    const more = answers.length > shown ? ` (best ${shown} shown)` : "";
    text = `${answers.length} ${answers.length === 1 ? "answer" : "answers"} for “${q}”${more}`;
  }
  announce(statusEl, text, notice);
  list.dataset.kbQuery = query;
  list.dataset.kbMs = String(Math.round((performance.now() - startedAt) * 10) / 10);
}

async function buildFilters() {
  const available = (await index.meta()).facets || {};
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
  input.addEventListener("focus", () => loadIndex(), { once: true });
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
