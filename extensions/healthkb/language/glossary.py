"""The medical words the glossary explains (``conf/medical-words.toml``) and finding them in text.

Pure Python (no Sphinx, no docutils): the build links mentions with it and reports
words without a glossary entry; the editorial report can read the same list.

Matching rules: whole words only, case-insensitive, and at one place the longest
form wins ("hip flexors" before "flexors", "lumbar spine" before "lumbar"), so the
same text always gives the same mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from healthkb.language.source import ConfigError, parse_toml


class WordsError(ValueError):
    """``medical-words.toml`` cannot be read: ``lineno`` is the line of the problem, if known."""

    def __init__(self, message: str, lineno: int | None = None) -> None:
        super().__init__(message)
        self.lineno = lineno


@dataclass(frozen=True)
class MedicalWord:
    """One word: its glossary term, the other ways pages write it, and its everyday name."""

    term: str
    forms: tuple[str, ...]
    everyday: str

    @property
    def all_forms(self) -> tuple[str, ...]:
        return (self.term, *(f for f in self.forms if f.lower() != self.term.lower()))


@dataclass(frozen=True)
class Mention:
    """A form of a word found in a text, at ``start:end``."""

    word: MedicalWord
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MedicalWords:
    """The word list with a matcher over every form of every word."""

    words: tuple[MedicalWord, ...]

    @cached_property
    def _by_form(self) -> dict[str, MedicalWord]:
        by_form: dict[str, MedicalWord] = {}
        for word in self.words:
            for form in word.all_forms:
                by_form.setdefault(form.lower(), word)
        return by_form

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        forms = sorted(self._by_form, key=lambda f: (-len(f), f))
        if not forms:
            return None
        # Letters or digits on either side would make it part of another word; a hyphen
        # too ("non-lumbar", "glute-focused" keep their own meaning).
        alternatives = "|".join(re.escape(f) for f in forms)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)

    def find(self, text: str) -> Iterator[Mention]:
        """Every mention in ``text``, in order."""
        if self._pattern is None:
            return
        for match in self._pattern.finditer(text):
            word = self._by_form[match.group(0).lower()]
            yield Mention(word, match.start(), match.end(), match.group(0))

    def word(self, term: str) -> MedicalWord | None:
        """The word whose term or form is ``term`` (any case)."""
        return self._by_form.get(term.lower())


def _string_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise WordsError(f"{where}: 'forms' must be a list of words")
    return tuple(v.strip() for v in value)


def parse_words(text: str) -> MedicalWords:
    """The words of a ``medical-words.toml`` text; raises :class:`WordsError`."""
    try:
        data = parse_toml(text, "medical-words.toml")
    except ConfigError as exc:
        raise WordsError(exc.first.message, exc.first.line) from None
    tables = data.get("word", [])
    if not isinstance(tables, list):
        raise WordsError("[[word]] tables expected")
    words: list[MedicalWord] = []
    seen: dict[str, str] = {}
    for n, table in enumerate(tables, start=1):
        where = f"word {n}"
        term = table.get("term")
        everyday = table.get("everyday")
        if not isinstance(term, str) or not term.strip():
            raise WordsError(f"{where}: 'term' is missing")
        if not isinstance(everyday, str) or not everyday.strip():
            raise WordsError(f"{where} ({term}): 'everyday' is missing")
        word = MedicalWord(
            term.strip(), _string_list(table.get("forms", []), where), everyday.strip()
        )
        for form in word.all_forms:
            other = seen.setdefault(form.lower(), word.term)
            if other != word.term:
                raise WordsError(f"{where} ({term}): {form!r} is already a form of {other!r}")
        words.append(word)
    return MedicalWords(tuple(words))


def load_words(path: Path) -> MedicalWords:
    """The words of ``path``; a missing file is an empty list."""
    if not path.is_file():
        return MedicalWords(())
    return parse_words(path.read_text(encoding="utf-8"))
