"""The safety card's nodes and how every builder writes them.

HTML: an NHS-style care card, one colour and icon per level, a visually hidden prefix
("Take care:", "See a health professional:", "Urgent:") read before the title. Other
builders write the level in capitals before the title, then the body.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.core.nodes import add_node
from healthkb.core.nodes import render_children as _pass
from healthkb.safety.levels import CARD_PREFIXES

# Inline SVG icons (24x24), one per level; drawn in currentColor, hidden from screen readers.
ICONS = {
    # a warning triangle with an exclamation mark
    "caution": "M12 2.5 1.2 21.5h21.6L12 2.5zM10.9 9h2.2l-.3 6.5h-1.6L10.9 9zm0 8.2h2.2v2.1"
    "h-2.2v-2.1z",
    # a medical cross in a circle
    "professional": "M12 1.8a10.2 10.2 0 1 0 0 20.4 10.2 10.2 0 0 0 0-20.4zM10.4 6.5h3.2v3.9h3.9"
    "v3.2h-3.9v3.9h-3.2v-3.9H6.5v-3.2h3.9V6.5z",
    # an octagon with an exclamation mark
    "urgent": "M7.9 1.5h8.2l5.9 5.9v8.2l-5.9 5.9H7.9L2 15.6V7.4l5.9-5.9zM10.9 6h2.2v8h-2.2V6zm0 "
    "10h2.2v2.2h-2.2V16z",
}


# -- nodes ----------------------------------------------------------------------------------
class safety_card(nodes.General, nodes.Element):
    """A safety callout; attributes ``level``, ``rule`` and ``title`` (plain text)."""


class safety_header(nodes.General, nodes.Element):
    """The card's header: its title and its copy-link control."""


class safety_title(nodes.TextElement):
    """The card's title (inline markup allowed)."""


class safety_body(nodes.General, nodes.Element):
    """The card's body (any block content)."""


# -- visitors: HTML -------------------------------------------------------------------------
def _icon(level: str) -> str:
    return (
        '<svg class="kb-safety__icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" '
        f'width="24" height="24"><path fill="currentColor" fill-rule="evenodd" '
        f'd="{ICONS[level]}"/></svg>'
    )


def visit_card_html(self: Any, node: safety_card) -> None:
    level = node["level"]
    attrs: dict[str, Any] = {"data-kb-level": level}
    if node.get("rule"):
        attrs["data-kb-rule"] = node["rule"]
    self.body.append(self.starttag(node, "div", "", CLASS=f"kb-safety kb-safety--{level}", **attrs))


def depart_card_html(self: Any, node: safety_card) -> None:
    self.body.append("</div>\n")


def visit_header_html(self: Any, node: safety_header) -> None:
    level = node.parent["level"] if isinstance(node.parent, safety_card) else "caution"
    self.body.append(f'<div class="kb-safety__header">{_icon(level)}')


def depart_header_html(self: Any, node: safety_header) -> None:
    self.body.append("</div>\n")


def visit_title_html(self: Any, node: safety_title) -> None:
    card = node.parent.parent if node.parent is not None else None
    level = card["level"] if isinstance(card, safety_card) else "caution"
    # One level below the enclosing section's heading (h1 is the page title).
    heading = min(int(getattr(self, "section_level", 1)) + 1, 6)
    self.context.append(f"</h{heading}>")
    self.body.append(
        f'<h{heading} class="kb-safety__title"><span class="kb-visually-hidden">'
        f"{CARD_PREFIXES[level]}: </span>"
    )


def depart_title_html(self: Any, node: safety_title) -> None:
    self.body.append(self.context.pop() + "\n")


def visit_body_html(self: Any, node: safety_body) -> None:
    self.body.append('<div class="kb-safety__body">\n')


def depart_body_html(self: Any, node: safety_body) -> None:
    self.body.append("</div>\n")


# -- visitors: other builders ---------------------------------------------------------------
def _label(node: nodes.Element) -> str:
    card = node.parent.parent if node.parent is not None else None
    level = card["level"] if isinstance(card, safety_card) else "caution"
    return CARD_PREFIXES[level].upper()


def visit_card_text(self: Any, node: safety_card) -> None:
    self.new_state(0)


def depart_card_text(self: Any, node: safety_card) -> None:
    self.end_state()


def visit_title_text(self: Any, node: safety_title) -> None:
    self.new_state(0)
    self.add_text(_label(node) + ": ")


def depart_title_text(self: Any, node: safety_title) -> None:
    self.end_state()


def visit_body_text(self: Any, node: safety_body) -> None:
    self.new_state(3)


def depart_body_text(self: Any, node: safety_body) -> None:
    self.end_state()


def visit_card_latex(self: Any, node: safety_card) -> None:
    # A minipage never breaks across pages: the card stays in one piece in print.
    self.body.append(
        "\n\n\\par\\medskip\\noindent\\begin{minipage}{\\linewidth}" + self.hypertarget_to(node)
    )


def depart_card_latex(self: Any, node: safety_card) -> None:
    self.body.append("\n\\end{minipage}\\par\\medskip\n\n")


def visit_title_latex(self: Any, node: safety_title) -> None:
    self.body.append("\n\\par\\noindent\\textbf{" + self.encode(_label(node)) + ": ")


def depart_title_latex(self: Any, node: safety_title) -> None:
    self.body.append("}\\par\n")


def visit_title_man(self: Any, node: safety_title) -> None:
    self.ensure_eol()
    self.body.append(".sp\n\\fB" + _label(node) + ": ")


def depart_title_man(self: Any, node: safety_title) -> None:
    self.body.append("\\fP\n")


def visit_body_man(self: Any, node: safety_body) -> None:
    self.ensure_eol()
    self.body.append(".RS 4\n")


def depart_body_man(self: Any, node: safety_body) -> None:
    self.ensure_eol()
    self.body.append(".RE\n")


def visit_card_texinfo(self: Any, node: safety_card) -> None:
    for node_id in node["ids"]:
        self.add_anchor(node_id, node)


def visit_title_texinfo(self: Any, node: safety_title) -> None:
    self.body.append("\n\n@strong{" + _label(node) + ": ")


def depart_title_texinfo(self: Any, node: safety_title) -> None:
    self.body.append("}\n")


def visit_body_texinfo(self: Any, node: safety_body) -> None:
    self.body.append("\n@quotation\n")


def depart_body_texinfo(self: Any, node: safety_body) -> None:
    self.body.append("\n@end quotation\n")


def add_nodes(app: Sphinx) -> None:
    """Register the nodes with a visitor for every builder."""
    add_node(
        app,
        safety_card,
        (visit_card_html, depart_card_html),
        latex=(visit_card_latex, depart_card_latex),
        text=(visit_card_text, depart_card_text),
        texinfo=(visit_card_texinfo, _pass),
    )
    add_node(app, safety_header, (visit_header_html, depart_header_html))
    add_node(
        app,
        safety_title,
        (visit_title_html, depart_title_html),
        latex=(visit_title_latex, depart_title_latex),
        text=(visit_title_text, depart_title_text),
        man=(visit_title_man, depart_title_man),
        texinfo=(visit_title_texinfo, depart_title_texinfo),
    )
    add_node(
        app,
        safety_body,
        (visit_body_html, depart_body_html),
        text=(visit_body_text, depart_body_text),
        man=(visit_body_man, depart_body_man),
        texinfo=(visit_body_texinfo, depart_body_texinfo),
    )
