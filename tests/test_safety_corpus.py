"""The safety rules as the build checks them, against the labelled corpus (tests/safety/).

The targets are recall of unsafe sentences >= 0.95 and false alarms <= 0.03 on the held-out
part (printed by ``kb rules eval``). :data:`FLOORS` holds what the rules reach on each part
today, so that no change makes them worse; it rises as they improve.
"""

from __future__ import annotations

import pytest

from healthkb.cli.rules import default_matcher, evaluate, load_corpus

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
