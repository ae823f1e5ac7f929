"""Related articles: the three articles closest to each article, listed at its end.

Closeness is ``0.75 × text similarity + 0.25 × tag similarity``:

- *text*: cosine of TF-IDF vectors of the articles' words (stop words dropped,
  Snowball stems), each vector cut to its :data:`TERMS_PER_ARTICLE` heaviest terms;
- *tags*: cosine of IDF-weighted tag vectors (facet and plain tags, without the tags
  every page has, ``kb_faq_generic_tags``), so a common tag counts for little and a
  rare shared tag for much.

Reading a page stores its term counts (plain data in the kb domain). Once per build
(``env-updated``, after every page is read) the lists are computed for all articles
through an inverted index whose posting lists are capped, so the work grows with
the number of articles, not with its square; ties are broken by title, then page
name, so the lists are deterministic. ``env-updated`` returns the pages whose list
changed, so an edit rewrites exactly the pages it affects. At write time each page
only looks its list up.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
import math
import re
from collections import Counter, defaultdict
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.nodes import make_refnode

from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.nodes import SKIP, add_node
from healthkb.core.pages import is_article, meta_text, page_tags, page_title
from healthkb.language.topic import STOP_WORDS
from healthkb.review.notice import review_notice
from healthkb.site.topics import topic_tags

RECORD_KIND = "related-terms"
RELATED_KEY = "related"  # docname -> list of related articles, in the kb domain's data
DIGEST_KEY = "related_digest"
TERMS_STORED = 150  # terms kept per article when it is read
TERMS_PER_ARTICLE = 48  # heaviest TF-IDF terms compared per article
SEED_TERMS = 12  # heaviest terms that gather an article's candidates
POSTINGS_CAP = 32  # articles followed per term when gathering candidates
CANDIDATES = 12  # candidates scored exactly per article
LIMIT = 3
MIN_SCORE = 0.05
TEXT_WEIGHT = 0.75
TAG_WEIGHT = 0.25

_WORD = re.compile(r"[a-z]+")


def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


_STEM = _stemmer()


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """The stem of ``word``; remembered, since the pure-Python stemmer costs ~20 µs a word."""
    return str(_STEM.stemWord(word))


def text_terms(text: str) -> Counter[str]:
    words = Counter(w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in STOP_WORDS)
    out: Counter[str] = Counter()
    for word, count in words.items():
        out[_stem(word)] += count
    return out


# -- reading: terms and the placeholder ---------------------------------------------------
class related_placeholder(nodes.General, nodes.Element):
    """Where the related articles go; filled at write time. ``docname``: its article."""


class related_nav(nodes.General, nodes.Element):
    """The related articles (a <nav> in HTML)."""


def _skip(node: nodes.Node) -> bool:
    return isinstance(node, review_notice | topic_tags | related_placeholder)


def _page_text(doctree: nodes.document) -> str:
    parts: list[str] = []

    def walk(node: nodes.Node) -> None:
        if _skip(node):
            return
        if isinstance(node, nodes.Text):
            parts.append(str(node))
            return
        for child in node.children:
            walk(child)

    walk(doctree)
    return " ".join(parts)


def _note_terms(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    if not is_article(env, docname):
        return
    counts = text_terms(_page_text(doctree))
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS_STORED]
    digest = hashlib.sha256(json.dumps(top).encode()).hexdigest()[:16]
    kb_domain(env).add_record(RECORD_KIND, docname, {"terms": dict(top), "digest": digest})
    placeholder = related_placeholder(docname=docname)
    top_sections = [c for c in doctree.children if isinstance(c, nodes.section)]
    (top_sections[0] if len(top_sections) == 1 else doctree).append(placeholder)


# -- the lists (once per build) -------------------------------------------------------------
def _idf(n_docs: int, df: int) -> float:
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def _vectors(items: list[dict[str, int]], keep: int | None) -> list[list[tuple[str, float]]]:
    """Normalised TF-IDF vectors, heaviest term first, cut to the ``keep`` heaviest."""
    n_docs = len(items)
    df: Counter[str] = Counter()
    for counts in items:
        df.update(counts.keys())
    idf = {term: _idf(n_docs, n) for term, n in df.items()}
    out = []
    log = math.log
    for counts in items:
        # Heaviest first, ties by term: sorting (-weight, term) pairs needs no key function.
        negated = sorted([(-(1 + log(c)) * idf[t], t) for t, c in counts.items() if c > 0])
        if keep:
            negated = negated[:keep]
        ranked = [(t, -w) for w, t in negated]
        norm = math.sqrt(sum([w * w for _, w in ranked]))
        out.append([(t, w / norm) for t, w in ranked] if norm else [])
    return out


def _postings(vectors: list[list[tuple[str, float]]]) -> dict[str, list[tuple[int, float]]]:
    """term -> the (at most POSTINGS_CAP) articles that weigh it most: (index, weight)."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for term, weight in vector:
            postings[term].append((index, weight))
    return {
        term: sorted(entries, key=lambda e: (-e[1], e[0]))[:POSTINGS_CAP]
        for term, entries in postings.items()
    }


def compute_related(
    terms: dict[str, dict[str, int]], tags: dict[str, list[str]]
) -> dict[str, list[tuple[str, float]]]:
    """docname -> [(related docname, score)], best first (ties: caller sorts by title).

    Candidates come from each article's :data:`SEED_TERMS` heaviest terms and its tags,
    through posting lists capped at :data:`POSTINGS_CAP` articles; the best
    :data:`CANDIDATES` are then scored exactly. Linear in the number of articles.
    """
    names = sorted(terms)
    text = _vectors([terms[d] for d in names], TERMS_PER_ARTICLE)
    tag = _vectors([dict.fromkeys((t.lower() for t in tags.get(d, [])), 1) for d in names], None)
    text_postings = _postings(text)
    tag_postings = _postings(tag)
    text_maps = [dict(v) for v in text]
    tag_maps = [dict(v) for v in tag]
    out: dict[str, list[tuple[str, float]]] = {}
    approx = [0.0] * len(names)
    for i, docname in enumerate(names):
        touched: list[int] = []
        passes = (
            (text[i][:SEED_TERMS], text_postings, TEXT_WEIGHT),
            (tag[i], tag_postings, TAG_WEIGHT),
            # Only when the seeds found too few candidates (a page unlike the others).
            (text[i][SEED_TERMS:], text_postings, TEXT_WEIGHT),
        )
        for n, (vector, postings, weight) in enumerate(passes):
            if n == 2 and len(touched) > CANDIDATES:
                break
            for term, w in vector:
                for j, w_other in postings[term]:
                    if approx[j] == 0.0:
                        touched.append(j)
                    approx[j] += weight * w * w_other
        candidates = heapq.nsmallest(
            CANDIDATES, (j for j in touched if j != i), key=lambda j: (-approx[j], j)
        )
        for j in touched:
            approx[j] = 0.0
        scored = []
        for j in candidates:
            other_text, other_tag = text_maps[j], tag_maps[j]
            text_dot = sum([w * other_text[t] for t, w in text[i] if t in other_text])
            tag_dot = sum([w * other_tag[t] for t, w in tag[i] if t in other_tag])
            score = TEXT_WEIGHT * text_dot + TAG_WEIGHT * tag_dot
            if score >= MIN_SCORE:
                scored.append((names[j], round(score, 6)))
        scored.sort(key=lambda e: (-e[1], e[0]))
        out[docname] = scored
    return out


def _digest(env: BuildEnvironment, articles: list[str], records: dict[str, Any]) -> str:
    """What the lists depend on: each article's terms, tags, title, summary; the settings."""
    settings = (
        sorted(t.lower() for t in env.config.kb_faq_generic_tags),
        [
            TERMS_PER_ARTICLE,
            SEED_TERMS,
            POSTINGS_CAP,
            CANDIDATES,
            LIMIT,
            MIN_SCORE,
            TEXT_WEIGHT,
            TAG_WEIGHT,
        ],
    )
    data: list[Any] = [settings]
    data += [
        (
            d,
            records[d][0].get("digest") or records[d][0]["terms"],
            page_tags(env, d),
            page_title(env, d),
            meta_text(env, d, "summary"),
        )
        for d in articles
    ]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def scores_for(env: BuildEnvironment, articles: list[str]) -> dict[str, list[tuple[str, float]]]:
    """:func:`compute_related` on the stored terms and the tags (less the generic ones)."""
    records = kb_domain(env).records(RECORD_KIND)
    generic = {t.lower() for t in env.config.kb_faq_generic_tags}
    return compute_related(
        {d: records[d][0]["terms"] for d in articles},
        {d: [t for t in page_tags(env, d) if t.lower() not in generic] for d in articles},
    )


def _update_related(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Compute every article's list; return the pages whose list changed."""
    data = kb_data(env)
    records = kb_domain(env).records(RECORD_KIND)
    articles = sorted(d for d in records if d in env.found_docs and records[d])
    digest = _digest(env, articles, records)
    old: dict[str, list[dict[str, Any]]] = data.get(RELATED_KEY, {})
    if data.get(DIGEST_KEY) == digest and set(old) == set(articles):
        return []
    scores = scores_for(env, articles)
    new: dict[str, list[dict[str, Any]]] = {}
    for docname in articles:
        entries: list[dict[str, Any]] = [
            {
                "docname": other,
                "title": page_title(env, other),
                "summary": meta_text(env, other, "summary"),
                "score": score,
            }
            for other, score in scores[docname]
        ]
        entries.sort(key=lambda e: (-e["score"], e["title"].lower(), e["docname"]))
        new[docname] = entries[:LIMIT]
    data[RELATED_KEY] = new
    data[DIGEST_KEY] = digest
    return sorted(d for d in new if _shown(old.get(d)) != _shown(new[d]))


def _shown(entries: list[dict[str, Any]] | None) -> list[tuple[str, str, str]] | None:
    """What a page shows of its list (a changed score alone does not change the page)."""
    if entries is None:
        return None
    return [(e["docname"], e["title"], e["summary"]) for e in entries]


def related_to(env: BuildEnvironment, docname: str) -> list[dict[str, Any]]:
    related: dict[str, list[dict[str, Any]]] = kb_data(env).get(RELATED_KEY, {})
    return related.get(docname, [])


# -- writing ----------------------------------------------------------------------------------
def _fill(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    for placeholder in list(doctree.findall(related_placeholder)):
        entries = [
            e
            for e in related_to(app.env, placeholder["docname"])
            if e["docname"] in app.env.all_docs
        ]
        if not entries:
            placeholder.parent.remove(placeholder)
            continue
        nav = related_nav(classes=["kb-related"])
        heading = nodes.rubric(
            "Related articles", "Related articles", classes=["kb-related__title"]
        )
        heading["heading-level"] = 2
        nav += heading
        listing = nodes.bullet_list(classes=["kb-related__list"])
        for entry in entries:
            item = nodes.list_item()
            para = nodes.paragraph(classes=["kb-related__link"])
            para += make_refnode(
                app.builder,
                fromdocname,
                entry["docname"],
                "",
                nodes.inline(entry["title"], entry["title"]),
            )
            item += para
            if entry["summary"]:
                item += nodes.paragraph(
                    entry["summary"], entry["summary"], classes=["kb-related__summary"]
                )
            listing += item
        nav += listing
        placeholder.replace_self(nav)


def visit_nav_html(self: Any, node: related_nav) -> None:
    self.body.append(self.starttag(node, "nav", "", **{"aria-label": "Related articles"}))


def depart_nav_html(self: Any, node: related_nav) -> None:
    self.body.append("</nav>\n")


def setup_related(app: Sphinx) -> None:
    add_node(app, related_placeholder, SKIP, SKIP)
    add_node(app, related_nav, (visit_nav_html, depart_nav_html))
    # After the review notice (600): the related list is the last thing on the page.
    app.connect("doctree-read", _note_terms, priority=650)
    app.connect("env-updated", _update_related)
    app.connect("doctree-resolved", _fill)
