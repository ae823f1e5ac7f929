"""The ``{faq}`` directive: one question and its answer.

Syntax (MyST)::

    ```{faq} Is it safe to foam roll directly on the lower back?
    :name: faq-lower-back-direct
    No. Rolling on the lumbar spine ...
    ```

The argument is the question, the body is the answer (full MyST). ``:name:``
gives an explicit id; without it the id is a slug of the question, so it
stays the same when other content is added, removed or reordered.

Each item is an object of the kb domain (objtype ``faq``, title = question)
and a plain record (kind ``faq``: id, question, answer text, line; the page's
title and tags are added by :func:`healthkb.faq.items.note_page`) that the FAQ
hub, the JSON-LD and the FAQ checks (:mod:`healthkb.checks.faq`) read. The
directive reports what only it can see: ``faq-empty``, ``faq-duplicate``,
``faq-invalid-id`` and ``duplicate-id``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from healthkb.core.anchors import copy_link, slugify, valid_id
from healthkb.core.domain import kb_domain
from healthkb.core.findings import report
from healthkb.faq.nodes import RECORD_KIND, faq, faq_answer, faq_disclosure, faq_question
from healthkb.language import topic as faq_topic


def _text(children: list[nodes.Node]) -> str:
    return " ".join("".join(child.astext() for child in children).split())


class FAQDirective(SphinxDirective):
    """``{faq} Question`` with the answer as its body."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "name": directives.unchanged,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        docname = self.env.docname
        source = self.arguments[0].strip() if self.arguments else ""
        question_nodes: list[nodes.Node] = []
        messages: list[nodes.Node] = []
        if source:
            parsed, problems = self.parse_inline(source, lineno=self.lineno)
            question_nodes, messages = list(parsed), list(problems)
        question = _text(question_nodes)
        answer_nodes = self.parse_content_to_nodes()
        answer = _text(answer_nodes)

        if not question:
            report(
                self.env,
                "faq-empty",
                "FAQ item without a question: write the question after {faq}",
                docname=docname,
                lineno=self.lineno,
                level="error",
                target=answer[:80] or "empty FAQ item",
            )
            # Keep the answer's content on the page.
            return [*messages, *answer_nodes]
        if not answer:
            report(
                self.env,
                "faq-empty",
                f"FAQ item {question!r} has no answer: write the answer in the directive's body",
                docname=docname,
                lineno=self.lineno,
                target=question,
            )

        node_id = self._node_id(question)
        if node_id and self._duplicate(question, node_id):
            node_id = ""

        item = faq(classes=["kb-faq", *self.options.get("class", [])])
        self.set_source_info(item)
        disclosure = faq_disclosure()
        self.set_source_info(disclosure)
        question_node = faq_question("", "", *question_nodes)
        self.set_source_info(question_node)
        disclosure += question_node
        disclosure += faq_answer("", *answer_nodes)
        item += disclosure
        if node_id:
            disclosure["ids"].append(node_id)
            self.state.document.ids[node_id] = disclosure
            item += copy_link(refid=node_id, label=question)
            kb_domain(self.env).note_object(
                "faq",
                node_id,
                docname=docname,
                node_id=node_id,
                title=question,
                lineno=self.lineno,
            )
        kb_domain(self.env).add_record(
            RECORD_KIND,
            docname,
            {
                "id": node_id,
                "question": question,
                "answer": answer,
                "lineno": self.lineno,
            },
        )
        return [*messages, item]

    def _node_id(self, question: str) -> str:
        """The explicit ``:name:`` when valid, else the slug of the question."""
        name = self.options.get("name", "").strip()
        if name and valid_id(name):
            return str(name)
        slug = slugify(question)
        if name:
            report(
                self.env,
                "faq-invalid-id",
                f"invalid :name: {name!r} for FAQ item {question!r}: an id is lower-case "
                f"letters, digits and hyphens, starting with a letter (for example "
                f"{slugify(name) or slug!r}); using {slug!r}",
                docname=self.env.docname,
                lineno=self.lineno,
                level="error",
                target=name,
            )
        elif not slug:
            report(
                self.env,
                "faq-invalid-id",
                f"cannot make an id from the question {question!r}: give the item a :name:",
                docname=self.env.docname,
                lineno=self.lineno,
                level="error",
                target=question,
            )
        return slug

    def _duplicate(self, question: str, node_id: str) -> bool:
        """Report a question or id used twice on this page; True when ``node_id`` is taken."""
        key = faq_topic.normalise_question(question)
        for earlier in kb_domain(self.env).records(RECORD_KIND).get(self.env.docname, []):
            if faq_topic.normalise_question(earlier["question"]) == key:
                report(
                    self.env,
                    "faq-duplicate",
                    f"the question {question!r} is asked twice on this page (first at line "
                    f"{earlier['lineno']}); merge the two answers",
                    docname=self.env.docname,
                    lineno=self.lineno,
                    target=question,
                )
                return earlier["id"] == node_id or node_id in self.state.document.ids
        if node_id in self.state.document.ids:
            report(
                self.env,
                "duplicate-id",
                f"id {node_id!r} of FAQ item {question!r} is already used on this page; give "
                f"the item a different :name:",
                docname=self.env.docname,
                lineno=self.lineno,
                target=node_id,
            )
            return True
        return False
