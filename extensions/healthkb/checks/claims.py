"""Effect claims without a citation in FAQ answers and safety callouts.

An FAQ answer or a safety callout that states an effect ("reduces", "improves",
"relieves", ...) and cites nothing, and marks nothing as needing a source, is a
finding (information, ``citation-unsupported-claim``) and a record for the
evidence hub. Questions and titles are not claims, nor is a sentence that asks.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.environment import BuildEnvironment

from healthkb.citations.nodes import cite, cite_ref, needs_source
from healthkb.citations.store import CLAIM_HOLDERS, UNSUPPORTED
from healthkb.core.anchors import slugify
from healthkb.core.domain import kb_domain
from healthkb.core.findings import report
from healthkb.core.hubs import hub_placeholder
from healthkb.faq.nodes import faq, faq_answer, faq_disclosure, faq_question
from healthkb.safety.nodes import safety_body, safety_card, safety_header, safety_title

EFFECT = re.compile(
    r"\b(?:reduc(?:e|es|ed|ing|tions?)|improv(?:e|es|ed|ing|ements?)|increas(?:e|es|ed|ing)"
    r"|decreas(?:e|es|ed|ing)|reliev(?:e|es|ed|ing)|alleviat(?:e|es|ed|ing)"
    r"|lessen(?:s|ed|ing)?|eas(?:e|es|ed|ing)|enhanc(?:e|es|ed|ing)|boost(?:s|ed|ing)?"
    r"|restor(?:e|es|ed|ing)|prevent(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
#: The nodes of an FAQ item and of a safety card; an element with the kind's class
#: (``kb-faq``, ``kb-safety``) belongs to it too.
_KIND_NODES: dict[str, tuple[type[nodes.Element], ...]] = {
    "faq": (faq, faq_disclosure, faq_question, faq_answer),
    "safety": (safety_card, safety_header, safety_title, safety_body),
}
_KIND_CLASSES = {"faq": "kb-faq", "safety": "kb-safety"}
#: Headings inside an item or a card: its question or title is not a claim.
_HEADINGS = (nodes.title, nodes.subtitle, nodes.rubric, nodes.caption, faq_question, safety_title)
_HEADING_CLASSES = ("kb-faq-question", "kb-safety-title")


def _kind(node: nodes.Element) -> str | None:
    if isinstance(node, (cite, cite_ref, needs_source, hub_placeholder)):
        return None
    classes: list[str] = node.get("classes", [])
    for kind, css in _KIND_CLASSES.items():
        if css in classes or isinstance(node, _KIND_NODES[kind]):
            return kind
    return None


def _is_heading(node: nodes.Element) -> bool:
    if isinstance(node, _HEADINGS):
        return True
    classes: list[str] = node.get("classes", [])
    return any(c in classes for c in _HEADING_CLASSES)


def _claim_paragraphs(container: nodes.Element) -> list[nodes.paragraph]:
    out = []
    for para in container.findall(nodes.paragraph):
        parent: nodes.Element | None = para
        heading = False
        while parent is not None and parent is not container:
            if isinstance(parent, nodes.Element) and _is_heading(parent):
                heading = True
                break
            parent = parent.parent
        if not heading:
            out.append(para)
    return out


def _heading_text(container: nodes.Element) -> str:
    for node in container.findall(nodes.Element):
        if node is not container and _is_heading(node):
            return " ".join(node.astext().split())
    return ""


def _line_of(node: nodes.Element) -> int | None:
    """The line of ``node``, else of its first descendant or nearest ancestor with one."""
    for candidate in node.findall(nodes.Element):
        if candidate.line:
            return int(candidate.line)
    parent = node.parent
    while parent is not None:
        if parent.line:
            return int(parent.line)
        parent = parent.parent
    return None


def effect_sentences(text: str) -> list[str]:
    """Sentences of ``text`` that state an effect ("reduces", "improves", ...)."""
    sentences = _SENTENCE.split(" ".join(text.split()))
    return [s for s in sentences if EFFECT.search(s) and not s.rstrip().endswith("?")]


def check_unsupported_claims(env: BuildEnvironment, document: nodes.document, docname: str) -> None:
    """An FAQ answer or safety callout stating an effect without any citation (information)."""
    containers: list[tuple[str, nodes.Element]] = []
    for node in document.findall(nodes.Element):
        kind = _kind(node)
        if kind is None:
            continue
        parent = node.parent
        nested = False
        while parent is not None:
            if isinstance(parent, nodes.Element) and _kind(parent) == kind:
                nested = True
                break
            parent = parent.parent
        if not nested:
            containers.append((kind, node))
    for kind, container in containers:
        if any(True for _ in container.findall(cite)):
            continue
        if any(True for _ in container.findall(needs_source)):
            continue  # already listed as needing a source
        claims = [s for p in _claim_paragraphs(container) for s in effect_sentences(p.astext())]
        if not claims:
            continue
        heading = _heading_text(container)
        ids: list[str] = container.get("ids", [])
        node_id = ids[0] if ids else ""
        lineno = _line_of(container)
        named = f" {heading!r}" if heading else ""
        report(
            env,
            "citation-unsupported-claim",
            f"{CLAIM_HOLDERS[kind]}{named} states an effect without a citation: {claims[0]!r}; "
            "cite a source or mark the claim {needs-source}",
            docname=docname,
            lineno=lineno,
            level="info",
            target=node_id or slugify(claims[0]),
        )
        kb_domain(env).add_record(
            UNSUPPORTED,
            docname,
            {
                "kind": kind,
                "title": heading,
                "sentence": claims[0],
                "count": len(claims),
                "node_id": node_id,
                "lineno": lineno,
            },
        )
