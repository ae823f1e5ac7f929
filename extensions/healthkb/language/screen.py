"""The pre-check: which rules could fire on a sentence, from its lemmas alone.

Cheap steps first (regex tokens and looked-up lemmas, a set test for a lemma that can start
a phrase of what the rules are about), then the concepts named; a sentence goes on to full
analysis (scope) only when some rule could fire on them. See :meth:`Screen.__call__`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from healthkb.language.contradiction import HEADING
from healthkb.language.cues import LEAD_IN
from healthkb.language.duration import durations
from healthkb.language.finding import Hit
from healthkb.language.objects import ANAPHORS, PRONOUNS
from healthkb.language.permission import WAVING
from healthkb.language.phrases import SAFETY_KINDS, Phrases
from healthkb.language.rules import ConceptRule, ConceptRules
from healthkb.language.text import Token, quick_words

#: Nouns after a place that make it name a complaint, not where the roller goes
#: ("lower back pain", "low back tension").
_COMPLAINTS = frozenset(
    [
        "pain",
        "ache",
        "tension",
        "relief",
        "discomfort",
        "problem",
        "stiffness",
        "injury",
        "issue",
        "management",
        "health",
        "sufferer",
        "disc",
        "dermatome",
        "nerve",
        "root",
        "protrusion",
        "feel",
        "hurt",
        "hate",
        "-",
    ]
)


def complaint(hit: Hit, lemmas: Sequence[str]) -> bool:
    """True when ``hit`` is a place that names a complaint ("lower back pain"); a dash
    before an order is a heading's ("Lower back - roll it")."""
    if not hit.key.startswith("places.") or hit.end >= len(lemmas):
        return False
    after = lemmas[hit.end]
    if after == "-":
        # "lower back-related work", not a dash before a new thought ("... to your waistband
        # - that's where the knots hide", "Lower back - roll it").
        following = lemmas[hit.end + 1] if hit.end + 1 < len(lemmas) else ""
        return following in _COMPLAINTS or following in _COMPOUNDS
    return after in _COMPLAINTS


#: Words after a place and a hyphen that make a compound adjective ("back-related").
_COMPOUNDS = frozenset({"related", "relate", "friendly", "focused", "focus", "specific", "safe"})


#: Punctuation that ends a stretch of words an action and its target must share.
_HARD_STOPS = frozenset([";", ":", ".", "?", "!", "(", ")", "[", "]", "#", "|"])


def stretches(lemmas: Sequence[str]) -> list[int]:
    """For each token, the number of the stretch it is in (stretches end at hard stops)."""
    out, number = [], 0
    for at, lemma in enumerate(lemmas):
        out.append(number)
        # a heading's colon joins its label to the order after it, and a lead-in question
        # its subject to the answer ("Tweaked your calf today? Roll it tonight")
        joins = (lemma == ":" and at < HEADING) or (
            lemma == "?" and at < LEAD_IN and at + 1 < len(lemmas)
        )
        if lemma in _HARD_STOPS and not joins:
            number += 1
    return out


def places_as_places(hits: list[Hit], tokens: Sequence[Token]) -> tuple[list[Hit], list[Hit]]:
    """``hits`` without the places that name a complaint ("lower back pain"), and without a
    generic bony word that another place of the sentence qualifies ("the bony bumps just
    above your tailbone", "the bony bit at the bottom of your spine" are the lower back's);
    and the places named as a complaint, which a later pronoun can still stand for ("If
    your lower back feels stiff, roll it out")."""
    lemmas = [t.lemma for t in tokens]
    hits = _knocked_or_numb(hits, lemmas)
    complaints = [hit for hit in hits if complaint(hit, lemmas)]
    kept = [hit for hit in hits if hit not in complaints and not within_condition(hit, hits)]
    return [hit for hit in kept if not qualified(hit, kept, lemmas)], complaints


def _knocked_or_numb(hits: list[Hit], lemmas: Sequence[str]) -> list[Hit]:
    """A phrase that is both an injury and a symptom ("dead leg") read as one of them: the
    injury when the sentence names a knock ("the dead leg I got at footie", "after the
    tackle"), the symptom otherwise ("a dead leg after rolling your bum")."""
    symptoms = {(h.start, h.end) for h in hits if h.key.startswith("symptoms.")}
    shared = {(h.start, h.end) for h in hits if h.key.startswith("injuries.")} & symptoms
    if not shared:
        return hits
    knock = not _KNOCKS.isdisjoint(lemmas)
    drop = "symptoms." if knock else "injuries."
    return [h for h in hits if not ((h.start, h.end) in shared and h.key.startswith(drop))]


#: Words of a knock that make a "dead leg" a bruise.
_KNOCKS = frozenset(
    """tackle match game kick knock footie football rugby hockey cricket collision whack
    boot""".split()  # noqa: SIM905 (a list of words, read as prose)
)


def within_condition(hit: Hit, hits: Sequence[Hit]) -> bool:
    """True when the place ``hit`` is a word of a condition's phrase ("thin bones",
    "brittle bones", "low bone density" name osteoporosis, not a bony place), or the
    injury ``hit`` a word of a time's ("falling asleep" is no fall)."""
    if hit.key.startswith("places."):
        inside = "conditions."
    elif hit.key.startswith("injuries."):
        inside = "time."
    else:
        return False
    return any(
        other.key.startswith(inside)
        and other.start <= hit.start
        and hit.end <= other.end
        and other.end - other.start > hit.end - hit.start
        for other in hits
    )


#: Words that name a bony place without saying which ("the bony bit", "the bones", "a bump").
_GENERIC_BONY = frozenset(
    {
        "bone",
        "bony",
        "bump",
        "bit",
        "part",
        "spot",
        "knob",
        "knobbly",
        "pointy",
        "point",
        "tip",
        "joint",
        "surface",
        "the",
        "a",
        "of",
    }
)


def qualified(hit: Hit, hits: Sequence[Hit], lemmas: Sequence[str]) -> bool:
    """True when ``hit`` names a place only by a generic bony word and the sentence names
    another, specific place (of another concept, not a complaint) that it belongs to: a
    named place makes "bones" its own rather than a separate bony prominence."""
    if not hit.key.startswith("places.") or not set(lemmas[hit.start : hit.end]) <= _GENERIC_BONY:
        return False
    return any(
        other.key.startswith("places.")
        and other.key != hit.key
        and not set(lemmas[other.start : other.end]) <= _GENERIC_BONY
        and other.key in _SPINE
        for other in hits
    )


#: Places whose bones are the spine's own (the generic "bones" there are the spine's).
_SPINE = frozenset({"places.lumbar-spine", "places.neck"})


@dataclass(frozen=True)
class _RuleKeys:
    """A rule's concept keys as sets, and its regexes."""

    rule: ConceptRule
    symptoms: frozenset[str]
    actions: frozenset[str]
    targets: frozenset[str]
    conditions: frozenset[str]
    topic: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    #: The shortest of the rule's ``longest`` limits (None: the rule has none).
    longest: float | None
    times: frozenset[str]
    #: The actions with a limit of their own, and the rule's actions.
    holding: frozenset[str]

    @classmethod
    def of(cls, rule: ConceptRule) -> _RuleKeys:
        return cls(
            rule,
            frozenset(rule.keys("symptoms")),
            frozenset(rule.keys("actions")),
            frozenset(rule.targets),
            frozenset(rule.keys("conditions")),
            frozenset(rule.topic),
            rule.patterns,
            min((seconds for _, seconds in rule.longest), default=None),
            frozenset(rule.keys("time")),
            frozenset(rule.keys("actions")) | {key for key, _ in rule.longest},
        )


def _dosed_heading(words: Sequence[str]) -> bool:
    """True when a heading label's colon or dash is followed by a number ("Lower back: 2
    minutes each morning")."""
    for at, word in enumerate(words[:HEADING]):
        if word in {":", "-", "—", "–"} and at + 1 < len(words) and words[at + 1][:1].isdigit():
            return True
    return False


def could_fire(
    keys: set[str],
    pairs: set[tuple[str, int]],
    lemmas: Sequence[str],
    words: Sequence[str],
    text: str,
    sets: _RuleKeys,
    allowing: bool,
    referring: bool,
) -> bool:
    """True when the concepts ``keys`` of a sentence could make ``sets.rule`` find
    something; ``allowing``: the sentence names a permission or an action; ``referring``:
    it names a referral."""
    if not keys.isdisjoint(sets.symptoms):
        return True
    if not keys.isdisjoint(sets.actions) and not keys.isdisjoint(sets.targets):
        places = {at for key, at in pairs if key in sets.targets}
        if any(at in places for key, at in pairs if key in sets.actions):
            return True
    if not keys.isdisjoint(sets.targets) and _dosed_heading(words):
        return True  # "Lumbar spine - 45 sec": a heading's dose is its order
    if sets.conditions:
        if allowing and not keys.isdisjoint(sets.conditions):
            return True  # a condition with a permission, or with an order to roll
        if referring and WAVING.intersection(lemmas):
            return True
    if not keys.isdisjoint(sets.holding) and not keys.isdisjoint(sets.times):
        return True  # an action for an open-ended time ("stay there until it lets go")
    # a long duration, with its verb or without ("Calves: 4 minutes each side"); a ceiling
    # too ("five minutes at most"): the analysis tells one near the limit
    if (
        sets.longest is not None
        and not keys.isdisjoint(sets.topic)
        and any(d.seconds > sets.longest for d in durations(words))
    ):
        return True
    if sets.patterns and not keys.isdisjoint(sets.topic):
        return any(pattern.search(text) for pattern in sets.patterns)
    return False


class Screened(NamedTuple):
    """What the screen found in a sentence it keeps: its concept hits (token spans), the
    rules that could fire, and its words and lemmas (the analysis builds its tokens on
    them instead of cutting the sentence again)."""

    hits: list[Hit]
    firing: list[ConceptRule]
    words: list[str]
    lemmas: list[str]


#: Words that carry the places named before them into their stretch.
_CARRIERS = PRONOUNS | ANAPHORS | {"there"}


def _start(hit: Hit) -> int:
    return hit.start


@dataclass
class Screen:
    """The rules' concept keys as sets, and which lemmas are anchors of the phrases of the
    concepts they could fire on (a sentence with none of them is left alone)."""

    rules: ConceptRules
    phrases: Phrases
    #: Per word seen: is its lemma an anchor of a phrase of what the rules are about?
    _about: dict[str, bool] = field(default_factory=dict, init=False, repr=False)
    #: The words seen whose lemma is such an anchor (one set test per sentence).
    _anchoring: set[str] = field(default_factory=set, init=False, repr=False)
    #: The concepts some rule could fire on (symptoms, targets, conditions, referrals, the
    #: topics of rules with regexes), and the anchor words of their phrases.
    _concerned: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    #: The other concepts the rules read (actions, permission words ...).
    _others: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    _anchor_words: tuple[frozenset[str], tuple[str, ...]] | None = field(
        default=None, init=False, repr=False
    )
    #: Per rule: its concept keys as sets, its regexes joined.
    _keys: list[_RuleKeys] = field(default_factory=list, init=False, repr=False)
    #: The places and injuries of every rule (what a pronoun can stand for).
    _places: frozenset[str] = field(default=frozenset(), init=False, repr=False)

    def __post_init__(self) -> None:
        about: set[str] = set()
        for rule in self.rules:
            about.update(rule.keys("symptoms"), rule.targets)
            if rule.conditions:
                about.update(rule.keys("conditions"))
                about.update(k for k in self.rules.vocabulary.concepts if k.startswith("referral."))
            if rule.patterns or rule.longest:
                about.update(rule.topic)
            about.update(rule.keys("time"))
        self._concerned = frozenset(about)
        self._others = frozenset(
            key
            for key, concept in self.rules.vocabulary.concepts.items()
            if concept.kind in SAFETY_KINDS and key not in about
        )
        self._keys = [_RuleKeys.of(rule) for rule in self.rules]
        self._places = frozenset(key for rule in self.rules for key in rule.targets)

    def warm(self) -> None:
        """Compile the phrase indexes and the anchors now (see ``SafetyMatcher.warm``)."""
        self._anchors()
        self.phrases.index(self._others)
        self.phrases.warm_slips()

    def _anchors(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """The anchor words and prefixes of the concepts some rule could fire on."""
        if self._anchor_words is None:
            self._anchor_words = self.phrases.index(self._concerned).anchored(self._concerned)
        return self._anchor_words

    def __call__(self, sentence: str) -> Screened | None:
        """The concept hits (token spans) of ``sentence`` and the rules that could fire on
        them, or None when none could.

        A rule could fire on its action and one of its places or injuries in one stretch, a
        symptom (a red flag), a condition with a permission word, a referral with a word
        that waves it away, or one of its regexes (tried only when the sentence names one of
        the rule's topic concepts).
        """
        words = quick_words(sentence)
        about = self._about
        anchoring = self._anchoring
        if anchoring.isdisjoint(words):
            unknown = [word for word in words if word not in about]
            if not unknown:
                return None
            anchors, prefixes = self._anchors()
            lemma_of = self.phrases.lemma_of
            for word in unknown:
                lemma = lemma_of(word)
                about[word] = lemma in anchors or lemma.startswith(prefixes)
                if about[word]:
                    anchoring.add(word)
            if anchoring.isdisjoint(words):
                return None
        known = self.phrases.lemmas
        lemma_of = self.phrases.lemma_of
        lemmas = [known.get(word) or lemma_of(word) for word in words]
        # The concepts a rule could fire on first (a sentence with an anchor word often
        # names none of them: "spine" without "base of the spine"), then the others.
        hits = self.phrases.hits(lemmas, self._concerned)
        if not hits:
            return None
        hits += self.phrases.hits(lemmas, self._others)
        hits.sort(key=_start)
        named = [hit for hit in hits if not complaint(hit, lemmas)]
        keys = {hit.key for hit in named}
        # Actions and targets count together only inside one stretch between hard stops.
        stretch = stretches(lemmas)
        pairs = {(hit.key, stretch[hit.start]) for hit in named}
        # A pronoun carries the places named before it into its stretch ("...; roll over
        # it"), a place named as a complaint too ("If your lower back feels stiff, roll it").
        if not _CARRIERS.isdisjoint(lemmas):
            for at, lemma in enumerate(lemmas):
                if lemma in _CARRIERS:
                    pairs |= {(key, stretch[at]) for key, number in pairs if number < stretch[at]}
                    told = {h.key for h in hits if h.end <= at and h.key in self._places}
                    keys |= told
                    pairs |= {(key, stretch[at]) for key in told}
        allowing = any(k.startswith(("permission.", "actions.")) for k in keys)
        referring = any(k.startswith("referral.") for k in keys)
        firing = [
            sets.rule
            for sets in self._keys
            if could_fire(keys, pairs, lemmas, words, sentence, sets, allowing, referring)
        ]
        return Screened(hits, firing, words, lemmas) if firing else None
