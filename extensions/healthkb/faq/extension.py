"""FAQ items: the ``{faq}`` directive, its nodes, JSON-LD and the FAQ hub.

Syntax (MyST)::

    ```{faq} Is it safe to foam roll directly on the lower back?
    :name: faq-lower-back-direct
    No. Rolling on the lumbar spine ...
    ```

The argument is the question, the body is the answer (full MyST). ``:name:``
gives an explicit id; without it the id is a slug of the question, so it
stays the same when other content is added, removed or reordered.

Each item is an object of the kb domain (objtype ``faq``, title = question)
and a plain record (kind ``faq``: id, question, answer text, line, page title,
tags, topic score) that the FAQ hub, the JSON-LD and the FAQ checks
(:mod:`healthkb.checks.faq`) read.

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

import hashlib
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from healthkb.checks import faq_topic
from healthkb.core.anchors import copy_link, slugify, valid_id
from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.findings import report
from healthkb.core.hubs import hub_placeholder, register_hub
from healthkb.core.jsonld import JSONLD_EVENT, page_url
from healthkb.core.nodes import render_children as _pass
from healthkb.core.pages import page_tags

logger = logging.getLogger(__name__)

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


def _text(children: list[nodes.Node]) -> str:
    return " ".join("".join(child.astext() for child in children).split())


# -- the directive -------------------------------------------------------------
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


# -- HTML ------------------------------------------------------------------------
def _heading_level(node: nodes.Element) -> int:
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
    level = _heading_level(node)
    self.body.append('<summary class="kb-faq-summary">')
    self.body.append(self.starttag(node, f"h{level}", "", CLASS="kb-faq-question"))


def depart_question_html(self: Any, node: faq_question) -> None:
    self.body.append(f"</h{_heading_level(node)}></summary>\n")


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


# -- structured data -------------------------------------------------------------
def faq_page_jsonld(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """schema.org FAQPage node for the complete items of one page (None when it has none)."""
    items = [r for r in records if r["question"] and r["answer"]]
    if not items:
        return None
    return {
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": r["question"],
                "acceptedAnswer": {"@type": "Answer", "text": r["answer"]},
            }
            for r in sorted(items, key=lambda r: r["lineno"])
        ],
    }


def _faq_graph(
    app: Sphinx, pagename: str, context: dict[str, Any], doctree: nodes.document | None
) -> list[dict[str, Any]]:
    """The page's FAQPage node for its JSON-LD graph (see :mod:`healthkb.core.jsonld`)."""
    if doctree is None or not kb_domain(app.env).records(RECORD_KIND).get(pagename):
        return []
    data = faq_page_jsonld(page_items(doctree))
    if data is None:
        return []
    return [{"@id": page_url(app, pagename, context) + "#faq", **data}]


def page_items(doctree: nodes.document) -> list[dict[str, Any]]:
    """The page's items as the reader sees them (typographic quotes; no citation markers)."""
    items = []
    for n, disclosure in enumerate(doctree.findall(faq_disclosure)):
        question = disclosure.next_node(faq_question)
        answer = disclosure.next_node(faq_answer)
        items.append(
            {
                "question": _display_text(question),
                "answer": _display_text(answer),
                "lineno": n,
            }
        )
    return items


def _display_text(node: nodes.Element | None) -> str:
    if node is None:
        return ""
    copy = node.deepcopy()
    for marker in list(copy.findall(lambda n: getattr(n, "tagname", "") == "cite")):
        marker.parent.remove(marker)
    # "performance {cite}`...`." leaves "performance ." behind.
    return re.sub(r"\s+(?=[.,;:!?])", "", " ".join(copy.astext().split()))


# -- the FAQ hub -----------------------------------------------------------------
#: Facet families in the order the hub prefers them for an item's topic.
FACET_ORDER = ("body-part", "condition", "use-case")
OTHER_TOPIC = "Other questions"


@dataclass(frozen=True)
class HubItem:
    docname: str
    node_id: str
    question: str
    lineno: int
    page_title: str
    tags: tuple[str, ...]
    text: str = ""


#: Other words for a facet value, so that an item about the lumbar spine is filed under
#: "Lower back" even when its page is tagged with the upper back first.
FACET_SYNONYMS = {
    "lower-back": ("lower back", "low back", "lumbar"),
    "upper-back": ("upper back", "mid back", "mid-back", "thoracic", "shoulder blade"),
    "forearms": ("forearm",),
    "hands": ("hand", "finger", "palm", "grip"),
}


def _mentions(text: str, value: str) -> bool:
    words = (value.replace("-", " "), *FACET_SYNONYMS.get(value, ()))
    return any(re.search(rf"\b{re.escape(w)}", text) for w in words)


def hub_topic(
    tags: tuple[str, ...] | list[str], generic: set[str], text: str = "", question: str = ""
) -> tuple[int, str]:
    """(rank, label) of the topic an item is listed under on the hub.

    The page's ``body-part:`` tag that the item's question mentions, else that its answer
    (``text``) mentions, else the page's only one; the same for ``condition:`` and then
    ``use-case:`` tags. An item on a page with several body parts that names none of them
    is a general question: it goes under the first plain tag that is not one every page
    has (``kb_faq_generic_tags``). ``product:`` and other facets are not topics.
    """
    for rank, family in enumerate(FACET_ORDER):
        values = [
            tag.split(":", 1)[1].strip()
            for tag in tags
            if tag.startswith(family + ":") and tag.split(":", 1)[1].strip()
        ]
        if not values:
            continue
        for where in (question.lower(), text.lower()):
            mentioned = [v for v in values if where and _mentions(where, v)]
            if mentioned:
                return rank, _label(mentioned[0])
        if len(values) == 1:
            return rank, _label(values[0])
        break
    for tag in tags:
        if ":" not in tag and tag.lower() not in generic:
            return len(FACET_ORDER), _label(tag)
    return len(FACET_ORDER) + 1, OTHER_TOPIC


def _label(value: str) -> str:
    words = " ".join(value.replace("-", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:]


def hub_items(app: Sphinx) -> list[HubItem]:
    """Every complete item with an id, in (page, line) order."""
    items = []
    for docname, records in kb_domain(app.env).records(RECORD_KIND).items():
        for r in records:
            if r["id"] and r["question"] and r["answer"]:
                title = r.get("page_title") or docname
                tags = tuple(r.get("tags", ()))
                text = f"{r['question']} {r['answer']}"
                items.append(
                    HubItem(docname, r["id"], r["question"], r["lineno"], title, tags, text)
                )
    return sorted(items, key=lambda i: (i.docname, i.lineno))


def _note_page(app: Sphinx, doctree: nodes.document) -> None:
    """Store the page's title and tags in its FAQ records (for the hub and the checks)."""
    env = app.env
    records = kb_domain(env).records(RECORD_KIND).get(env.docname, [])
    if not records:
        return
    title = env.titles[env.docname].astext() if env.docname in env.titles else ""
    tags = page_tags(env, env.docname)
    for record in records:
        record["page_title"] = title
        record["tags"] = list(tags)


#: kb data key of the last near-duplicate grouping (a "_snapshot": not a hub input).
NEAR_DUPLICATES = "near_duplicates_snapshot"


def near_duplicate_clusters(app: Sphinx, items: list[HubItem]) -> list[list[HubItem]]:
    """Items grouped with their near-duplicates on other pages, first item first.

    The grouping compares every question with every other; it is kept with the
    environment and computed again only when a question or the threshold changed (the
    check and the FAQ hub both ask, and most builds change no question)."""
    pairs = [(i.docname, i.question) for i in items]
    threshold = float(app.config.kb_faq_near_duplicate_threshold)
    key = hashlib.sha256(repr((pairs, threshold)).encode("utf-8")).hexdigest()
    data = kb_data(app.env)
    cached = data.get(NEAR_DUPLICATES)
    if cached is not None and cached[0] == key:
        groups: list[list[int]] = cached[1]
    else:
        groups = [list(g) for g in faq_topic.near_duplicate_groups(pairs, threshold=threshold)]
        data[NEAR_DUPLICATES] = (key, groups)
    return [[items[k] for k in group] for group in groups]


def _link(app: Sphinx, fromdoc: str, item: HubItem, text: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdoc, item.docname) + "#" + item.node_id
    return nodes.reference(text, text, internal=True, refuri=uri)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def render_faq_hub(app: Sphinx, docname: str, placeholder: hub_placeholder) -> list[nodes.Node]:
    items = hub_items(app)
    if not items:
        return [nodes.paragraph("", "No questions have been published yet.")]
    generic = {t.lower() for t in app.config.kb_faq_generic_tags}
    groups: dict[str, tuple[int, str, list[list[HubItem]]]] = {}
    for cluster in near_duplicate_clusters(app, items):
        first = cluster[0]
        rank, label = hub_topic(first.tags, generic, first.text, first.question)
        slug = slugify(label) or "topic"
        old_rank, old_label, clusters = groups.get(slug, (rank, label, []))
        clusters.append(cluster)
        groups[slug] = (min(rank, old_rank), old_label, clusters)
    level = _heading_level(placeholder) if placeholder.parent is not None else 2
    ordered = sorted(groups.items(), key=lambda kv: (kv[1][0], kv[1][1].lower()))
    pages = len({i.docname for i in items})
    out: list[nodes.Node] = []
    questions = sum(len(clusters) for _, (_, _, clusters) in ordered)
    intro = nodes.paragraph(
        "",
        f"{_count(len(items), 'answer')} to {_count(questions, 'question')} from "
        f"{_count(pages, 'page')}.",
        classes=["kb-faq-hub-summary"],
    )
    if app.builder.format == "html":
        # A jump list to the topics (in-page links only make sense in HTML).
        intro += nodes.Text(" Topics: ")
        for n, (slug, (_, label, _)) in enumerate(ordered):
            if n:
                intro += nodes.Text(" · ")
            intro += nodes.reference(label, label, internal=True, refuri=f"#topic-{slug}")
    out.append(intro)
    for slug, (_, label, clusters) in ordered:
        heading = nodes.rubric(label, label, ids=[f"topic-{slug}"], classes=["kb-faq-hub-topic"])
        heading["heading-level"] = level
        out.append(heading)
        entries = nodes.bullet_list(classes=["kb-faq-hub-list"])
        for cluster in sorted(clusters, key=lambda c: (c[0].question.lower(), c[0].docname)):
            first, others = cluster[0], cluster[1:]
            entry = nodes.list_item(classes=["kb-faq-hub-item"])
            entry += nodes.paragraph("", "", _link(app, docname, first, first.question))
            meta = nodes.paragraph("", "", classes=["kb-faq-hub-meta"])
            meta += nodes.Text(f"From {first.page_title}")
            if others:
                meta += nodes.Text(". Also answered in: ")
                for n, other in enumerate(others):
                    if n:
                        meta += nodes.Text(", ")
                    meta += _link(app, docname, other, other.page_title)
            entry += meta
            entries += entry
        out.append(entries)
    return out


# -- configuration ---------------------------------------------------------------
def _check_config(app: Sphinx, config: Config) -> None:
    for name, default in (
        ("kb_faq_off_topic_threshold", faq_topic.OFF_TOPIC_THRESHOLD),
        ("kb_faq_near_duplicate_threshold", faq_topic.NEAR_DUPLICATE_THRESHOLD),
    ):
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            logger.warning(
                "%s must be a number from 0 to 1, got %r; using %s",
                name,
                value,
                default,
                type="kb",
                subtype="config",
            )
            setattr(config, name, default)


def setup_faq(app: Sphinx) -> None:
    from healthkb.checks.faq import setup_faq_checks

    app.add_config_value(
        "kb_faq_off_topic_threshold", faq_topic.OFF_TOPIC_THRESHOLD, "env", types=[float, int]
    )
    app.add_config_value(
        "kb_faq_near_duplicate_threshold",
        faq_topic.NEAR_DUPLICATE_THRESHOLD,
        "env",
        types=[float, int],
    )
    app.add_config_value("kb_faq_generic_tags", ["foam rolling"], "env", types=[list])
    app.connect("config-inited", _check_config)
    app.add_directive("faq", FAQDirective)
    text = (_pass, _pass)
    app.add_node(
        faq,
        html=(visit_faq_html, depart_faq_html),
        latex=text,
        text=text,
        man=text,
        texinfo=text,
    )
    app.add_node(
        faq_disclosure,
        html=(visit_disclosure_html, depart_disclosure_html),
        latex=(visit_disclosure_latex, _pass),
        text=text,
        man=text,
        texinfo=(visit_disclosure_texinfo, _pass),
    )
    app.add_node(
        faq_question,
        html=(visit_question_html, depart_question_html),
        latex=(visit_question_latex, depart_question_latex),
        text=(visit_question_text, depart_question_text),
        man=(visit_question_man, depart_question_man),
        texinfo=(visit_question_texinfo, depart_question_texinfo),
    )
    app.add_node(
        faq_answer,
        html=(visit_answer_html, depart_answer_html),
        latex=text,
        text=text,
        man=text,
        texinfo=text,
    )
    # After Sphinx's collectors (priority 500) have stored the title and metadata.
    app.connect("doctree-read", _note_page, priority=700)
    register_hub(app, "kb-faq-hub", "faq", render_faq_hub)
    app.connect(JSONLD_EVENT, _faq_graph)
    app.add_css_file("faq.css")
    setup_faq_checks(app)
