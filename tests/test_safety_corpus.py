"""The safety rules as the build checks them, against the labelled corpus (tests/safety/).

The targets are recall of unsafe sentences >= 0.95 and false alarms <= 0.03 on the held-out
part (printed by ``kb rules eval``). :data:`FLOORS` holds what the rules reach on each part
today, so that no change makes them worse; it rises as they improve.
"""

from __future__ import annotations

import pytest

from healthkb.cli.rules import default_matcher, evaluate, load_corpus

#: What the rules reach on each part of each batch of the corpus (recall of unsafe sentences,
#: share of safe sentences flagged), measured when the batch was added: batch 1 written with
#: the first rules, batch 2 written later from readers' and authors' phrasings without seeing
#: the rules (its tuning part first measured at 0.795 / 0.073, before any tuning on it).
FLOORS = {
    (1, "tune"): (0.95, 0.02),
    (1, "heldout"): (0.75, 0.04),
    (2, "tune"): (0.96, 0.01),
    (2, "heldout"): (0.75, 0.03),
}


@pytest.fixture(scope="module")
def reports():
    examples = load_corpus()
    matcher = default_matcher()
    return {batch: evaluate([e for e in examples if e.batch == batch], matcher) for batch in (1, 2)}


@pytest.mark.parametrize(("batch", "split"), sorted(FLOORS))
def test_no_regression_on_any_part(reports, batch: int, split: str) -> None:
    recall, false_alarms = FLOORS[batch, split]
    assert reports[batch][split].recall >= recall
    assert reports[batch][split].false_alarm_rate <= false_alarms


def test_the_lumbar_contradiction_of_the_real_article_is_found() -> None:
    matcher = default_matcher()
    sentence = "Raise hips slightly and roll gently up and down from lumbar spine to tailbone."
    assert "no-direct-lumbar-rolling" in {f.rule for f in matcher.find(sentence)}


def test_no_safe_sentence_of_the_tuned_articles_is_flagged(reports) -> None:
    flagged = [
        example.text
        for example, _ in reports[1]["tune"].false_alarms
        if example.source.startswith("article:")
    ]
    assert flagged == []
