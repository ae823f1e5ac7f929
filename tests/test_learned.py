"""The learned reading of the safety checks: what it weighs, how it decides, its file.

The weights here are written by hand, so each test shows one behaviour whatever the
trained model (``conf/safety-model.json``) holds; the trained model itself is measured by
``tests/test_safety_corpus.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from healthkb.cli.main import main
from healthkb.cli.rules import CORPUS, MODEL, RULES, VOCABULARY, load_corpus
from healthkb.cli.training import train, trained_on
from healthkb.language.learned import (
    LEARNED,
    Reading,
    RuleWeights,
    features,
    load_reading,
    stale,
)
from healthkb.language.matcher import Context, SafetyMatcher
from healthkb.language.rules import load_concept_rules
from healthkb.language.source import ConfigError

LUMBAR = "no-direct-lumbar-rolling"


@pytest.fixture(scope="module")
def rules():
    return load_concept_rules(RULES, VOCABULARY)


def _matcher(rules, weights: dict[str, float], intercept: float = -4.0) -> SafetyMatcher:
    """A matcher whose reading of the lower-back rule weighs only ``weights``."""
    return SafetyMatcher(rules, Reading(0.5, 0.5, {LUMBAR: RuleWeights(intercept, weights)}))


def _features(rules, sentence: str, context: Context | None = None) -> set[str]:
    context = context or Context()
    read = SafetyMatcher(rules).analyse(sentence, context)
    assert read is not None
    return features(read.tokens, read.hits, read.scope, context, read.found)


def test_features_name_concepts_instead_of_their_words(rules):
    feats = _features(rules, "Rest the small of your back on the roller.")
    assert "U=C=places.lumbar-spine" in feats
    assert "U=small" not in feats
    # the same concept in other words reads the same
    assert "U=C=places.lumbar-spine" in _features(rules, "Put the roller under your lumbar spine.")


def test_features_mark_words_under_a_negation_and_the_rules_findings(rules):
    never = _features(rules, "Never roll your lower back.")
    plain = _features(rules, "Roll your lower back.")
    assert "N=C=places.lumbar-spine" in never and "N=C=places.lumbar-spine" not in plain
    assert f"R={LUMBAR}" in plain and f"R={LUMBAR}" not in never
    assert "X=none" in plain
    card = _features(rules, "Roll your lower back.", Context("caution"))
    assert "X=caution" in card


def test_reading_adds_a_finding_the_rules_missed_on_the_rules_phrase(rules):
    sentence = "Never roll your lower back."
    assert SafetyMatcher(rules).find(sentence) == []
    found = _matcher(rules, {"N=C=places.lumbar-spine": 8.0}).find(sentence)
    assert [(f.rule, f.kind, f.phrase) for f in found] == [(LUMBAR, LEARNED, "lower back")]
    assert sentence[found[0].start : found[0].end] == "lower back"


def test_reading_confirms_or_doubts_the_rules_findings_and_loses_none(rules):
    sentence = "Roll your lower back every morning."
    kept = _matcher(rules, {f"R={LUMBAR}": 8.0}).find(sentence)
    assert [(f.rule, f.kind, f.doubted) for f in kept] == [(LUMBAR, "contradiction", False)]
    doubted = _matcher(rules, {}).find(sentence)
    assert [(f.rule, f.kind, f.doubted) for f in doubted] == [(LUMBAR, "contradiction", True)]
    assert doubted[0].phrase == kept[0].phrase


def test_reading_leaves_alone_rules_it_has_no_weights_for(rules):
    sentence = "Pregnant? Rolling your back is totally fine."
    rules_alone = SafetyMatcher(rules).find(sentence)
    assert rules_alone
    assert _matcher(rules, {}).find(sentence) == rules_alone


def test_reading_adds_nothing_without_a_phrase_of_the_rule_or_in_the_rules_own_card(rules):
    # a sentence about the neck says nothing of the lower back: no phrase to point at
    reading = _matcher(rules, {}, intercept=8.0)
    assert all(f.rule != LUMBAR for f in reading.find("Roll the back of your neck gently."))
    own = Context("caution", LUMBAR)
    assert reading.find("Never roll your lower back.", own) == []


def test_rule_weights_score_is_a_probability():
    weights = RuleWeights(0.0, {"a": 2.0, "b": -1.0})
    assert weights.score(set()) == pytest.approx(0.5)
    assert weights.score({"a"}) == pytest.approx(0.8808, abs=1e-4)
    assert weights.score({"a", "b", "unseen"}) == pytest.approx(0.7311, abs=1e-4)
    assert RuleWeights(-1000.0, {}).score(set()) == 0.0


def test_bad_model_file_is_an_error_with_file_and_line(tmp_path: Path):
    bad = tmp_path / "safety-model.json"
    bad.write_text('{\n "threshold": 0.5,\n "doubt": 0.5\n "rules": {}\n}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_reading(bad)
    problem = caught.value.problems[0]
    assert (problem.path, problem.line) == (str(bad), 4)
    assert "invalid JSON" in problem.message


def test_unreadable_model_file_is_an_error_with_file_and_line(tmp_path: Path):
    bad = tmp_path / "safety-model.json"
    bad.write_bytes(b'{\n "threshold": 0.5,\n "about": "caf\xe9"\n}\n')
    with pytest.raises(ConfigError) as caught:
        load_reading(bad)
    assert str(caught.value.first) == f"{bad}:3: the file is not valid UTF-8"
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_reading(tmp_path)  # a folder where the file should be


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a safety model must be a JSON object"),
        ({"threshold": 2, "doubt": 0.5, "rules": {}}, "threshold must be a number from 0 to 1"),
        ({"threshold": 0.5, "rules": {}}, "doubt must be a number from 0 to 1, got None"),
        ({"threshold": 0.5, "doubt": 0.5, "rules": []}, "rules must be an object of rule ids"),
        (
            {"threshold": 0.5, "doubt": 0.5, "rules": {"x": {"weights": {}}}},
            "rule 'x' needs a numeric intercept and an object of weights",
        ),
        (
            {
                "threshold": 0.5,
                "doubt": 0.5,
                "rules": {"x": {"intercept": 0, "weights": {"a": "1"}}},
            },
            "rule 'x': every weight must be a number",
        ),
    ],
)
def test_model_of_the_wrong_shape_is_an_error(tmp_path: Path, data, message):
    path = tmp_path / "safety-model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_reading(path)
    assert message in caught.value.problems[0].message
    assert caught.value.problems[0].path == str(path)


def test_shipped_model_is_trained_on_the_current_rules_vocabulary_and_corpus():
    """Changing the rules, the vocabulary or the corpus means training again
    (``kb rules train``): the reading's features are the rules' concepts and findings."""
    reading = load_reading(MODEL)
    assert not stale(reading, RULES, VOCABULARY)
    assert reading.trained_on == trained_on(load_corpus(CORPUS, ("tune",)))
    assert set(reading.rules) == {rule.id for rule in load_concept_rules(RULES, VOCABULARY)}


def test_a_changed_rules_file_makes_the_model_stale(tmp_path: Path):
    reading = load_reading(MODEL)
    edited = tmp_path / "safety-concepts.toml"
    edited.write_text(RULES.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert stale(reading, edited, VOCABULARY)


def test_training_writes_the_same_model_from_the_same_corpus(tmp_path: Path):
    """``kb rules train`` on a small corpus: a model the build can read, fitted to its tuning
    sentences only, and the same bytes when trained again."""
    text = CORPUS.read_text(encoding="utf-8")
    # The header and the first sentences (both splits), enough for every rule to have
    # examples of both labels.
    small = tmp_path / "corpus.toml"
    small.write_text("[[sentence]]".join(text.split("[[sentence]]")[:700]), encoding="utf-8")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    reading = train(small, first)
    train(small, second)
    assert first.read_bytes() == second.read_bytes()
    assert load_reading(first).rules.keys() == reading.rules.keys()
    assert reading.trained_on == trained_on(load_corpus(small, ("tune",)))
    assert reading.trained_on != trained_on(load_corpus(small))
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("name", ["MODEL", "RULES"])
def test_kb_rules_reports_a_bad_file_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
):
    """A model or rules file that does not parse ends ``kb rules eval`` with its file and line,
    not a traceback."""
    bad = tmp_path / ("safety-model.json" if name == "MODEL" else "safety-concepts.toml")
    bad.write_text('{\n "threshold": 0.4,\n' if name == "MODEL" else "[[rule]\n", "utf-8")
    monkeypatch.setattr(f"healthkb.cli.rules.{name}", bad)
    assert main(["rules", "eval", "--summary", "--split", "tune"]) == 2
    err = capsys.readouterr().err
    assert re.match(rf"kb rules: {re.escape(str(bad))}:\d+: ", err), err
    assert "Traceback" not in err
