"""Definitions on the page: the reader sees what a linked medical word means without leaving.

A linked first mention (:mod:`healthkb.site.glossary`) stays a link to its glossary
entry, which works without JavaScript. When the page is written, a post-transform
appends the definitions of the entries the page links to (only those) as hidden
``role="tooltip"`` elements with ids ``kb-def-<term id>``. ``kb-glossary.js``
points each link's ``aria-describedby`` at its definition (screen readers read it
with the link) and shows the definition next to the word on hover, keyboard focus
and tap, closing it with Escape, on blur and on a tap elsewhere. No fetch: the text
is in the page.
"""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from healthkb.core.nodes import SKIP, add_node
from healthkb.site.glossary import TERM_CLASS, definitions

#: The id of a definition: this prefix and the glossary entry's id.
DEFINITION_PREFIX = "kb-def-"


class glossary_definitions(nodes.General, nodes.Element):
    """The definitions a page links to: ``entries`` is a list of (term id, term, text)."""


def visit_definitions_html(self: Any, node: glossary_definitions) -> None:
    parts = ['<div class="kb-term-defs">']
    for term_id, _term, text in node["entries"]:
        def_id = html.escape(DEFINITION_PREFIX + term_id)
        parts.append(
            f'<div class="kb-term-def" role="tooltip" id="{def_id}" hidden>'
            f"{html.escape(text)}</div>"
        )
    parts.append("</div>")
    self.body.append("".join(parts))
    raise nodes.SkipNode


def _fragment(reference: nodes.reference) -> str:
    return str(reference.get("refuri", "")).rpartition("#")[2] or str(reference.get("refid", ""))


class PageDefinitions(SphinxPostTransform):
    """After the references are resolved: the definitions of the entries this page links to."""

    default_priority = 20  # after Sphinx's ReferencesResolver (10)
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        entries = definitions(self.env, self.config.kb_glossary)
        if not entries:
            return
        used: dict[str, tuple[str, str, str]] = {}
        for inline in self.document.findall(nodes.inline):
            if TERM_CLASS not in inline["classes"]:
                continue
            reference = inline.parent
            if not isinstance(reference, nodes.reference):
                continue
            entry = entries.get(_fragment(reference))
            if entry is not None and entry["id"] not in used:
                used[entry["id"]] = (entry["id"], entry["term"], entry["text"])
        if used:
            self.document += glossary_definitions(entries=list(used.values()))


def setup_definitions(app: Sphinx) -> None:
    add_node(app, glossary_definitions, (visit_definitions_html, None), SKIP)
    app.add_post_transform(PageDefinitions)
    app.add_css_file("kb-glossary.css")
    app.add_js_file("kb-glossary.js", loading_method="defer")
