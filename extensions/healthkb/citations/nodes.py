"""The citation nodes and their visitors in every builder.

``{cite}`` leaves a :class:`cite` node; the numbering transform
(:mod:`healthkb.citations.references`) fills it with ``[``, one :class:`cite_ref`
marker per source and ``]``. ``{needs-source}`` leaves a :class:`needs_source`
node: the claim text and a "source needed" flag. HTML gets accessible markup;
other builders write the children as text ("[1, 2]", "claim (source needed)").
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.core.nodes import CHILDREN, add_node


class cite(nodes.Inline, nodes.Element):
    """One ``{cite}``: after the transform, ``[``, markers and ``]`` as children.

    Attributes: ``keys`` (canonical keys), ``attribution`` (as written or "").
    """


class cite_ref(nodes.Inline, nodes.TextElement):
    """The marker of one source: its number as text; ``refid`` is the References entry."""


class needs_source(nodes.Inline, nodes.TextElement):
    """A claim whose source cannot be traced: the claim text and a "source needed" flag."""


def visit_cite_html(self: Any, node: cite) -> None:
    self.body.append('<span class="kb-cite">')
    for child in node.children:
        if isinstance(child, cite_ref):
            refid = child["refid"]
            self.body.append(
                f'<a class="kb-cite-ref" id="{child["ids"][0]}" href="#{refid}" '
                f'aria-describedby="{refid}" data-kb-ref="{refid}">'
                f'<span class="kb-visually-hidden">Reference </span>{child["number"]}</a>'
            )
        elif isinstance(child, nodes.Text):
            text = self.encode(child.astext())
            self.body.append(f'<span class="kb-cite-punct" aria-hidden="true">{text}</span>')
        else:
            self.body.append(f'<span class="kb-cite-unknown">{self.encode(child.astext())}</span>')
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_needs_source_html(self: Any, node: needs_source) -> None:
    ids = " ".join(node.get("ids", []))
    id_attr = f' id="{ids}"' if ids else ""
    self.body.append(f'<span class="kb-needs-source"{id_attr}>')


def depart_needs_source_html(self: Any, node: needs_source) -> None:
    self.body.append("</span>")


def add_citation_nodes(app: Sphinx) -> None:
    """Register the nodes; builders other than HTML render their children as text."""
    add_node(app, cite, (visit_cite_html, None))
    add_node(app, cite_ref, CHILDREN)  # written by visit_cite_html
    add_node(app, needs_source, (visit_needs_source_html, depart_needs_source_html))
