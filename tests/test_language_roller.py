"""FAQ questions about the roller itself (cleaning, shipping, returns, price, warranty)."""

from __future__ import annotations

import pytest

from healthkb.cli.rules import default_matcher, evaluate_topics
from healthkb.language.roller import off_topic_roller_question


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("How do I clean my foam roller?", "roller.care"),
        ("How long does shipping take?", "roller.purchase"),
        ("Can I get a refund if it arrives damaged?", "roller.purchase"),
        ("What's the warranty on the roller?", "roller.purchase"),
        ("What size roller fits in a suitcase?", "roller.product"),
    ],
)
def test_questions_about_the_roller_are_flagged(matcher, question, concept):
    assert off_topic_roller_question(matcher, question) == concept


@pytest.mark.parametrize(
    "question",
    [
        "Can I roll my lower back?",
        "My leg goes numb when I roll. Should I keep going?",
        "Is it safe to roll while pregnant?",
        "How many minutes should I spend on each side?",
    ],
)
def test_questions_about_health_are_not_flagged(matcher, question):
    assert off_topic_roller_question(matcher, question) is None


def test_a_page_term_keeps_a_roller_word_on_topic(matcher):
    question = "What should I buy if I want one for my back?"
    assert off_topic_roller_question(matcher, question) == "roller.purchase"
    assert off_topic_roller_question(matcher, question, page_terms=["back"]) is None


def test_topic_corpus(matcher):
    reports = evaluate_topics(matcher=matcher)
    for report in reports.values():
        assert report.flagged_on == 0
        assert report.precision == 1.0
