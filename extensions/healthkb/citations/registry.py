"""The source registry: docs/references.bib, read with pybtex.

Pure Python without Sphinx, so the importer can reuse it. Entries are keyed by
identifier, ``pmid:<digits>`` or ``doi:10.<registrant>/<suffix>``, and carry
what is known about the source: authors, title (only when known), journal,
year, PMID/DOI and URL::

    @article{pmid:25415413,
      author  = {Pearcey, G. E. and others},
      journal = {Journal of Athletic Training},
      year    = {2015},
      pmid    = {25415413},
      url     = {https://pubmed.ncbi.nlm.nih.gov/25415413/},
    }

``and others`` records "et al." when the article names only the first author.
Problems (BibTeX syntax errors, malformed identifiers, missing fields, one
source recorded twice) are returned as :class:`RegistryIssue` with a line
number; nothing here raises on bad input.

Beside it, also without Sphinx: :mod:`healthkb.citations.model` (a source and its
identifiers), :mod:`healthkb.citations.attribution` (how articles name sources) and
:mod:`healthkb.citations.bibtex` (writing entries, for the importer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pybtex.errors
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text

from healthkb.citations.attribution import metadata_differences
from healthkb.citations.model import (
    DOI,
    PMID,
    YEAR,
    Author,
    Source,
    canonical_key,
    key_problem,
)

Level = Literal["error", "warning", "info"]

_PUBMED_IN_URL = re.compile(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)")


def _plain(latex: str) -> str:
    """A BibTeX field value as plain text (braces and LaTeX escapes resolved)."""
    try:
        text = Text.from_latex(latex).render_as("text")
    except (PybtexError, ValueError):
        text = latex.replace("{", "").replace("}", "")
    return " ".join(str(text).split())


def _initials(names: Iterable[str]) -> str:
    out = ""
    for name in names:
        plain = _plain(name).replace(".", " ")
        for word in plain.split():
            for part in word.split("-"):
                if not part:
                    continue
                # "SW" is already initials; "Scott" gives "S".
                out += part if part.isupper() and len(part) <= 3 else part[0].upper()
    return out


def _author(person: Person) -> Author:
    last = " ".join(_plain(n) for n in [*person.prelast_names, *person.last_names])
    return Author(last=last, initials=_initials([*person.first_names, *person.middle_names]))


@dataclass(frozen=True)
class RegistryIssue:
    """A problem found in the registry file (line numbers are 1-based)."""

    code: str
    message: str
    lineno: int
    level: Level = "warning"
    target: str = ""


@dataclass
class Registry:
    path: Path
    sources: dict[str, Source] = field(default_factory=dict)
    issues: list[RegistryIssue] = field(default_factory=list)
    exists: bool = True

    def get(self, key: str) -> Source | None:
        return self.sources.get(canonical_key(key))


# -- parsing -------------------------------------------------------------------------
class _Parser(Parser):
    """pybtex's BibTeX parser, noting the line where each entry starts.

    Problems are collected instead of printed or raised, each with a line.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entry_lines: dict[str, int] = {}
        self.problems: list[tuple[Exception, int]] = []
        self._line = 1
        self._text = ""
        self._entries: LowLevelParser | None = None

    def handle_error(self, error: Exception) -> None:
        lineno = getattr(error, "lineno", None)
        if lineno is None:
            self.problems.append((error, self._line))
            return
        # A syntax error: name the entry it happened in, too.
        start = self._entries.command_start if self._entries is not None else None
        if start is not None:
            start_line = self._text.count("\n", 0, start) + 1
            if start_line != lineno:
                error = PybtexError(f"{error} (in the entry that starts at line {start_line})")
        self.problems.append((error, int(lineno)))

    def parse_string(self, text: str) -> BibliographyData:
        # pybtex's Parser.parse_string, plus the start line of every entry.
        self.unnamed_entry_counter = 1
        self.command_start = 0
        self._text = text
        self._entries = entries = LowLevelParser(
            text,
            keyless_entries=self.keyless_entries,
            handle_error=self.handle_error,
            want_entry=self.data.want_entry,
            filename=self.filename,
            macros=self.macros,
        )
        for entry in entries:
            self._line = text.count("\n", 0, entries.command_start or 0) + 1
            entry_type = entry[0].lower()
            if entry_type == "string":
                continue
            if entry_type == "preamble":
                self.process_preamble(*entry[1])
                continue
            key = entry[1][0]
            with pybtex.errors.capture() as captured:
                self.process_entry(entry[0], *entry[1])
            for error in captured:
                self.problems.append((error, self._line))
            if key is not None:
                self.entry_lines.setdefault(canonical_key(key), self._line)
        return self.data


def parse_registry(text: str, path: Path | str = "references.bib") -> Registry:
    """Parse BibTeX ``text``; every problem becomes an issue with a line number."""
    registry = Registry(path=Path(path))
    parser = _Parser()
    try:
        data = parser.parse_string(text)
    except PybtexError as failure:  # pragma: no cover - _Parser collects errors
        registry.issues.append(RegistryIssue("citation-registry", str(failure), 1, "error"))
        return registry
    for problem, lineno in parser.problems:
        message = str(problem)
        if message.startswith("repeated bibliography entry: "):
            key = message.split(": ", 1)[1]
            first = parser.entry_lines.get(canonical_key(key), lineno)
            registry.issues.append(
                RegistryIssue(
                    "citation-conflict",
                    f"{key} is recorded twice (lines {first} and {lineno}); "
                    "only the first entry is used: merge them into one",
                    lineno,
                    "warning",
                    key,
                )
            )
        else:
            registry.issues.append(
                RegistryIssue(
                    "citation-registry", f"BibTeX error: {message}", lineno, "error", message
                )
            )
    for key, entry in data.entries.items():
        lineno = parser.entry_lines.get(canonical_key(key), 1)
        source = _source(key, entry, lineno, registry.issues)
        if source is not None:
            registry.sources[source.key] = source
    _check_duplicates(registry)
    return registry


def load_registry(path: Path | str) -> Registry:
    """Read the registry file; a missing file is an empty registry with ``exists=False``."""
    path = Path(path)
    if not path.is_file():
        return Registry(path=path, exists=False)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        registry = Registry(path=path)
        registry.issues.append(
            RegistryIssue("citation-registry", f"cannot read the registry: {error}", 1, "error")
        )
        return registry
    return parse_registry(text, path)


def _source(key: str, entry: Entry, lineno: int, issues: list[RegistryIssue]) -> Source | None:
    def issue(code: str, message: str, level: Level = "warning") -> None:
        issues.append(RegistryIssue(code, message, lineno, level, key))

    problem = key_problem(key)
    if problem:
        issue("citation-malformed", f"registry entry {problem}")
        return None
    key = canonical_key(key)
    kind, _, ident = key.partition(":")
    fields = {name.lower(): _plain(value) for name, value in entry.fields.items()}
    persons = list(entry.persons.get("author", []))
    et_al = any(str(p).lower() == "others" for p in persons)
    authors = tuple(_author(p) for p in persons if str(p).lower() != "others")

    pmid = fields.get("pmid") or (ident if kind == "pmid" else None)
    doi = fields.get("doi") or (ident if kind == "doi" else None)
    if pmid is not None and not PMID.fullmatch(pmid):
        issue("citation-malformed", f"{key}: pmid field {pmid!r} is not a PMID (digits only)")
        pmid = None
    elif kind == "pmid" and pmid != ident:
        issue("citation-malformed", f"{key}: pmid field {pmid} does not match the key")
        pmid = ident
    if doi is not None and not DOI.fullmatch(doi):
        issue("citation-malformed", f"{key}: doi field {doi!r} is not a DOI (10.1234/suffix)")
        doi = None
    elif kind == "doi" and doi is not None and doi.lower() != ident:
        issue("citation-malformed", f"{key}: doi field {doi} does not match the key")
        doi = ident
    url = fields.get("url")
    linked = _PUBMED_IN_URL.search(url or "")
    if linked and pmid and linked.group(1) != pmid:
        issue("citation-malformed", f"{key}: url points at PMID {linked.group(1)}, not {pmid}")

    year = fields.get("year")
    missing = [
        name
        for name, value in (("author", authors), ("journal", fields.get("journal")), ("year", year))
        if not value
    ]
    if missing:
        issue("citation-incomplete", f"{key} has no {' or '.join(missing)}")
    if year and not YEAR.fullmatch(year):
        issue("citation-incomplete", f"{key}: year {year!r} is not a four-digit year")
    return Source(
        key=key,
        entry_type=entry.type.lower(),
        authors=authors,
        et_al=et_al,
        title=fields.get("title") or None,
        journal=fields.get("journal") or None,
        year=year or None,
        pmid=pmid,
        doi=doi.lower() if doi else None,
        url=url or None,
        lineno=lineno,
    )


def _check_duplicates(registry: Registry) -> None:
    """One PMID or DOI recorded under two keys."""
    seen: dict[str, Source] = {}
    for source in sorted(registry.sources.values(), key=lambda s: s.lineno):
        for ident in (f"pmid:{source.pmid}" if source.pmid else "", source.doi or ""):
            if not ident:
                continue
            other = seen.setdefault(ident, source)
            if other is source:
                continue
            differences = metadata_differences(other, source)
            detail = f" with different {', '.join(differences)}" if differences else ""
            registry.issues.append(
                RegistryIssue(
                    "citation-conflict",
                    f"{ident} is recorded twice, as {other.key} (line {other.lineno}) and "
                    f"{source.key}{detail}: keep one entry",
                    source.lineno,
                    "warning",
                    source.key,
                )
            )
