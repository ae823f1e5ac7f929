"""The vocabulary's phrases compiled into an index of lemma slots, and matching it.

A phrase is a run of slots (a set of lemmas, perhaps prefixes) with ``...`` gaps; the
index keys each phrase by its first slot, so a sentence is matched by looking up each of
its lemmas. Words are lemmatised with spaCy's English lookup table (no ``Doc``) with a few
fixes, and each word is looked up once per :class:`Phrases`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from healthkb.language.finding import Hit
from healthkb.language.text import Token, analyse, lookup_lemma, pipeline, quick_spans
from healthkb.language.vocabulary import GAP, Concept, Phrase, Vocabulary

#: Punctuation a ``...`` gap does not cross.
_GAP_STOPS = [";", ":", ".", "?", "!", "(", ")"]


@dataclass
class PhraseIndex:
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


def token_lemma(token: Any) -> str:
    """The lemma of a spaCy token, with the fixes below."""
    fixed = WORD_FIXES.get(token.lower_)
    if fixed:
        return fixed
    lemma = (token.lemma_ or token.lower_).lower()
    return LEMMA_FIXES.get(lemma, lemma)


#: Words the lookup table lemmatises as another word ("does" -> "doe", "bit" -> "bite"; the
#: ordinals become digits: "first" -> "1", so "first ... days" would match "1-2 times a day").
WORD_FIXES = {
    "does": "do",
    "bit": "bit",
    "left": "left",
    "first": "first",
    "second": "second",
    "third": "third",
    "fourth": "fourth",
    "fifth": "fifth",
    "tenth": "tenth",
}

#: The tokenizer cuts "can't" into "ca" + "n't", "won't" into "wo" + "n't".
LEMMA_FIXES = {"ca": "can", "wo": "will", "sha": "shall", "n't": "not", "'s": "be"}


def compile_phrases(concepts: Iterable[Concept]) -> PhraseIndex:
    """Every phrase of ``concepts`` as lemma slots, indexed by its first slot.

    spaCy's rule Matcher does the same job but took 1.7 ms per sentence with these phrases
    (its ``{0,4}`` gaps and REGEX prefixes); this index takes a few hundredths of that.
    """
    index = PhraseIndex({}, [])
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
    return [token_lemma(t) for t in doc]


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


@dataclass
class Phrases:
    """The phrases of ``vocabulary`` (compiled on first use) and the lemma of every word seen."""

    vocabulary: Vocabulary
    _index: PhraseIndex | None = field(default=None, init=False, repr=False)
    #: Lemmas of the words seen (a word is looked up once).
    lemmas: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def index(self) -> PhraseIndex:
        """The compiled index (compiled on the first call)."""
        if self._index is None:
            self._index = compile_phrases(self.vocabulary.concepts.values())
        return self._index

    def lemma_of(self, word: str) -> str:
        """The lookup lemma of the lower-case ``word``, with the fixes above."""
        lemma = self.lemmas.get(word)
        if lemma is None:
            lemma = WORD_FIXES.get(word) or LEMMA_FIXES.get(lookup_lemma(word), lookup_lemma(word))
            self.lemmas[word] = lemma
        return lemma

    def tokens(self, text: str) -> list[Token]:
        """The tokens of ``text`` with their lookup lemmas (regex tokens: spaCy's ``Doc``
        costs about a millisecond a sentence and its tokens agree on this prose)."""
        if len(text.lower()) != len(text):
            doc = analyse(text)
            return [
                Token(text[t.idx : t.idx + len(t.text)], t.lower_, token_lemma(t), t.idx)
                for t in doc
            ]
        return [
            Token(text[start : start + len(word)], word, self.lemma_of(word), start)
            for word, start in quick_spans(text)
        ]

    def token_hits(self, tokens: Sequence[Token]) -> list[Hit]:
        """Concept hits on ``tokens``, with their character spans."""
        return [
            Hit(hit.key, hit.start, hit.end, tokens[hit.start].start, tokens[hit.end - 1].end)
            for hit in self.hits([t.lemma for t in tokens])
        ]

    def hits(self, lemmas: Sequence[str]) -> list[Hit]:
        """Concept hits on ``lemmas`` (token spans only; character spans left at 0)."""
        index = self.index()
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
