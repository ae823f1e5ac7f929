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
        ("Is the roller vegan?", "roller.product"),
        ("Can I pay in instalments?", "roller.purchase"),
        ("Does the vibrating one charge over USB?", "roller.product"),
        ("Is there a travel version of the big roller?", "roller.product"),
        ("The seam is coming apart after a month.", "roller.care"),
        ("Where are they manufactured?", "roller.product"),
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
        # the roller check's words in a health question
        "What is fascia made of?",
        "Does rolling improve range of motion?",
        "Is there an easier version of this stretch?",
        "Should I do cat-cow before rolling?",
        "How much pressure should I use?",
    ],
)
def test_questions_about_health_are_not_flagged(matcher, question):
    assert off_topic_roller_question(matcher, question) is None


def test_a_page_term_keeps_a_roller_word_on_topic(matcher):
    question = "What should I buy if I want one for my back?"
    assert off_topic_roller_question(matcher, question) == "roller.purchase"
    assert off_topic_roller_question(matcher, question, page_terms=["back"]) is None


def test_a_page_term_in_a_product_name_does_not_keep_a_question_on_topic(matcher):
    terms = ["hands", "forearms"]
    question = "Do you ship the hand roller to Canada?"
    assert off_topic_roller_question(matcher, question, page_terms=terms) == "roller.purchase"
    question = "Which roller should I buy for sore hands?"
    assert off_topic_roller_question(matcher, question, page_terms=terms) is None


#: Share of the off-topic questions of each part of the FAQ topic corpus that the roller
#: check flags (the others are about another body part: the topic score's to find), raised
#: as it improves. The second batch's own figures, first measured: 43 of 83 (tune) and 41 of
#: 82 (held out); with the roller words of its tuning part: 71 of 83 and 52 of 82.
TOPIC_FLOORS = {"tune": 0.82, "heldout": 0.62}


def test_topic_corpus(matcher):
    reports = evaluate_topics(matcher=matcher)
    for report in reports.values():
        assert report.flagged_on == 0
        assert report.precision == 1.0
    for split, floor in TOPIC_FLOORS.items():
        found = reports[split].flagged_off / reports[split].off_topic
        assert found >= floor, f"{split}: {found:.3f} of off-topic questions flagged < {floor}"
