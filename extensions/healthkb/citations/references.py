"""Per-page numbering of citation markers and the page's References list.

A transform numbers the markers of a page in order of first citation (one number
per source), gives every marker a stable id (``cite-pmid-25415413``, then
``...-2``) so the evidence hub can link to it in place, and appends a "References"
section (id ``references``). It records every citation and every claim that needs
a source in the kb domain, with its section, for the evidence hub.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

from healthkb.citations.model import Source
from healthkb.citations.nodes import cite, cite_ref, needs_source
from healthkb.citations.store import CITATIONS, NEEDS_SOURCE, find_source
from healthkb.core.anchors import slugify
from healthkb.core.domain import kb_domain
from healthkb.core.nodes import ancestor

REFERENCES_ID = "references"


def section_of(node: nodes.Node) -> tuple[str, str, bool]:
    """(id, title, is the page's top section) of the section holding ``node``."""
    parent = ancestor(node, nodes.section)
    if parent is None:
        return "", "", True
    title = parent[0].astext() if parent.children and isinstance(parent[0], nodes.title) else ""
    ids: list[str] = parent.get("ids", [])
    return (ids[0] if ids else ""), title, isinstance(parent.parent, nodes.document)


def unique_id(document: nodes.document, base: str) -> str:
    candidate, n = base, 1
    while candidate in document.ids:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def source_id(key: str) -> str:
    return slugify(key, max_words=64)


def reference_paragraph(source: Source) -> nodes.paragraph:
    """Authors. Title. *Journal*. Year. PubMed / DOI links: from the pybtex entry's fields."""
    para = nodes.paragraph()
    authors = source.author_text()
    if authors:
        para += nodes.Text(authors.rstrip(".") + ". ")
    if source.title:
        para += nodes.Text(source.title.rstrip(".") + ". ")
    if source.journal:
        para += nodes.emphasis(source.journal, source.journal)
        para += nodes.Text(". ")
    if source.year:
        para += nodes.Text(f"{source.year}. ")
    links: list[nodes.reference] = []
    if source.pubmed_url:
        links.append(nodes.reference("", f"PubMed {source.pmid}", refuri=source.pubmed_url))
    if source.doi_url:
        links.append(nodes.reference("", f"doi:{source.doi}", refuri=source.doi_url))
    if not links and source.url:
        links.append(nodes.reference("", source.url, refuri=source.url))
    for i, link in enumerate(links):
        if i:
            para += nodes.Text(", ")
        para += link
    return para


class CitationTransform(SphinxTransform):
    """Numbers the markers of one page and appends its References list."""

    default_priority = 500

    def apply(self, **kwargs: Any) -> None:
        document = self.document
        docname = self.env.docname
        domain = kb_domain(self.env)
        cited: dict[str, Source] = {}
        numbers: dict[str, int] = {}
        seen: Counter[str] = Counter()
        for node in list(document.findall(cite)):
            section_id, section_title, top = section_of(node)
            lineno = node.line
            children: list[nodes.Node] = [nodes.Text("[")]
            for i, key in enumerate(node["keys"]):
                if i:
                    children.append(nodes.Text(", "))
                found = cited.get(key) or find_source(self.env, key)
                record = {
                    "key": key,
                    "known": found is not None,
                    # An attribution names one source; with several keys it names none.
                    "attribution": node["attribution"] if len(node["keys"]) == 1 else "",
                    "lineno": lineno,
                    "section_id": section_id,
                    "section_title": section_title,
                    "top": top,
                    "marker_id": "",
                    "number": 0,
                }
                if found is None:
                    children.append(nodes.inline(key, key, classes=["kb-cite-unknown"]))
                    domain.add_record(CITATIONS, docname, record)
                    continue
                cited[key] = found
                number = numbers.setdefault(found.key, len(numbers) + 1)
                seen[found.key] += 1
                base = f"cite-{source_id(found.key)}"
                marker_id = unique_id(
                    document, base if seen[found.key] == 1 else f"{base}-{seen[found.key]}"
                )
                ref = cite_ref(
                    "",
                    str(number),
                    refid=f"ref-{source_id(found.key)}",
                    number=number,
                    label=found.short_ref(),
                )
                ref["ids"] = [marker_id]
                document.ids[marker_id] = ref
                children.append(ref)
                record.update(marker_id=marker_id, number=number)
                domain.add_record(CITATIONS, docname, record)
            children.append(nodes.Text("]"))
            node.extend(children)
        if numbers:
            self._append_references([cited[key] for key in numbers])
        self._needs_source(docname)

    def _append_references(self, cited: list[Source]) -> None:
        document = self.document
        section_id = unique_id(document, REFERENCES_ID)
        section = nodes.section("", ids=[section_id], classes=["kb-references"])
        document.ids[section_id] = section
        section += nodes.title("References", "References")
        olist = nodes.enumerated_list(
            "", enumtype="arabic", prefix="", suffix=".", classes=["kb-reference-list"]
        )
        for entry in cited:
            item_id = f"ref-{source_id(entry.key)}"
            item = nodes.list_item("", ids=[item_id])
            document.ids[item_id] = item
            item += reference_paragraph(entry)
            olist += item
        section += olist
        top = [child for child in document.children if isinstance(child, nodes.section)]
        (top[0] if len(top) == 1 else document).append(section)

    def _needs_source(self, docname: str) -> None:
        for node in self.document.findall(needs_source):
            claim = node["claim"]
            node_id = unique_id(self.document, "needs-source-" + (slugify(claim) or "claim"))
            node["ids"] = [node_id]
            self.document.ids[node_id] = node
            section_id, section_title, top = section_of(node)
            kb_domain(self.env).add_record(
                NEEDS_SOURCE,
                docname,
                {
                    "claim": claim,
                    "node_id": node_id,
                    "lineno": node.line,
                    "section_id": section_id,
                    "section_title": section_title,
                    "top": top,
                },
            )
