"""Search records: one per section, FAQ item, safety card and glossary entry.

A record is plain data stored in the kb domain (kind ``search``)::

    {"id": "when-to-stop", "kind": "section", "title": "When to Stop", "text": "...",
     "lineno": 42}

A safety card's record also has its ``level`` (caution, professional, urgent); a record
inside sections of the page (below its top section) has their titles, outermost first, as
``within``.

The page's introduction (the text before its first subsection) has the id of
the page's top section and kind ``page``. A record's text is that of its own
part of the page: nested sections, FAQ items and cards are records of their
own. A glossary entry (Sphinx's ``glossary`` directive) is a record of kind
``term``: its term the title, its definition the text. Left out: copy-link
controls, citation markers, the References list, comments, raw HTML, targets and
system messages. Records are read from the doctree.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from healthkb.citations.nodes import cite, cite_ref
from healthkb.core.anchors import copy_link
from healthkb.core.domain import kb_domain
from healthkb.core.hubs import hub_placeholder
from healthkb.faq.nodes import faq, faq_disclosure, faq_question
from healthkb.safety.nodes import safety_card, safety_header

RECORD_KIND = "search"

#: Nodes whose text is never searchable.
_SKIP = (
    copy_link,
    cite,
    cite_ref,
    nodes.comment,
    nodes.raw,
    nodes.target,
    nodes.system_message,
    nodes.substitution_definition,
    hub_placeholder,
    nodes.meta,
)


def _kind(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.section):
        return "section"
    if isinstance(node, faq):
        return "faq"
    if isinstance(node, safety_card):
        return "safety"
    if isinstance(node, nodes.definition_list_item) and isinstance(
        node.parent.parent if node.parent else None, addnodes.glossary
    ):
        return "term"
    return None


def _title_of(node: nodes.Element, kind: str) -> str:
    if kind == "section":
        title = node.next_node(nodes.title)
        return title.astext() if title is not None else ""
    if kind == "faq":
        for child in node.findall(nodes.Element):
            if isinstance(child, faq_question):
                return child.astext()
        return ""
    if kind == "term":
        term = node.next_node(nodes.term)
        return term.astext() if term is not None else ""
    return str(node.get("title", ""))


def _id_of(node: nodes.Element, kind: str) -> str:
    if kind == "faq":
        for child in node.findall(nodes.Element):
            if isinstance(child, faq_disclosure) and child["ids"]:
                return str(child["ids"][0])
        return ""
    if kind == "term":
        term = node.next_node(nodes.term)
        return str(term["ids"][0]) if term is not None and term["ids"] else ""
    return str(node["ids"][0]) if node["ids"] else ""


def _words(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def collect_records(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    domain = kb_domain(env)
    records: list[dict[str, Any]] = []
    # The titles of the sections the current node is in (the page's own section aside).
    trail: list[str] = []

    def visit(element: nodes.Element, record: dict[str, Any], parts: list[str]) -> None:
        for child in element.children:
            if isinstance(child, nodes.Text):
                parts.append(child.astext())
                continue
            if not isinstance(child, nodes.Element):
                continue
            if isinstance(child, _SKIP) or "kb-references" in child.get("classes", []):
                continue
            if isinstance(child, (nodes.title, nodes.term)) and child.parent is record["node"]:
                continue
            if isinstance(child, (faq_question, safety_header)) and _owner(child) is record["node"]:
                continue
            kind = _kind(child)
            if kind is not None:
                start(child, kind)
                continue
            visit(child, record, parts)
            if isinstance(child, (nodes.TextElement, nodes.Body)) and not isinstance(
                child, nodes.Inline
            ):
                parts.append(" ")

    def start(node: nodes.Element, kind: str) -> None:
        node_id = _id_of(node, kind)
        title = _title_of(node, kind)
        if isinstance(node.parent, nodes.document):
            kind = "page"
        entry: dict[str, Any] = {
            "id": node_id,
            "kind": kind,
            "title": " ".join(title.split()),
            "text": "",
            "lineno": node.line,
        }
        if kind == "safety":
            # The search page puts the urgent card first for an urgent symptom.
            entry["level"] = str(node.get("level", "caution"))
        if trail:
            # "Upper back" under "Exercises for the back" is about exercises for the upper back.
            entry["within"] = list(trail)
        if node_id and title:
            records.append(entry)  # before its nested records: document order
        parts: list[str] = []
        nested = kind == "section" and bool(title)
        if nested:
            trail.append(" ".join(title.split()))
        visit(node, {"node": node}, parts)
        if nested:
            trail.pop()
        entry["text"] = _words(parts)

    for child in doctree.children:
        if isinstance(child, nodes.section):
            start(child, "section")
    for record in records:
        domain.add_record(RECORD_KIND, docname, record)


def _owner(node: nodes.Element) -> nodes.Element | None:
    parent = node.parent
    while parent is not None and _kind(parent) is None:
        parent = parent.parent
    return parent
