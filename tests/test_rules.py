"""The safety rules file (healthkb.safety.rules) and the pure matchers of
healthkb.safety.matching (no Sphinx)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthkb.language.text import split_sentences
from healthkb.safety.matching import (
    find_contradictions,
    find_red_flags,
    required_level,
    rules_about,
)
from healthkb.safety.rules import LEVELS, RulesError, level_rank, load_rules, parse_rules
from tests.conftest import ARTICLES, ROOT

RULES_FILE = ROOT / "conf" / "safety-rules.toml"
RULES = load_rules(RULES_FILE)


def contradicted(sentence: str) -> list[str]:
    return [found.rule.id for found in find_contradictions(sentence, RULES)]


def flagged(sentence: str) -> list[str]:
    return [found.rule.id for found in find_red_flags(sentence, RULES)]


# -- the project's rules file ------------------------------------------------------------------
def test_project_rules() -> None:
    assert {rule.id: rule.level for rule in RULES} == {
        "no-direct-lumbar-rolling": "caution",
        "no-neck-bone-joint-rolling": "caution",
        "no-acute-injury-rolling": "caution",
        "stop-nerve-symptoms": "professional",
        "check-first-conditions": "professional",
        "limit-sustained-pressure": "caution",
        "urgent-cauda-equina": "urgent",
    }
    for rule in RULES:
        assert rule.statement.endswith("."), rule.id
        assert rule.line > 0
        # Every rule's own statement is about the rule and never contradicts a rule.
        assert rule in rules_about(rule.statement, RULES), rule.id
        assert contradicted(rule.statement) == [], rule.id


def test_levels_are_ordered() -> None:
    assert LEVELS == ("caution", "professional", "urgent")
    assert level_rank("caution") < level_rank("professional") < level_rank("urgent")
    assert level_rank("severe") == -1


# -- calibration on the four real articles ------------------------------------------------------
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def article_sentences(path: Path) -> list[str]:
    """Every sentence of an article file, with markdown markup taken off each line."""
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = _LINK.sub(r"\1", line)
        line = re.sub(r"^\s*(?:#+|>|-|•|\d+\.)\s*", "", line)
        line = line.replace("**", "").replace("*", "").replace("&#10003;", "")
        line = re.sub(r"^(?:Q|A):\s*", "", line)
        sentences.extend(split_sentences(line))
    return sentences


def test_articles_are_there() -> None:
    names = sorted(path.name for path in ARTICLES.glob("*.txt"))
    assert [name[:3] for name in names] == ["000", "001", "002", "003"]
    assert sum(len(article_sentences(ARTICLES / name)) for name in names) > 400


def test_contradictions_in_the_four_articles() -> None:
    """Exactly one sentence of the four articles recommends what a rule forbids."""
    found = {
        (path.name[:3], hit.rule.id, hit.sentence)
        for path in sorted(ARTICLES.glob("*.txt"))
        for sentence in article_sentences(path)
        for hit in find_contradictions(sentence, RULES)
    }
    assert found == {
        (
            "001",
            "no-direct-lumbar-rolling",
            "Raise hips slightly and roll gently up and down from lumbar spine to tailbone.",
        )
    }


def test_red_flags_in_the_four_articles() -> None:
    found = {
        (path.name[:3], hit.rule.id, hit.symptom)
        for path in sorted(ARTICLES.glob("*.txt"))
        for sentence in article_sentences(path)
        for hit in find_red_flags(sentence, RULES)
    }
    assert found == {
        ("002", "stop-nerve-symptoms", "pain radiates down one or both legs"),
        ("002", "stop-nerve-symptoms", "pain radiates down the legs"),
    }


SHORT = {
    "lumbar": "no-direct-lumbar-rolling",
    "neck": "no-neck-bone-joint-rolling",
    "acute": "no-acute-injury-rolling",
    "nerve": "stop-nerve-symptoms",
    "check-first": "check-first-conditions",
    "sustained": "limit-sustained-pressure",
    "urgent": "urgent-cauda-equina",
}


# -- contradictions -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        (
            "Raise hips slightly and roll gently up and down from lumbar spine to tailbone.",
            "lumbar",
        ),
        ("Roll slowly along your lumbar spine to loosen it.", "lumbar"),
        ("Foam roll the lumbar vertebrae for two minutes.", "lumbar"),
        ("Roll directly on your lower back every morning.", "lumbar"),
        ("Place the roller directly on the lumbar spine and relax.", "lumbar"),
        ("Rolling the lumbar spine every day keeps it supple.", "lumbar"),
        ("Roll over the back of the neck to release tension.", "neck"),
        ("Gently roll the cervical spine.", "neck"),
        ("Roll directly over your kneecap.", "neck"),
        ("Roll right over a fresh bruise to break it up.", "acute"),
        ("Roll over inflamed tissue to calm it down.", "acute"),
        ("Keep rolling even if you feel tingling in your foot.", "nerve"),
        ("Tingling is normal, so carry on.", "nerve"),
        ("It is safe to roll even with a herniated disc.", "check-first"),
        ("There is no need to see a doctor first.", "check-first"),
        ("Hold the roller on the knot for 5 minutes.", "sustained"),
        ("Stay on a tender spot as long as you can.", "sustained"),
        ("If you lose bladder control, wait and see whether your bladder settles.", "urgent"),
    ],
)
def test_recommendations_against_a_rule_are_found(sentence: str, rule: str) -> None:
    assert contradicted(sentence) == [SHORT[rule]]


@pytest.mark.parametrize(
    "sentence",
    [
        # the negated and cautionary phrasings of the brief
        "Never roll directly on the lumbar vertebrae.",
        "Do not roll directly over the lumbar spine.",
        "Don't roll directly on the lumbar spine.",
        "Don’t roll along your lumbar spine.",
        "Avoid rolling the lumbar spine.",
        "Slowly roll up and down from mid to upper back, avoiding lumbar spine.",
        "Stay off the lumbar spine; roll the glutes.",
        "Instead of rolling the lumbar spine, roll the glutes.",
        "Roll the glutes rather than rolling the lumbar vertebrae directly.",
        "The most common mistake is rolling directly over the lumbar spine.",
        "Rolling directly on the lumbar spine can increase instability.",
        "Direct loading on the lumbar vertebrae can destabilize the spine.",
        "Is it safe to foam roll directly on the lower back?",
        "Keep the roller off the back of the neck.",
        "Don't roll over acute injuries or inflamed tissue.",
        "Stop rolling if you feel tingling.",
        "Hold a tender spot for 20 to 30 seconds.",
        "Limit rolling to about 5-10 minutes per session.",
        # safe advice that mentions the same places
        "Roll slowly from mid-back up toward the base of the neck.",
        "Roll up and down from hip to lower back.",
        "Target the muscles surrounding the lumbar region.",
    ],
)
def test_negated_or_safe_sentences_are_not_contradictions(sentence: str) -> None:
    assert contradicted(sentence) == []


# -- red flags ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "rules"),
    [
        ("Sharp pain radiates down one or both legs.", ["stop-nerve-symptoms"]),
        ("Pain shooting down your leg means stop.", ["stop-nerve-symptoms"]),
        ("Pain spreading down the back of the thigh is a warning.", ["stop-nerve-symptoms"]),
        ("You may feel numbness in your feet.", ["stop-nerve-symptoms"]),
        ("Tingling in the toes is a warning sign.", ["stop-nerve-symptoms"]),
        ("Pins and needles in the foot.", ["stop-nerve-symptoms"]),
        ("Weakness in your legs needs a check.", ["stop-nerve-symptoms"]),
        ("Loss of bladder or bowel control needs help now.", ["urgent-cauda-equina"]),
        ("If you lose control of your bowels, call for help.", ["urgent-cauda-equina"]),
        (
            "Numbness around your genitals or bottom is an emergency.",
            ["stop-nerve-symptoms", "urgent-cauda-equina"],
        ),
        ("Roll the glutes for 60 seconds.", []),
        ("Avoid foam rolling during flare-ups with sharp, radiating, or severe pain.", []),
    ],
)
def test_red_flags(sentence: str, rules: list[str]) -> None:
    assert flagged(sentence) == rules


def test_required_level_is_the_strongest() -> None:
    flags = find_red_flags("Numbness and loss of bladder control.", RULES)
    assert required_level(flags) == "urgent"
    assert required_level(find_red_flags("Numbness in the feet.", RULES)) == "professional"
    assert required_level([]) is None


# -- sentences ----------------------------------------------------------------------------------
def test_split_sentences() -> None:
    assert split_sentences("One. Two? Three! Pearcey et al. found it.\nFour.") == [
        "One.",
        "Two?",
        "Three!",
        "Pearcey et al. found it.",
        "Four.",
    ]
    # a question glued to its answer (article 003's "Related Questions")
    assert split_sentences("What are mistakes?Rolling too fast.") == [
        "What are mistakes?",
        "Rolling too fast.",
    ]
    assert split_sentences("   ") == []


# -- loading and validating ----------------------------------------------------------------------
GOOD = """
[[rule]]
id = "one"
level = "caution"
statement = "Do one thing."
topic = ['one']
contradicts = ['do two']
"""


def test_parse_minimal_rules() -> None:
    rules = parse_rules(GOOD, "x.toml")
    assert [rule.id for rule in rules] == ["one"]
    assert rules.get("one") is not None and rules.get("one").line == 2  # type: ignore[union-attr]
    assert "one" in rules and "two" not in rules


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[[rule]\nid = 1\n", 1, "invalid TOML"),
        (GOOD + 'level = "x"\n', 8, "invalid TOML"),
        ("", None, "no [[rule]] tables"),
        ('title = "rules"\n' + GOOD, 1, "unknown top-level key 'title'"),
        (GOOD.replace('level = "caution"', 'level = "severe"'), 4, "unknown level 'severe'"),
        (GOOD.replace('id = "one"', 'id = "One Rule"'), 3, "id must be lower-case"),
        (GOOD.replace('statement = "Do one thing."\n', ""), 2, "missing key 'statement'"),
        (GOOD.replace("topic = ['one']", "topic = []"), 6, "topic must not be empty"),
        (GOOD.replace("topic = ['one']", "topic = 'one'"), 6, "topic must be a list"),
        (GOOD + "symptoms = ['ok', '(broken']\n", 8, "invalid regex in symptoms: '(broken'"),
        (GOOD.replace("topic = ['one']", "topic = ['one']\ncolour = 'red'"), 7, "unknown key"),
        (GOOD + GOOD, 10, "duplicate rule id 'one' (first defined at line 2)"),
    ],
)
def test_broken_rules_name_file_and_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "conf/safety-rules.toml")
    error = caught.value
    assert error.path == "conf/safety-rules.toml"
    assert error.line == line, str(error)
    assert message in error.message
    assert str(error).startswith(f"conf/safety-rules.toml:{line}: " if line else "conf/")


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="safety rules file not found"):
        load_rules(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(GOOD.encode() + b"# caf\xe9\n")
    with pytest.raises(RulesError, match=r"bad.toml:8: the rules file is not valid UTF-8"):
        load_rules(bad)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_rules_text_gives_rules_or_a_clear_error(text: str) -> None:
    try:
        parse_rules(text, "fuzz.toml")
    except RulesError as error:
        assert str(error).startswith("fuzz.toml")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_matchers_accept_any_text(text: str) -> None:
    for found in find_contradictions(text, RULES):
        assert found.phrase
    for flag in find_red_flags(text, RULES):
        assert flag.symptom
    for sentence in split_sentences(text):
        assert sentence == sentence.strip()


def test_error_location_always_has_a_line() -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules("", "rules.toml")
    assert caught.value.location == "rules.toml:1"
    with pytest.raises(RulesError) as caught:
        parse_rules(GOOD.replace('level = "caution"', 'level = "x"'), "rules.toml")
    assert caught.value.location == "rules.toml:4"
