"""Visitors shared by every feature's nodes, their registration, a node's source line and
the nearest enclosing node of a type.

Every custom node needs a visitor in every builder (html, latex, text, man,
texinfo), or a non-HTML build crashes. Most builders need one of two: leave the
node out (:func:`skip_node`, e.g. an HTML-only control), or write only what is
inside it (:func:`render_children`, e.g. a wrapper whose text stands on its own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxTranslator


def skip_node(self: SphinxTranslator, node: nodes.Element) -> None:
    """Leave the node and its children out of this builder's output."""
    raise nodes.SkipNode


N = TypeVar("N", bound=nodes.Node)


def ancestor(node: nodes.Node, kind: type[N]) -> N | None:
    """The nearest node enclosing ``node`` that is a ``kind``, else None."""
    current = node.parent
    while current is not None and not isinstance(current, kind):
        current = current.parent
    return current


def line_of(node: nodes.Node) -> int | None:
    """The source line of ``node``, else of its nearest ancestor that has one."""
    current: nodes.Node | None = node
    while current is not None:
        if current.line:
            return int(current.line)
        current = current.parent
    return None


def render_children(self: SphinxTranslator, node: nodes.Element) -> None:
    """Write nothing for the node itself; its children are rendered as usual."""


#: Visitors that write only the node's children, and that leave the node out.
CHILDREN = (render_children, render_children)
SKIP = (skip_node, None)
#: The builders besides HTML that every node must render in (sphinx issue 9921).
OTHER_FORMATS = ("latex", "text", "man", "texinfo")

Visitors = tuple[Callable[..., None], Callable[..., None] | None]


def add_node(
    app: Sphinx,
    node: type[nodes.Element],
    html: Visitors,
    other: Visitors = CHILDREN,
    **formats: Visitors,
) -> None:
    """Register ``node`` with its HTML visitors, ``other`` for every other builder, and
    ``formats`` where a builder has visitors of its own (``latex=(visit, depart)``)."""
    visitors = {name: formats.get(name, other) for name in OTHER_FORMATS}
    app.add_node(node, override=False, html=html, **visitors)
