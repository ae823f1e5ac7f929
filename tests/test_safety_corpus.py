"""The concept rules of the language layer against the labelled corpus (tests/safety/corpus.toml).

The layer does not run in the build yet: the safety checks switch to it once it meets the
targets on the held-out part (recall of unsafe sentences >= 0.95, false alarms <= 0.03,
printed by ``kb rules eval``). Until then these tests keep what it reaches today from
getting worse, and the regex rules it is to replace stay the build's checks.
"""

from __future__ import annotations

import pytest

from healthkb.cli.rules import default_matcher, evaluate, load_corpus
from healthkb.safety.matching import find_contradictions, find_red_flags
from healthkb.safety.rules import level_rank, load_rules
from tests.conftest import ROOT

#: What the layer reaches on each part of the corpus, measured when it was written.
FLOORS = {"tune": (0.93, 0.02), "heldout": (0.75, 0.04)}


@pytest.fixture(scope="module")
def reports():
    return evaluate(load_corpus(), default_matcher())


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_no_regression_on_either_part(reports, split: str) -> None:
    recall, false_alarms = FLOORS[split]
    assert reports[split].recall >= recall
    assert reports[split].false_alarm_rate <= false_alarms


def test_it_finds_far_more_unsafe_sentences_than_the_regex_rules(reports) -> None:
    """The reason to switch: the build's regex rules miss most paraphrases."""
    rules = load_rules(ROOT / "conf" / "safety-rules.toml").rules
    cards = {
        "card-caution": "caution",
        "card-professional": "professional",
        "card-urgent": "urgent",
    }
    for split in ("tune", "heldout"):
        unsafe = [e for e in load_corpus(splits=[split]) if e.findings]
        found = 0
        for example in unsafe:
            got = {c.rule.id for c in find_contradictions(example.text, rules)}
            level = cards.get(example.context)
            got |= {
                f.rule.id
                for f in find_red_flags(example.text, rules)
                if level is None or level_rank(level) < level_rank(f.rule.level)
            }
            found += bool(got & set(example.findings))
        assert reports[split].recall > found / len(unsafe) + 0.3


def test_the_lumbar_contradiction_of_the_real_article_is_found() -> None:
    matcher = default_matcher()
    sentence = "Raise hips slightly and roll gently up and down from lumbar spine to tailbone."
    assert "no-direct-lumbar-rolling" in {f.rule for f in matcher.find(sentence)}


def test_no_safe_sentence_of_the_tuned_articles_is_flagged(reports) -> None:
    flagged = [
        example.text
        for example, _ in reports["tune"].false_alarms
        if example.source.startswith("article:")
    ]
    assert flagged == []
