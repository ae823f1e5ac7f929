"""Findings: the sentences that break a safety rule, with the phrase and span that triggered them.

The vocabulary's phrases are compiled once into one spaCy rule :class:`~spacy.matcher.Matcher`
on lemmas. A sentence is first screened with one regular expression of the words the rules
are about (places, injuries, conditions, symptoms, referral words, the rules' regexes);
only screened-in sentences are analysed (tokens, lemmas, concept hits, scope). Kinds:

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
from healthkb.language.scope import Scope, analyse_scope
from healthkb.language.text import Token, analyse, flatten, pipeline
from healthkb.language.vocabulary import GAP, Concept, Phrase

KINDS = ("contradiction", "permission", "red-flag")
#: Punctuation a ``...`` gap does not cross.
_GAP_STOPS = [";", ":", ".", "?", "!", "(", ")"]
#: Words too common to screen a sentence in on their own.
_COMMON = frozenset("the a an of your my to in on and or it is be back".split())


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
    _screen: re.Pattern[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._screen = _screen_pattern(self.rules)

    # -- public ------------------------------------------------------------------------------
    def may_flag(self, sentence: str) -> bool:
        """False when nothing in ``sentence`` can make a finding (one regex search)."""
        return self._screen is None or self._screen.search(sentence.lower()) is not None

    def find(self, sentence: str, context: Context | None = None) -> list[Finding]:
        """The findings of ``sentence`` (at most one per rule and kind) in its ``context``."""
        text = flatten(sentence)
        if not self.may_flag(text):
            return []
        context = context or Context()
        doc = analyse(text)
        tokens = [
            Token(text[t.idx : t.idx + len(t.text)], t.lower_, _lemma(t), t.idx) for t in doc
        ]
        hits = self._hits(doc, tokens)
        scope = analyse_scope(tokens, text)
        found: list[Finding] = []
        for rule in self.rules:
            found.extend(_rule_findings(rule, text, tokens, hits, scope, context))
        return found

    def hits(self, sentence: str) -> list[Hit]:
        """The concepts named in ``sentence`` (for the FAQ topic check and tests)."""
        text = flatten(sentence)
        doc = analyse(text)
        tokens = [
            Token(text[t.idx : t.idx + len(t.text)], t.lower_, _lemma(t), t.idx) for t in doc
        ]
        return self._hits(doc, tokens)

    # -- matching ----------------------------------------------------------------------------
    def _hits(self, doc: Any, tokens: Sequence[Token]) -> list[Hit]:
        if self._matcher is None:
            self._matcher = _compile(self.rules.vocabulary.concepts.values())
        out = []
        strings = doc.vocab.strings
        for match_id, start, end in self._matcher(doc):
            out.append(
                Hit(strings[match_id], start, end, tokens[start].start, tokens[end - 1].end)
            )
        return out


def _lemma(token: Any) -> str:
    lemma = (token.lemma_ or token.lower_).lower()
    return _LEMMA_FIXES.get(lemma, lemma)


#: The tokenizer cuts "can't" into "ca" + "n't", "won't" into "wo" + "n't".
_LEMMA_FIXES = {"ca": "can", "wo": "will", "sha": "shall", "n't": "not", "'s": "be"}


def _compile(concepts: Iterable[Concept]) -> Any:
    """One spaCy Matcher with every phrase of ``concepts``, labelled ``kind.id``."""
    # Imported here, not at module level: spaCy costs ~0.5 s to import and is needed only
    # once a sentence is screened in (see healthkb.language.text.pipeline).
    from spacy.matcher import Matcher

    nlp = pipeline()
    matcher = Matcher(nlp.vocab)
    for concept in concepts:
        patterns = [_token_pattern(phrase) for phrase in concept.phrases]
        matcher.add(concept.key, [p for p in patterns if p])
    return matcher


def _word_lemmas(word: str) -> list[str]:
    doc = pipeline()(word)
    return [_LEMMA_FIXES.get(t.lemma_.lower() or t.lower_, t.lemma_.lower() or t.lower_) for t in doc]


def _token_pattern(phrase: Phrase) -> list[dict[str, Any]]:
    pattern: list[dict[str, Any]] = []
    for slot in phrase.slots:
        if slot.is_gap:
            pattern.append({"TEXT": {"NOT_IN": _GAP_STOPS}, "OP": f"{{0,{GAP}}}"})
            continue
        if len(slot.words) == 1 and not slot.prefixes:
            # One word may be several tokens ("foam-roll", "mum-to-be").
            for lemma in _word_lemmas(slot.words[0]):
                pattern.append({"LEMMA": lemma} if lemma != "not" else {"LOWER": {"IN": ["not", "n't"]}})
            continue
        lemmas = sorted({_word_lemmas(w)[0] for w in slot.words} | set(slot.words))
        if slot.prefixes:
            alternatives = "|".join(re.escape(p) for p in slot.prefixes)
            words = "|".join(re.escape(w) for w in lemmas)
            regex = f"^(?:{alternatives})" + (f"|^(?:{words})$" if words else "")
            pattern.append({"LEMMA": {"REGEX": regex}})
        else:
            pattern.append({"LEMMA": {"IN": lemmas}})
    return pattern


def _screen_pattern(rules: ConceptRules) -> re.Pattern[str] | None:
    """A regex that finds, in lower-cased text, a word of every phrase the rules can use."""
    kinds = ("places", "injuries", "conditions", "symptoms", "referral")
    stems: set[str] = set()
    for concept in rules.vocabulary.concepts.values():
        if concept.kind not in kinds:
            continue
        for phrase in concept.phrases:
            slot = max(
                (s for s in phrase.slots if not s.is_gap),
                key=lambda s: min((len(w) for w in (*s.words, *s.prefixes)
                                   if w not in _COMMON), default=0),
            )
            for word in (*slot.words, *slot.prefixes):
                stems.add(word[: max(3, len(word) - 2)] if len(word) > 3 else word)
    sources = [p.pattern for rule in rules for p in rule.patterns]
    if not stems and not sources:
        return None
    words = r"\b(?:" + "|".join(sorted(map(re.escape, stems), key=len, reverse=True)) + ")"
    return re.compile("|".join([words, *(f"(?:{s})" for s in sources)]), re.IGNORECASE)


# -- rules -----------------------------------------------------------------------------------
def _of(hits: Sequence[Hit], keys: Iterable[str]) -> list[Hit]:
    wanted = set(keys)
    return [hit for hit in hits if hit.key in wanted]


def _recommending(scope: Scope, index: int) -> bool:
    """True when the clause of token ``index`` can recommend (not a question, mistake or harm)."""
    return not (scope.question or scope.negated(index) or scope.mistake(index) or scope.harm(index))


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
    actions = _of(hits, rule.keys("actions"))
    targets = _of(hits, rule.targets)
    for action in actions:
        for target in targets:
            if target.start < action.end and action.start < target.end:
                continue  # one phrase cannot be both ("roll ... ankle" as an injury)
            if not scope.same_clause(action.start, target.start):
                continue
            last = max(action.start, target.start)
            if not _recommending(scope, action.start) or scope.negated(last):
                continue
            if target.key.startswith("places.") and scope.around(target.start, action.start):
                continue
            begin, finish = min(action.begin, target.begin), max(action.finish, target.finish)
            return _finding(rule, "contradiction", text, begin, finish)
    for pattern in rule.patterns:
        for match in pattern.finditer(text):
            index = _token_at(tokens, match.start())
            if _recommending(scope, index):
                return _finding(rule, "contradiction", text, match.start(), match.end())
    # "numbness is normal": a rule's symptom called normal or fine, unless the reader is
    # sent to a professional.
    symptoms = _of(hits, rule.keys("symptoms"))
    allowed = _allowed(hits, scope)
    if symptoms and allowed is not None and not _referred(hits, scope) and not scope.question:
        symptom = symptoms[0]
        if scope.same_clause(symptom.start, allowed.start) and not scope.mistake(symptom.start):
            begin = min(symptom.begin, allowed.begin)
            return _finding(rule, "contradiction", text, begin, max(symptom.finish, allowed.finish))
    return None


def _token_at(tokens: Sequence[Token], offset: int) -> int:
    for index, token in enumerate(tokens):
        if token.end > offset:
            return index
    return max(len(tokens) - 1, 0)


def _allowed(hits: Sequence[Hit], scope: Scope) -> Hit | None:
    """The first permission phrase that is not negated ("not safe", "never fine")."""
    for hit in _of(hits, [h.key for h in hits if h.key.startswith("permission.")]):
        if not scope.negated(hit.start):
            return hit
    return None


def _referred(hits: Sequence[Hit], scope: Scope) -> bool:
    """True when the sentence sends the reader to a professional (not waved away)."""
    return any(
        hit.key.startswith("referral.") and not scope.negated(hit.start) for hit in hits
    )


def _waved_away(hits: Sequence[Hit], scope: Scope) -> Hit | None:
    """A referral negated: "no need to see a doctor", "skip the physio"."""
    for hit in hits:
        if hit.key.startswith("referral.") and scope.negated(hit.start) and not scope.question:
            start = scope.clause_start(hit.start)
            cue = [t.lemma for t in scope.tokens[start : hit.start]]
            if "need" in cue or "skip" in cue or "bother" in cue or "unnecessary" in cue:
                return hit
    return None


def _permission(
    rule: ConceptRule, text: str, hits: Sequence[Hit], scope: Scope
) -> Finding | None:
    if not rule.conditions:
        return None
    waved = _waved_away(hits, scope)
    if waved is not None:
        return _finding(rule, "permission", text, waved.begin, waved.finish)
    conditions = _of(hits, rule.keys("conditions"))
    if not conditions or scope.question or _referred(hits, scope):
        return None
    condition = conditions[0]
    allowed = _allowed(hits, scope)
    if allowed is not None and not scope.mistake(allowed.start) and not scope.harm(allowed.start):
        begin = min(condition.begin, allowed.begin)
        return _finding(rule, "permission", text, begin, max(condition.finish, allowed.finish))
    return None


def _red_flag(
    rule: ConceptRule, text: str, hits: Sequence[Hit], context: Context
) -> Finding | None:
    if not rule.symptoms:
        return None
    if context.card_level is not None and level_rank(context.card_level) >= level_rank(rule.level):
        return None
    symptoms = _of(hits, rule.keys("symptoms"))
    if not symptoms:
        return None
    hit = max(symptoms, key=lambda h: h.finish - h.begin)
    return _finding(rule, "red-flag", text, hit.begin, hit.finish)
