"""Sentences, tokens and lemmas of prose.

Sentences are cut with a cheap regular expression (the same boundaries the safety checks have
always used, so line numbers and acknowledgments stay put); only the sentences a check screens
in are analysed by spaCy's blank English pipeline with its lookup lemmatizer (tables from
spacy-lookups-data; no model download). The pipeline is built once per process, on first use:
it costs about 0.7 s, which a build that never analyses a sentence does not pay.

Text is lower-cased before analysis because the lookup table is keyed on lower-case words
("Rolling" would stay "Rolling"); when lower-casing changes a string's length (a few non-ASCII
letters), the original text is analysed instead so that character offsets still hold.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Curly quotes and dashes become their ASCII forms (one character each, so offsets hold).
_NORMALISE = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "}
)
_REPLACED = tuple((chr(code), new) for code, new in _NORMALISE.items())
_BOUNDARY = re.compile(
    # after . ! ? (and closing quotes or brackets), whitespace, then not a lower-case letter
    r"(?<=[.!?])[\"')\]]*\s+(?=[^\sa-z])"
    # a question glued to its answer: "...mistakes?Rolling too fast"
    r"|(?<=[a-z]\?)(?=[A-Z])"
)


#: Words and punctuation as spaCy's English tokenizer cuts them, near enough for a pre-check
#: ("don't" -> "do" "n't", "foam-roll" -> "foam" "-" "roll").
_QUICK_TOKEN = re.compile(r"[a-z0-9]+(?=n't\b)|n't|'[a-z]+|[a-z0-9]+(?:&[a-z0-9]+)*|\S")


def quick_words(sentence: str) -> list[str]:
    """The lower-case tokens of ``sentence`` cut by one regular expression (no spaCy):
    cheap enough to pre-check every sentence of a site before analysing the few that matter."""
    return _QUICK_TOKEN.findall(sentence.lower())


def quick_spans(sentence: str) -> list[tuple[str, int]]:
    """``(lower-case token, offset)`` of every token of ``sentence``, as :func:`quick_words`."""
    return [(m.group(), m.start()) for m in _QUICK_TOKEN.finditer(sentence.lower())]


def normalise(text: str) -> str:
    """ASCII quotes and dashes, same length as ``text`` (a replace per character present:
    ``str.translate`` with a table looks up every character and costs more)."""
    for old, new in _REPLACED:
        if old in text:
            text = text.replace(old, new)
    return text


def flatten(text: str) -> str:
    """``text`` normalised with its whitespace collapsed to single spaces."""
    if text.isascii():
        return " ".join(text.split())  # nothing to normalise: the table maps non-ASCII only
    return " ".join(normalise(text).split())


def iter_sentences(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, sentence)`` for every sentence of ``text`` (offsets into ``text``)."""
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        chunk = text[start : boundary.start()]
        if chunk.strip():
            yield start + len(chunk) - len(chunk.lstrip()), chunk.strip()
        start = boundary.end()
    chunk = text[start:]
    if chunk.strip():
        yield start + len(chunk) - len(chunk.lstrip()), chunk.strip()


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, whitespace collapsed."""
    return [" ".join(sentence.split()) for _, sentence in iter_sentences(text)]


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """spaCy's blank English tokenizer with the lookup lemmatizer (built once per process)."""
    # Imported here, not at module level: spaCy's import alone takes ~0.5 s, and most
    # processes that import the checks (the importer, a build with nothing to analyse)
    # never need it.
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # spaCy logs its set-up steps at INFO ("Created vocabulary"); a build's log shows findings.
    spacy_log = logging.getLogger("spacy")
    level = spacy_log.level
    spacy_log.setLevel(logging.WARNING)
    try:
        nlp.initialize()
    finally:
        spacy_log.setLevel(level)
    return nlp


class Token(NamedTuple):
    """One word or punctuation mark of an analysed sentence (a named tuple: a sentence's
    tokens are built for every sentence the screen keeps, and a tuple is the cheapest
    immutable record to build)."""

    text: str
    lower: str
    lemma: str
    #: Character offset of the token in the analysed sentence.
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@lru_cache(maxsize=1)
def lemma_table() -> Any:
    """spaCy's English lookup table of lemmas (form -> lemma), as the pipeline loads it."""
    return pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]


def lookup_lemma(word: str) -> str:
    """The lemma of one lower-case ``word`` from spaCy's English lookup table (the same
    lemma the pipeline gives it), without building a ``Doc``."""
    lemma = lemma_table().get(word, word)
    return lemma if isinstance(lemma, str) else word


def analyse(sentence: str) -> Doc:
    """The spaCy ``Doc`` of ``sentence`` (lower-cased when that keeps offsets)."""
    lowered = sentence.lower()
    return pipeline()(lowered if len(lowered) == len(sentence) else sentence)


def tokens(sentence: str) -> list[Token]:
    """The tokens of ``sentence`` with their lemmas (lower case) and offsets."""
    doc = analyse(sentence)
    return [
        Token(sentence[t.idx : t.idx + len(t.text)], t.lower_, t.lemma_.lower() or t.lower_, t.idx)
        for t in doc
    ]


def lemmas(text: str) -> list[str]:
    """The lemmas of the words of ``text``, lower case."""
    return [token.lemma for token in tokens(text)]
