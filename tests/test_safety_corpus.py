"""The safety checks as the build runs them, against the labelled corpus (tests/safety/).

The targets are recall of unsafe sentences >= 0.95 and false alarms <= 0.03 on the held-out
part (printed by ``kb rules eval``). :data:`FLOORS` holds what the concept rules alone reach
on each part today, :data:`READING_FLOORS` what the checks reach with the learned reading
(``conf/safety-model.json``) on each held-out part, and :data:`HELD_OUT_FLOOR` on the whole
held-out part, so that no change makes them worse; all rise as the checks improve. The
reading is trained on the tuning parts, so its figures there say nothing of sentences it
has not seen: those parts guard the rules alone.
"""

from __future__ import annotations

import pytest

from healthkb.cli.rules import Report, default_matcher, evaluate, load_corpus

#: What the rules reach on each part of each batch of the corpus (recall of unsafe sentences,
#: share of safe sentences flagged), raised as they improve: batch 1 written with the first
#: rules, batches 2 to 26 written later from readers' and authors' phrasings without seeing
#: the rules. First measured, before any tuning on them: batch 2's tuning part 0.795 / 0.073,
#: batch 3 0.745 / 0.050, batch 4 0.687 / 0.054 (held out 0.744 / 0.038), batch 5 0.757 /
#: 0.051, batch 7 0.786 / 0.043, batch 8 (held out) 0.812 / 0.055, batch 9 0.752 / 0.049,
#: batch 10 (held out) 0.722 / 0.088, batch 11 (held out, measured once) 0.775 / 0.043, batch
#: 12 0.725 / 0.069, batch 13 0.808 / 0.034, batch 14 0.858 / 0.062, batch 15 0.863 / 0.043;
#: with the rules these were written beside (b1f7d03): batch 16 0.817 / 0.051, batch 18 0.808 /
#: 0.037, batch 19 0.907 / 0.057, batch 21 0.840 / 0.049, batch 22 0.830 / 0.042, and the
#: held-out batches 17 and 20 (kept out of the repository until measured) 0.769 / 0.046 and
#: 0.858 / 0.028; with the rules of 6bc5a08: batch 23 0.874 / 0.026, batch 25 0.837 / 0.052,
#: held-out batch 24 0.896 / 0.020; with the rules of 973db80: batch 26 0.879 / 0.032; with
#: the rules and model of 85062b0, held-out batch 28 (kept out of the repository until
#: measured) 0.871 / 0.035, and 0.937 / 0.023 with the reading; with those of d50cd77, held-out
#: batch 29 (kept out of the repository until measured) 0.900 / 0.028, and 0.944 / 0.028 with
#: the reading. The targets for the held-out parts are 0.95 / 0.03.
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
    (17, "heldout"): (0.81, 0.03),
    (18, "tune"): (0.87, 0.03),
    (19, "tune"): (0.93, 0.04),
    (20, "heldout"): (0.88, 0.03),
    (21, "tune"): (0.88, 0.04),
    (22, "tune"): (0.86, 0.03),
    (23, "tune"): (0.87, 0.03),
    (24, "heldout"): (0.90, 0.02),
    (25, "tune"): (0.83, 0.06),
    (26, "tune"): (0.87, 0.04),
    (28, "heldout"): (0.87, 0.04),
    (29, "heldout"): (0.90, 0.03),
}

#: What the checks reach with the learned reading on each held-out part (batch 24 was
#: written beside it and read by it once, at the end), raised as they improve. The rules
#: alone on the same parts: :data:`FLOORS`.
READING_FLOORS = {
    (1, "heldout"): (0.95, 0.02),
    (2, "heldout"): (0.95, 0.01),
    (4, "heldout"): (0.91, 0.03),
    (8, "heldout"): (0.95, 0.03),
    (10, "heldout"): (0.91, 0.04),
    (11, "heldout"): (0.84, 0.04),
    (17, "heldout"): (0.86, 0.02),
    (20, "heldout"): (0.93, 0.03),
    (24, "heldout"): (0.94, 0.02),
    (28, "heldout"): (0.93, 0.03),
    (29, "heldout"): (0.94, 0.03),
}


#: What the checks reach on the whole held-out part, every batch together (the figures the
#: targets are about), raised as they improve.
HELD_OUT_FLOOR = (0.923, 0.021)


def _by_batch(learned: bool) -> dict[int, dict[str, Report]]:
    examples = load_corpus()
    matcher = default_matcher(learned)
    batches = sorted({batch for batch, _ in FLOORS})
    return {b: evaluate([e for e in examples if e.batch == b], matcher) for b in batches}


@pytest.fixture(scope="module")
def reports() -> dict[int, dict[str, Report]]:
    """The concept rules alone, per batch and split."""
    return _by_batch(learned=False)


@pytest.fixture(scope="module")
def checks() -> dict[int, dict[str, Report]]:
    """The checks as the build runs them (rules and learned reading), per batch and split."""
    return _by_batch(learned=True)


@pytest.mark.parametrize(("batch", "split"), sorted(FLOORS))
def test_no_regression_on_any_part(reports, batch: int, split: str) -> None:
    _assert_floor(reports[batch][split], FLOORS[batch, split])


@pytest.mark.parametrize(("batch", "split"), sorted(READING_FLOORS))
def test_no_regression_of_the_checks_on_any_held_out_part(checks, batch: int, split: str) -> None:
    _assert_floor(checks[batch][split], READING_FLOORS[batch, split])


@pytest.fixture(scope="module")
def held_out() -> dict[bool, Report]:
    """The whole held-out part, by the rules alone (False) and by the checks (True)."""
    examples = load_corpus(splits=("heldout",))
    return {
        learned: evaluate(examples, default_matcher(learned))["heldout"]
        for learned in (False, True)
    }


def test_no_regression_of_the_checks_on_the_whole_held_out_part(held_out) -> None:
    _assert_floor(held_out[True], HELD_OUT_FLOOR)


def test_the_learned_reading_finds_more_with_fewer_false_alarms_on_held_out_sentences(
    held_out,
) -> None:
    alone, read = held_out[False], held_out[True]
    assert read.recall >= alone.recall + 0.03, (read.recall, alone.recall)
    assert read.false_alarm_rate <= alone.false_alarm_rate, (
        read.false_alarm_rate,
        alone.false_alarm_rate,
    )


def _assert_floor(report: Report, floor: tuple[float, float]) -> None:
    recall, false_alarms = floor
    # Figures only: a held-out sentence is never printed, so nobody tunes on it.
    figures = f"recall {report.recall:.3f}, false alarms {report.false_alarm_rate:.3f}"
    recalled, quiet = report.recall >= recall, report.false_alarm_rate <= false_alarms
    assert recalled, figures
    assert quiet, figures


def test_the_lumbar_contradiction_of_the_real_article_is_found() -> None:
    matcher = default_matcher()
    sentence = "Raise hips slightly and roll gently up and down from lumbar spine to tailbone."
    assert "no-direct-lumbar-rolling" in {f.rule for f in matcher.find(sentence)}


def test_no_safe_sentence_of_the_tuned_articles_is_flagged(reports, checks) -> None:
    for found in (reports, checks):
        flagged = [
            example.text
            for example, _ in found[1]["tune"].false_alarms
            if example.source.startswith("article:")
        ]
        assert flagged == []
