"""The review notice: "Page last reviewed ... · Next review due ... · Reviewed by ...".

A node made when the page is read (:func:`note_review`), so every builder (text,
LaTeX, man, Texinfo) shows it; an article without review metadata says that it has
not been reviewed yet. The page's review record is stored in the kb domain at the
same time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.core.domain import kb_domain
from healthkb.core.nodes import add_node
from healthkb.review.metadata import RECORD_KIND, Review, format_date, read_review


class review_notice(nodes.General, nodes.Element):
    """The "Page last reviewed ..." line at the end of a page."""


class review_date(nodes.Inline, nodes.TextElement):
    """A date in the notice; ``datetime`` holds the ISO date."""


class review_sep(nodes.Inline, nodes.TextElement):
    """The separator between the notice's parts."""


def notice_node(review: Review) -> review_notice:
    notice = review_notice(classes=["kb-review"])
    para = nodes.paragraph(classes=["kb-review__text"])
    parts: list[list[nodes.Node]] = []
    if review.reviewed:
        day = dt.date.fromisoformat(review.reviewed)
        parts.append(
            [
                nodes.Text("Page last reviewed: "),
                review_date("", format_date(day), datetime=review.reviewed),
            ]
        )
    if review.review_due:
        day = dt.date.fromisoformat(review.review_due)
        parts.append(
            [
                nodes.Text("Next review due: "),
                review_date("", format_date(day), datetime=review.review_due),
            ]
        )
    if review.name:
        who = f"{review.name}, {review.role}" if review.role else review.name
        parts.append([nodes.Text(f"Reviewed by {who}")])
    if not parts:
        parts.append([nodes.Text("This page has not been reviewed yet.")])
        notice["classes"].append("kb-review--none")
    for n, part in enumerate(parts):
        if n:
            para += review_sep("", " · ")
        para.extend(part)
    notice += para
    return notice


def _end_of_content(doctree: nodes.document) -> nodes.Element:
    top = [child for child in doctree.children if isinstance(child, nodes.section)]
    return top[0] if len(top) == 1 else doctree


def note_review(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    review = read_review(env, docname)
    if review is None:
        return
    kb_domain(env).add_record(RECORD_KIND, docname, review.as_record())
    if review.article or review.reviewed or review.review_due or review.name:
        notice = notice_node(review)
        notice.source, notice.line = doctree.get("source"), 1
        _end_of_content(doctree).append(notice)


def visit_notice_html(self: Any, node: review_notice) -> None:
    self.body.append(self.starttag(node, "div", ""))


def depart_notice_html(self: Any, node: review_notice) -> None:
    self.body.append("</div>\n")


def visit_date_html(self: Any, node: review_date) -> None:
    self.body.append(f'<time datetime="{self.attval(node["datetime"])}">')


def depart_date_html(self: Any, node: review_date) -> None:
    self.body.append("</time>")


def visit_sep_html(self: Any, node: review_sep) -> None:
    self.body.append('<span class="kb-review__sep" aria-hidden="true"> · </span>')
    raise nodes.SkipNode


def visit_notice_latex(self: Any, node: review_notice) -> None:
    self.body.append("\n\\par\\medskip{\\small ")


def depart_notice_latex(self: Any, node: review_notice) -> None:
    self.body.append("}\\par\n")


def add_nodes(app: Sphinx) -> None:
    """Register the nodes with a visitor for every builder."""
    add_node(
        app,
        review_notice,
        (visit_notice_html, depart_notice_html),
        latex=(visit_notice_latex, depart_notice_latex),
    )
    add_node(app, review_date, (visit_date_html, depart_date_html))
    add_node(app, review_sep, (visit_sep_html, None))
