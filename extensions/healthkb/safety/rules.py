"""Safety rules: loading and validating conf/safety-rules.toml.

Pure Python (no Sphinx import), so that the Sphinx extension and the tools share
one implementation. :func:`load_rules` reads and validates the rules file; every
problem is a :class:`RulesError` that names the file and the line. A
:class:`RuleSet` also screens text cheaply (:meth:`RuleSet.may_flag`) before the
matchers of :mod:`healthkb.safety.matching` look at it sentence by sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthkb.language.source import ConfigError, parse_toml
from healthkb.language.text import normalise

#: Safety levels, mildest first (NHS care-card pattern).
LEVELS: tuple[str, ...] = ("caution", "professional", "urgent")

#: The name of each level (the safety hub's notes and links).
LEVEL_LABELS: dict[str, str] = {
    "caution": "Caution",
    "professional": "See a health professional",
    "urgent": "Urgent",
}

#: What each level tells the reader, read out by screen readers before a card's title (and
#: printed before it by the builders other than HTML): the site's own words, in plain
#: language (grade 6 or below, tests/test_plain_language.py).
CARD_PREFIXES: dict[str, str] = {
    "caution": "Take care",
    "professional": "See a health professional",
    "urgent": "Urgent",
}

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = ("id", "level", "statement", "topic", "contradicts")
_OPTIONAL = ("symptoms",)
_PATTERN_KEYS = ("topic", "contradicts", "symptoms")


def level_rank(level: str) -> int:
    """0 for the mildest level; -1 for an unknown level."""
    return LEVELS.index(level) if level in LEVELS else -1


class RulesError(ValueError):
    """A problem in the rules file, with the file and (when known) the line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")

    @property
    def location(self) -> str:
        """``path:line`` as Sphinx and editors print locations (line 1 for whole-file errors)."""
        return f"{self.path}:{self.line or 1}"


@dataclass(frozen=True)
class Rule:
    """One safety rule."""

    id: str
    level: str
    statement: str
    topic: tuple[re.Pattern[str], ...]
    contradicts: tuple[re.Pattern[str], ...]
    symptoms: tuple[re.Pattern[str], ...] = ()
    #: Line of the rule's ``[[rule]]`` header in the rules file (0 when built in code).
    line: int = 0


@dataclass(frozen=True)
class RuleSet:
    """The rules of one rules file, in file order."""

    rules: tuple[Rule, ...] = ()
    path: str = ""
    _by_id: dict[str, Rule] = field(default_factory=dict, compare=False, repr=False)
    _screen: list[re.Pattern[str]] = field(default_factory=list, compare=False, repr=False)
    _local: list[bool] = field(default_factory=list, compare=False, repr=False)
    #: The screen compiled case-sensitively, for lower-cased ASCII text (when equivalent).
    _lower: list[re.Pattern[str]] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({rule.id: rule for rule in self.rules})
        patterns = [p for r in self.rules for p in (*r.contradicts, *r.symptoms)]
        screen = _screen_pattern(patterns)
        if screen is not None:
            self._screen.append(screen)
            # Without anchors or lookarounds, a pattern that matches in a sentence also
            # matches in any text that holds the sentence.
            self._local.append(all(_is_local(p.pattern) for p in patterns))
            if all(_case_free(p.pattern) for p in patterns):
                self._lower.append(re.compile(screen.pattern))

    def _screened(self, text: str) -> bool:
        flat = " ".join(normalise(text).split())
        if self._lower and flat.isascii():
            # Python's case-insensitive matching tries both cases of every letter: searching
            # the lower-cased text case-sensitively finds the same matches ~4x faster.
            return self._lower[0].search(flat.lower()) is not None
        return self._screen[0].search(flat) is not None

    def may_flag_within(self, text: str) -> bool:
        """False when no sentence of ``text`` can match a contradicts or symptoms pattern."""
        if not self._screen or not self._local[0]:
            return True
        return self._screened(text)

    def may_flag(self, sentence: str) -> bool:
        """False when no ``contradicts`` or ``symptoms`` pattern can match ``sentence``.

        One search of all patterns at once, so that the many sentences that mention
        nothing a rule is about cost one regex search rather than one per pattern.
        """
        if not self._screen:
            return True
        return self._screened(sentence)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def by_level(self, level: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.level == level]


def _is_local(source: str) -> bool:
    """True when the regex ``source`` has no anchors or lookarounds (outside classes)."""
    text = re.sub(r"\\([AZz])|\\.", lambda m: "\x00" if m.group(1) else "", source)
    text = re.sub(r"\[[^\]]*\]", "", text)
    return not re.search(r"[\^$\x00]|\(\?<?[=!]", text)


#: Escapes that stand for no particular letter: classes, anchors, boundaries, and an
#: escaped punctuation character or space.
_CASELESS_ESCAPES = frozenset("bBdDsSwWAZ")


def _case_free(source: str) -> bool:
    """True when ``source``, matched case-sensitively against lower-cased ASCII text, finds
    what it finds case-insensitively: ASCII only (a Kelvin sign matches ``k`` without
    case), no upper-case letter, no escape that may stand for one (``\\x41``, ``\\N{...}``,
    ``\\101``), no inline flags (``(?-i:...)``)."""
    if not source.isascii():
        return False
    unsafe = False

    def strip(match: re.Match[str]) -> str:
        nonlocal unsafe
        char = match.group(1)
        if char.isalnum() and char not in _CASELESS_ESCAPES:
            unsafe = True
        return ""

    text = re.sub(r"\\(.)", strip, source, flags=re.DOTALL)
    if unsafe or re.search(r"\(\?[aiLmsux-]", text):
        return False
    return not re.search(r"[A-Z]", text)


def _screen_pattern(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that matches wherever one of ``patterns`` matches (None when unsafe)."""
    if not patterns:
        return None
    for pattern in patterns:
        # Group numbers shift in an alternation: back-references would change meaning.
        if re.search(r"\\[1-9]|\(\?P=", pattern.pattern) or pattern.flags & re.VERBOSE:
            return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
    except re.error:
        return None


# -- loading ----------------------------------------------------------------------------------
_RULE_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]")


def load_rules(path: str | Path) -> RuleSet:
    """Read and validate a rules file; raises :class:`RulesError` on any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RulesError(str(path), None, "safety rules file not found") from None
    except OSError as exc:
        raise RulesError(str(path), None, f"cannot read safety rules file: {exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RulesError(str(path), line, "the rules file is not valid UTF-8") from None
    return parse_rules(text, str(path))


def parse_rules(text: str, path: str = "<rules>") -> RuleSet:
    """Parse and validate the text of a rules file."""
    try:
        data = parse_toml(text, path)
    except ConfigError as exc:
        raise RulesError(path, exc.first.line, exc.first.message) from None
    return _RulesReader(text, path).read(data)


class _RulesReader:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.headers = [i + 1 for i, line in enumerate(self.lines) if _RULE_HEADER.match(line)]

    def error(self, line: int | None, message: str) -> RulesError:
        return RulesError(self.path, line, message)

    def header_line(self, index: int) -> int | None:
        return self.headers[index] if index < len(self.headers) else None

    def key_line(self, index: int | None, key: str, needle: str | None = None) -> int | None:
        """Line of ``key =`` (or of ``needle``) inside the index-th [[rule]] table."""
        if index is None:
            start, end = 0, self.headers[0] - 1 if self.headers else len(self.lines)
        else:
            start = self.headers[index] if index < len(self.headers) else 0
            end = self.headers[index + 1] - 1 if index + 1 < len(self.headers) else len(self.lines)
        key_re = re.compile(rf"^\s*{re.escape(key)}\s*=|^\s*\[\s*{re.escape(key)}\s*\]")
        key_at = None
        for number in range(start, end):
            if key_re.match(self.lines[number]):
                key_at = number + 1
                break
        if needle and key_at is not None:
            for number in range(key_at - 1, end):
                if needle in self.lines[number]:
                    return number + 1
        if key_at is not None:
            return key_at
        return self.header_line(index) if index is not None else None

    def read(self, data: dict[str, Any]) -> RuleSet:
        for key in data:
            if key != "rule":
                raise self.error(
                    self.key_line(None, key),
                    f"unknown top-level key {key!r}; the file holds [[rule]] tables only",
                )
        tables = data.get("rule")
        if not isinstance(tables, list) or not tables:
            raise self.error(None, "no [[rule]] tables: the file must define at least one rule")
        rules: list[Rule] = []
        seen: dict[str, int] = {}
        for index, table in enumerate(tables):
            if not isinstance(table, dict):
                raise self.error(self.header_line(index), "each rule must be a [[rule]] table")
            rule = self.read_rule(index, table)
            if rule.id in seen:
                raise self.error(
                    self.key_line(index, "id"),
                    f"duplicate rule id {rule.id!r} (first defined at line {seen[rule.id]})",
                )
            seen[rule.id] = rule.line
            rules.append(rule)
        return RuleSet(tuple(rules), self.path)

    def read_rule(self, index: int, table: dict[str, Any]) -> Rule:
        where = f"rule #{index + 1}"
        for key in table:
            if key not in _REQUIRED + _OPTIONAL:
                raise self.error(
                    self.key_line(index, key),
                    f"{where}: unknown key {key!r} (expected one of "
                    f"{', '.join(_REQUIRED + _OPTIONAL)})",
                )
        for key in _REQUIRED:
            if key not in table:
                raise self.error(self.header_line(index), f"{where}: missing key {key!r}")
        rule_id = table["id"]
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            raise self.error(
                self.key_line(index, "id"),
                f"{where}: id must be lower-case words joined by '-', got {rule_id!r}",
            )
        where = f"rule {rule_id!r}"
        level = table["level"]
        if level not in LEVELS:
            raise self.error(
                self.key_line(index, "level"),
                f"{where}: unknown level {level!r} (expected one of {', '.join(LEVELS)})",
            )
        statement = table["statement"]
        if not isinstance(statement, str) or not statement.strip():
            raise self.error(
                self.key_line(index, "statement"), f"{where}: statement must be a non-empty string"
            )
        patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
        for key in _PATTERN_KEYS:
            patterns[key] = self.read_patterns(index, where, key, table.get(key, []))
        if not patterns["topic"]:
            raise self.error(self.key_line(index, "topic"), f"{where}: topic must not be empty")
        return Rule(
            id=rule_id,
            level=level,
            statement=" ".join(statement.split()),
            topic=patterns["topic"],
            contradicts=patterns["contradicts"],
            symptoms=patterns["symptoms"],
            line=self.header_line(index) or 0,
        )

    def read_patterns(
        self, index: int, where: str, key: str, value: Any
    ) -> tuple[re.Pattern[str], ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(
                self.key_line(index, key), f"{where}: {key} must be a list of regex strings"
            )
        compiled = []
        for pattern in value:
            try:
                compiled.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                raise self.error(
                    self.key_line(index, key, pattern),
                    f"{where}: invalid regex in {key}: {pattern!r}: {exc}",
                ) from None
        return tuple(compiled)
