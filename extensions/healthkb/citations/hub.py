"""The evidence hub (``{kb-evidence-hub}``): every source and the claims to work through.

Three sections, each filled at write time from the kb domain's data:

- Sources: every registry entry, each with the pages and sections that cite it.
  The sources are ``kb`` domain objects located on the hub page, so they reach
  ``objects.inv``, search and ``{kb:source}`` links.
- Claims that need a source: every ``{needs-source}``, with its page and section.
- Effect claims without a citation: FAQ answers and safety callouts that state an
  effect and cite nothing (found by :mod:`healthkb.checks.claims`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from healthkb.citations.references import reference_paragraph, source_id, unique_id
from healthkb.citations.store import (
    CITATIONS,
    CLAIM_HOLDERS,
    HUB_KIND,
    NEEDS_SOURCE,
    UNSUPPORTED,
    all_sources,
)
from healthkb.core.anchors import slugify
from healthkb.core.domain import kb_domain
from healthkb.core.hubs import hub_placeholder, register_hub
from healthkb.core.pages import page_title


def _link(app: Sphinx, fromdoc: str, todoc: str, node_id: str, text: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdoc, todoc)
    if node_id:
        uri += "#" + node_id
    return nodes.reference("", text, internal=True, refuri=uri)


def _hub_section(title: str, section_id: str) -> nodes.section:
    section = nodes.section("", ids=[section_id], classes=["kb-evidence-section"])
    section += nodes.title(title, title)
    return section


def _places(
    app: Sphinx, hub: str, docname: str, records: list[dict[str, Any]], anchor_key: str
) -> nodes.paragraph:
    """``Page › Section, Section``: the page linked, each section linked in place.

    ``records`` hold one entry per section (the first occurrence in it); a record
    outside any subsection links the page itself in place.
    """
    env = app.env
    para = nodes.paragraph()
    top = [r for r in records if r.get("top") or not r.get("section_title")]
    inner = [r for r in records if r not in top]
    page_anchor = top[0][anchor_key] if top else ""
    para += _link(app, hub, docname, page_anchor, page_title(env, docname))
    for i, record in enumerate(inner):
        para += nodes.Text(" › " if i == 0 else ", ")
        para += _link(app, hub, docname, record[anchor_key], record["section_title"])
    return para


def _plural(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _s(count: int) -> str:
    """The verb ending that agrees with ``count`` subjects."""
    return "s" if count == 1 else ""


def _citing(env: BuildEnvironment) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """key -> citing page -> the first citation record in each of its sections."""
    domain = kb_domain(env)
    citing: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    for citing_doc in sorted(domain.records(CITATIONS), key=lambda d: page_title(env, d)):
        for record in domain.records(CITATIONS)[citing_doc]:
            if record["known"]:
                per_doc = citing[record["key"]].setdefault(citing_doc, [])
                if all(r["section_id"] != record["section_id"] for r in per_doc):
                    per_doc.append(record)
    return citing


def _render_sources(app: Sphinx, hub: str) -> list[nodes.Node]:
    """Every source, each with the pages and sections that cite it."""
    known = all_sources(app.env)
    citing = _citing(app.env)
    ordered = sorted(
        known.values(),
        key=lambda s: (s.first_author.last if s.first_author else s.key, s.year or "", s.key),
    )
    n_cited = sum(1 for s in ordered if citing.get(s.key))
    intro = nodes.paragraph(
        "",
        f"{_plural(len(ordered), 'source')} in the registry, {n_cited} of them cited by pages "
        "of this knowledge base. Each source lists the pages and sections that cite it.",
    )
    slist = nodes.bullet_list("", classes=["kb-evidence-sources"])
    for source in ordered:
        item = nodes.list_item("", ids=[source_id(source.key)], classes=["kb-evidence-source"])
        item += reference_paragraph(source)
        uses = citing.get(source.key, {})
        if uses:
            item += nodes.paragraph("", "Cited by:", classes=["kb-evidence-label"])
            cited_by = nodes.bullet_list("", classes=["kb-evidence-cited-by"])
            for citing_doc, records in uses.items():
                cited_by += nodes.list_item("", _places(app, hub, citing_doc, records, "marker_id"))
            item += cited_by
        else:
            item += nodes.paragraph("", "Not cited by any page yet.", classes=["kb-evidence-label"])
        slist += item
    return [intro, slist]


def _render_needs_source(app: Sphinx, hub: str) -> list[nodes.Node]:
    """Every claim marked {needs-source}, with its page and section."""
    env = app.env
    needs = kb_domain(env).records(NEEDS_SOURCE)
    count = sum(len(v) for v in needs.values())
    if not count:
        return [nodes.paragraph("", "No claim is waiting for a source.")]
    intro = nodes.paragraph(
        "",
        f"{_plural(count, 'claim')} name{_s(count)} a study without an identifier. Find the "
        "study (PubMed or DOI), add it to the registry and replace the marker with a citation.",
    )
    nlist = nodes.bullet_list("", classes=["kb-evidence-claims"])
    for page in sorted(needs, key=lambda d: page_title(env, d)):
        for record in needs[page]:
            para = _places(app, hub, page, [record], "node_id")
            para.insert(0, nodes.Text(" — "))
            para.insert(0, nodes.inline("", f"“{record['claim']}”", classes=["kb-evidence-claim"]))
            nlist += nodes.list_item("", para)
    return [intro, nlist]


def _render_unsupported(app: Sphinx, hub: str) -> list[nodes.Node]:
    """FAQ answers and safety callouts that state an effect and cite nothing."""
    env = app.env
    unsupported = kb_domain(env).records(UNSUPPORTED)
    count = sum(len(v) for v in unsupported.values())
    if not count:
        return [
            nodes.paragraph(
                "", "Every effect claim in FAQ answers and safety callouts cites a source."
            )
        ]
    intro = nodes.paragraph(
        "",
        f"{_plural(count, 'FAQ answer or safety callout', 'FAQ answers and safety callouts')} "
        f"state{_s(count)} an effect (reduces, improves, increases, ...) and cite{_s(count)} "
        "nothing. Cite a source, mark the claim as needing one, or rephrase it.",
    )
    ulist = nodes.bullet_list("", classes=["kb-evidence-claims"])
    for page in sorted(unsupported, key=lambda d: page_title(env, d)):
        for record in unsupported[page]:
            para = nodes.paragraph()
            label = CLAIM_HOLDERS[record["kind"]][0].upper() + CLAIM_HOLDERS[record["kind"]][1:]
            what = f"{label} “{record['title']}”" if record["title"] else label
            para += nodes.strong(what, what)
            para += nodes.Text(": ")
            para += nodes.inline("", f"“{record['sentence']}”", classes=["kb-evidence-claim"])
            para += nodes.Text(" — ")
            para += _link(app, hub, page, record["node_id"], page_title(env, page))
            ulist += nodes.list_item("", para)
    return [intro, ulist]


#: The parts of the evidence hub: part -> (section title, renderer).
HUB_PARTS: dict[str, tuple[str, Any]] = {
    "sources": ("Sources", _render_sources),
    "needs-source": ("Claims that need a source", _render_needs_source),
    "unsupported": ("Effect claims without a citation", _render_unsupported),
}


def split_evidence_hub(app: Sphinx, doctree: nodes.document) -> None:
    """At read time, give the hub its three sections, so they reach the page's contents.

    Each section holds a placeholder for its part; the lists are filled at write time.
    Only done when the hub ends its section (sections must follow body elements).
    """
    for node in list(doctree.findall(hub_placeholder)):
        parent = node.parent
        if node.get("kind") != HUB_KIND or node.get("part") or parent is None:
            continue
        if not isinstance(parent, nodes.section) or parent.children[-1] is not node:
            continue
        new: list[nodes.Node] = []
        for part, (title, _) in HUB_PARTS.items():
            section = _hub_section(title, unique_id(doctree, slugify(title)))
            doctree.ids[section["ids"][0]] = section
            child = hub_placeholder(kind=HUB_KIND, part=part)
            child.source, child.line = node.source, node.line
            section += child
            new.append(section)
        node.replace_self(new)


def render_evidence_hub(
    app: Sphinx, docname: str, placeholder: hub_placeholder
) -> list[nodes.Node]:
    part = placeholder.get("part")
    if part in HUB_PARTS:
        content: list[nodes.Node] = HUB_PARTS[part][1](app, docname)
        return content
    out: list[nodes.Node] = []
    for title, render in HUB_PARTS.values():
        section = _hub_section(title, slugify(title))
        section.extend(render(app, docname))
        out.append(section)
    return out


def note_sources(app: Sphinx, doctree: nodes.document) -> None:
    placeholders = [n for n in doctree.findall(hub_placeholder) if n.get("kind") == HUB_KIND]
    if not placeholders:
        return
    env = app.env
    for source in sorted(all_sources(env).values(), key=lambda s: s.key):
        kb_domain(env).note_object(
            "source",
            source.key,
            docname=env.docname,
            node_id=source_id(source.key),
            title=source.short_ref(),
            lineno=placeholders[0].line,
        )


def setup_evidence_hub(app: Sphinx) -> None:
    register_hub(app, "kb-evidence-hub", HUB_KIND, render_evidence_hub)
    app.connect("doctree-read", note_sources)
    # Before the contents collector (priority 500) reads the page's sections.
    app.connect("doctree-read", split_evidence_hub, priority=400)
