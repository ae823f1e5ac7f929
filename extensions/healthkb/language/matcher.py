"""Findings: the sentences that break a safety rule, with the phrase and span that triggered them.

:class:`SafetyMatcher` ties the steps together. The vocabulary's phrases are compiled once
into an index of lemma slots (:mod:`~healthkb.language.phrases`). Every sentence is cut into
tokens by one regular expression and its words lemmatised with spaCy's English lookup table
(no ``Doc``: building one costs about a millisecond a sentence); a pre-check on those lemmas
(:mod:`~healthkb.language.screen`) keeps only the sentences some rule could fire on, and only
those are analysed (concept hits, clauses, scope). Kinds, one module each:

- ``contradiction`` (:mod:`~healthkb.language.contradiction`): the rule's action done to its
  place, injury or symptom, in a clause that recommends it; or a rule's regex; or a rule's
  symptom called normal or fine.
- ``contradiction`` also from :mod:`~healthkb.language.sustained`: the rule's action
  recommended for longer than its ``longest``.
- ``permission`` (:mod:`~healthkb.language.permission`): a rule's condition with a permission
  and no referral to a professional; or a referral waved away.
- ``red-flag`` (:mod:`~healthkb.language.redflag`): a rule's symptom mentioned outside a card
  of at least the rule's level.
- ``learned`` (:mod:`~healthkb.language.learned`, when the matcher has a reading): a rule
  the rules found nothing for, which the reading learned from the corpus takes the sentence
  to break.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from healthkb.language import contradiction, permission, redflag, sustained
from healthkb.language.finding import KINDS, Context, Finding, Hit
from healthkb.language.learned import Reading
from healthkb.language.phrases import Phrases
from healthkb.language.rules import ConceptRule, ConceptRules, level_rank
from healthkb.language.scope import Scope, analyse_scope
from healthkb.language.screen import Screen, places_as_places
from healthkb.language.text import Token, flatten, pipeline, quick_words

__all__ = ["KINDS", "Analysis", "Context", "Finding", "Hit", "SafetyMatcher"]


@dataclass(frozen=True)
class Analysis:
    """One sentence as the rules read it: the rules the screen kept, tokens, concept hits,
    scope, and the rules' findings."""

    text: str
    firing: tuple[ConceptRule, ...]
    tokens: Sequence[Token]
    hits: Sequence[Hit]
    scope: Scope
    found: list[Finding]


@dataclass
class SafetyMatcher:
    """The concept rules compiled for matching sentences."""

    rules: ConceptRules
    #: The learned second reading (:mod:`~healthkb.language.learned`); None: the rules alone.
    reading: Reading | None = None
    _phrases: Phrases = field(init=False, repr=False)
    _screen: Screen = field(init=False, repr=False)
    #: Findings by sentence and context: a site repeats sentences (cards, disclaimers, the
    #: same advice in several articles), and a sentence's findings depend on nothing else.
    _found: dict[tuple[str, Context], tuple[Finding, ...]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self._phrases = Phrases(self.rules.vocabulary)
        self._screen = Screen(self.rules, self._phrases)

    def warm(self) -> None:
        """Load now what the first sentence would (spaCy's lemma table and tokenizer, the
        phrase index): processes forked afterwards share them instead of each loading its
        own copy (about 0.8 s and 100 MiB each)."""
        self._screen.warm()
        pipeline()

    def may_flag(self, sentence: str) -> bool:
        """False when nothing in ``sentence`` can make a finding (see :class:`Screen`)."""
        return self._screen(sentence) is not None

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
        read = self.analyse(sentence, context)
        if read is None:
            return []
        if self.reading is None:
            return read.found
        return self.reading.decide(read, context)

    def analyse(self, sentence: str, context: Context | None = None) -> Analysis | None:
        """What the rules read in ``sentence``: None when the screen drops it."""
        context = context or Context()
        text = flatten(sentence)
        screened = self._screen(text)
        if screened is None:
            return None
        screened_hits, firing, words, lemmas = screened
        if len(text.lower()) == len(text):
            tokens = self._phrases.tokens_of(text, words, lemmas)
            # The same regex tokens as the screen: its hits need only their character spans.
            found_hits = [
                Hit(h.key, h.start, h.end, tokens[h.start].start, tokens[h.end - 1].end)
                for h in screened_hits
            ]
        else:
            tokens = self._phrases.tokens(text)
            found_hits = self._phrases.token_hits(tokens)
        hits, referents = places_as_places(found_hits, tokens)
        scope = analyse_scope(tokens, text)
        found: list[Finding] = []
        for rule in firing:
            found.extend(_rule_findings(rule, text, tokens, hits, scope, context, referents))
        return Analysis(text, tuple(firing), tokens, hits, scope, _strongest_flags(found))

    def lemmas_of(self, text: str) -> list[str]:
        """The lemmas of the words of ``text`` (regex tokens, spaCy's lookup table)."""
        return [self._phrases.lemma_of(word) for word in quick_words(text) if word.isalnum()]

    def about(self, text: str) -> list[ConceptRule]:
        """The rules ``text`` is about (it names one of their ``topic`` concepts), in file
        order: which rule a safety card applies when the importer makes one."""
        named = {hit.key for hit in self.hits(text)}
        return [rule for rule in self.rules if named.intersection(rule.topic)]

    def hits(self, sentence: str) -> list[Hit]:
        """The concepts named in ``sentence`` (for the FAQ topic check and tests)."""
        text = flatten(sentence)
        return self._phrases.token_hits(self._phrases.tokens(text))


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


def _rule_findings(
    rule: ConceptRule,
    text: str,
    tokens: Sequence[Token],
    hits: Sequence[Hit],
    scope: Scope,
    context: Context,
    referents: Sequence[Hit],
) -> list[Finding]:
    found: list[Finding] = []
    in_own_card = context.card_rule == rule.id
    done = (
        None if in_own_card else contradiction.finding(rule, text, tokens, hits, scope, referents)
    )
    if done is None and not in_own_card:
        done = sustained.finding(rule, text, tokens, hits, scope)
    if done is not None:
        found.append(done)
    allowed = None if in_own_card else permission.finding(rule, text, hits, scope)
    if allowed is not None:
        found.append(allowed)
    flag = redflag.finding(rule, text, hits, context, scope)
    if flag is not None:
        found.append(flag)
    return found
