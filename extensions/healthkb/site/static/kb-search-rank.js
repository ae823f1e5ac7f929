// Ranking for the search page: what a query asks for in the index's words, and the records
// (sections, FAQ items, cards, glossary entries) that answer it best.
//
// The index holds each stem's best records with its weighted count in each (title or
// question 7, page title and the titles of the sections it is in 2, text 1) and the record's
// BM25 length norm. A concept of the
// query (a word, or a phrase of the synonyms) counts in a record as its best alternative (a
// phrase as its weakest word; a synonym's match SYNONYM_WEIGHT of the reader's own word),
// and is scored as one BM25 term (Pagefind's parameters); a record's score is the sum over
// the concepts, times its share of them squared, doubled when it has all of them.
"use strict";

import { STOP_WORDS, checkable, concepts as conceptsOf, correction, words as wordsOf } from "./kb-search-query.js";

// A glossary entry explains a word; it answers a reader's question less often than a section,
// FAQ item or card that uses the word, so it ranks below them at an equal score.
const KIND_SCORE = { term: 0.25 };
// How much a synonym's match counts against a match of the reader's own word.
const SYNONYM_WEIGHT = 0.4;
// The most terms of a concept searched besides the reader's own words.
const MAX_SYNONYMS = 3;
// Pagefind's own BM25 parameters (term saturation, record length), as in answerindex.py.
const BM25_K1 = 1.4;
// How much a record's share of the query's concepts counts (score × share^power).
const COVERAGE_POWER = 2;

/** The words an alternative is searched as: its words that are not stop words, without the
 * common ones when it has rarer ones. */
function altWords(alt, index) {
  // Read as the index reads its text: "post-workout" is "post" and "workout".
  const all = wordsOf(alt).filter((w) => !STOP_WORDS.has(w) && w.length > 1);
  const rare = all.filter((w) => !index.isCommon(w));
  return rare.length ? rare : all;
}

/** The records a stem is found in, within the allowed pages (all when `allowed` is null). */
async function found(index, meta, stem, allowed) {
  const post = await index.postings(stem);
  if (!allowed) return post;
  const out = new Map();
  for (const [r, s] of post) if (allowed.has(index.pageOf(meta, r))) out.set(r, s);
  return out;
}

/** What the reader asks for: the query's concepts (synonyms matched), its misspelled words
 * corrected against the index's words, and the concepts that find nothing dropped. */
export async function understand(query, index, vocab, allowed) {
  const meta = await index.meta();
  const corrected = [];
  const tokens = await Promise.all(
    wordsOf(query).map(async (word) => {
      if (!checkable([word], vocab).length || (await index.stemOf(word))) return word;
      // The index's words, then the synonyms' (words the search understands).
      const fix = correction(word, [...(await index.dictionary(word[0])), ...vocab.known]);
      if (!fix) return word; // left out below: it matches nothing
      corrected.push([word, fix]);
      return fix;
    }),
  );
  const all = conceptsOf(tokens, vocab);
  const words = new Set(all.flatMap((c) => c.alts.flatMap((alt) => wordsOf(alt))));
  await Promise.all([...words].map((w) => index.stemOf(w)));
  const kept = [];
  const missing = [];
  for (const concept of all) {
    // An alternative is kept when the index holds each of its words and finds them in the
    // allowed pages: the reader's words and the first MAX_SYNONYMS terms of its concept.
    const alts = concept.alts
      .filter((alt) => {
        const ws = altWords(alt, index);
        return ws.length && ws.every((w) => index.cachedStem(w));
      })
      .slice(0, MAX_SYNONYMS + (concept.alts.includes(concept.label) ? 1 : 0));
    const hits = await Promise.all(
      alts.map(async (alt) => {
        const lists = await Promise.all(
          altWords(alt, index).map((w) => found(index, meta, index.cachedStem(w), allowed)),
        );
        return lists.every((l) => l.size > 0);
      }),
    );
    concept.alts = alts.filter((_, i) => hits[i]);
    if (concept.alts.length) kept.push(concept);
    else missing.push(concept.label);
  }
  return { tokens, concepts: kept, corrected, missing, all };
}

/** The records that answer the concepts, best first (safety first for a symptom), each
 * `{record, score, tf, kind, level}`. */
export async function rank(index, allConcepts, allowed) {
  const meta = await index.meta();
  // Concepts whose words are in most records ("foam", "roll") barely rank: left out when the
  // query has rarer ones.
  const isCommon = (c) =>
    c.alts.every((alt) => altWords(alt, index).every((w) => index.isCommon(w)));
  const rare = allConcepts.filter((c) => !isCommon(c));
  const concepts = rare.length ? rare : allConcepts;
  // Each concept's alternatives as lists of the records of their words.
  const alts = await Promise.all(
    concepts.map((c) =>
      Promise.all(
        c.alts.map(async (alt) => {
          const stems = altWords(alt, index).map((w) => index.cachedStem(w));
          return {
            weight: alt === c.label ? 1 : SYNONYM_WEIGHT,
            lists: await Promise.all(stems.map((s) => found(index, meta, s, allowed))),
            df: stems.length === 1 ? await index.df(stems[0]) : 0,
          };
        }),
      ),
    ),
  );
  const candidates = new Set();
  for (const concept of alts) for (const alt of concept) for (const l of alt.lists) for (const r of l.keys()) candidates.add(r);
  // A concept's weight in a record: its best alternative's (a phrase: its weakest word's).
  const rows = [];
  for (const record of candidates) {
    let norm = 1;
    const tf = alts.map((concept) =>
      Math.max(
        0,
        ...concept.map((alt) => {
          let least = Infinity;
          for (const l of alt.lists) {
            const p = l.get(record);
            if (!p) return 0;
            norm = p.norm;
            least = Math.min(least, p.tf);
          }
          return alt.weight * least;
        }),
      ),
    );
    rows.push({ record, tf, norm, kind: index.kindOf(meta, record) });
  }
  // A concept's rarity: in how many records it is (BM25's idf, glossary entries aside).
  const total = meta.scored || meta.records || 1;
  const idf = alts.map((concept, t) => {
    const seen = rows.filter((row) => row.kind !== "term" && row.tf[t] > 0).length;
    const df = Math.max(seen, ...concept.map((alt) => alt.df));
    return Math.log(1 + (total - df + 0.5) / (df + 0.5));
  });
  const answers = [];
  for (const { record, tf, norm, kind } of rows) {
    let sum = 0;
    let covered = 0;
    tf.forEach((f, t) => {
      if (f <= 0) return;
      covered += 1;
      sum += (idf[t] * f * (BM25_K1 + 1)) / (f + norm);
    });
    if (!covered) continue;
    const all = covered === concepts.length && covered > 1 ? 2 : 1;
    const score = (KIND_SCORE[kind] || 1) * sum * (covered / concepts.length) ** COVERAGE_POWER * all;
    answers.push({ record, score, tf, kind, level: index.levelOf(meta, record) });
  }
  answers.sort((a, b) => b.score - a.score || a.record - b.record);
  return safetyFirst(answers, concepts);
}

/** Safety first: for a query about a symptom, the safety cards that match the symptom come
 * first (for an urgent symptom, the urgent cards before them), in their ranked order. */
export function safetyFirst(answers, concepts) {
  const symptoms = concepts.map((c, t) => (/^(symptom|urgent)$/.test(c.kind) ? t : -1)).filter((t) => t >= 0);
  if (!symptoms.length) return answers;
  const urgent = symptoms.filter((t) => concepts[t].kind === "urgent");
  const matches = (a, ts) => a.kind === "safety" && ts.some((t) => a.tf[t] > 0);
  const first = new Set(answers.filter((a) => matches(a, urgent) && a.level === "urgent"));
  const next = new Set(answers.filter((a) => !first.has(a) && matches(a, symptoms)));
  return [...first, ...next, ...answers.filter((a) => !first.has(a) && !next.has(a))];
}
