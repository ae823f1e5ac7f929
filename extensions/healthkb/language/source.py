"""Reading the language layer's TOML files, with the file and line of every problem.

Editors write these files by hand: a problem is reported as ``path:line: message`` (the
line of the table or key at fault), and a loader reports every problem it finds, not only
the first.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class Problem:
    """One problem in a file."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.message}"
            if self.line
            else f"{self.path}: {self.message}"
        )

    @property
    def location(self) -> str:
        """``path:line`` as Sphinx and editors print locations (line 1 for whole-file ones)."""
        return f"{self.path}:{self.line or 1}"


class ConfigError(ValueError):
    """The problems of one or more language files (at least one)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def first(self) -> Problem:
        return self.problems[0]


def read_text(path: str | Path) -> str:
    """The UTF-8 text of the file at ``path``; :class:`ConfigError` when it is missing,
    cannot be read, or is not UTF-8 (with the line of the first bad byte)."""
    where = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError([Problem(where, None, "file not found")]) from None
    except OSError as exc:
        raise ConfigError([Problem(where, None, f"cannot read the file: {exc}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError([Problem(where, line, "the file is not valid UTF-8")]) from None


def read_toml(path: str | Path) -> tuple[dict[str, Any], str]:
    """The data and text of the TOML file at ``path``; :class:`ConfigError` when unreadable."""
    text = read_text(path)
    return parse_toml(text, str(path)), text


def parse_toml(text: str, path: str) -> dict[str, Any]:
    """``text`` parsed; a syntax error becomes a :class:`ConfigError` with its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        line = int(found.group(1)) if found else getattr(exc, "lineno", None)
        detail = _TOML_POSITION.sub("", message).strip()
        raise ConfigError([Problem(path, line, f"invalid TOML: {detail}")]) from None


class Lines:
    """Where tables and keys are in a TOML file's text (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def headers(self, pattern: str) -> list[int]:
        """1-based lines of the table headers matching ``pattern`` (a regex), in order."""
        header = re.compile(pattern)
        return [n + 1 for n, line in enumerate(self.lines) if header.match(line)]

    def table(self, key: str) -> int | None:
        """1-based line of the first header of table ``key`` (``[key]``, ``[[key]]`` or
        ``[key.sub]``), or None."""
        found = self.headers(rf"^\s*\[+\s*{re.escape(key)}\s*[\].]")
        return found[0] if found else None

    def key(self, start: int, end: int, key: str, needle: str | None = None) -> int | None:
        """Line of ``key =`` between lines ``start`` and ``end`` (1-based, inclusive); with
        ``needle``, the first line from the key on that holds it (an item of a list)."""
        key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
        end = min(end, len(self.lines))
        for number in range(max(start, 1), end + 1):
            if key_re.match(self.lines[number - 1]):
                if needle is None:
                    return number
                for inner in range(number, end + 1):
                    if needle in self.lines[inner - 1]:
                        return inner
                return number
        return None

    def __len__(self) -> int:
        return len(self.lines)
