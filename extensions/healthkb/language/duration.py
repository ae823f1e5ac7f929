"""Durations in a sentence, in seconds: "five minutes", "2-3 mins", "a couple of minutes",
"a minute or two", "half an hour", "120 seconds", "90s", "minutes on end", "count to
twenty" (a count is seconds), "ten slow breaths" (a breath is about six seconds).

Writers give times in any words; a rule about how long pressure may stay on one spot
(``longest`` in ``conf/safety-concepts.toml``) compares them with its limit instead of
listing every wording. A duration stated as a ceiling ("under two minutes", "no more than
90 seconds", "two minutes max") is marked as one: it limits, it does not recommend.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: Words before "to", "of" or "from" that make the number after it a count of seconds.
_COUNT = frozenset({"count", "counts", "counting", "down"})
#: Seconds per unit, by lemma.
UNITS: dict[str, int] = {
    "s": 1,  # "90-120 s" (an amount must come before it)
    "second": 1,
    "seconds": 1,
    "sec": 1,
    "secs": 1,
    "minute": 60,
    "min": 60,
    "mins": 60,
    "minuts": 60,
    "minutes": 60,
    "hour": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hours": 3600,
    # a slow breath is about six seconds ("five slow breaths is roughly a 30-second hold")
    "breath": 6,
    "breaths": 6,
}

#: Number words, and the vague ones at the value a reader would take ("a few" is three).
NUMBERS: dict[str, float] = {
    "a": 1,
    "an": 1,
    "another": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
    "couple": 2,
    "few": 3,
    "several": 3,
    "half": 0.5,
    "quarter": 0.25,
    "dozen": 12,
}

#: Words between a number and its unit that do not change it ("five whole minutes").
_FILLERS = frozenset(
    {"whole", "full", "good", "solid", "long", "more", "extra", "straight", "of", "+", "entire"}
    | {"slow", "deep", "steady", "calm", ","}  # "ten slow, deep breaths"
)
#: Words joining the two ends of a range ("2-3", "two to three", "two or three").
_RANGE = frozenset({"-", "to", "or"})
#: Words just before a duration that make it a ceiling.
_CEILING_BEFORE = (
    ("under",),
    ("below",),
    ("within",),
    ("less", "than"),
    ("no", "more", "than"),
    ("not", "more", "than"),
    ("no", "longer", "than"),
    ("not", "longer", "than"),
    ("up", "to"),
    ("at", "most"),
    ("max",),
    ("maximum",),
    ("a", "maximum", "of"),
    ("limit", "to"),
    ("cap", "at"),
    ("never", "more", "than"),
    ("never", "over"),
    ("never", "longer", "than"),
)
#: Words just after a duration that make it a ceiling ("two minutes max", "or less").
_CEILING_AFTER = (
    ("max",),
    ("maximum",),
    ("or", "less"),
    ("at", "most"),
    ("tops",),
    ("or", "under"),
)
#: Words before "to" that make what follows a ceiling ("keep it to a minute").
_KEEPING = frozenset({"keep", "keeping", "limit", "limiting", "cap", "restrict", "stick"})
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")
#: A number glued to its unit: "90s", "2min", "5mins", "10sec".
#: Repeats before it give the length of each ("5x60s": five holds of a minute each).
_GLUED = re.compile(r"^(?:\d+x)?(\d+(?:\.\d+)?)(s|sec|secs|min|mins|m|hr|hrs|h)$")
_GLUED_UNITS = {"s": 1, "sec": 1, "secs": 1, "min": 60, "mins": 60, "m": 60, "hr": 3600}
_GLUED_UNITS.update({"hrs": 3600, "h": 3600})


@dataclass(frozen=True)
class Duration:
    """A duration at tokens ``[start, end)``: its length (the middle of a range: "1-2
    minutes" is 90 seconds; "a minute or two" is two) and whether the sentence sets it as
    a ceiling."""

    start: int
    end: int
    seconds: float
    ceiling: bool


def _number(word: str) -> float | None:
    if _DIGITS.match(word):
        return float(word)
    return NUMBERS.get(word)


def _amount_before(lemmas: Sequence[str], unit: int) -> tuple[int, float] | None:
    """(first token, value) of the number before the unit at ``unit``, reading back over
    fillers and ranges; None when there is no number."""
    at = unit - 1
    half = 0.0
    while at >= 0 and (lemmas[at] in _FILLERS or lemmas[at] == "½") and lemmas[at] != "of":
        half = 0.5 if lemmas[at] == "½" else half  # "2½ min"
        at -= 1
    if at >= 0 and lemmas[at] == "of" and at >= 1 and lemmas[at - 1] in {"couple", "few"}:
        at -= 1  # "a couple of minutes"
    if at < 0:
        return None
    value = _number(lemmas[at])
    if value is None and lemmas[at] == "-" and at >= 1:
        value, at = _number(lemmas[at - 1]), at - 1  # "a 10-minute hold"
    if value is None:
        return None
    value += half
    start = at
    if at >= 2 and lemmas[at - 1] == "." and _DIGITS.match(lemmas[at - 2]):
        start, value = at - 2, float(f"{lemmas[at - 2]}.{lemmas[at]}")  # "1.5 minutes"
    # "half an hour", "a quarter of an hour"
    if lemmas[at] in {"a", "an"} and at >= 1 and lemmas[at - 1] in {"half", "quarter"}:
        start, value = at - 1, NUMBERS[lemmas[at - 1]]
    elif (
        lemmas[at] in {"a", "an"}
        and at >= 2
        and lemmas[at - 2 : at]
        in (
            ["half", "of"],
            ["quarter", "of"],
        )
    ):
        start, value = at - 2, NUMBERS[lemmas[at - 2]]
    # "two and a half minutes"
    whole = _number(lemmas[start - 3]) if start >= 3 and lemmas[start] == "half" else None
    if whole is not None and lemmas[start - 2 : start] in (["and", "a"], ["and", "an"]):
        return start - 3, whole + 0.5
    # "between three and five minutes"
    if (
        start >= 3
        and lemmas[start - 1] == "and"
        and lemmas[start - 3] == "between"
        and _number(lemmas[start - 2]) is not None
    ):
        return start - 3, (value + (_number(lemmas[start - 2]) or 0.0)) / 2
    # a range is read at its middle, what a reader would do ("2-3 minutes", "two to three")
    if start >= 2 and lemmas[start - 1] in _RANGE and _number(lemmas[start - 2]) is not None:
        lower = _number(lemmas[start - 2]) or 0.0
        if lower <= value:
            start, value = start - 2, (lower + value) / 2
    # "ten or fifteen", "a few" -> "few" already read; "a" before "few/couple" joins it
    if start >= 1 and lemmas[start - 1] in {"a", "an"} and lemmas[start] in {"few", "couple"}:
        start -= 1
    return start, value


def durations(lemmas: Sequence[str]) -> list[Duration]:
    """The durations of a sentence given as its lower-case words (regex tokens: "minutes"
    stays plural, which says "more than one" when no number comes before it)."""
    found: list[Duration] = []
    for at, lemma in enumerate(lemmas):
        # a count stands for seconds: "count to twenty", "a slow count of 150", "count
        # down from one-twenty"
        counting = at >= 1 and not _COUNT.isdisjoint(lemmas[max(0, at - 2) : at])
        if lemma in {"to", "of", "from"} and counting:
            counted = _number(lemmas[at + 1]) if at + 1 < len(lemmas) else None
            if counted is not None:
                end = at + 2
                if lemmas[end : end + 1] == ["hundred"]:
                    counted, end = counted * 100, end + 1  # "a count of two hundred"
                found.append(_with_ceiling(lemmas, at - 1, end, counted))
            continue
        glued = _GLUED.match(lemma)
        if glued:
            value = float(glued.group(1)) * _GLUED_UNITS[glued.group(2)]
            found.append(_with_ceiling(lemmas, at, at + 1, value))
            continue
        unit = UNITS.get(lemma)
        if unit is None:
            continue
        if unit == 1 and lemma == "second" and _ordinal(lemmas, at):
            continue  # "the second set", "a second time"
        if lemma == "s" and not (at > 0 and _DIGITS.match(lemmas[at - 1])):
            continue  # "s" only after a number in figures ("90-120 s"), not "it s fine"
        amount = _amount_before(lemmas, at)
        end = at + 1
        if amount is None:
            if lemma.endswith("s"):  # "for minutes", "minutes on end": at least two
                found.append(_with_ceiling(lemmas, at, end, 2 * unit))
            continue
        start, value = amount
        # "a minute and a half"
        if [*lemmas[end : end + 3]] in (["and", "a", "half"], ["and", "an", "half"]):
            value, end = value + 0.5, end + 3
        # "a minute or two", "an hour or so": the longer, as the writer allows it
        if lemmas[end : end + 2] and lemmas[end : end + 2][0] == "or" and end + 1 < len(lemmas):
            more = _number(lemmas[end + 1])
            if more is not None and more > value:
                value, end = more, end + 2
        found.append(_with_ceiling(lemmas, start, end, value * unit))
    return found + _elided(lemmas, found)


def _elided(lemmas: Sequence[str], found: Sequence[Duration]) -> list[Duration]:
    """Times whose unit is left out after an earlier time ("after a minute, keep the
    pressure on for another two or three"): "another" and a number take the unit before."""
    more: list[Duration] = []
    for at, lemma in enumerate(lemmas[:-1]):
        if lemma != "another":
            continue
        earlier = [d for d in found if d.end <= at]
        value = _number(lemmas[at + 1])
        if not earlier or value is None:
            continue
        end = at + 2
        if lemmas[end : end + 1] and lemmas[end] in _RANGE and end + 1 < len(lemmas):
            top = _number(lemmas[end + 1])
            value, end = (top, end + 2) if top is not None and top > value else (value, end)
        if end < len(lemmas) and lemmas[end] in UNITS:
            continue  # the unit is given ("another two minutes"), counted above
        unit = UNITS.get(lemmas[earlier[-1].end - 1], 0)
        if unit:
            more.append(_with_ceiling(lemmas, at, end, value * unit))
    return more


def _ordinal(lemmas: Sequence[str], at: int) -> bool:
    """True when "second" is an ordinal: not after a number ("the second set")."""
    return at == 0 or _number(lemmas[at - 1]) is None or lemmas[at - 1] in {"a", "an", "one"}


#: Words before a duration that make it a floor: "at least a minute" is longer than a minute.
_FLOOR_BEFORE = (
    ("at", "least"),
    ("more", "than"),
    ("over",),
    ("a", "good"),
    ("longer", "than"),
    ("a", "minimum", "of"),
)


#: Words of approximation before a duration ("to around 90 seconds"): read past them.
_ABOUT = frozenset({"about", "around", "roughly", "approximately", "approx", "some", "maybe"})


def _with_ceiling(lemmas: Sequence[str], start: int, end: int, seconds: float) -> Duration:
    while start > 0 and lemmas[start - 1] in _ABOUT:
        start -= 1
    before = tuple(lemmas[max(0, start - 3) : start])
    inside = tuple(lemmas[start : start + 2])
    ranged = not _RANGE.isdisjoint(lemmas[start:end])
    if not ranged and (
        inside == ("a", "good")
        or any(before[-len(cue) :] == cue for cue in _FLOOR_BEFORE if len(before) >= len(cue))
    ):
        seconds += 1
    after = tuple(lemmas[end : end + 2])
    ceiling = any(before[-len(cue) :] == cue for cue in _CEILING_BEFORE if len(before) >= len(cue))
    ceiling = ceiling or any(after[: len(cue)] == cue for cue in _CEILING_AFTER)
    # "keep each muscle group to 90 seconds", "limit it to a minute"
    if before[-1:] == ("to",):
        ceiling = ceiling or not _KEEPING.isdisjoint(lemmas[max(0, start - 7) : start - 1])
    return Duration(start, end, seconds, ceiling)
