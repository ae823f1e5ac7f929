"""Safety rules written as concepts (``conf/safety-concepts.toml``), checked against the vocabulary.

A rule names the concepts of :mod:`healthkb.language.vocabulary` it is about (actions, places,
injuries, conditions, symptoms), the longest its actions may last on one spot (``longest``)
and, as an escape hatch, regexes (``patterns``). The loader
reports every problem of both files, each with its file and line: TOML syntax errors, unknown
keys, unknown levels, malformed ids, concept ids the vocabulary does not define, bad regexes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from healthkb.language.duration import durations
from healthkb.language.source import ConfigError, Lines, Problem, read_toml
from healthkb.language.text import quick_words
from healthkb.language.vocabulary import KINDS, Vocabulary, load_vocabulary

#: Safety levels, mildest first (NHS care-card pattern).
LEVELS: tuple[str, ...] = ("caution", "professional", "urgent")

#: Keys whose values are concept ids of the vocabulary kind of the same name.
CONCEPT_KEYS: tuple[str, ...] = ("actions", "places", "injuries", "conditions", "symptoms", "time")
_REQUIRED = ("id", "level", "statement", "topic")
_OPTIONAL = (*CONCEPT_KEYS, "longest", "patterns")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def level_rank(level: str) -> int:
    """0 for the mildest level; -1 for an unknown level."""
    return LEVELS.index(level) if level in LEVELS else -1


@dataclass(frozen=True)
class ConceptRule:
    """One safety rule, by concept."""

    id: str
    level: str
    statement: str
    #: Concept keys (``kind.id``) that make a text be about this rule.
    topic: tuple[str, ...]
    actions: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    injuries: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    #: Times the rule's actions may not last ("open-ended": until it lets go, for ages).
    time: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    #: The longest time, in seconds, each action may last on one spot, by concept key
    #: (``longest = { hold = "1 minute" }`` -> ``(("actions.hold", 60.0),)``); a sentence
    #: that recommends longer is a finding.
    longest: tuple[tuple[str, float], ...] = ()
    #: Line of the rule's ``[[rule]]`` header (0 when built in code).
    line: int = 0

    def keys(self, kind: str) -> tuple[str, ...]:
        """The rule's concept keys of ``kind`` (``actions`` -> ``actions.roll``, ...)."""
        return _keys(kind, getattr(self, kind))

    @property
    def targets(self) -> tuple[str, ...]:
        """What the rule's actions must not be done to: places, injuries, symptoms."""
        return (*self.keys("places"), *self.keys("injuries"), *self.keys("symptoms"))


@dataclass(frozen=True)
class ConceptRules:
    """The rules of a rules file, in file order, with the vocabulary they refer to."""

    rules: tuple[ConceptRule, ...]
    vocabulary: Vocabulary
    path: str = ""
    _by_id: dict[str, ConceptRule] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({rule.id: rule for rule in self.rules})

    def __iter__(self) -> Iterator[ConceptRule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def get(self, rule_id: str) -> ConceptRule | None:
        return self._by_id.get(rule_id)

    def by_level(self, level: str) -> list[ConceptRule]:
        """The rules of ``level``, in file order."""
        return [rule for rule in self.rules if rule.level == level]


def load_concept_rules(rules_path: str | Path, vocabulary_path: str | Path) -> ConceptRules:
    """Read and validate both files; :class:`ConfigError` lists every problem of both."""
    problems: list[Problem] = []
    vocabulary = Vocabulary({}, str(vocabulary_path))
    try:
        vocabulary = load_vocabulary(vocabulary_path)
    except ConfigError as exc:
        problems.extend(exc.problems)
    try:
        data, text = read_toml(rules_path)
    except ConfigError as exc:
        raise ConfigError(problems + exc.problems) from None
    reader = _RulesReader(text, str(rules_path), vocabulary, check_ids=not problems)
    rules = reader.read(data)
    problems.extend(reader.problems)
    if problems:
        raise ConfigError(problems)
    return ConceptRules(tuple(rules), vocabulary, str(rules_path))


def parse_concept_rules(text: str, vocabulary: Vocabulary, path: str = "<rules>") -> ConceptRules:
    """Parse and validate the text of a rules file against ``vocabulary``."""
    from healthkb.language.source import parse_toml

    reader = _RulesReader(text, path, vocabulary)
    rules = reader.read(parse_toml(text, path))
    if reader.problems:
        raise ConfigError(reader.problems)
    return ConceptRules(tuple(rules), vocabulary, path)


class _RulesReader:
    def __init__(
        self, text: str, path: str, vocabulary: Vocabulary, check_ids: bool = True
    ) -> None:
        self.path = path
        self.lines = Lines(text)
        self.headers = self.lines.headers(r"^\s*\[\[\s*rule\s*\]\]")
        self.vocabulary = vocabulary
        #: False when the vocabulary itself failed to load: every id would look unknown.
        self.check_ids = check_ids
        self.problems: list[Problem] = []

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def span(self, index: int) -> tuple[int, int]:
        start = self.headers[index] if index < len(self.headers) else 1
        end = self.headers[index + 1] - 1 if index + 1 < len(self.headers) else len(self.lines)
        return start, end

    def key_line(self, index: int, key: str, needle: str | None = None) -> int | None:
        start, end = self.span(index)
        return self.lines.key(start, end, key, needle) or self.span(index)[0]

    def read(self, data: dict[str, Any]) -> list[ConceptRule]:
        for key in data:
            if key != "rule":
                first = self.headers[0] if self.headers else len(self.lines)
                self.problem(
                    self.lines.key(1, first, key) or self.lines.table(key),
                    f"unknown top-level key {key!r}; the file holds [[rule]] tables only",
                )
        tables = data.get("rule")
        if not isinstance(tables, list) or not tables:
            self.problem(None, "no [[rule]] tables: the file must define at least one rule")
            return []
        rules: list[ConceptRule] = []
        seen: dict[str, int] = {}
        for index, table in enumerate(tables):
            rule = self.read_rule(index, table)
            if rule is None:
                continue
            if rule.id in seen:
                self.problem(
                    self.key_line(index, "id"),
                    f"duplicate rule id {rule.id!r} (first defined at line {seen[rule.id]})",
                )
                continue
            seen[rule.id] = rule.line
            rules.append(rule)
        return rules

    def read_rule(self, index: int, table: dict[str, Any]) -> ConceptRule | None:
        header = self.span(index)[0]
        where = f"rule #{index + 1}"
        before = len(self.problems)
        for key in table:
            if key not in _REQUIRED + _OPTIONAL:
                self.problem(
                    self.key_line(index, key),
                    f"{where}: unknown key {key!r} (expected one of "
                    f"{', '.join(_REQUIRED + _OPTIONAL)})",
                )
        for key in _REQUIRED:
            if key not in table:
                self.problem(header, f"{where}: missing key {key!r}")
        rule_id = table.get("id", "")
        if "id" in table and (not isinstance(rule_id, str) or not _ID.match(rule_id)):
            self.problem(
                self.key_line(index, "id"),
                f"{where}: id must be lower-case words joined by '-', got {rule_id!r}",
            )
        elif rule_id:
            where = f"rule {rule_id!r}"
        level = table.get("level")
        if "level" in table and level not in LEVELS:
            self.problem(
                self.key_line(index, "level"),
                f"{where}: unknown level {level!r} (expected one of {', '.join(LEVELS)})",
            )
        statement = table.get("statement", "")
        if "statement" in table and (not isinstance(statement, str) or not statement.strip()):
            self.problem(
                self.key_line(index, "statement"), f"{where}: statement must be a non-empty string"
            )
        topic = self.read_topic(index, where, table.get("topic", []))
        refs = {key: self.read_refs(index, where, key, table.get(key, [])) for key in CONCEPT_KEYS}
        patterns = self.read_patterns(index, where, table.get("patterns", []))
        longest = self.read_longest(index, where, table.get("longest"))
        if not any(refs.values()) and not patterns and not longest and "topic" in table:
            self.problem(
                header,
                f"{where}: a rule needs at least one of {', '.join(CONCEPT_KEYS)} or patterns",
            )
        if len(self.problems) > before:
            return None
        return ConceptRule(
            id=rule_id,
            level=str(level),
            statement=" ".join(str(statement).split()),
            topic=topic,
            patterns=patterns,
            longest=longest,
            line=header,
            **refs,
        )

    def strings(self, index: int, where: str, key: str, value: Any) -> list[str] | None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(self.key_line(index, key), f"{where}: {key} must be a list of strings")
            return None
        return list(value)

    def read_topic(self, index: int, where: str, value: Any) -> tuple[str, ...]:
        keys = self.strings(index, where, "topic", value)
        if keys is None:
            return ()
        if not keys:
            # A rule about nothing would never be chosen for a card nor try its patterns.
            self.problem(self.key_line(index, "topic"), f"{where}: topic must not be empty")
        for key in keys:
            kind = key.split(".", 1)[0]
            if kind not in KINDS or "." not in key:
                self.problem(
                    self.key_line(index, "topic", f'"{key}"'),
                    f"{where}: topic {key!r} must be KIND.ID with KIND one of {', '.join(KINDS)}",
                )
            elif self.check_ids and key not in self.vocabulary:
                self.problem(
                    self.key_line(index, "topic", f'"{key}"'),
                    f"{where}: unknown concept {key!r} in topic (not in {self.vocabulary.path})",
                )
        return tuple(keys)

    def read_refs(self, index: int, where: str, kind: str, value: Any) -> tuple[str, ...]:
        ids = self.strings(index, where, kind, value)
        if ids is None:
            return ()
        for concept_id in ids:
            if self.check_ids and self.vocabulary.get(kind, concept_id) is None:
                known = ", ".join(c.id for c in self.vocabulary.of_kind(kind)) or "none"
                self.problem(
                    self.key_line(index, kind, f'"{concept_id}"'),
                    f"{where}: unknown {kind} concept {concept_id!r} "
                    f"(defined in {self.vocabulary.path}: {known})",
                )
        return tuple(ids)

    def read_longest(self, index: int, where: str, value: Any) -> tuple[tuple[str, float], ...]:
        """``longest = { hold = "1 minute", roll = "90 seconds" }``: per action concept of
        the vocabulary, one duration in words; a problem for anything else."""
        if value is None:
            return ()
        line = self.key_line(index, "longest")
        if not isinstance(value, dict) or not value:
            self.problem(
                line,
                f"{where}: longest must be a table of the rule's actions and durations, such "
                f'as {{ hold = "1 minute", roll = "90 seconds" }}',
            )
            return ()
        limits = []
        for action, duration in value.items():
            if self.check_ids and self.vocabulary.get("actions", action) is None:
                known = ", ".join(c.id for c in self.vocabulary.of_kind("actions")) or "none"
                self.problem(
                    line,
                    f"{where}: unknown actions concept {action!r} in longest "
                    f"(defined in {self.vocabulary.path}: {known})",
                )
                continue
            found = durations(quick_words(duration)) if isinstance(duration, str) else []
            if len(found) != 1 or found[0].ceiling:
                self.problem(
                    line,
                    f"{where}: longest {action} must be one duration in words, such as "
                    f'"90 seconds" or "2 minutes", got {duration!r}',
                )
                continue
            limits.append((f"actions.{action}", found[0].seconds))
        return tuple(limits)

    def read_patterns(self, index: int, where: str, value: Any) -> tuple[re.Pattern[str], ...]:
        sources = self.strings(index, where, "patterns", value)
        compiled = []
        for source in sources or []:
            try:
                compiled.append(re.compile(source, re.IGNORECASE))
            except re.error as exc:
                self.problem(
                    self.key_line(index, "patterns", source[:40]),
                    f"{where}: invalid regex in patterns: {source!r}: {exc}",
                )
        return tuple(compiled)


@lru_cache(maxsize=1024)
def _keys(kind: str, ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{kind}.{cid}" for cid in ids)
