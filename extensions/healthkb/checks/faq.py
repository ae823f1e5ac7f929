"""FAQ checks that need a whole page or the whole knowledge base.

- ``faq-off-topic`` (warning): an item about the roller itself (cleaning, shipping,
  returns, price: :func:`healthkb.language.roller.off_topic_roller_question`, with the
  vocabulary of the safety rules) on a page about a health topic, or an item whose topic
  score against its page's title, headings and tags
  (:func:`healthkb.language.topic.topic_score`) is below ``kb_faq_off_topic_threshold``.
  Runs when a page has been read.
- ``faq-near-duplicate`` (information): questions on different pages that are
  near-duplicates. Runs after all pages are read, on every build.

``faq-empty``, ``faq-duplicate`` and ``faq-invalid-id`` are reported by the
directive itself (:mod:`healthkb.faq.directive`).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from healthkb.core.domain import kb_domain
from healthkb.core.findings import report, store_build_finding
from healthkb.core.timing import phase
from healthkb.faq.items import hub_items, near_duplicate_clusters
from healthkb.faq.nodes import RECORD_KIND
from healthkb.language import topic as faq_topic
from healthkb.language.roller import off_topic_roller_question, topic_terms
from healthkb.safety.state import rules_state


def page_headings(doctree: nodes.document) -> list[str]:
    """The titles of the page's sections below its title."""
    titles = [
        " ".join(node.astext().split())
        for node in doctree.findall(nodes.title)
        if isinstance(node.parent, nodes.section)
    ]
    return titles[1:]


def page_topic(record: dict[str, Any], doctree: nodes.document) -> faq_topic.PageTopic:
    """The topic of the page that holds ``record`` (its title, headings and tags)."""
    return faq_topic.PageTopic.from_page(
        record.get("page_title", ""), page_headings(doctree), record.get("tags", [])
    )


def check_off_topic(app: Sphinx, doctree: nodes.document) -> None:
    with phase("FAQ topic check"):
        _check_off_topic(app, doctree)


def _check_off_topic(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    records = kb_domain(env).records(RECORD_KIND).get(docname, [])
    if not records:
        return
    topic = page_topic(records[0], doctree)
    threshold = float(app.config.kb_faq_off_topic_threshold)
    state = rules_state(env)
    title_terms = topic_terms(records[0].get("page_title", ""))
    for record in records:
        if not record["answer"]:
            continue
        result = faq_topic.topic_score(record["question"], record["answer"], topic)
        record["topic_score"] = result.score
        about_roller = (
            off_topic_roller_question(
                state.matcher, record["question"], record["answer"], title_terms
            )
            if state.rules.rules
            else None
        )
        if about_roller is not None:
            concept = state.rules.vocabulary.concepts[about_roller]
            label = concept.label or concept.id
            why = f"it asks about {label}, the roller itself, not this page's health topic"
        elif result.score < threshold:
            why = f"score {result.score:.2f} is below {threshold:g}{explain(result)}"
        else:
            continue
        report(
            env,
            "faq-off-topic",
            f"FAQ item {record['question']!r} looks off this page's topic: {why}. Move it to "
            f"a page on its topic, or acknowledge it in front matter (kb_acknowledge, target "
            f"{record['id'] or record['question']!r}) with a reason",
            docname=docname,
            lineno=record["lineno"],
            target=record["id"] or record["question"],
        )


def explain(result: faq_topic.TopicScore) -> str:
    """Why an item scored low, in words a maintainer can act on ("; ..." parts)."""
    parts = []
    if result.other_regions:
        parts.append(
            f"it is about the {' and the '.join(result.other_regions)}, the page about the "
            f"{' and the '.join(result.page_regions)}"
        )
    if result.unmatched:
        parts.append(
            f"its question's words {', '.join(result.unmatched[:6])} are not in the page's "
            f"title, headings or tags"
        )
    return "".join(f"; {part}" for part in parts)


def check_near_duplicates(app: Sphinx, env: BuildEnvironment) -> None:
    """Report questions that near-duplicate a question on another page (information).

    Every pair is kept for ``kb report``; the build's summary line counts them.
    """
    for cluster in near_duplicate_clusters(app, hub_items(app)):
        first = cluster[0]
        for other in cluster[1:]:
            if other.docname == first.docname:
                continue
            finding = report(
                env,
                "faq-near-duplicate",
                f"FAQ item {other.question!r} is a near-duplicate of {first.question!r} in "
                f"{first.docname} (line {first.lineno}); the FAQ hub lists it once, with an "
                f"'Also answered in' link",
                docname=other.docname,
                lineno=other.lineno,
                level="info",
                target=other.node_id,
                store=False,
            )
            store_build_finding(env, finding)


def setup_faq_checks(app: Sphinx) -> None:
    # After healthkb.faq.items.note_page (700) has stored the page's title and tags.
    app.connect("doctree-read", check_off_topic, priority=800)
    app.connect("env-updated", check_near_duplicates, priority=800)
