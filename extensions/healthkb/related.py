"""Related articles: the three articles closest to each article, listed at its end.

Closeness is ``0.6 × text similarity + 0.4 × tag similarity``:

- *text*: cosine of TF-IDF vectors of the articles' words (stop words dropped,
  Snowball stems), each vector cut to its :data:`TERMS_PER_ARTICLE` heaviest terms;
- *tags*: cosine of IDF-weighted tag vectors (facet and plain tags), so a tag every
  article has ("foam rolling") counts for little and a rare shared tag for much.

Reading a page stores its term counts (plain data in the kb domain). Once per build
(``env-updated``, after every page is read) the lists are computed for all articles
through an inverted index whose posting lists are capped, so the work grows with
the number of articles, not with its square; ties are broken by title, then page
name, so the lists are deterministic. ``env-updated`` returns the pages whose list
changed, so an edit rewrites exactly the pages it affects. At write time each page
only looks its list up.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxTranslator
from sphinx.util.nodes import make_refnode

from healthkb.checks.faq_topic import STOP_WORDS
from healthkb.domain import kb_data, kb_domain
from healthkb.pages import is_article, meta_text, page_tags, page_title

RECORD_KIND = "related-terms"
RELATED_KEY = "related"  # docname -> list of related articles, in the kb domain's data
DIGEST_KEY = "related_digest"
TERMS_STORED = 150  # terms kept per article when it is read
TERMS_PER_ARTICLE = 24  # heaviest TF-IDF terms compared per article
POSTINGS_CAP = 48  # articles followed per term when gathering candidates
CANDIDATES = 12  # candidates scored exactly per article
LIMIT = 3
MIN_SCORE = 0.05
TEXT_WEIGHT = 0.6
TAG_WEIGHT = 0.4

_WORD = re.compile(r"[a-z]+")


def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


_STEM = _stemmer()


def text_terms(text: str) -> Counter[str]:
    words = [w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in STOP_WORDS]
    return Counter(str(s) for s in _STEM.stemWords(words))


# -- reading: terms and the placeholder ---------------------------------------------------
class related_placeholder(nodes.General, nodes.Element):
    """Where the related articles go; filled at write time. ``docname``: its article."""


class related_nav(nodes.General, nodes.Element):
    """The related articles (a <nav> in HTML)."""


def _skip(node: nodes.Node) -> bool:
    from healthkb.review import review_notice
    from healthkb.topics import topic_tags

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
    kb_domain(env).add_record(RECORD_KIND, docname, {"terms": dict(top)})
    placeholder = related_placeholder(docname=docname)
    top_sections = [c for c in doctree.children if isinstance(c, nodes.section)]
    (top_sections[0] if len(top_sections) == 1 else doctree).append(placeholder)


# -- the lists (once per build) -------------------------------------------------------------
def _normalise(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(w * b[t] for t, w in sorted(a.items()) if t in b)


def _idf(n_docs: int, df: int) -> float:
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def _vectors(items: dict[str, dict[str, int]], keep: int | None) -> dict[str, dict[str, float]]:
    """TF-IDF vectors (normalised), cut to the ``keep`` heaviest terms."""
    n_docs = len(items)
    df: Counter[str] = Counter()
    for counts in items.values():
        df.update(counts.keys())
    out = {}
    for docname, counts in items.items():
        weights = {t: (1 + math.log(c)) * _idf(n_docs, df[t]) for t, c in counts.items() if c > 0}
        ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        out[docname] = _normalise(dict(ranked[:keep] if keep else ranked))
    return out


def _postings(vectors: dict[str, dict[str, float]]) -> dict[str, list[tuple[str, float]]]:
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for docname in sorted(vectors):
        for term, weight in vectors[docname].items():
            postings[term].append((docname, weight))
    return {
        term: sorted(entries, key=lambda e: (-e[1], e[0]))[:POSTINGS_CAP]
        for term, entries in postings.items()
    }


def compute_related(
    terms: dict[str, dict[str, int]], tags: dict[str, list[str]]
) -> dict[str, list[tuple[str, float]]]:
    """docname -> [(related docname, score)], best first (ties: caller sorts by title)."""
    text_vectors = _vectors(terms, TERMS_PER_ARTICLE)
    tag_vectors = _vectors(
        {d: dict.fromkeys((t.lower() for t in tags.get(d, [])), 1) for d in terms}, None
    )
    text_postings = _postings(text_vectors)
    tag_postings = _postings(tag_vectors)
    out: dict[str, list[tuple[str, float]]] = {}
    for docname in sorted(terms):
        approx: dict[str, float] = defaultdict(float)
        for vectors, postings, weight in (
            (text_vectors, text_postings, TEXT_WEIGHT),
            (tag_vectors, tag_postings, TAG_WEIGHT),
        ):
            for term, w in sorted(vectors[docname].items()):
                for other, w_other in postings.get(term, ()):
                    if other != docname:
                        approx[other] += weight * w * w_other
        candidates = sorted(approx.items(), key=lambda kv: (-kv[1], kv[0]))[:CANDIDATES]
        scored = []
        for other, _ in candidates:
            score = TEXT_WEIGHT * _dot(text_vectors[docname], text_vectors[other]) + (
                TAG_WEIGHT * _dot(tag_vectors[docname], tag_vectors[other])
            )
            if score >= MIN_SCORE:
                scored.append((other, round(score, 6)))
        out[docname] = scored
    return out


def _digest(env: BuildEnvironment, articles: list[str], records: dict[str, Any]) -> str:
    data = [
        (
            d,
            records[d][0]["terms"],
            page_tags(env, d),
            page_title(env, d),
            meta_text(env, d, "summary"),
        )
        for d in articles
    ]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _update_related(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Compute every article's list; return the pages whose list changed."""
    data = kb_data(env)
    records = kb_domain(env).records(RECORD_KIND)
    articles = sorted(d for d in records if d in env.found_docs and records[d])
    digest = _digest(env, articles, records)
    old: dict[str, list[dict[str, Any]]] = data.get(RELATED_KEY, {})
    if data.get(DIGEST_KEY) == digest and set(old) == set(articles):
        return []
    scores = compute_related(
        {d: records[d][0]["terms"] for d in articles}, {d: page_tags(env, d) for d in articles}
    )
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


def _pass(self: SphinxTranslator, node: nodes.Element) -> None:
    pass


def _skip_node(self: SphinxTranslator, node: nodes.Element) -> None:
    raise nodes.SkipNode


def setup_related(app: Sphinx) -> None:
    skip = (_skip_node, None)
    app.add_node(related_placeholder, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    passthrough = (_pass, _pass)
    app.add_node(
        related_nav,
        html=(visit_nav_html, depart_nav_html),
        latex=passthrough,
        text=passthrough,
        man=passthrough,
        texinfo=passthrough,
    )
    # After the review notice (600): the related list is the last thing on the page.
    app.connect("doctree-read", _note_terms, priority=650)
    app.connect("env-updated", _update_related)
    app.connect("doctree-resolved", _fill)
