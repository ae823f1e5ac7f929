// Loading the answer index (kb-index/, written by healthkb/search/answerindex.py): only the
// files a query needs, each once per visit.
//
// - meta.json: the records' pages and kinds, the common words, the facets (first search);
// - w/<xy>.json: the words starting with those two letters with their stems, and the stems'
//   postings (their best records with the stem's BM25 score);
// - d/<n>.json: what a result shows, for a run of records (only for the results shown);
// - dict/<c>.json: the words starting with c, most frequent first (only to correct a word
//   the index does not hold);
// - filters.json: each facet value's pages (only once a filter is chosen);
// - query.json: the synonyms and the "no results" help.
"use strict";

// A record's kind from its letter in meta.kinds, and a card's level.
const KIND_OF = { p: "page", s: "section", f: "faq", t: "term", c: "safety", r: "safety", u: "safety" };
const LEVEL_OF = { c: "caution", r: "professional", u: "urgent" };
const ENDINGS = ["ing", "ness", "edly", "ed", "ies", "es", "ly", "s"];

/** A word without its ending ("stretches", "stretching" -> "stretch"). */
export function base(word) {
  for (const suffix of ENDINGS) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, -suffix.length);
  }
  return word;
}

/** The shard of a word: its first two characters (shard_key in answerindex.py). */
function shardKey(word) {
  const key = word.slice(0, 2);
  return /^[a-z0-9]{1,2}$/.test(key) ? key : "_";
}

/** The index at `root` (a URL ending in "/"). */
export function openIndex(root) {
  const files = new Map();
  const load = (name, fallback) => {
    if (!files.has(name)) {
      files.set(
        name,
        fetch(new URL(name, root))
          .then((r) => (r.ok ? r.json() : fallback))
          .catch(() => fallback),
      );
    }
    return files.get(name);
  };
  const emptyMeta = { records: 0, pages: [], display: [], common: [], facets: {}, kinds: "", shards: [] };
  let metaPromise = null;
  let common = new Set();
  let shardNames = new Set();
  const meta = () => {
    if (!metaPromise) {
      metaPromise = load("meta.json", emptyMeta).then((m) => {
        common = new Set(m.common || []);
        shardNames = new Set(m.shards || []);
        return m;
      });
    }
    return metaPromise;
  };
  const shard = async (key) => {
    await meta();
    const none = { w: {}, p: {}, df: {} };
    if (!shardNames.has(key)) return none;
    return load(`w/${key}.json`, none);
  };
  const stems = new Map();
  const decoded = new Map();

  /** The stem the index holds a word under, or null when the index does not hold it nor
   * another ending of it. */
  async function stemOf(word) {
    if (stems.has(word)) return stems.get(word);
    const s = await shard(shardKey(word));
    let found = s.w[word] || null;
    if (!found && s.p[word]) found = word;
    if (!found) {
      const b = base(word);
      const other = Object.keys(s.w).find((w) => base(w) === b);
      found = other ? s.w[other] : null;
    }
    stems.set(word, found);
    return found;
  }

  /** The records of a stem (a Map: record -> {tf, norm}: the stem's weighted count in the
   * record and the record's BM25 length norm), from its shard. */
  async function postings(stem) {
    if (!decoded.has(stem)) {
      const flat = (await shard(shardKey(stem))).p[stem] || [];
      const map = new Map();
      let r = 0;
      for (let i = 0; i + 2 < flat.length; i += 3) {
        r += flat[i];
        map.set(r, { tf: flat[i + 1], norm: flat[i + 2] / 100 });
      }
      decoded.set(stem, map);
    }
    return decoded.get(stem);
  }

  /** In how many records (glossary entries aside) a stem is (its shard is loaded). */
  async function df(stem) {
    return (await shard(shardKey(stem))).df[stem] || 0;
  }

  /** The page (its number) of a record. */
  function pageOf(meta, record) {
    const starts = meta.pages;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= record) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** What a result shows: page title, link, kind, level, record title, snippet text. */
  async function display(record) {
    const m = await meta();
    const n = pageOf({ pages: m.display }, record);
    const data = await load(`d/${n}.json`, { pages: {}, records: [] });
    const row = data.records[record - m.display[n]];
    if (!row) return null;
    const [p, kind, level, section, id, text] = row;
    const [page, url] = data.pages[String(p)] || ["", ""];
    return { kind, level, page, section, link: kind === "page" || !id ? url : `${url}#${id}`, text };
  }

  return {
    meta,
    query: () => load("query.json", {}),
    stemOf,
    /** The stem of a word already looked up (null: unknown or not looked up). */
    cachedStem: (word) => stems.get(word) || null,
    /** Whether a word is in most records ("foam", "back"): meta.json's common words. */
    isCommon: (word) => common.has(word),
    postings,
    df,
    pageOf,
    kindOf: (m, record) => KIND_OF[m.kinds[record]] || "section",
    levelOf: (m, record) => LEVEL_OF[m.kinds[record]] || "",
    display,
    dictionary: (letter) => load(`dict/${letter}.json`, []),
    filters: () => load("filters.json", {}),
  };
}
