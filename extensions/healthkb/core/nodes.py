"""Visitors shared by every feature's nodes.

Every custom node needs a visitor in every builder (html, latex, text, man,
texinfo), or a non-HTML build crashes. Most builders need one of two: leave the
node out (:func:`skip_node`, e.g. an HTML-only control), or write only what is
inside it (:func:`render_children`, e.g. a wrapper whose text stands on its own).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxTranslator


def skip_node(self: SphinxTranslator, node: nodes.Element) -> None:
    """Leave the node and its children out of this builder's output."""
    raise nodes.SkipNode


def render_children(self: SphinxTranslator, node: nodes.Element) -> None:
    """Write nothing for the node itself; its children are rendered as usual."""
