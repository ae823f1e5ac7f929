"""The FAQ items of a page as a schema.org ``FAQPage`` node of its JSON-LD graph."""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.core.domain import kb_domain
from healthkb.core.jsonld import page_url
from healthkb.faq.nodes import RECORD_KIND, faq_answer, faq_disclosure, faq_question


def faq_page_jsonld(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """schema.org FAQPage node for the complete items of one page (None when it has none)."""
    items = [r for r in records if r["question"] and r["answer"]]
    if not items:
        return None
    return {
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": r["question"],
                "acceptedAnswer": {"@type": "Answer", "text": r["answer"]},
            }
            for r in sorted(items, key=lambda r: r["lineno"])
        ],
    }


def faq_graph(
    app: Sphinx, pagename: str, context: dict[str, Any], doctree: nodes.document | None
) -> list[dict[str, Any]]:
    """The page's FAQPage node for its JSON-LD graph (see :mod:`healthkb.core.jsonld`)."""
    if doctree is None or not kb_domain(app.env).records(RECORD_KIND).get(pagename):
        return []
    data = faq_page_jsonld(page_items(doctree))
    if data is None:
        return []
    return [{"@id": page_url(app, pagename, context) + "#faq", **data}]


def page_items(doctree: nodes.document) -> list[dict[str, Any]]:
    """The page's items as the reader sees them (typographic quotes; no citation markers)."""
    items = []
    for n, disclosure in enumerate(doctree.findall(faq_disclosure)):
        question = disclosure.next_node(faq_question)
        answer = disclosure.next_node(faq_answer)
        items.append(
            {
                "question": _display_text(question),
                "answer": _display_text(answer),
                "lineno": n,
            }
        )
    return items


def _display_text(node: nodes.Element | None) -> str:
    if node is None:
        return ""
    copy = node.deepcopy()
    for marker in list(copy.findall(lambda n: getattr(n, "tagname", "") == "cite")):
        marker.parent.remove(marker)
    # "performance {cite}`...`." leaves "performance ." behind.
    return re.sub(r"\s+(?=[.,;:!?])", "", " ".join(copy.astext().split()))
