"""Matching sentences against the safety rules.

Pure Python (no Sphinx import), like :mod:`healthkb.safety.rules`:

- sentences come from :func:`healthkb.language.text.iter_sentences`.
- :func:`find_contradictions` finds the rules a sentence recommends breaking,
  unless the sentence is negated or cautionary ("never roll ...", "avoid ...",
  "rolling ... can worsen ...").
- :func:`find_red_flags` finds red-flag symptoms (with the level of care they
  call for) mentioned in a sentence.
- :func:`rules_about` finds the rules a text is about (their ``topic``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from healthkb.language.text import normalise
from healthkb.safety.rules import Rule, level_rank

# -- sentences --------------------------------------------------------------------------------
# -- contradictions ---------------------------------------------------------------------------
#: Words that make the clause before a match negated or cautionary.
_NEGATION = re.compile(
    r"\b(?:never|not|no|nor|avoid\w*|stop\w*|skip\w*|without|instead\s+of|rather\s+than"
    r"|refrain\w*|stay(?:ing)?\s+off|keep(?:ing)?\s+(?:\w+\s+){0,3}?off|mistakes?|errors?"
    r"|wrong(?:ly)?|unsafe|dangerous|harmful|risky)\b"
    r"|\b\w+n't\b|\bcannot\b",
    re.IGNORECASE,
)
#: Where a clause ends: ; : dashes, and ", and" / ", but" / ", then" / ", so".
_CLAUSE = re.compile(r"[;:]|\s-\s|,\s+(?:and|but|then|so)\b")
#: After a gerund subject ("Rolling directly on X ..."): the sentence says it does harm.
_HARM = re.compile(
    r"\b(?:can|could|may|might|will|would|tends?\s+to|is\s+likely\s+to)\s+(?:\w+\s+){0,2}?"
    r"(?:increase|irritate|aggravate|worsen|destabili[sz]e|create|cause|injure|hurt|damage"
    r"|strain|compress|harm|make\s+\w+\s+worse)"
    r"|\bbackfires?\b"
    r"|\b(?:is|are|was|were)\s+(?:\w+\s+){0,3}?(?:mistakes?|errors?|bad|harmful|dangerous"
    r"|risky|unsafe|not\s+safe)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Contradiction:
    """A sentence that recommends what ``rule`` forbids."""

    rule: Rule
    sentence: str
    #: The phrase that matched one of the rule's ``contradicts`` patterns.
    phrase: str


@dataclass(frozen=True)
class RedFlag:
    """A red-flag symptom of ``rule`` mentioned in ``sentence``."""

    rule: Rule
    sentence: str
    symptom: str


def _clause_before(text: str, start: int) -> str:
    before = text[:start]
    ends = [m.end() for m in _CLAUSE.finditer(before)]
    return before[ends[-1] :] if ends else before


def is_negated(sentence: str, start: int, end: int) -> bool:
    """True when the match ``sentence[start:end]`` sits in a negated or cautionary context.

    - a negation or caution word earlier in the same clause ("never roll ...",
      "Avoid rolling ...", "instead of rolling ...", "the most common mistake is rolling ...");
    - a gerund subject followed by a harm ("Rolling directly on X can increase instability").
    """
    text = normalise(sentence)
    if _NEGATION.search(_clause_before(text, start)):
        return True
    first_word = re.match(r"\w+", text[start:end])
    return bool(first_word and first_word.group(0).lower().endswith("ing")) and bool(
        _HARM.search(text, end)
    )


def find_contradictions(sentence: str, rules: Iterable[Rule]) -> list[Contradiction]:
    """The rules ``sentence`` recommends breaking (at most one entry per rule).

    Questions ask rather than recommend and are never contradictions.
    """
    text = " ".join(normalise(sentence).split())
    if text.endswith("?"):
        return []
    found = []
    for rule in rules:
        for pattern in rule.contradicts:
            hit = next(
                (m for m in pattern.finditer(text) if not is_negated(text, m.start(), m.end())),
                None,
            )
            if hit is not None:
                found.append(Contradiction(rule, " ".join(sentence.split()), hit.group(0)))
                break
    return found


def find_red_flags(sentence: str, rules: Iterable[Rule]) -> list[RedFlag]:
    """The red-flag symptoms ``sentence`` mentions, at most one entry per rule."""
    text = " ".join(normalise(sentence).split())
    found = []
    for rule in rules:
        for pattern in rule.symptoms:
            hit = pattern.search(text)
            if hit is not None:
                found.append(RedFlag(rule, " ".join(sentence.split()), hit.group(0)))
                break
    return found


def required_level(flags: Iterable[RedFlag]) -> str | None:
    """The strongest level the red flags call for (None without flags)."""
    levels = [flag.rule.level for flag in flags]
    return max(levels, key=level_rank) if levels else None


def rules_about(text: str, rules: Iterable[Rule]) -> list[Rule]:
    """The rules whose ``topic`` matches ``text`` (for example a card's title and body)."""
    normalised = " ".join(normalise(text).split())
    return [rule for rule in rules if any(p.search(normalised) for p in rule.topic)]
