"""The answer index: the search records scored at build time, in files sharded by word.

It is the search engine of the HTML build: the search page (``static/kb-search*.js``),
for a query, loads only the shards of the query's words, merges their lists of scored
records and shows the best, with no per-page fragment to fetch. In ``kb-index/``:

- ``meta.json`` (read on the first search): how many records, where each page's records
  and each display shard start, the common words (the words, not stems, in more than
  COMMON_SHARE of the records, counting the page title in each), each record's kind in a
  letter, the facets with their page counts.
- ``w/<xy>.json``, one per first two letters of a word: each word of the records written
  with those letters and its stem (``"w"``), and each stem with those letters and its
  postings (``"p"``): its TOP_K best-scored records, each with the stem's weighted count in
  it and the record's BM25 length norm (× 100; record numbers as differences from the one
  before), and in how many records it is (``"df"``), so that the search page scores a
  concept (a word or any of its synonyms) as one term.
- ``d/<n>.json``: what a result shows (page title and address, kind, level, record title,
  id, and the start of its text for the snippet), for a run of consecutive records.
- ``dict/<c>.json``: the words starting with ``c``, most records first: the dictionary a
  misspelled word is corrected with (it is loaded only for a word the index does not hold).
- ``filters.json``: for each facet value, its pages (loaded when a filter is chosen).
- ``query.json``: the synonyms and the "no results" help (:mod:`healthkb.search.vocabulary`).

The scores are BM25 (k1 1.4, b 0.75) over each record: its title (or question) counts
TITLE_WEIGHT, the page title PAGE_TITLE_WEIGHT in every record of the page (TITLE_WEIGHT in
its introduction), as do the titles of the sections it is in, its text 1; words are
stemmed with Snowball's English stemmer (the same one Sphinx uses). A word's rarity and the
average length are taken over the records that are not glossary entries, so adding a
definition does not change how the articles' answers rank among themselves.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any

import snowballstemmer

from healthkb.search.documents import SearchPage

#: The weight of a record's own title (or question) words.
TITLE_WEIGHT = 7
#: Postings kept per stem: its best-scored records.
TOP_K = 200
#: The weight of the page title's words in each record of the page.
PAGE_TITLE_WEIGHT = 2
BM25_K1 = 1.4
BM25_B = 0.75
#: Words in more than this share of the records are "common": the search page leaves them
#: out of a query that has rarer words (they barely tell answers apart).
COMMON_SHARE = 0.4
COMMON_MIN_RECORDS = 20
#: The words of a record's text kept for its snippet.
SNIPPET_WORDS = 90
#: A display shard is cut once it holds this many characters.
DISPLAY_CHARS = 6000
#: Dictionary words: letters only, at least this long.
MIN_DICT_WORD = 3

#: Each record's kind in one letter (``kinds`` of meta.json): the ranking needs it for every
#: record it scores (a glossary entry ranks lower, a card's level puts it first).
KIND_CODES = {
    "page": "p",
    "section": "s",
    "faq": "f",
    "term": "t",
    "caution": "c",
    "professional": "r",
    "urgent": "u",
}

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W\d_]+)?")
_CONTRACTION = re.compile(r"^([^\W\d_]+)'(t|m|ve|d|ll|re)$")
_LETTERS = re.compile(r"^[^\W\d_]+$")
_stemmer = snowballstemmer.stemmer("english")


def words(text: str, plurals: list[str] | None = None) -> list[str]:
    """A text's words as the search page reads a query (``words`` in kb-search-query.js):
    lower case, a curly apostrophe read as a straight one, a final "'s" dropped, "don't" as
    "dont". ``plurals`` gets a word with "'s" also as one word ("do's" as "dos": the
    reader who types "dos and don'ts" finds "Do's and Don'ts")."""
    out = _TOKEN.findall(text.lower().replace("’", "'"))
    for i, token in enumerate(out):
        if "'" in token:  # rare: the two rewrites cost more than the search
            if token.endswith("'s"):
                if plurals is not None:
                    plurals.append(token.replace("'", ""))
                token = token[:-2]
            out[i] = _CONTRACTION.sub(r"\1\2", token)
    return out


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball's English stem of a word (at least its first two letters, so that a word
    and its stem are in the same shard)."""
    stemmed = str(_stemmer.stemWord(word.replace("’", "'"))).replace("'", "")
    return stemmed if stemmed[:2] == word[:2] and stemmed else word


def shard_key(word: str) -> str:
    """The shard of a word or stem: its first two characters (``_`` for others)."""
    key = word[:2]
    return key if re.fullmatch(r"[a-z0-9]{1,2}", key) else "_"


def _record_rows(page: SearchPage) -> list[dict[str, Any]]:
    """The page's records in order, with a bare introduction when it has none (its title is
    searchable and links to the top of the page)."""
    rows = list(page.records)
    if not any(r["kind"] == "page" for r in rows):
        rows.insert(0, {"id": "", "kind": "page", "title": page.title, "text": ""})
    return rows


def dictionary(counts: Counter[str]) -> list[str]:
    """The index's words for spelling correction, most frequent first (then alphabetical):
    words of letters only, at least MIN_DICT_WORD long."""
    words = [(w, n) for w, n in counts.items() if len(w) >= MIN_DICT_WORD and _LETTERS.match(w)]
    words.sort(key=lambda item: (-item[1], item[0]))
    return [w for w, _ in words]


def build_index(pages: list[SearchPage], facets: tuple[str, ...]) -> dict[str, Any]:
    """Every file of the index (path relative to ``kb-index/`` -> JSON data)."""
    tfs: list[Counter[str]] = []
    lengths: list[int] = []
    scored: list[bool] = []
    surface: Counter[str] = Counter()  # records per word, for the dictionary
    display: list[list[Any]] = []
    page_starts: list[int] = []
    kinds: list[str] = []
    for p, page in enumerate(pages):
        page_starts.append(len(tfs))
        page_plurals: list[str] = []
        page_words = words(page.title, page_plurals)
        for record in _record_rows(page):
            kind = record["kind"]
            # Each part's words, and its words with "'s" as one word (counted, not in length).
            title, title_plurals = page_words, page_plurals
            if kind != "page":
                title_plurals = []
                title = words(record["title"], title_plurals)
            body_plurals: list[str] = []
            body = words(record["text"], body_plurals)
            context = [] if kind == "page" else page_words
            context_plurals = [] if kind == "page" else list(page_plurals)
            for heading in record.get("within", []):
                context = context + words(heading, context_plurals)
            tf: Counter[str] = Counter()
            for ws, weight in (
                (title + title_plurals, TITLE_WEIGHT),
                (context + context_plurals, PAGE_TITLE_WEIGHT),
                (body + body_plurals, 1),
            ):
                for w, n in Counter(ws).items():
                    tf[stem(w)] += weight * n
            tfs.append(tf)
            lengths.append(len(title) + len(body) + len(context))
            scored.append(kind != "term")
            surface.update(set(title) | set(body) | set(page_words) | set(context))
            surface.update(set(title_plurals) | set(body_plurals) | set(context_plurals))
            snippet = " ".join(record["text"].split()[:SNIPPET_WORDS])
            level = record.get("level", "") if kind == "safety" else ""
            section = "" if kind == "page" else record["title"]
            display.append([p, kind, level, section, record["id"], snippet])
            kinds.append(KIND_CODES.get(level or kind, "s"))
    n_scored = sum(scored) or len(tfs) or 1
    avg = sum(n for n, s in zip(lengths, scored, strict=True) if s) / n_scored or 1.0
    df: Counter[str] = Counter()
    for tf, s in zip(tfs, scored, strict=True):
        if s:
            df.update(tf.keys())
    # Each stem's records: (record, weighted count, length norm). Within a stem the best
    # records are those of the highest BM25 term frequency part (the idf is the stem's own).
    postings: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for r, tf in enumerate(tfs):
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[r] / avg)
        for term, count in tf.items():
            postings[term].append((r, count, norm))
    files: dict[str, Any] = {}
    shards: dict[str, dict[str, Any]] = defaultdict(lambda: {"w": {}, "p": {}, "df": {}})
    for word in sorted(surface):
        shards[shard_key(word)]["w"][word] = stem(word)
    for term in sorted(postings):
        best = postings[term]
        if len(best) > TOP_K:
            best = heapq.nsmallest(TOP_K, best, key=lambda p: (-p[1] / (p[1] + p[2]), p[0]))
            best.sort()
        flat: list[int] = []
        last = 0
        for r, count, norm in best:
            flat += [r - last, count, round(norm * 100)]
            last = r
        shards[shard_key(term)]["p"][term] = flat
        shards[shard_key(term)]["df"][term] = df.get(term, 0)
    for key, shard in shards.items():
        files[f"w/{key}.json"] = shard
    files.update(_display_files(pages, display))
    by_letter: dict[str, list[str]] = defaultdict(list)
    for word in dictionary(surface):
        if word[0].isascii():
            by_letter[word[0]].append(word)
    for letter, ws in by_letter.items():
        files[f"dict/{letter}.json"] = ws
    limit = COMMON_SHARE * len(tfs)
    common = sorted(w for w, d in surface.items() if d > limit and len(tfs) >= COMMON_MIN_RECORDS)
    filters: dict[str, dict[str, list[int]]] = {facet: {} for facet in facets}
    for p, page in enumerate(pages):
        for facet, values in page.filters.items():
            for value in values:
                filters.setdefault(facet, {}).setdefault(value, []).append(p)
    files["filters.json"] = filters
    files["meta.json"] = {
        "records": len(tfs),
        "scored": n_scored,
        "pages": page_starts,
        "display": files.pop("_starts"),
        "common": common,
        "facets": {
            facet: {value: len(ps) for value, ps in sorted(values.items())}
            for facet, values in filters.items()
        },
        "kinds": "".join(kinds),
        "shards": sorted(shards),
        "letters": sorted(by_letter),
    }
    return files


def _display_files(pages: list[SearchPage], display: list[list[Any]]) -> dict[str, Any]:
    """The display shards: runs of consecutive records of about DISPLAY_CHARS characters,
    each holding its pages' titles and addresses once (``_starts``: each shard's first
    record)."""
    files: dict[str, Any] = {}
    starts: list[int] = []
    current: list[list[Any]] = []
    size = 0

    def flush() -> None:
        if not current:
            return
        shown = {row[0] for row in current}
        files[f"d/{len(starts)}.json"] = {
            "pages": {str(p): [pages[p].title, pages[p].url] for p in sorted(shown)},
            "records": current[:],
        }
        starts.append(start[0])
        current.clear()

    start = [0]
    for r, row in enumerate(display):
        if not current:
            start[0] = r
        current.append(row)
        size += len(row[3]) + len(row[5]) + 30
        if size >= DISPLAY_CHARS:
            flush()
            size = 0
    flush()
    files["_starts"] = starts
    return files


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
