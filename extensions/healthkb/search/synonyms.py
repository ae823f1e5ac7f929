"""The search synonyms (``conf/search-synonyms.toml``): read, checked, and joined with the
shared vocabulary.

Each ``[[synonym]]`` is one concept: ``terms`` (searched together), ``reader`` (everyday words
that lead to the terms), ``kind``, and ``vocabulary``: concepts of ``conf/vocabulary.toml``
(``KIND.ID``) whose words readers use for it too. The words the safety rules already know for a
symptom or a condition ("dead leg", "lost feeling", "thin bones", "baby bump") are then written
once, in the vocabulary, and the search page leads them to the concept's terms. Only a
vocabulary phrase a reader could type as it stands joins: one without ``...`` gaps or
``word*`` prefixes (its ``a|b`` alternatives each count), and not one listed in ``skip``: the
rules read a word in the context of rolling advice ("asleep" for a numb leg), a query has no
such context.

A problem in the file (a TOML syntax error, an unknown key, a concept without terms, an
unknown vocabulary concept) is a :class:`~healthkb.language.source.Problem` with the file and
line; the build reports each as an error and leaves out only what is at fault.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthkb.language.source import ConfigError, Lines, Problem, read_toml
from healthkb.language.vocabulary import Concept, Vocabulary

#: The keys of a ``[[synonym]]``.
KEYS = ("concept", "terms", "reader", "kind", "vocabulary", "skip")
#: Most phrases one vocabulary phrase's ``a|b`` alternatives may spell out.
MAX_SPELLINGS = 12


@dataclass
class Synonyms:
    """The concepts of a synonyms file, its ``[help]`` table and its problems."""

    concepts: list[dict[str, Any]] = field(default_factory=list)
    help: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _phrases(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [" ".join(str(v).lower().split()) for v in value if str(v).strip()]


def typed_phrases(concept: Concept) -> list[str]:
    """The phrases of a vocabulary concept that a reader could type as they stand."""
    out: list[str] = []
    for phrase in concept.phrases:
        if any(slot.is_gap or slot.prefixes for slot in phrase.slots):
            continue
        choices = [slot.words for slot in phrase.slots]
        spellings = itertools.islice(itertools.product(*choices), MAX_SPELLINGS)
        out.extend(" ".join(words) for words in spellings)
    return out


def read_synonyms(path: Path, vocabulary: Vocabulary | None = None) -> Synonyms:
    """The synonyms file at ``path`` (none when it is missing), its ``vocabulary``
    references resolved when a vocabulary is given."""
    if not path.is_file():
        return Synonyms()
    where = str(path)
    try:
        data, text = read_toml(path)
    except ConfigError as exc:
        return Synonyms(problems=exc.problems)
    lines = Lines(text)
    headers = lines.headers(r"^\s*\[\[\s*synonym\s*\]\]")
    result = Synonyms()
    entries = data.get("synonym", [])
    if not isinstance(entries, list):
        entries = []
    for index, entry in enumerate(entries):
        start = headers[index] if index < len(headers) else None
        end = headers[index + 1] - 1 if index + 1 < len(headers) else len(lines)
        concept = _read_entry(entry, vocabulary, where, lines, start, end, result.problems)
        if concept is not None:
            result.concepts.append(concept)
    help_table = data.get("help", {})
    result.help = help_table if isinstance(help_table, dict) else {}
    return result


def _read_entry(
    entry: Any,
    vocabulary: Vocabulary | None,
    where: str,
    lines: Lines,
    start: int | None,
    end: int,
    problems: list[Problem],
) -> dict[str, Any] | None:
    def problem(key: str | None, message: str, needle: str | None = None) -> None:
        line = lines.key(start, end, key, needle) if key and start else None
        problems.append(Problem(where, line or start, message))

    if not isinstance(entry, dict):
        problem(None, "a [[synonym]] must be a table")
        return None
    terms = _phrases(entry.get("terms"))
    name = str(entry.get("concept", terms[0] if terms else ""))
    label = f"synonym {name!r}" if name else "a synonym"
    for key in entry:
        if key not in KEYS:
            problem(key, f"{label}: unknown key {key!r} (expected one of {', '.join(KEYS)})")
    if not terms:
        problem("terms", f"{label} has no terms: it is left out of the search page")
        return None
    reader = _phrases(entry.get("reader"))
    skip = set(_phrases(entry.get("skip")))
    refs = entry.get("vocabulary", [])
    if not isinstance(refs, list) or not all(isinstance(ref, str) for ref in refs):
        problem("vocabulary", f"{label}: vocabulary must be a list of KIND.ID strings")
        refs = []
    for ref in refs:
        if vocabulary is None:
            continue
        concept = vocabulary.concepts.get(ref)
        if concept is None:
            problem(
                "vocabulary",
                f"{label}: unknown vocabulary concept {ref!r} (not in {vocabulary.path})",
                f'"{ref}"',
            )
            continue
        known = set(terms) | set(reader) | skip
        for phrase in typed_phrases(concept):
            if phrase not in known:
                reader.append(phrase)
                known.add(phrase)
    return {"concept": name, "terms": terms, "reader": reader, "kind": str(entry.get("kind", ""))}
