"""The shared vocabularies: concepts and the phrases that name them (``conf/vocabulary.toml``).

A concept is ``KIND.ID`` (``places.lumbar-spine``) with its phrases, written as a reader would
write them. A phrase is a sequence of slots, matched word by word on lemmas:

- a word, or words joined by ``|`` (any of them fits the slot): ``pain|ache``;
- ``word*``: any word that starts with ``word`` (``tingl*``);
- ``...``: up to :data:`GAP` other words in between (``small of ... back``).

This module only reads and validates; :mod:`healthkb.language.phrases` compiles the phrases
into an index of lemma slots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthkb.language.source import ConfigError, Lines, Problem, read_toml

#: The kinds of concept the vocabulary holds.
KINDS: tuple[str, ...] = (
    "places",
    "actions",
    "injuries",
    "conditions",
    "symptoms",
    "permission",
    "referral",
    "time",
    "roller",
)
#: Most words ``...`` skips.
GAP = 4
GAP_MARK = "..."

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD = re.compile(r"^[a-z0-9&'][a-z0-9&'\-]*\*?$")
_KEYS = ("phrases", "label")


@dataclass(frozen=True)
class Slot:
    """One place of a phrase: the words that fit it, or a gap."""

    words: tuple[str, ...] = ()
    #: Words that match as prefixes (written ``word*``).
    prefixes: tuple[str, ...] = ()

    @property
    def is_gap(self) -> bool:
        return not self.words and not self.prefixes


@dataclass(frozen=True)
class Phrase:
    """A phrase as written and its slots."""

    text: str
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Concept:
    """A concept of the vocabulary."""

    kind: str
    id: str
    phrases: tuple[Phrase, ...]
    label: str = ""
    line: int = 0

    @property
    def key(self) -> str:
        """``kind.id``, as rules refer to it."""
        return f"{self.kind}.{self.id}"


@dataclass(frozen=True)
class Vocabulary:
    """All concepts of a vocabulary file, by ``kind.id``."""

    concepts: dict[str, Concept]
    path: str = ""

    def get(self, kind: str, concept_id: str) -> Concept | None:
        return self.concepts.get(f"{kind}.{concept_id}")

    def of_kind(self, kind: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.kind == kind]

    def __contains__(self, key: object) -> bool:
        return key in self.concepts


def parse_phrase(text: str) -> Phrase:
    """The slots of ``text``; :class:`ValueError` with the reason when it is malformed."""
    words = text.lower().split()
    if not words:
        raise ValueError("empty phrase")
    if words[0] == GAP_MARK or words[-1] == GAP_MARK:
        raise ValueError(f"{GAP_MARK!r} must stand between words")
    slots: list[Slot] = []
    for word in words:
        if word == GAP_MARK:
            if slots and slots[-1].is_gap:
                raise ValueError(f"two {GAP_MARK!r} in a row")
            slots.append(Slot())
            continue
        plain: list[str] = []
        prefixes: list[str] = []
        for choice in word.split("|"):
            if not _WORD.match(choice):
                raise ValueError(
                    f"{choice!r} is not a word (letters, digits, ' & - and a final * only)"
                )
            if choice.endswith("*"):
                prefixes.append(choice[:-1])
            else:
                plain.append(choice)
        slots.append(Slot(tuple(plain), tuple(prefixes)))
    return Phrase(" ".join(words), tuple(slots))


def load_vocabulary(path: str | Path) -> Vocabulary:
    """Read and validate a vocabulary file; :class:`ConfigError` lists every problem."""
    data, text = read_toml(path)
    return read_vocabulary(data, text, str(path))


def read_vocabulary(data: dict[str, Any], text: str, path: str) -> Vocabulary:
    """Validate parsed vocabulary ``data`` (``text`` for line numbers)."""
    lines = Lines(text)
    problems: list[Problem] = []
    concepts: dict[str, Concept] = {}
    for kind, table in data.items():
        kind_line = _first(lines.headers(rf"^\s*\[\s*{re.escape(kind)}\s*[.\]]"))
        if kind not in KINDS:
            problems.append(
                Problem(
                    path, kind_line, f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})"
                )
            )
            continue
        if not isinstance(table, dict):
            problems.append(Problem(path, kind_line, f"{kind} must be tables [{kind}.ID]"))
            continue
        for concept_id, body in table.items():
            header = rf"^\s*\[\s*{re.escape(kind)}\s*\.\s*\"?{re.escape(concept_id)}\"?\s*\]"
            line = _first(lines.headers(header)) or kind_line
            concept = _read_concept(kind, concept_id, body, line, lines, path, problems)
            if concept is not None:
                concepts[concept.key] = concept
    if problems:
        raise ConfigError(problems)
    return Vocabulary(concepts, path)


def _read_concept(
    kind: str,
    concept_id: str,
    body: Any,
    line: int | None,
    lines: Lines,
    path: str,
    problems: list[Problem],
) -> Concept | None:
    where = f"{kind}.{concept_id}"
    if not _ID.match(concept_id):
        problems.append(Problem(path, line, f"{where}: id must be lower-case words joined by '-'"))
    if not isinstance(body, dict):
        problems.append(Problem(path, line, f"{where}: must be a table with phrases = [...]"))
        return None
    end = _table_end(lines, line)
    for key in body:
        if key not in _KEYS:
            problems.append(
                Problem(
                    path,
                    lines.key(line or 1, end, key) or line,
                    f"{where}: unknown key {key!r} (expected one of {', '.join(_KEYS)})",
                )
            )
    raw = body.get("phrases")
    phrases_line = lines.key(line or 1, end, "phrases") or line
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
        problems.append(
            Problem(path, phrases_line, f"{where}: phrases must be a non-empty list of strings")
        )
        return None
    label = body.get("label", "")
    if not isinstance(label, str):
        problems.append(
            Problem(path, lines.key(line or 1, end, "label"), f"{where}: label must be a string")
        )
        label = ""
    phrases = []
    for item in raw:
        try:
            phrases.append(parse_phrase(item))
        except ValueError as exc:
            at = lines.key(line or 1, end, "phrases", f'"{item}"') or phrases_line
            problems.append(Problem(path, at, f"{where}: phrase {item!r}: {exc}"))
    return Concept(kind, concept_id, tuple(phrases), label, line or 0)


def _first(numbers: list[int]) -> int | None:
    return numbers[0] if numbers else None


def _table_end(lines: Lines, start: int | None) -> int:
    """Last line of the table whose header is at ``start``."""
    if start is None:
        return len(lines)
    for number in range(start + 1, len(lines) + 1):
        if re.match(r"^\s*\[", lines.lines[number - 1]):
            return number - 1
    return len(lines)
