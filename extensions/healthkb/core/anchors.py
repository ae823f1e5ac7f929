"""Stable ids and copy-link controls shared by every linkable object.

Ids come from an explicit ``:name:`` or a slug of the object's text, never from
counters, so inserting, removing or reordering other content leaves them alone.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.core.ids import MAX_SLUG_WORDS, slugify
from healthkb.core.nodes import SKIP, add_node

__all__ = ["MAX_SLUG_WORDS", "copy_link", "setup_anchors", "slugify", "valid_id"]


def valid_id(name: str) -> bool:
    """True when ``name`` is usable as an explicit id (as docutils would keep it)."""
    return bool(name) and nodes.make_id(name) == name


class copy_link(nodes.Inline, nodes.Element):
    """A "copy link" button for the object with id ``refid`` (HTML only).

    ``label`` names what the link points at, for screen readers.
    """


def visit_copy_link_html(self: Any, node: copy_link) -> None:
    label = node.get("label", "")
    self.body.append(
        f'<button type="button" class="kb-copy-link" data-kb-anchor="{node["refid"]}" '
        f'aria-label="Copy link to {self.attval(label)}" title="Copy link">'
        '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="16" height="16">'
        '<path fill="currentColor" d="M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a3 3 0 1 1 4.2 4.2l-2 2'
        "a1 1 0 1 1-1.4-1.4l2-2a1 1 0 1 0-1.4-1.4l-3.5 3.5a1 1 0 0 1-1.4 0zm2.8-2.8a1 1 0 0 1 0 "
        "1.4l-3.5 3.5a3 3 0 1 1-4.2-4.2l2-2a1 1 0 1 1 1.4 1.4l-2 2a1 1 0 1 0 1.4 1.4l3.5-3.5a1 1 "
        '0 0 1 1.4 0z"/></svg><span class="kb-copy-link-text">Copy link</span></button>'
    )
    raise nodes.SkipNode


def setup_anchors(app: Sphinx) -> None:
    add_node(app, copy_link, (visit_copy_link_html, None), SKIP)
