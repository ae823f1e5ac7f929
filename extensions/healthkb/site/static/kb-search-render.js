// Rendering for the search page: a result ("Page › Section", its kind, a snippet with the
// query's words marked), the notice above changed results, the help when nothing matched,
// and the live region.
"use strict";

import { STOP_WORDS, stem, symptomLike } from "./kb-search-query.js";

const KIND_LABELS = {
  faq: "FAQ",
  safety: "Safety",
  section: "Section",
  page: "Page",
  term: "Glossary",
};
const SNIPPET_WORDS = 28;
// The notice above the results when the query was changed.
const NOTICE_FOR = (shown) => `Showing results for “${shown}”`;
const NOTICE_WITHOUT = (left) => ` without ${left.map((w) => `“${w}”`).join(", ")}`;

// What may follow a query word's crude stem in a marked word ("numb" marks "numbness", not
// "number").
const ENDING = /^(?:e|s|es|ed|d|ing|ings|ness|ly|y|ies|ied)?$/;

/** A word without the punctuation around it, in lower case. */
function bare(word) {
  return word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

/** The answer's text with the query's words marked: words that share a crude stem with a
 * query word, or that the index holds under one of the query's stems (`stemOf`, cached). */
function snippet(answer, terms, stems, stemOf) {
  const words = String(answer.text || "").split(/\s+/).filter(Boolean);
  const crude = terms.map(stem).filter((s) => s.length >= 2);
  const hit = words.map((w) => {
    const b = bare(w);
    const s = crude.find(
      (s) => stem(b) === s || (b.startsWith(s) && ENDING.test(b.slice(s.length))),
    );
    if (s) return s;
    const own = stemOf(b);
    return own && stems.has(own) ? own : null;
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
      // Only the word is marked, not the punctuation around it ("numb," marks "numb").
      const [, before, core, after] = words[i].match(/^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u);
      const mark = document.createElement("mark");
      mark.textContent = core || words[i];
      p.append(before, mark, core ? after : "");
    } else {
      p.append(words[i]);
    }
    if (i < end - 1) p.append(" ");
  }
  if (end < words.length || answer.truncated) p.append(" …");
  return p;
}

/** One result: the link "Page › Section" to the record's anchor, its kind, its snippet. */
export function resultItem(answer, siteRoot, terms, stems, stemOf) {
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
  li.append(head, snippet(answer, terms, stems, stemOf));
  return li;
}

/** The results count in the live region; a notice shown above the results is read out with
 * it (visually hidden there: it is on the page once). */
export function announce(statusEl, text, notice = "") {
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
export function noticeText(understood) {
  const { tokens, corrected, missing } = understood;
  if (!corrected.length && !missing.length) return "";
  const left = new Set(missing.flatMap((m) => m.split(" ")));
  const shown = tokens.filter((w) => !STOP_WORDS.has(w) && !left.has(w)).join(" ");
  const without = missing.length ? NOTICE_WITHOUT(missing) : "";
  return shown ? NOTICE_FOR(shown) + without : "";
}

export function setNotice(root, list, text) {
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
 * see a professional first, then the topics and the questions and answers (`words`: the
 * lines that introduce them, `symptom` and `browse`). */
export function setHelp(root, list, siteRoot, help, understood, words = {}) {
  const old = root.querySelector(".kb-search-help");
  if (old) old.remove();
  if (!understood) return;
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
    p.append(words.symptom || "", " ", link(help.symptom_card));
    box.append(p);
  }
  const pages = [help.topics, help.faq].filter(Boolean);
  if (pages.length) {
    const p = document.createElement("p");
    p.textContent = words.browse || "";
    const ul = document.createElement("ul");
    ul.append(
      ...pages.map((page) => {
        const li = document.createElement("li");
        li.append(link(page));
        return li;
      }),
    );
    box.append(p, ul);
  }
  if (box.childElementCount) list.after(box);
}
