"""The safety rules as the build checks them, against the labelled corpus (tests/safety/).

The targets are recall of unsafe sentences >= 0.95 and false alarms <= 0.03 on the held-out
part (printed by ``kb rules eval``). :data:`FLOORS` holds what the rules reach on each part
today, so that no change makes them worse; it rises as they improve.
"""

from __future__ import annotations

import pytest

from healthkb.cli.rules import default_matcher, evaluate, load_corpus

#: What the rules reach on each part of each batch of the corpus (recall of unsafe sentences,
#: share of safe sentences flagged), raised as they improve: batch 1 written with the first
#: rules, batches 2 to 22 written later from readers' and authors' phrasings without seeing
#: the rules. First measured, before any tuning on them: batch 2's tuning part 0.795 / 0.073,
#: batch 3 0.745 / 0.050, batch 4 0.687 / 0.054 (held out 0.744 / 0.038), batch 5 0.757 /
#: 0.051, batch 7 0.786 / 0.043, batch 8 (held out) 0.812 / 0.055, batch 9 0.752 / 0.049,
#: batch 10 (held out) 0.722 / 0.088, batch 11 (held out, measured once) 0.775 / 0.043, batch
#: 12 0.725 / 0.069, batch 13 0.808 / 0.034, batch 14 0.858 / 0.062, batch 15 0.863 / 0.043;
#: with the rules these were written beside (b1f7d03): batch 16 0.817 / 0.051, batch 18 0.808 /
#: 0.037, batch 19 0.907 / 0.057, batch 21 0.840 / 0.049, batch 22 0.830 / 0.042, and the
#: held-out batches 17 and 20 (kept out of the repository until measured) 0.769 / 0.046 and
#: 0.858 / 0.028. The targets for the held-out parts are 0.95 / 0.03.
FLOORS = {
    (1, "heldout"): (0.93, 0.02),
    (1, "tune"): (0.96, 0.01),
    (2, "heldout"): (0.91, 0.01),
    (2, "tune"): (0.97, 0.01),
    (3, "tune"): (0.97, 0.01),
    (4, "heldout"): (0.85, 0.03),
    (4, "tune"): (0.92, 0.03),
    (5, "tune"): (0.94, 0.01),
    (6, "tune"): (0.97, 0.02),
    (7, "tune"): (0.94, 0.01),
    (8, "heldout"): (0.90, 0.04),
    (9, "tune"): (0.93, 0.01),
    (10, "heldout"): (0.81, 0.07),
    (11, "heldout"): (0.79, 0.04),
    (12, "tune"): (0.89, 0.02),
    (13, "tune"): (0.90, 0.02),
    (14, "tune"): (0.90, 0.03),
    (15, "tune"): (0.91, 0.02),
    (16, "tune"): (0.86, 0.03),
    (17, "heldout"): (0.80, 0.03),
    (18, "tune"): (0.87, 0.03),
    (19, "tune"): (0.93, 0.04),
    (20, "heldout"): (0.88, 0.03),
    (21, "tune"): (0.88, 0.04),
    (22, "tune"): (0.86, 0.03),
}


@pytest.fixture(scope="module")
def reports():
    examples = load_corpus()
    matcher = default_matcher()
    batches = sorted({batch for batch, _ in FLOORS})
    return {b: evaluate([e for e in examples if e.batch == b], matcher) for b in batches}


@pytest.mark.parametrize(("batch", "split"), sorted(FLOORS))
def test_no_regression_on_any_part(reports, batch: int, split: str) -> None:
    recall, false_alarms = FLOORS[batch, split]
    report = reports[batch][split]
    # Figures only: a held-out sentence is never printed, so nobody tunes on it.
    figures = f"recall {report.recall:.3f}, false alarms {report.false_alarm_rate:.3f}"
    recalled, quiet = report.recall >= recall, report.false_alarm_rate <= false_alarms
    assert recalled, figures
    assert quiet, figures


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
