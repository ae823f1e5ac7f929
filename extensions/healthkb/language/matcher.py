"""Findings: the sentences that break a safety rule, with the phrase and span that triggered them.

The vocabulary's phrases are compiled once into an index of lemma slots. Every sentence is
cut into tokens by one regular expression and its words lemmatised with spaCy's English
lookup table (no ``Doc``: building one costs about a millisecond a sentence); a pre-check on
those lemmas (:meth:`SafetyMatcher.may_flag`) keeps only the sentences some rule could fire
on, and only those are analysed (concept hits, clauses, scope). Kinds:

- ``contradiction``: the rule's action done to its place, injury or symptom, in a clause that
  recommends it (not negated, avoided, contrasted, placed "around" it, a mistake, a harm or a
  question); or a rule's regex; or a rule's symptom called normal or fine.
- ``permission``: a rule's condition with a permission ("fine", "safe", "as usual") or a
  recommended action, and no referral to a professional; or a referral waved away ("no need
  to see a doctor").
- ``red-flag``: a rule's symptom mentioned outside a card of at least the rule's level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from healthkb.language.rules import ConceptRule, ConceptRules, level_rank
from healthkb.language.scope import SUBORDINATORS, Scope, analyse_scope, glued
from healthkb.language.text import (
    Token,
    analyse,
    flatten,
    lookup_lemma,
    pipeline,
    quick_spans,
    quick_words,
)
from healthkb.language.vocabulary import GAP, Concept, Phrase

KINDS = ("contradiction", "permission", "red-flag")
#: Punctuation a ``...`` gap does not cross.
_GAP_STOPS = [";", ":", ".", "?", "!", "(", ")"]
#: Words too common to screen a sentence in on their own.
_COMMON = frozenset(
    ["the", "a", "an", "of", "your", "my", "to", "in", "on", "and", "or", "it", "is", "be", "back"]
)


@dataclass(frozen=True)
class Context:
    """Where a sentence stands: inside a safety card of ``card_level`` about ``card_rule``."""

    card_level: str | None = None
    card_rule: str | None = None


@dataclass(frozen=True)
class Finding:
    """A sentence breaks ``rule``: what kind of finding, the phrase and its span."""

    rule: str
    kind: str
    phrase: str
    start: int
    end: int
    level: str = ""


@dataclass(frozen=True)
class Hit:
    """A concept named in a sentence: tokens ``[start, end)`` and characters ``[begin, finish)``."""

    key: str
    start: int
    end: int
    begin: int
    finish: int


@dataclass
class SafetyMatcher:
    """The concept rules compiled for matching sentences."""

    rules: ConceptRules
    _matcher: Any = field(default=None, init=False, repr=False)
    #: Lemmas of the words seen by the pre-check (a word is looked up once per matcher).
    _lemmas: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    #: Per lemma seen: can it start a phrase of what the rules are about?
    _about: dict[str, bool] = field(default_factory=dict, init=False, repr=False)
    #: Findings by sentence and context: a site repeats sentences (cards, disclaimers, the
    #: same advice in several articles), and a sentence's findings depend on nothing else.
    _found: dict[tuple[str, Context], tuple[Finding, ...]] = field(
        default_factory=dict, init=False, repr=False
    )

    #: Per rule: its concept keys (symptoms, actions, targets, conditions) as sets.
    _keys: list[
        tuple[ConceptRule, frozenset[str], frozenset[str], frozenset[str], frozenset[str]]
    ] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self._keys = [
            (
                rule,
                frozenset(rule.keys("symptoms")),
                frozenset(rule.keys("actions")),
                frozenset(rule.targets),
                frozenset(rule.keys("conditions")),
            )
            for rule in self.rules
        ]

    # -- public ------------------------------------------------------------------------------
    def may_flag(self, sentence: str) -> bool:
        """False when nothing in ``sentence`` can make a finding.

        Cheap steps: regex tokens and looked-up lemmas; a set test for a lemma that can
        start a phrase of what the rules are about (places, injuries, symptoms, conditions,
        referrals, topics); then the concepts named. A sentence goes on to full analysis
        (scope) only when some rule could fire on them: its action and one of its places
        or injuries, a symptom (a red flag), a condition with a permission word, a referral
        with a word that waves it away, or one of its regexes (tried only when the
        sentence names one of the rule's topic concepts).
        """
        return self._screen(sentence) is not None

    def _screen(self, sentence: str) -> tuple[list[Hit], list[ConceptRule]] | None:
        """The concept hits (token spans) of ``sentence`` and the rules that could fire on
        them, or None when none could (see :meth:`may_flag`)."""
        known = self._lemmas
        lemmas = [known.get(word) or self._lemma_of(word) for word in quick_words(sentence)]
        about = self._about
        if not any(about.get(lemma, False) for lemma in lemmas):
            if all(lemma in about for lemma in lemmas):
                return None
            index = self._index()
            for lemma in lemmas:
                about[lemma] = lemma in index.about or lemma.startswith(index.about_prefixes)
            if not any(about[lemma] for lemma in lemmas):
                return None
        hits = self._index_hits(lemmas)
        named = [hit for hit in hits if not _complaint(hit, lemmas)]
        keys = {hit.key for hit in named}
        # Actions and targets count together only inside one stretch between hard stops.
        stretch = _stretches(lemmas)
        pairs = {(hit.key, stretch[hit.start]) for hit in named}
        # A pronoun carries the places named before it into its stretch ("...; roll over it").
        for at, lemma in enumerate(lemmas):
            if lemma in _PRONOUNS or lemma in _ANAPHORS:
                pairs |= {(key, stretch[at]) for key, number in pairs if number < stretch[at]}
        firing = [
            sets[0] for sets in self._keys if _could_fire(keys, pairs, lemmas, sentence, *sets)
        ]
        return (hits, firing) if firing else None

    def _tokens(self, text: str) -> list[Token]:
        """The tokens of ``text`` with their lookup lemmas (regex tokens: spaCy's ``Doc``
        costs about a millisecond a sentence and its tokens agree on this prose)."""
        if len(text.lower()) != len(text):
            doc = analyse(text)
            return [
                Token(text[t.idx : t.idx + len(t.text)], t.lower_, _lemma(t), t.idx) for t in doc
            ]
        return [
            Token(text[start : start + len(word)], word, self._lemma_of(word), start)
            for word, start in quick_spans(text)
        ]

    def _lemma_of(self, word: str) -> str:
        lemma = self._lemmas.get(word)
        if lemma is None:
            lemma = _WORD_FIXES.get(word) or _LEMMA_FIXES.get(
                lookup_lemma(word), lookup_lemma(word)
            )
            self._lemmas[word] = lemma
        return lemma

    def find(self, sentence: str, context: Context | None = None) -> list[Finding]:
        """The findings of ``sentence`` (at most one per rule and kind) in its ``context``."""
        context = context or Context()
        key = (sentence, context)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = tuple(self._find(sentence, context))
        return list(found)

    def forget(self) -> None:
        """Drop the memo of findings (the lemma and phrase caches stay)."""
        self._found.clear()

    def _find(self, sentence: str, context: Context) -> list[Finding]:
        text = flatten(sentence)
        screened = self._screen(text)
        if screened is None:
            return []
        screened_hits, firing = screened
        tokens = self._tokens(text)
        if len(text.lower()) == len(text):
            # The same regex tokens as the screen: its hits need only their character spans.
            found_hits = [
                Hit(h.key, h.start, h.end, tokens[h.start].start, tokens[h.end - 1].end)
                for h in screened_hits
            ]
        else:
            found_hits = self._hits(None, tokens)
        hits = _places_as_places(found_hits, tokens)
        scope = analyse_scope(tokens, text)
        found: list[Finding] = []
        for rule in firing:
            found.extend(_rule_findings(rule, text, tokens, hits, scope, context))
        return _strongest_flags(found)

    def lemmas_of(self, text: str) -> list[str]:
        """The lemmas of the words of ``text`` (regex tokens, spaCy's lookup table)."""
        return [self._lemma_of(word) for word in quick_words(text) if word.isalnum()]

    def hits(self, sentence: str) -> list[Hit]:
        """The concepts named in ``sentence`` (for the FAQ topic check and tests)."""
        text = flatten(sentence)
        return self._hits(None, self._tokens(text))

    # -- matching ----------------------------------------------------------------------------
    def _hits(self, doc: Any, tokens: Sequence[Token]) -> list[Hit]:
        return [
            Hit(hit.key, hit.start, hit.end, tokens[hit.start].start, tokens[hit.end - 1].end)
            for hit in self._index_hits([t.lemma for t in tokens])
        ]

    def _index(self) -> _Index:
        if self._matcher is None:
            self._matcher = _compile(self.rules.vocabulary.concepts.values())
        index: _Index = self._matcher
        return index

    def _index_hits(self, lemmas: Sequence[str]) -> list[Hit]:
        """Concept hits on ``lemmas`` (token spans only; character spans left at 0)."""
        index = self._index()
        out = []
        for start, lemma in enumerate(lemmas):
            candidates = index.candidates.get(lemma)
            if candidates is None:
                candidates = list(index.by_first.get(lemma, ()))
                candidates += [c for prefix, c in index.by_prefix if lemma.startswith(prefix)]
                index.candidates[lemma] = candidates
            following = lemmas[start + 1] if start + 1 < len(lemmas) else None
            for key, slots in candidates:
                if len(slots) == 1:
                    out.append(Hit(key, start, start + 1, 0, 0))
                    continue
                second = slots[1]
                # Most phrases fail on their second word: test it before the general walk.
                if second is not None and (following is None or not _fits(second, following)):
                    continue
                end = _match_from(slots, lemmas, start)
                if end is not None:
                    out.append(Hit(key, start, end, 0, 0))
        return out


@dataclass
class _Index:
    """Phrases by the lemma (or prefix) of their first slot."""

    by_first: dict[str, list[tuple[str, tuple[tuple[frozenset[str], tuple[str, ...]] | None, ...]]]]
    by_prefix: list[
        tuple[str, tuple[str, tuple[tuple[frozenset[str], tuple[str, ...]] | None, ...]]]
    ]
    #: The phrases that can start at a lemma, worked out once per lemma seen.
    candidates: dict[str, list[Any]] = field(default_factory=dict)
    #: First-slot lemmas and prefixes of the phrases of what rules are about.
    about: frozenset[str] = frozenset()
    about_prefixes: tuple[str, ...] = ()


def _fits(slot: tuple[frozenset[str], tuple[str, ...]], lemma: str) -> bool:
    words, prefixes = slot
    return lemma in words or (bool(prefixes) and lemma.startswith(prefixes))


def _match_from(slots: Sequence[Any], lemmas: Sequence[str], start: int) -> int | None:
    """End (exclusive) of the phrase ``slots`` matched from ``start`` (its first slot fits)."""
    position = start + 1
    gap = False
    for slot in slots[1:]:
        if slot is None:
            gap = True
            continue
        limit = position + (GAP if gap else 0)
        found = None
        for at in range(position, min(limit, len(lemmas) - 1) + 1):
            if at < len(lemmas) and _fits(slot, lemmas[at]):
                found = at
                break
            if at < len(lemmas) and lemmas[at] in _GAP_STOPS:
                break
        if found is None:
            return None
        position, gap = found + 1, False
    return position


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
        "-",
    ]
)


def _complaint(hit: Hit, lemmas: Sequence[str]) -> bool:
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


def _stretches(lemmas: Sequence[str]) -> list[int]:
    """For each token, the number of the stretch it is in (stretches end at hard stops)."""
    out, number = [], 0
    for at, lemma in enumerate(lemmas):
        out.append(number)
        if lemma in _HARD_STOPS and not (lemma == ":" and at < HEADING):
            number += 1  # a heading's colon joins its label to the order after it
    return out


#: Most words before the colon of a heading label ("Sacrum and lumbar: 8-10 slow passes").
HEADING = 5


def _places_as_places(hits: list[Hit], tokens: Sequence[Token]) -> list[Hit]:
    """``hits`` without the places that name a complaint ("lower back pain")."""
    lemmas = [t.lemma for t in tokens]
    return [hit for hit in hits if not _complaint(hit, lemmas)]


def _strongest_flags(found: list[Finding]) -> list[Finding]:
    """Drop a finding whose phrase lies inside a finding of the same kind of a rule of a
    higher level ("numbness around the genitals" is urgent, not also a leg-numbness
    finding); findings of different kinds stand (a lumbar contradiction inside a surgery
    permission is both)."""
    keep = []
    for finding in found:
        covered = any(
            other.kind == finding.kind
            and other.rule != finding.rule
            and level_rank(other.level) > level_rank(finding.level)
            and other.start <= finding.start
            and finding.end <= other.end
            for other in found
        )
        if not covered:
            keep.append(finding)
    return keep


def _lemma(token: Any) -> str:
    fixed = _WORD_FIXES.get(token.lower_)
    if fixed:
        return fixed
    lemma = (token.lemma_ or token.lower_).lower()
    return _LEMMA_FIXES.get(lemma, lemma)


#: Words the lookup table lemmatises as another word ("does" -> "doe", "bit" -> "bite").
_WORD_FIXES = {"does": "do", "bit": "bit", "left": "left"}

#: The tokenizer cuts "can't" into "ca" + "n't", "won't" into "wo" + "n't".
_LEMMA_FIXES = {"ca": "can", "wo": "will", "sha": "shall", "n't": "not", "'s": "be"}


def _compile(concepts: Iterable[Concept]) -> _Index:
    """Every phrase of ``concepts`` as lemma slots, indexed by its first slot.

    spaCy's rule Matcher does the same job but took 1.7 ms per sentence with these phrases
    (its ``{0,4}`` gaps and REGEX prefixes); this index takes a few hundredths of that.
    """
    index = _Index({}, [])
    about: set[str] = set()
    prefixes: set[str] = set()
    for concept in concepts:
        for phrase in concept.phrases:
            slots = _slots(phrase)
            first = slots[0]
            assert first is not None
            if concept.kind in _ABOUT:
                about.update(first[0])
                prefixes.update(first[1])
            for word in first[0]:
                index.by_first.setdefault(word, []).append((concept.key, slots))
            for prefix in first[1]:
                index.by_prefix.append((prefix, (concept.key, slots)))
    index.about, index.about_prefixes = frozenset(about), tuple(sorted(prefixes))
    return index


#: Kinds of concept that make a sentence worth a closer look (actions and permission words
#: alone never make a finding).
_ABOUT = frozenset(["places", "injuries", "conditions", "symptoms", "referral", "time"])


def _word_lemmas(word: str) -> list[str]:
    doc = pipeline()(word.lower())
    return [_lemma(t) for t in doc]


def _slots(phrase: Phrase) -> tuple[tuple[frozenset[str], tuple[str, ...]] | None, ...]:
    slots: list[tuple[frozenset[str], tuple[str, ...]] | None] = []
    for slot in phrase.slots:
        if slot.is_gap:
            slots.append(None)
        elif len(slot.words) == 1 and not slot.prefixes:
            # One word may be several tokens ("foam-roll", "mum-to-be"); a one-token word
            # also matches as written (the table lemmatises "thinner" as "thin", but
            # "thinners" as "thinner").
            parts = _word_lemmas(slot.words[0])
            if len(parts) == 1:
                slots.append((frozenset({parts[0], slot.words[0]}), ()))
            else:
                slots.extend((frozenset({lemma}), ()) for lemma in parts)
        else:
            lemmas = {_word_lemmas(w)[0] for w in slot.words} | set(slot.words)
            slots.append((frozenset(lemmas), slot.prefixes))
    return tuple(slots)


# -- rules -----------------------------------------------------------------------------------
#: Words that wave a referral away ("no need to see a doctor", "an overreaction").
_WAVING = frozenset(
    ["need", "skip", "bother", "sign", "unnecessary", "overreaction", "overkill", "pointless"]
)


def _could_fire(
    keys: set[str],
    pairs: set[tuple[str, int]],
    lemmas: Sequence[str],
    text: str,
    rule: ConceptRule,
    symptoms: frozenset[str],
    actions: frozenset[str],
    targets: frozenset[str],
    conditions: frozenset[str],
) -> bool:
    """True when the concepts ``keys`` of a sentence could make ``rule`` find something."""
    if not keys.isdisjoint(symptoms):
        return True
    if not keys.isdisjoint(actions) and not keys.isdisjoint(targets):
        places = {at for key, at in pairs if key in targets}
        if any(at in places for key, at in pairs if key in actions):
            return True
    if conditions:
        if not keys.isdisjoint(conditions) and any(k.startswith("permission.") for k in keys):
            return True
        if any(k.startswith("referral.") for k in keys) and _WAVING.intersection(lemmas):
            return True
    if rule.patterns and not keys.isdisjoint(rule.topic):
        return any(pattern.search(text) for pattern in rule.patterns)
    return False


def _of(hits: Sequence[Hit], keys: Iterable[str]) -> list[Hit]:
    wanted = set(keys)
    return [hit for hit in hits if hit.key in wanted]


def _recommending(scope: Scope, index: int, target: Hit | None = None) -> bool:
    """True when the clause of token ``index`` can recommend (not a question, mistake or harm).

    Harm words inside ``target`` do not count: an injury named as the target ("roll the
    injured area") is not a warning that rolling injures."""
    skip = (target.start, target.end) if target is not None else (0, 0)
    return not (
        scope.asks(index) or scope.negated(index) or scope.mistake(index) or scope.harm(index, skip)
    )


def _rule_findings(
    rule: ConceptRule,
    text: str,
    tokens: Sequence[Token],
    hits: Sequence[Hit],
    scope: Scope,
    context: Context,
) -> list[Finding]:
    found: list[Finding] = []
    in_own_card = context.card_rule == rule.id
    contradiction = None if in_own_card else _contradiction(rule, text, tokens, hits, scope)
    if contradiction is not None:
        found.append(contradiction)
    permission = None if in_own_card else _permission(rule, text, hits, scope)
    if permission is not None:
        found.append(permission)
    flag = _red_flag(rule, text, hits, context)
    if flag is not None:
        found.append(flag)
    return found


def _finding(rule: ConceptRule, kind: str, text: str, begin: int, finish: int) -> Finding:
    return Finding(rule.id, kind, text[begin:finish], begin, finish, rule.level)


def _contradiction(
    rule: ConceptRule,
    text: str,
    tokens: Sequence[Token],
    hits: Sequence[Hit],
    scope: Scope,
) -> Finding | None:
    # An action word joined by a hyphen to the next is part of a compound ("lower-back").
    actions = [
        a
        for a in _of(hits, rule.keys("actions"))
        if not (a.end < len(tokens) and glued(tokens, a.end))
    ]
    targets = _of(hits, rule.targets)
    targets = targets + _antecedents(actions, targets, tokens)
    for action in actions:
        for target in targets:
            if target.start < action.end and action.start < target.end:
                continue  # one phrase cannot be both ("roll ... ankle" as an injury)
            if not scope.same_clause(action.start, target.start):
                continue
            if not _object_of(action, target, tokens) or _describes(action, tokens, scope, actions):
                continue
            if target.start > 0 and tokens[target.start - 1].lemma in _MODAL_WORDS:
                continue  # "can strain the joints": an injury verb, what rolling may do
            last = max(action.start, target.start)
            if not _recommending(scope, action.start, target) or scope.negated(last):
                continue
            if target.key.startswith("places."):
                if scope.around(target.start, action.start, end=target.end):
                    continue
            elif scope.left_alone(target.start, target.end):
                continue  # "leave the sprained one alone"
            if target.key.startswith("injuries.") and _deferred(action, tokens, scope):
                continue  # "wait until the swelling has gone down", "once it has healed"
            begin, finish = min(action.begin, target.begin), max(action.finish, target.finish)
            return _finding(rule, "contradiction", text, begin, finish)
    headed = _heading(actions, targets, tokens, scope)
    if headed is not None:
        action, target = headed
        begin, finish = min(action.begin, target.begin), max(action.finish, target.finish)
        return _finding(rule, "contradiction", text, begin, finish)
    framed = _framed_injury(actions, targets, tokens, scope)
    if framed is not None:
        action, target = framed
        begin, finish = min(action.begin, target.begin), max(action.finish, target.finish)
        return _finding(rule, "contradiction", text, begin, finish)
    for pattern in rule.patterns:
        for match in pattern.finditer(text):
            if _LIMITED.search(match.group()) or _AFTERWARDS.match(text, match.end()):
                continue  # "keep the session under ten minutes", "lie flat for minutes after"
            index = _token_at(tokens, match.start())
            if _recommending(scope, index):
                return _finding(rule, "contradiction", text, match.start(), match.end())
    # "numbness is normal": a rule's symptom called normal or fine, unless the reader is
    # sent to a professional.
    symptoms = _of(hits, rule.keys("symptoms"))
    allowed = _allowed(hits, scope)
    if (
        symptoms
        and allowed is not None
        and not _referred(hits, scope)
        and not scope.asks(allowed.start)
    ):
        symptom = symptoms[0]
        if scope.same_clause(symptom.start, allowed.start) and not scope.mistake(symptom.start):
            begin = min(symptom.begin, allowed.begin)
            return _finding(rule, "contradiction", text, begin, max(symptom.finish, allowed.finish))
    return None


#: How many tokens may stand between an action and the place it is done to ("roll gently up
#: and down from the lumbar spine").
OBJECT_REACH = 8
#: Prepositions that put a body place onto the roller ("drape your lower back over the roller").
_ONTO = frozenset({"on", "onto", "over", "across", "against", "into", "along"})
#: Pronouns that can stand for the place of an earlier clause ("don't skip the kneecap; roll
#: right across it").
_PRONOUNS = frozenset({"it", "them"})
#: Nouns that, after "the", "that" or "this", stand for an injury or place named before
#: ("Banged your thigh and it's puffy? Roll right over the lump.").
_ANAPHORS = frozenset({"spot", "area", "lump", "injury", "place", "bit", "part"})
_DEMONSTRATIVES = frozenset({"the", "that", "this"})
_MODAL_WORDS = frozenset({"can", "could", "may", "might", "will", "would"})


def _object_of(action: Hit, target: Hit, tokens: Sequence[Token]) -> bool:
    """True when ``target`` can be what ``action`` is done to: its object or a place phrase
    after it ("roll the lumbar spine", "rest the roller on your lower back"), or the subject
    of the action in the passive ("the elbow is best rolled on ..."). A place before an
    active verb is its subject ("tight lats create stress on ...", "the lower back becomes a
    fulcrum with the roller"), not where the roller goes."""
    if target.start >= action.end:
        if target.start - action.end > OBJECT_REACH:
            return False
        # Another verb between them takes the place as its own object ("foam rolling lessened
        # soreness in the lower back", "roll ... to reduce inflammation").
        return not any(
            t.lemma in _TREAT
            or (t.lemma in _OWN_OBJECT and tokens[target.start].lower not in _PRONOUNS)
            or (t.lower.endswith("ed") and t.lemma != t.lower)
            for t in tokens[action.end : target.start]
        )
    if target.end == action.start:
        # A compound ("lumbar rolling", "neck roll"), not the place as the subject of a
        # verb ("let the lumbar region rest").
        word = tokens[action.start].lower
        return word.endswith("ing") or word in {"roll", "rolls", "massage", "release"}
    if tokens[action.start].lemma == "roller" and action.start - target.end <= 3:
        between = {t.lemma for t in tokens[target.end : action.start]}
        if between & _ONTO:
            return True  # the place put onto the roller
    between = {t.lemma for t in tokens[target.end : action.start]}
    starts_at = tokens[target.start].lemma in {"at", "from"} or (
        target.start > 0 and tokens[target.start - 1].lemma in {"at", "from"}
    )
    if starts_at and action.start - target.end <= 2 and between <= {"and", "then", ","}:
        return True  # the place the rolling starts from: "start at the tailbone and roll up"
    if between & _BENEFIT:
        return True  # the place as the subject that gains: "the low back responds best to"
    after = [t.lemma for t in tokens[action.end : action.end + 5]]
    if "roller" in after and _ONTO.intersection(after):
        return True  # the place goes onto the roller: "a strained calf can go back on the roller"
    return _passive(action, tokens)


#: Verbs that take the place after them as their own object ("roll the glutes and let the
#: lumbar region rest").
_OWN_OBJECT = frozenset({"let", "leave", "allow", "spare", "protect"})
#: Verbs whose object is a complaint treated, not a place rolled.
_TREAT = frozenset({"reduce", "relieve", "ease", "lessen", "prevent", "treat", "soothe", "calm"})


def _describes(
    action: Hit, tokens: Sequence[Token], scope: Scope, actions: Sequence[Hit] = ()
) -> bool:
    """True when the action is a third-person verb after its subject ("the first exercise
    rolls over the lumbar spine"): what something does, not what the reader is told to do.
    The roller as the subject describes the practice ("the roller sits directly on it")."""
    token = tokens[action.start]
    previous = tokens[action.start - 1].lower if action.start > 0 else ""
    if token.lower.endswith("s") and (previous in _COUNTS or previous.isdigit()):
        return False  # a count of strokes, as in a routine: "ten slow passes", "gentle rolls"
    after_determiner = action.start > 0 and tokens[action.start - 1].lemma in _NOUN_MAKERS
    if token.lemma != "roller" and after_determiner:
        return True  # a noun, not an order: "compressive load on the lumbar region"
    start = scope.clause_start(action.start)
    if start == action.start:
        return False
    before = [t.lemma for t in tokens[start : action.start]]
    if (
        token.lower == token.lemma
        and before[0] not in _PEOPLE
        and _ANATOMY.intersection(before[:3])
        and not _PEOPLE.intersection(before)
        and not any(other.start == start for other in actions)
    ):
        return True  # anatomy as the subject: "tight glutes pull the pelvis and load the discs"
    if not (token.lower.endswith("s") and token.lemma != token.lower and token.lemma != "roller"):
        return False
    return not any(t.lemma == "roller" for t in tokens[max(start, action.start - 3) : action.start])


#: Words before a plural action noun that count strokes ("ten slow passes", "a few rolls").
_COUNTS = frozenset(
    [
        "thirty",
        "forty",
        "sixty",
        "ninety",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "twelve",
        "fifteen",
        "twenty",
        "few",
        "several",
        "some",
        "slow",
        "gentle",
        "firm",
        "light",
        "quick",
        "long",
        "short",
        "small",
        "couple",
        "more",
    ]
)
#: Body parts and tissues that, as a clause's subject, make it a statement about anatomy.
_ANATOMY = frozenset(
    {
        "glute",
        "glutes",
        "muscle",
        "lat",
        "lats",
        "psoas",
        "hamstring",
        "quad",
        "quads",
        "flexor",
        "flexors",
        "pelvis",
        "fascia",
        "tissue",
        "spine",
        "disc",
        "joint",
        "tendon",
    }
)
#: Subjects that make a clause about what people do (a practice, perhaps recommended).
_PEOPLE = frozenset({"you", "your", "people", "we", "i", "they", "everyone", "anyone", "many"})


#: Words before an action word that make it a noun ("the load", "compressive load").
_NOUN_MAKERS = frozenset(
    {"the", "a", "an", "this", "that", "compressive", "extra", "heavy", "uneven", "more", "less"}
)


#: Verbs that say a place gains from what follows ("the lumbar spine responds well to ...").
_BENEFIT = frozenset({"respond", "benefit", "love", "enjoy", "welcome", "thank", "crave"})


def _antecedents(
    actions: Sequence[Hit], targets: Sequence[Hit], tokens: Sequence[Token]
) -> list[Hit]:
    """Pronouns after an action that stand for the last target before it ("roll right
    across it"), as hits of that target's concept at the pronoun."""
    out = []
    for action in actions:
        for at in range(action.end, min(action.end + 4, len(tokens))):
            anaphor = tokens[at].lemma in _ANAPHORS and tokens[at - 1].lower in _DEMONSTRATIVES
            if tokens[at].lower in _PRONOUNS or anaphor:
                earlier = [t for t in targets if t.end <= action.start]
                if earlier:
                    last = max(earlier, key=lambda t: t.start)
                    token = tokens[at]
                    out.append(Hit(last.key, at, at + 1, token.start, token.end))
                break
    return out


def _passive(action: Hit, tokens: Sequence[Token]) -> bool:
    """True when ``action`` is a participle after a form of "be" ("is rolled", "can be
    best worked")."""
    word = tokens[action.start].lower
    if not (word.endswith(("ed", "en")) or word in {"put", "set", "laid", "hit"}):
        return False
    return any(t.lemma == "be" for t in tokens[max(0, action.start - 3) : action.start])


#: Words that put an action off till later ("before you bring out the roller").
_DEFERRING = frozenset({"before", "until", "till", "wait", "later", "once"})


#: Words after a heading's order that move it off the label's place.
_ELSEWHERE = frozenset(
    [
        "instead",
        "around",
        "glute",
        "glutes",
        "hip",
        "hips",
        "upper",
        "mid",
        "thoracic",
        "hamstring",
        "quad",
        "calf",
        "side",
        "muscle",
    ]
)


def _heading(
    actions: Sequence[Hit], targets: Sequence[Hit], tokens: Sequence[Token], scope: Scope
) -> tuple[Hit, Hit] | None:
    """An order after a heading label that names the place or injury ("Low back: ten slow
    passes straight over the spine", "New injuries: roll twice daily"): the label is what
    the order is done to, unless the order names somewhere else."""
    colon = next((at for at, t in enumerate(tokens[:HEADING]) if t.text == ":"), None)
    if colon is None:
        return None
    labels = [t for t in targets if t.end <= colon]
    if not labels:
        return None
    for action in actions:
        if action.start <= colon or action.start > colon + 6:
            continue
        end = scope.clause_end(action.start)
        rest = {t.lemma for t in tokens[colon + 1 : end + 1]}
        treated = {at + 1 for at, t in enumerate(tokens) if t.lemma in _TREAT}
        named = [t for t in targets if t.start > colon and t.start not in treated]
        if rest & _ELSEWHERE or named:
            continue  # "Lower back: roll the glutes", but "... to reduce swelling" is no place
        if _recommending(scope, action.start) and not scope.negated(action.start):
            return action, labels[0]
    return None


def _framed_injury(
    actions: Sequence[Hit], targets: Sequence[Hit], tokens: Sequence[Token], scope: Scope
) -> tuple[Hit, Hit] | None:
    """An order to roll after an opening clause that names a fresh injury ("If you just
    pulled a muscle in your back, get on the roller right away"): the injury is what the
    order is about even when the order names no place."""
    if not tokens or tokens[0].lemma not in SUBORDINATORS:
        return None
    if any(t.lower in _WAITING for t in tokens):
        return None  # "once a strain has healed, gentle rolling can help"
    injuries = [t for t in targets if t.key.startswith("injuries.") and scope.clause[t.start] == 0]
    if not injuries:
        return None
    for action in actions:
        if scope.clause[action.start] == 0 or not scope.imperative(action.start):
            continue
        start, end = scope.clause_start(action.start), scope.clause_end(action.start)
        if _DEFERRING.intersection(t.lemma for t in tokens[start : end + 1]):
            continue
        cues = (*scope.negations, *scope.arounds)
        if any(start <= cue <= end for cue in cues):
            continue  # "roll muscles well away from it", "roll around it"
        if _recommending(scope, action.start):
            return action, injuries[0]
    return None


#: Words inside a pattern's match that make its duration a ceiling, not an order.
_LIMITED = re.compile(
    r"\b(?:under|within|less\s+than|no\s+longer\s+than)\s+(?:\d|one|two|three|four|five|ten|a\s+few)",
    re.IGNORECASE,
)
#: A duration of something done before or after rolling, not pressure on a spot.
_AFTERWARDS = re.compile(r"\s+(?:after|before|between)\b", re.IGNORECASE)


#: Words that put rolling an injury off till it has settled ("the roller can wait", "once
#: it has healed").
_WAITING = frozenset({"wait", "healed", "settle", "settled", "faded", "yet", "subside", "subsided"})
#: Words that put off what follows them ("before you put a roller on it", "until").
_PUTTING_OFF = frozenset({"before", "until", "till", "once"})


def _deferred(action: Hit, tokens: Sequence[Token], scope: Scope) -> bool:
    """True when the sentence puts rolling off until an injury has settled: a word of
    waiting that is not negated ("don't wait" urges), or "before", "until" or "once" just
    before the action ("give it time before you put a roller on it")."""
    if not scope.suggestion:  # "why wait for a sprain to settle?" urges
        for at, token in enumerate(tokens):
            if token.lower in _WAITING and not scope.negated(at, window=2):
                return True
    start = max(scope.clause_start(action.start), action.start - 4)
    return any(t.lemma in _PUTTING_OFF for t in tokens[start : action.start])


def _token_at(tokens: Sequence[Token], offset: int) -> int:
    for index, token in enumerate(tokens):
        if token.end > offset:
            return index
    return max(len(tokens) - 1, 0)


def _allowed(hits: Sequence[Hit], scope: Scope) -> Hit | None:
    """The first permission phrase that is not negated ("not safe", "never fine")."""
    for hit in _of(hits, [h.key for h in hits if h.key.startswith("permission.")]):
        if not scope.negated(hit.start, window=3):
            return hit
    return None


def _referred(hits: Sequence[Hit], scope: Scope) -> bool:
    """True when the sentence sends the reader to a professional (not waved away): a
    referral that is not negated, or one that lifts a negation ("don't start rolling
    after surgery until your surgeon says it's OK")."""
    return any(
        hit.key.startswith("referral.")
        and (not scope.negated(hit.start) or _lifts(hit.start, scope))
        for hit in hits
    )


def _lifts(index: int, scope: Scope) -> bool:
    """True when "until" or "unless" stands just before token ``index``."""
    start = max(scope.clause_start(index), index - 4)
    return any(t.lemma in {"until", "unless", "till"} for t in scope.tokens[start:index])


def _waved_away(hits: Sequence[Hit], scope: Scope) -> Hit | None:
    """A referral negated: "no need to see a doctor", "skip the physio"."""
    for hit in hits:
        if not hit.key.startswith("referral.") or scope.asks(hit.start):
            continue
        start, end = scope.clause_start(hit.start), scope.clause_end(hit.start)
        cue = {t.lemma for t in scope.tokens[start : end + 1]}
        negated = any(start <= at <= end for at in scope.negations)
        if negated and cue & {"need", "skip", "bother", "sign"}:
            return hit
        if cue & _WAVING - {"need", "skip", "bother", "sign"}:
            return hit
    return None


def _plainly_referred(hits: Sequence[Hit], scope: Scope) -> bool:
    """True when some referral of the sentence stands un-negated ("needs emergency care
    today, not a GP appointment next week")."""
    for hit in hits:
        if not hit.key.startswith("referral."):
            continue
        start, end = scope.clause_start(hit.start), scope.clause_end(hit.start)
        clause = {t.lemma for t in scope.tokens[start : end + 1]}
        negated = any(start <= at <= end for at in scope.negations)
        if not negated and not clause & (_WAVING - {"need", "skip", "bother", "sign"}):
            return True
    return False


def _permission(rule: ConceptRule, text: str, hits: Sequence[Hit], scope: Scope) -> Finding | None:
    if not rule.conditions:
        return None
    waved = _waved_away(hits, scope)
    if waved is not None and not _plainly_referred(hits, scope):
        return _finding(rule, "permission", text, waved.begin, waved.finish)
    conditions = _of(hits, rule.keys("conditions"))
    if not conditions or _referred(hits, scope):
        return None
    condition = conditions[0]
    allowed = _allowed(hits, scope)
    if (
        allowed is not None
        and not scope.asks(allowed.start)
        and not scope.mistake(allowed.start)
        and not scope.harm(allowed.start)
    ):
        begin = min(condition.begin, allowed.begin)
        return _finding(rule, "permission", text, begin, max(condition.finish, allowed.finish))
    return None


#: Upper-body places: numbness there ("pins and needles in your hands") is not the nerve
#: symptom of the legs the rules are about.
_UPPER_BODY = re.compile(
    r"\b(?:hand|hands|arm|arms|finger|fingers|wrist|wrists|thumb|thumbs|palm|palms|face|lip|lips)\b",
    re.IGNORECASE,
)


def _elsewhere(symptom: Hit, hits: Sequence[Hit], text: str) -> bool:
    """True when a numbness symptom is placed in the upper body and no leg is named."""
    if symptom.key != "symptoms.numbness" or not _UPPER_BODY.search(text):
        return False
    return not any(hit.key in {"places.leg", "places.saddle"} for hit in hits)


def _red_flag(
    rule: ConceptRule, text: str, hits: Sequence[Hit], context: Context
) -> Finding | None:
    if not rule.symptoms:
        return None
    if context.card_level is not None and level_rank(context.card_level) >= level_rank(rule.level):
        return None
    symptoms = [h for h in _of(hits, rule.keys("symptoms")) if not _elsewhere(h, hits, text)]
    if not symptoms:
        return None
    hit = max(symptoms, key=lambda h: h.finish - h.begin)
    return _finding(rule, "red-flag", text, hit.begin, hit.finish)
