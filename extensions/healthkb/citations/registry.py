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
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pybtex.errors
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text

Level = Literal["error", "warning", "info"]

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI_URL = "https://doi.org/{}"
#: Authors listed before "et al." in a formatted reference (Vancouver style).
MAX_AUTHORS = 6

_PMID = re.compile(r"\d{1,9}")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_YEAR = re.compile(r"\d{4}")
_PUBMED_IN_URL = re.compile(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)")


# -- identifiers ---------------------------------------------------------------
def key_problem(key: str) -> str | None:
    """Why ``key`` is not a usable citation key, or None when it is."""
    prefix, sep, ident = key.strip().partition(":")
    if not sep or prefix.lower() not in ("pmid", "doi"):
        return f"{key!r} is not a citation key: use pmid:<digits> or doi:10.<registrant>/<suffix>"
    if prefix.lower() == "pmid" and not _PMID.fullmatch(ident):
        return f"{key!r} is a malformed PMID: a PMID is 1 to 9 digits"
    if prefix.lower() == "doi" and not _DOI.fullmatch(ident):
        return f"{key!r} is a malformed DOI: a DOI looks like 10.1234/suffix"
    return None


def canonical_key(key: str) -> str:
    """``PMID:123`` -> ``pmid:123``; DOIs are case-insensitive, so lower-cased."""
    prefix, _, ident = key.strip().partition(":")
    prefix = prefix.lower()
    return f"{prefix}:{ident.lower() if prefix == 'doi' else ident}"


def _plain(latex: str) -> str:
    """A BibTeX field value as plain text (braces and LaTeX escapes resolved)."""
    try:
        text = Text.from_latex(latex).render_as("text")
    except (PybtexError, ValueError):
        text = latex.replace("{", "").replace("}", "")
    return " ".join(str(text).split())


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split())


# -- data ------------------------------------------------------------------------
@dataclass(frozen=True)
class Author:
    last: str
    initials: str = ""

    @property
    def short(self) -> str:
        """Vancouver style: ``Cheatham SW``."""
        return f"{self.last} {self.initials}".strip()


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
class Source:
    """One registry entry, as plain data."""

    key: str
    entry_type: str = "article"
    authors: tuple[Author, ...] = ()
    et_al: bool = False
    title: str | None = None
    journal: str | None = None
    year: str | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    lineno: int = 0

    # -- links -----------------------------------------------------------------
    @property
    def pubmed_url(self) -> str | None:
        return PUBMED_URL.format(self.pmid) if self.pmid else None

    @property
    def doi_url(self) -> str | None:
        return DOI_URL.format(self.doi) if self.doi else None

    @property
    def link(self) -> str | None:
        """PubMed, else the DOI resolver, else the entry's url."""
        return self.pubmed_url or self.doi_url or self.url

    # -- text ------------------------------------------------------------------
    @property
    def first_author(self) -> Author | None:
        return self.authors[0] if self.authors else None

    def author_text(self) -> str:
        """``Cheatham SW, et al.`` / ``Beardsley C, Skarabot J``."""
        names = [a.short for a in self.authors[:MAX_AUTHORS]]
        if not names:
            return ""
        if self.et_al or len(self.authors) > MAX_AUTHORS:
            names.append("et al.")
        return ", ".join(names)

    def short_ref(self) -> str:
        """``Cheatham SW et al. (2015), International Journal of Sports Physical Therapy``."""
        if len(self.authors) == 2 and not self.et_al:
            who = f"{self.authors[0].short} and {self.authors[1].short}"
        elif self.authors:
            more = self.et_al or len(self.authors) > 1
            who = self.authors[0].short + (" et al." if more else "")
        else:
            who = self.title or self.key
        year = f" ({self.year})" if self.year else ""
        journal = f", {self.journal}" if self.journal else ""
        return f"{who}{year}{journal}"

    def reference_text(self) -> str:
        """The full reference as one line of plain text (what a References entry says)."""
        parts = [self.author_text(), self.title or "", self.journal or "", self.year or ""]
        text = ". ".join(p.rstrip(".") for p in parts if p)
        ids = [f"PMID {self.pmid}" if self.pmid else "", f"doi:{self.doi}" if self.doi else ""]
        ident = ", ".join(i for i in ids if i)
        return f"{text}. {ident}" if ident else f"{text}."

    # -- storage ---------------------------------------------------------------
    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["authors"] = [[a.last, a.initials] for a in self.authors]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Source:
        values = dict(data)
        values["authors"] = tuple(Author(last, initials) for last, initials in data["authors"])
        return cls(**values)

    def digest(self) -> str:
        """A hash of what the entry says (not where it is): changes when an edit matters."""
        data = self.as_dict()
        data.pop("lineno")
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


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
    if pmid is not None and not _PMID.fullmatch(pmid):
        issue("citation-malformed", f"{key}: pmid field {pmid!r} is not a PMID (digits only)")
        pmid = None
    elif kind == "pmid" and pmid != ident:
        issue("citation-malformed", f"{key}: pmid field {pmid} does not match the key")
        pmid = ident
    if doi is not None and not _DOI.fullmatch(doi):
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
    if year and not _YEAR.fullmatch(year):
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


# -- attributions in article text ------------------------------------------------------
@dataclass(frozen=True)
class Attribution:
    """How an article names a source: ``Cheatham SW, International Journal ..., 2015``."""

    author: str | None = None
    journal: str | None = None
    year: str | None = None

    @property
    def text(self) -> str:
        return ", ".join(p for p in (self.author, self.journal, self.year) if p)


_ET_AL = re.compile(r"\s*(,\s*)?(et al\.?|and colleagues)\s*$", re.IGNORECASE)


def parse_attribution(text: str) -> Attribution:
    """Split ``Author, Journal, Year`` (year and journal optional)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    year = parts.pop() if parts and _YEAR.fullmatch(parts[-1]) else None
    author = _ET_AL.sub("", parts.pop(0)) if parts else None
    journal = ", ".join(parts) or None
    return Attribution(author=author or None, journal=journal, year=year)


def _split_author(text: str) -> tuple[str, str]:
    words = text.split()
    if len(words) > 1 and words[-1].replace(".", "").isupper() and len(words[-1]) <= 4:
        return " ".join(words[:-1]), words[-1].replace(".", "")
    return text, ""


_STOP = {"of", "the", "and", "for", "in", "on"}


def journals_match(a: str, b: str) -> bool:
    """Same journal, allowing NLM abbreviations (``J Athl Train``)."""
    wa = [w for w in _fold(a.replace("&", " and ")).split() if w not in _STOP]
    wb = [w for w in _fold(b.replace("&", " and ")).split() if w not in _STOP]
    if wa == wb:
        return True
    if len(wa) != len(wb):
        return False
    return all(x.startswith(y) or y.startswith(x) for x, y in zip(wa, wb, strict=True))


def authors_match(written: str, author: Author) -> bool:
    last, initials = _split_author(written)
    if _fold(last) != _fold(author.last):
        return False
    if initials and author.initials:
        return initials.startswith(author.initials) or author.initials.startswith(initials)
    return True


def attribution_differences(attribution: Attribution, source: Source) -> list[str]:
    """Where the article's attribution disagrees with the registry (fields both know)."""
    out = []
    first = source.first_author
    if attribution.author and first and not authors_match(attribution.author, first):
        out.append(f"author {attribution.author!r} vs {first.short!r}")
    if (
        attribution.journal
        and source.journal
        and not journals_match(attribution.journal, source.journal)
    ):
        out.append(f"journal {attribution.journal!r} vs {source.journal!r}")
    if attribution.year and source.year and attribution.year != source.year:
        out.append(f"year {attribution.year} vs {source.year}")
    return out


def attributions_differ(a: Attribution, b: Attribution) -> list[str]:
    """Fields two articles both give for one source and disagree on."""
    out = []
    if a.author and b.author:
        last_a, ini_a = _split_author(a.author)
        if not authors_match(b.author, Author(last_a, ini_a)):
            out.append("author")
    if a.journal and b.journal and not journals_match(a.journal, b.journal):
        out.append("journal")
    if a.year and b.year and a.year != b.year:
        out.append("year")
    return out


def metadata_differences(a: Source, b: Source) -> list[str]:
    out = []
    if a.first_author and b.first_author and a.first_author != b.first_author:
        out.append("author")
    if a.journal and b.journal and not journals_match(a.journal, b.journal):
        out.append("journal")
    if a.year and b.year and a.year != b.year:
        out.append("year")
    return out


# -- writing (for the importer) ----------------------------------------------------------
def make_entry(
    authors: Iterable[str],
    *,
    et_al: bool = False,
    journal: str | None = None,
    year: str | None = None,
    pmid: str | None = None,
    doi: str | None = None,
    url: str | None = None,
    title: str | None = None,
) -> Entry:
    """A pybtex entry from what an article says; authors as ``"Cheatham SW"``."""
    persons = []
    for name in authors:
        last, initials = _split_author(name)
        persons.append(Person(last=last, first=" ".join(f"{c}." for c in initials)))
    if et_al:
        persons.append(Person("others"))
    fields = {
        k: v
        for k, v in (
            ("title", title),
            ("journal", journal),
            ("year", year),
            ("pmid", pmid),
            ("doi", doi),
            ("url", url or (PUBMED_URL.format(pmid) if pmid else None)),
        )
        if v
    }
    return Entry("article", fields=fields, persons={"author": persons} if persons else None)


def to_bibtex(entries: Mapping[str, Entry]) -> str:
    """BibTeX text for ``entries`` (key -> entry), written by pybtex."""
    return str(BibliographyData(dict(entries)).to_string("bibtex"))
