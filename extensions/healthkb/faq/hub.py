"""The FAQ hub: every question of the knowledge base, by topic, near-duplicates merged.

Each group of near-duplicate questions (:func:`healthkb.faq.items.near_duplicate_clusters`)
is listed once, under its first item's topic (:func:`hub_topic`), with "Also answered
in" links to the other pages.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.core.anchors import slugify
from healthkb.core.hubs import hub_placeholder
from healthkb.faq.items import HubItem, hub_items, near_duplicate_clusters
from healthkb.faq.nodes import heading_level

#: Facet families in the order the hub prefers them for an item's topic.
FACET_ORDER = ("body-part", "condition", "use-case")
OTHER_TOPIC = "Other questions"


#: "Lower back" even when its page is tagged with the upper back first.
FACET_SYNONYMS = {
    "lower-back": ("lower back", "low back", "lumbar"),
    "upper-back": ("upper back", "mid back", "mid-back", "thoracic", "shoulder blade"),
    "forearms": ("forearm",),
    "hands": ("hand", "finger", "palm", "grip"),
}


def _mentions(text: str, value: str) -> bool:
    words = (value.replace("-", " "), *FACET_SYNONYMS.get(value, ()))
    return any(re.search(rf"\b{re.escape(w)}", text) for w in words)


def hub_topic(
    tags: tuple[str, ...] | list[str], generic: set[str], text: str = "", question: str = ""
) -> tuple[int, str]:
    """(rank, label) of the topic an item is listed under on the hub.

    The page's ``body-part:`` tag that the item's question mentions, else that its answer
    (``text``) mentions, else the page's only one; the same for ``condition:`` and then
    ``use-case:`` tags. An item on a page with several body parts that names none of them
    is a general question: it goes under the first plain tag that is not one every page
    has (``kb_faq_generic_tags``). ``product:`` and other facets are not topics.
    """
    for rank, family in enumerate(FACET_ORDER):
        values = [
            tag.split(":", 1)[1].strip()
            for tag in tags
            if tag.startswith(family + ":") and tag.split(":", 1)[1].strip()
        ]
        if not values:
            continue
        for where in (question.lower(), text.lower()):
            mentioned = [v for v in values if where and _mentions(where, v)]
            if mentioned:
                return rank, _label(mentioned[0])
        if len(values) == 1:
            return rank, _label(values[0])
        break
    for tag in tags:
        if ":" not in tag and tag.lower() not in generic:
            return len(FACET_ORDER), _label(tag)
    return len(FACET_ORDER) + 1, OTHER_TOPIC


def _label(value: str) -> str:
    words = " ".join(value.replace("-", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:]


def _link(app: Sphinx, fromdoc: str, item: HubItem, text: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdoc, item.docname) + "#" + item.node_id
    return nodes.reference(text, text, internal=True, refuri=uri)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def render_faq_hub(app: Sphinx, docname: str, placeholder: hub_placeholder) -> list[nodes.Node]:
    items = hub_items(app)
    if not items:
        return [nodes.paragraph("", "No questions have been published yet.")]
    generic = {t.lower() for t in app.config.kb_faq_generic_tags}
    groups: dict[str, tuple[int, str, list[list[HubItem]]]] = {}
    for cluster in near_duplicate_clusters(app, items):
        first = cluster[0]
        rank, label = hub_topic(first.tags, generic, first.text, first.question)
        slug = slugify(label) or "topic"
        old_rank, old_label, clusters = groups.get(slug, (rank, label, []))
        clusters.append(cluster)
        groups[slug] = (min(rank, old_rank), old_label, clusters)
    level = heading_level(placeholder) if placeholder.parent is not None else 2
    ordered = sorted(groups.items(), key=lambda kv: (kv[1][0], kv[1][1].lower()))
    pages = len({i.docname for i in items})
    out: list[nodes.Node] = []
    questions = sum(len(clusters) for _, (_, _, clusters) in ordered)
    intro = nodes.paragraph(
        "",
        f"{_count(len(items), 'answer')} to {_count(questions, 'question')} from "
        f"{_count(pages, 'page')}.",
        classes=["kb-faq-hub-summary"],
    )
    if app.builder.format == "html":
        # A jump list to the topics (in-page links only make sense in HTML).
        intro += nodes.Text(" Topics: ")
        for n, (slug, (_, label, _)) in enumerate(ordered):
            if n:
                intro += nodes.Text(" · ")
            intro += nodes.reference(label, label, internal=True, refuri=f"#topic-{slug}")
    out.append(intro)
    for slug, (_, label, clusters) in ordered:
        heading = nodes.rubric(label, label, ids=[f"topic-{slug}"], classes=["kb-faq-hub-topic"])
        heading["heading-level"] = level
        out.append(heading)
        entries = nodes.bullet_list(classes=["kb-faq-hub-list"])
        for cluster in sorted(clusters, key=lambda c: (c[0].question.lower(), c[0].docname)):
            first, others = cluster[0], cluster[1:]
            entry = nodes.list_item(classes=["kb-faq-hub-item"])
            entry += nodes.paragraph("", "", _link(app, docname, first, first.question))
            meta = nodes.paragraph("", "", classes=["kb-faq-hub-meta"])
            meta += nodes.Text(f"From {first.page_title}")
            if others:
                meta += nodes.Text(". Also answered in: ")
                for n, other in enumerate(others):
                    if n:
                        meta += nodes.Text(", ")
                    meta += _link(app, docname, other, other.page_title)
            entry += meta
            entries += entry
        out.append(entries)
    return out
