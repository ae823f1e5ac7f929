// Query understanding for the search page (kb-search.js): what a reader's question asks for.
//
// - Stop words and question words ("which", "should", "can i", "how do i") are dropped:
//   they never decide the ranking.
// - Synonyms (conf/search-synonyms.toml, published as kb-index/query.json): a word or
//   phrase of a concept ("bulging disc", "squishy", "lower back") becomes that concept,
//   searched as any of its terms ("disc herniation", "soft", "lumbar").
// - Typos: a word the index does not hold is corrected to the most frequent word of the
//   index (kb-index/dict/<letter>.json, made at build time) one or two edits away.
// Pure functions: no DOM, no index.
"use strict";

export const STOP_WORDS = new Set(
  (
    "a about after again all am an and any are as at be been before being both but by can " +
    "could did do does doing down during each few for from further had has have having he her " +
    "here hers him his how i if in into is it its itself just me more most my myself no nor " +
    "not now of off on once only or other our ours out over own same she should so some such " +
    "than that the their theirs them then there these they this those through to too under " +
    "until up very was we were what when where which while who whom why will with would you " +
    "your yours yourself ok okay really actually " +
    // Question words and fillers of readers' questions.
    "im ive id dont cant wont isnt doesnt shouldnt anyone anything something someone thing " +
    "things bit lot much many also please thanks normal ever kind sort vs versus till goes " +
    "going gone got every use using"
  ).split(" "),
);
// Words that make a query symptom-like (besides the symptom concepts of the synonyms): a
// search with no result then offers the card that says when to see a professional.
const SYMPTOM_HINTS = new Set(
  "pain painful hurt hurts hurting ache aches aching sore tingle tingles numb burning swelling swollen weak injury injured".split(
    " ",
  ),
);

/** The words of a query, in lower case, in order (a final "'s" dropped, a curly apostrophe
 * read as a straight one: "don’ts" is "don'ts"). words() in healthkb/search/answerindex.py
 * reads the records the same way. */
export function words(query) {
  return (query.toLowerCase().replace(/’/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) || []).map((w) =>
    w.replace(/'s$/, "").replace(/^(\p{L}+)'(t|m|ve|d|ll|re)$/u, "$1$2"),
  );
}

/** The synonyms of kb-query.json as a lookup: every term and reader phrase -> its concept. */
export function vocabulary(data) {
  const phrases = new Map();
  const known = new Set();
  let longest = 1;
  for (const group of (data && data.synonyms) || []) {
    const concept = { name: group.concept, terms: group.terms, kind: group.kind || "" };
    for (const phrase of [...group.terms, ...(group.reader || [])]) {
      if (!phrases.has(phrase)) phrases.set(phrase, concept);
      const parts = phrase.split(" ");
      longest = Math.max(longest, parts.length);
      parts.forEach((w) => known.add(w));
    }
  }
  return { phrases, known, longest, help: (data && data.help) || {} };
}

/** The concepts a query asks for: each a label (the reader's words), the alternatives it is
 * searched as (words or phrases), and its kind ("symptom", "urgent", ...). Phrases of the
 * synonyms are matched first (longest first), then the remaining words that are not stop
 * words; a query of stop words only keeps all its words. */
export function concepts(tokens, vocab) {
  const out = [];
  const byName = new Map();
  let i = 0;
  while (i < tokens.length) {
    let matched = null;
    for (let n = Math.min(vocab.longest, tokens.length - i); n >= 1 && !matched; n -= 1) {
      const phrase = tokens.slice(i, i + n).join(" ");
      const concept = vocab.phrases.get(phrase);
      if (concept && (n > 1 || !STOP_WORDS.has(phrase))) matched = { phrase, n, concept };
    }
    if (matched) {
      const { phrase, n, concept } = matched;
      const seen = byName.get(concept.name);
      if (seen) {
        seen.label += ` ${phrase}`;
      } else {
        const alts = [phrase, ...concept.terms.filter((t) => t !== phrase)];
        const entry = { label: phrase, alts, kind: concept.kind, synonym: true };
        byName.set(concept.name, entry);
        out.push(entry);
      }
      i += n;
      continue;
    }
    const word = tokens[i];
    if (!STOP_WORDS.has(word) && word.length > 1 && !out.some((c) => c.label === word)) {
      out.push({ label: word, alts: [word], kind: "", synonym: false });
    }
    i += 1;
  }
  if (!out.length) {
    for (const word of new Set(tokens)) out.push({ label: word, alts: [word], kind: "", synonym: false });
  }
  return out;
}

/** The words a query would be corrected for: not stop words, not words of the synonyms. */
export function checkable(tokens, vocab) {
  return [...new Set(tokens)].filter(
    (w) => w.length >= 3 && !STOP_WORDS.has(w) && !vocab.known.has(w) && !/\d/.test(w),
  );
}

/** Edit distance with adjacent transpositions ("bakc" -> "back" is one), or max + 1 when
 * it is more than max. */
export function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2 = null;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/** The index's word closest to a misspelled one: the same first letter (readers rarely
 * miss it), the fewest edits (one for a word of up to eight letters, two for a longer one:
 * "cheapest" is not "clearest"), then the most records; null when none is that close. */
export function correction(word, dictionary) {
  const max = word.length <= 8 ? 1 : 2;
  let best = null;
  let bestDistance = max + 1;
  for (const candidate of dictionary) {
    if (candidate === word) return null;
    if (candidate[0] !== word[0]) continue;
    const d = distance(word, candidate, Math.min(max, bestDistance));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= max ? best : null;
}

/** A crude English stem: to highlight words in snippets, and to know a word's other endings. */
export function stem(word) {
  let w = word.toLowerCase();
  for (const suffix of ["ing", "ness", "edly", "ed", "ies", "es", "ly", "s"]) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w.replace(/(.)\1$/, "$1");
}

/** Whether a query reads as a question about symptoms (for the "no results" help). */
export function symptomLike(tokens, found) {
  return tokens.some((w) => SYMPTOM_HINTS.has(w)) || found.some((c) => /symptom|urgent/.test(c.kind));
}
