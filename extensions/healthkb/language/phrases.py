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

from healthkb.language.cues import COMMON_WORDS as _COMMON
from healthkb.language.finding import Hit
from healthkb.language.text import Token, analyse, lookup_lemma, pipeline, quick_spans
from healthkb.language.typos import Typos
from healthkb.language.vocabulary import GAP, Concept, Phrase, Vocabulary

#: Punctuation a ``...`` gap does not cross.
_GAP_STOPS = [";", ":", ".", "?", "!", "(", ")"]
#: Negations a ``...`` gap does not cross either.
_GAP_NEGATIONS = frozenset({"no", "not", "never"})


@dataclass
class PhraseIndex:
    """Phrases by the lemma (or prefix) of their first slot."""

    by_first: dict[str, list[tuple[str, tuple[tuple[frozenset[str], tuple[str, ...]] | None, ...]]]]
    by_prefix: list[
        tuple[str, tuple[str, tuple[tuple[frozenset[str], tuple[str, ...]] | None, ...]]]
    ]
    #: The phrases that can start at a lemma, worked out once per lemma seen.
    candidates: dict[str, list[Any]] = field(default_factory=dict)
    #: Per lemma of :attr:`candidates`: the words one of its phrases must have next, when
    #: every phrase needs one (no one-word phrase, no gap or prefix second): a lemma
    #: followed by none of them starts no phrase, which one set test tells.
    seconds: dict[str, frozenset[str] | None] = field(default_factory=dict)
    #: Per concept key, the slots of each of its phrases (for :meth:`anchored`).
    slots_of: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def anchored(self, keys: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
        """The anchor lemmas and prefixes of the phrases of the concepts ``keys``: every
        match of a phrase has a word of its anchor slot, so a sentence with none of them
        names none of those concepts. One-slot phrases are their own anchors; a longer
        phrase is anchored, when it can be, on a slot those already cover ("lumbar spine"
        on "lumbar"), else on its rarest slot (:func:`_anchor`)."""
        phrases = [slots for key in keys for slots in self.slots_of.get(key, ())]
        words: set[str] = set()
        prefixes: set[str] = set()
        for slots in phrases:
            if len(slots) == 1:
                words.update(slots[0][0])
                prefixes.update(slots[0][1])
        for slots in phrases:
            filled = [slot for slot in slots if slot is not None]
            if len(filled) == 1 or any(
                slot[0] <= words and set(slot[1]) <= prefixes for slot in filled
            ):
                continue
            anchor = _anchor(filled)
            words.update(anchor[0])
            prefixes.update(anchor[1])
        return frozenset(words), tuple(sorted(prefixes))


def _seconds(candidates: Sequence[Any]) -> frozenset[str] | None:
    """The second words of ``candidates`` (see :attr:`PhraseIndex.seconds`), or None."""
    words: set[str] = set()
    for _, slots in candidates:
        if len(slots) == 1 or slots[1] is None or slots[1][1]:
            return None
        words.update(slots[1][0])
    return frozenset(words)


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
        if position < len(lemmas) and lemmas[position] == "-" and not _fits(slot, "-"):
            position += 1  # "dead-leg" matches "dead leg"
        limit = position + (GAP if gap else 0)
        found = None
        for at in range(position, min(limit, len(lemmas) - 1) + 1):
            if at < len(lemmas) and _fits(slot, lemmas[at]):
                found = at
                break
            if at < len(lemmas) and lemmas[at] in _GAP_STOPS:
                break
            if gap and at < len(lemmas) and lemmas[at] in _GAP_NEGATIONS:
                break  # "rest, and no roller on it": the negation splits the phrase
        if found is None:
            return None
        position, gap = found + 1, False
    return position


#: Position words that lists share a noun after ("the lower and upper back").
_POSITIONS = frozenset({"low", "mid", "middle", "upper", "top", "bottom", "thoracic"})
#: What joins the position words of such a list, and the words a join may come with
#: ("the lower and the upper back", "from your lower to your upper back"): those alone join
#: nothing ("lower the upper back onto the roller" is no list).
_JOINS = frozenset({",", "/", "-", "and", "or", "&", "to", "through"})
_WITH_JOINS = frozenset({"the", "your", "my"})
#: Words after a list's noun that a phrase may still need ("base of the spine" is not one).
_SHARED_REACH = 8


def _shared_nouns(lemmas: Sequence[str]) -> Iterable[tuple[int, int]]:
    """(first, after) for each position word at ``first`` followed by a list of others that
    share its noun ("low , mid , or upper back"): ``after`` is the noun's index."""
    for first, lemma in enumerate(lemmas):
        if lemma not in _POSITIONS:
            continue
        at, joined, last = first + 1, False, None
        while at < len(lemmas) and (
            lemmas[at] in _JOINS or lemmas[at] in _POSITIONS or lemmas[at] in _WITH_JOINS
        ):
            if lemmas[at] in _POSITIONS:
                last = at
            elif last is None and lemmas[at] in _JOINS:
                joined = True
            at += 1
        # the noun follows the last position word, perhaps after a hyphen ("mid-back")
        ends_on_position = last is not None and set(lemmas[last + 1 : at]) <= {"-"}
        if joined and ends_on_position and at < len(lemmas):
            yield first, at


def token_lemma(token: Any) -> str:
    """The lemma of a spaCy token, with the fixes below."""
    fixed = WORD_FIXES.get(token.lower_)
    if fixed:
        return fixed
    lemma = (token.lemma_ or token.lower_).lower()
    return LEMMA_FIXES.get(lemma, lemma)


#: Words the lookup table lemmatises as another word ("does" -> "doe", "bit" -> "bite",
#: "number" -> "numb", which made every "order number" a numbness red flag; "calves" ->
#: "calve" and "glutes" left plural, so "my calves are buzzing" missed "calf ... buzz";
#: "wound" -> "wind"; the ordinals become digits: "first" -> "1", so "first ... days" would
#: match "1-2 times a day").
WORD_FIXES = {
    "does": "do",
    "bit": "bit",
    "number": "number",
    "calves": "calf",
    "glutes": "glute",
    "pecs": "pec",
    "hammies": "hammy",
    "wound": "wound",
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


#: The kinds of concept the safety rules read (not the FAQ's roller words nor the search
#: synonyms).
SAFETY_KINDS = frozenset(
    ["places", "actions", "injuries", "conditions", "symptoms", "permission", "referral", "time"]
)


def compile_phrases(concepts: Iterable[Concept]) -> PhraseIndex:
    """Every phrase of ``concepts`` as lemma slots, indexed by its first slot.

    spaCy's rule Matcher does the same job but took 1.7 ms per sentence with these phrases
    (its ``{0,4}`` gaps and REGEX prefixes); this index takes a few hundredths of that.
    """
    index = PhraseIndex({}, [])
    for concept in concepts:
        for phrase in concept.phrases:
            slots = _slots(phrase)
            first = slots[0]
            assert first is not None
            index.slots_of.setdefault(concept.key, []).append(slots)
            for word in first[0]:
                index.by_first.setdefault(word, []).append((concept.key, slots))
            for prefix in first[1]:
                index.by_prefix.append((prefix, (concept.key, slots)))
    return index


def _anchor(slots: Sequence[Any]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The rarest slot of a phrase, judged without a word list of frequencies: of the slots
    without a common word, the one with the fewest words, then the longest shortest word
    ("hip joint" on "joint", "medical help" on "medical"); of all slots when each has a
    common word, the one with the longest word ("can not feel" on "feel")."""
    slots = [slot for slot in slots if slot is not None]
    rare = [slot for slot in slots if not slot[0] & _COMMON and not set(slot[1]) & _COMMON]
    if not rare:
        return max(slots, key=lambda slot: max(map(len, (*slot[0], *slot[1]))))
    return min(
        rare,
        key=lambda slot: (
            bool(slot[1]),
            len(slot[0]) + 3 * len(slot[1]),
            -min(map(len, (*slot[0], *slot[1]))),
        ),
    )


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
            elif slot.words[0].isalpha():
                # a contraction typed without its apostrophe ("cant") is one word in the
                # text, though the tokenizer of phrases cuts it as "ca" + "nt"
                slots.append((frozenset({slot.words[0]}), ()))
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
    #: The compiled indexes: of every concept (key None), and of the kinds the safety
    #: rules use (without the FAQ's roller words and the search synonyms, which a sentence
    #: screened for safety need not be matched against).
    _indexes: dict[frozenset[str] | None, PhraseIndex] = field(
        default_factory=dict, init=False, repr=False
    )
    #: Lemmas of the words seen (a word is looked up once).
    lemmas: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _slips: Typos | None = field(default=None, init=False, repr=False)

    def index(self, kinds: frozenset[str] | None = None) -> PhraseIndex:
        """The compiled index of the concepts of ``kinds`` (kinds such as ``places``, or
        concept keys such as ``places.neck``; all concepts when None), compiled on the
        first call."""
        index = self._indexes.get(kinds)
        if index is None:
            concepts = [
                c
                for c in self.vocabulary.concepts.values()
                if kinds is None or c.kind in kinds or c.key in kinds
            ]
            index = self._indexes[kinds] = compile_phrases(concepts)
        return index

    def lemma_of(self, word: str) -> str:
        """The lookup lemma of the lower-case ``word``, with the fixes above; a slip of a
        vocabulary word ("lowr") has the lemma of the word meant."""
        lemma = self.lemmas.get(word)
        if lemma is None:
            lemma = WORD_FIXES.get(word) or LEMMA_FIXES.get(lookup_lemma(word), lookup_lemma(word))
            if lemma == word:
                meant = self._typos().correct(word)
                if meant is not None:
                    lemma = LEMMA_FIXES.get(lookup_lemma(meant), lookup_lemma(meant))
            self.lemmas[word] = lemma
        return lemma

    def warm_slips(self) -> None:
        """Work out the vocabulary's slips and read the word list now (forked processes
        share them)."""
        self._typos().warm()

    def _typos(self) -> Typos:
        if self._slips is None:
            words = {
                word
                for concept in self.vocabulary.concepts.values()
                if concept.kind in SAFETY_KINDS
                for phrase in concept.phrases
                for slot in phrase.slots
                for word in slot.words
                if word.isalpha()
            }
            self._slips = Typos(frozenset(words))
        return self._slips

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

    def tokens_of(self, text: str, words: Sequence[str], lemmas: Sequence[str]) -> list[Token]:
        """The tokens of ``text`` from its quick ``words`` and their ``lemmas`` (as
        :meth:`tokens` gives them when lower-casing keeps the length of ``text``): each word
        is found after the previous one, across the spaces between them."""
        lower = text.lower()
        out = []
        at = 0
        new = tuple.__new__
        for word, lemma in zip(words, lemmas, strict=True):
            at = lower.find(word, at)
            end = at + len(word)
            out.append(new(Token, (text[at:end], word, lemma, at)))
            at = end
        return out

    def token_hits(self, tokens: Sequence[Token]) -> list[Hit]:
        """Concept hits on ``tokens``, with their character spans."""
        return [
            Hit(hit.key, hit.start, hit.end, tokens[hit.start].start, tokens[hit.end - 1].end)
            for hit in self.hits([t.lemma for t in tokens])
        ]

    def hits(self, lemmas: Sequence[str], kinds: frozenset[str] | None = None) -> list[Hit]:
        """Concept hits on ``lemmas`` (token spans only; character spans left at 0), of the
        concepts of ``kinds`` (see :meth:`index`). A place whose position word is one of a
        list that shares the noun ("the lower, mid or upper back") is named by the whole
        list: its hit spans from its position word to the noun."""
        out = self._phrase_hits(lemmas, kinds)
        for start, after in _shared_nouns(lemmas):
            rest = lemmas[after : after + _SHARED_REACH]
            out += [
                Hit(hit.key, start, hit.end - 1 + after, 0, 0)
                for hit in self._phrase_hits([lemmas[start], *rest], kinds)
                if hit.start == 0 and hit.end > 1
            ]
        return out

    def _phrase_hits(self, lemmas: Sequence[str], kinds: frozenset[str] | None) -> list[Hit]:
        index = self.index(kinds)
        out = []
        seen: set[tuple[str, int, int]] = set()
        size = len(lemmas)
        for start, lemma in enumerate(lemmas):
            candidates = index.candidates.get(lemma)
            if candidates is None:
                candidates = list(index.by_first.get(lemma, ()))
                candidates += [c for prefix, c in index.by_prefix if lemma.startswith(prefix)]
                index.candidates[lemma] = candidates
                index.seconds[lemma] = _seconds(candidates)
            if not candidates:
                continue
            following = lemmas[start + 1] if start + 1 < size else None
            if following == "-" and start + 2 < size:
                following = lemmas[start + 2]  # "dead-leg" as "dead leg"
            seconds = index.seconds[lemma]
            if (
                seconds is not None
                and following not in seconds
                and (start + 1 >= size or lemmas[start + 1] not in seconds)
            ):
                continue  # no phrase of this lemma has the next word as its second
            for key, slots in candidates:
                end: int | None = start + 1
                if len(slots) > 1:
                    second = slots[1]
                    # Most phrases fail on their second word: test it before the general walk.
                    if second is not None and (
                        following is None
                        or not (_fits(second, following) or _fits(second, lemmas[start + 1]))
                    ):
                        continue
                    end = _match_from(slots, lemmas, start)
                if end is not None and (key, start, end) not in seen:
                    # Several phrases of a concept may match the same words.
                    seen.add((key, start, end))
                    out.append(Hit(key, start, end, 0, 0))
        return out
