"""The FAQ item's nodes and how every builder writes them.

HTML::

    <div class="kb-faq">
      <details class="kb-faq-details" id="ID">
        <summary class="kb-faq-summary"><h3 class="kb-faq-question">Question</h3></summary>
        <div class="kb-faq-answer">answer</div>
      </details>
      <button class="kb-copy-link" ...>Copy link</button>
    </div>

The heading level follows the section the item sits in. Other builders write
"Q: question" in bold, then the answer.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.core.nodes import add_node
from healthkb.core.nodes import render_children as _pass

#: Record kind of FAQ items in the kb domain (:meth:`healthkb.core.domain.KBDomain.records`).
RECORD_KIND = "faq"


# -- nodes ---------------------------------------------------------------------
class faq(nodes.General, nodes.Element):
    """One FAQ item: the disclosure and its copy-link control."""


class faq_disclosure(nodes.General, nodes.Element):
    """The question and its answer; carries the item's id."""


class faq_question(nodes.Part, nodes.TextElement):
    """The question (inline content)."""


class faq_answer(nodes.General, nodes.Element):
    """The answer (body elements)."""


def heading_level(node: nodes.Element) -> int:
    depth = 0
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            depth += 1
        parent = parent.parent
    return min(max(depth + 1, 2), 6)


def visit_faq_html(self: Any, node: faq) -> None:
    self.body.append(self.starttag(node, "div", ""))


def depart_faq_html(self: Any, node: faq) -> None:
    self.body.append("</div>\n")


def visit_disclosure_html(self: Any, node: faq_disclosure) -> None:
    self.body.append(self.starttag(node, "details", "", CLASS="kb-faq-details"))


def depart_disclosure_html(self: Any, node: faq_disclosure) -> None:
    self.body.append("</details>\n")


def visit_question_html(self: Any, node: faq_question) -> None:
    level = heading_level(node)
    self.body.append('<summary class="kb-faq-summary">')
    self.body.append(self.starttag(node, f"h{level}", "", CLASS="kb-faq-question"))


def depart_question_html(self: Any, node: faq_question) -> None:
    self.body.append(f"</h{heading_level(node)}></summary>\n")


def visit_answer_html(self: Any, node: faq_answer) -> None:
    self.body.append(self.starttag(node, "div", "", CLASS="kb-faq-answer"))


def depart_answer_html(self: Any, node: faq_answer) -> None:
    self.body.append("</div>\n")


# -- other builders: "Q: question" in bold, then the answer ----------------------
def visit_question_text(self: Any, node: faq_question) -> None:
    self.new_state(0)
    self.add_text("Q: ")


def depart_question_text(self: Any, node: faq_question) -> None:
    self.end_state()


def visit_disclosure_latex(self: Any, node: faq_disclosure) -> None:
    self.body.append("\n" + self.hypertarget_to(node, anchor=True) + "\n")


def visit_question_latex(self: Any, node: faq_question) -> None:
    self.body.append("\n\\par\\medskip\\noindent\\sphinxstylestrong{Q: ")


def depart_question_latex(self: Any, node: faq_question) -> None:
    self.body.append("}\\par\\nopagebreak\n")


def visit_question_man(self: Any, node: faq_question) -> None:
    self.ensure_eol()
    self.body.append(".sp\n")
    self.visit_strong(node)
    self.body.append("Q: ")


def depart_question_man(self: Any, node: faq_question) -> None:
    self.depart_strong(node)
    self.body.append("\n.sp\n")


def visit_disclosure_texinfo(self: Any, node: faq_disclosure) -> None:
    for node_id in node["ids"]:
        self.add_anchor(node_id, node)


def visit_question_texinfo(self: Any, node: faq_question) -> None:
    self.body.append("\n@strong{Q: ")


def depart_question_texinfo(self: Any, node: faq_question) -> None:
    self.body.append("}\n")


def add_nodes(app: Sphinx) -> None:
    """Register the nodes with a visitor for every builder."""
    add_node(app, faq, (visit_faq_html, depart_faq_html))
    add_node(
        app,
        faq_disclosure,
        (visit_disclosure_html, depart_disclosure_html),
        latex=(visit_disclosure_latex, _pass),
        texinfo=(visit_disclosure_texinfo, _pass),
    )
    add_node(
        app,
        faq_question,
        (visit_question_html, depart_question_html),
        latex=(visit_question_latex, depart_question_latex),
        text=(visit_question_text, depart_question_text),
        man=(visit_question_man, depart_question_man),
        texinfo=(visit_question_texinfo, depart_question_texinfo),
    )
    add_node(app, faq_answer, (visit_answer_html, depart_answer_html))
