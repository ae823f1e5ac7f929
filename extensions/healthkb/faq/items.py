"""Every complete FAQ item of the knowledge base, and the near-duplicate groups among them.

The FAQ hub lists the items and merges near-duplicates; the near-duplicate check
(:mod:`healthkb.checks.faq`) reports them. Both read the items from the kb domain's
records, which :func:`note_page` completes with the page's title and tags.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.pages import page_tags
from healthkb.faq.nodes import RECORD_KIND
from healthkb.language import topic as faq_topic


@dataclass(frozen=True)
class HubItem:
    docname: str
    node_id: str
    question: str
    lineno: int
    page_title: str
    tags: tuple[str, ...]
    text: str = ""


#: Other words for a facet value, so that an item about the lumbar spine is filed under


def hub_items(app: Sphinx) -> list[HubItem]:
    """Every complete item with an id, in (page, line) order."""
    items = []
    for docname, records in kb_domain(app.env).records(RECORD_KIND).items():
        for r in records:
            if r["id"] and r["question"] and r["answer"]:
                title = r.get("page_title") or docname
                tags = tuple(r.get("tags", ()))
                text = f"{r['question']} {r['answer']}"
                items.append(
                    HubItem(docname, r["id"], r["question"], r["lineno"], title, tags, text)
                )
    return sorted(items, key=lambda i: (i.docname, i.lineno))


def note_page(app: Sphinx, doctree: nodes.document) -> None:
    """Store the page's title and tags in its FAQ records (for the hub and the checks)."""
    env = app.env
    records = kb_domain(env).records(RECORD_KIND).get(env.docname, [])
    if not records:
        return
    title = env.titles[env.docname].astext() if env.docname in env.titles else ""
    tags = page_tags(env, env.docname)
    for record in records:
        record["page_title"] = title
        record["tags"] = list(tags)


#: kb data key of the last near-duplicate grouping (declared in healthkb.core.domain).
NEAR_DUPLICATES = "faq_near_duplicates"


def near_duplicate_clusters(app: Sphinx, items: list[HubItem]) -> list[list[HubItem]]:
    """Items grouped with their near-duplicates on other pages, first item first.

    The grouping compares every question with every other; it is kept with the
    environment and computed again only when a question or the threshold changed (the
    check and the FAQ hub both ask, and most builds change no question)."""
    pairs = [(i.docname, i.question) for i in items]
    threshold = float(app.config.kb_faq_near_duplicate_threshold)
    key = hashlib.sha256(repr((pairs, threshold)).encode("utf-8")).hexdigest()
    data = kb_data(app.env)
    cached = data.get(NEAR_DUPLICATES)
    if cached is not None and cached[0] == key:
        groups: list[list[int]] = cached[1]
    else:
        groups = [list(g) for g in faq_topic.near_duplicate_groups(pairs, threshold=threshold)]
        data[NEAR_DUPLICATES] = (key, groups)
    return [[items[k] for k in group] for group in groups]
