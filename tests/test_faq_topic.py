"""The FAQ topic score and question similarity (pure functions, no Sphinx)."""

from __future__ import annotations

from healthkb.language import topic as faq_topic
from healthkb.language.topic import PageTopic, question_similarity, terms, topic_score

LOWER_BACK = PageTopic.from_page(
    "Foam Roller and Lower Back Pain: What Actually Works",
    ["Glutes", "Hip Flexors", "Frequency, Duration, and Timing", "Key Takeaways", "FAQ"],
    ["condition:tightness", "foam rolling", "use-case:mobility"],
)


def test_terms_drop_stop_words_and_words_every_page_shares() -> None:
    assert terms("How often should I foam roll my back?") == ["often", "back"]


def test_terms_map_synonyms_onto_one_concept() -> None:
    assert terms("lumbar spine, vertebrae and erectors") == ["back"] * 4
    assert terms("tightness, tension and stiffness") == ["tight"] * 3
    assert terms("forearms, wrists and fingers") == ["arm"] * 3


def test_terms_are_stemmed() -> None:
    assert terms("sessions") == terms("session")
    assert terms("recovering") == terms("recover")


def test_page_topic_ignores_boilerplate_headings_and_facet_prefixes() -> None:
    topic = PageTopic.from_page(
        "Title", ["Key Takeaways", "The Bottom Line"], ["use-case:mobility"]
    )
    assert topic.terms == frozenset(terms("title mobility"))


def test_an_item_about_another_body_part_scores_low() -> None:
    result = topic_score(
        "Should I foam roll my fingers directly?",
        "Focus on the forearm muscle bellies, the palm and the thumb.",
        LOWER_BACK,
    )
    assert result.body_fit == 0
    assert result.score < faq_topic.OFF_TOPIC_THRESHOLD
    assert result.other_regions == ["arm"]
    assert result.page_regions == ["back"]
    assert "fingers" in result.unmatched


def test_an_item_about_the_page_body_part_scores_high() -> None:
    result = topic_score(
        "How often should I roll my glutes?",
        "Daily, for 60 to 90 seconds per side, to ease lower back tightness.",
        LOWER_BACK,
    )
    assert result.body_fit == 1
    assert result.score >= 0.5


def test_an_item_that_names_no_body_part_is_neither_for_nor_against() -> None:
    result = topic_score("Are foam rollers effective?", "Yes, in several studies.", LOWER_BACK)
    assert result.body_fit == 0.5
    assert result.score >= faq_topic.OFF_TOPIC_THRESHOLD


def test_question_similarity() -> None:
    assert question_similarity("What are common mistakes?", "What Are Common Mistakes") == 1
    assert question_similarity("Is foam rolling useful?", "Are foam rollers effective?") == 1
    assert question_similarity(
        "How often should I foam roll my back?", "How often should I foam roll my hands?"
    ) == (1 / 3)


def test_a_negation_keeps_questions_apart() -> None:
    assert question_similarity(
        "Which muscles should you foam roll?", "Which muscles should you not foam roll?"
    ) == (1 / 2)


def test_near_duplicate_groups_only_join_items_of_different_pages() -> None:
    items = [
        ("a", "How often should I foam roll my back?"),
        ("a", "How often should you foam roll your back?"),
        ("b", "How often should I roll my back?"),
        ("b", "Can I roll my neck?"),
    ]
    assert faq_topic.near_duplicate_groups(items) == [[0, 1, 2], [3]]
    assert faq_topic.near_duplicate_groups(items[:2]) == [[0], [1]]


def test_normalise_question() -> None:
    assert faq_topic.normalise_question(" Is it  SAFE? ") == "is it safe"
