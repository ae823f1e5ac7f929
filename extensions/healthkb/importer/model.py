"""The Article model: what every source shape is parsed into, and what the writer writes.

Plain dataclasses, no Sphinx and no markup: text lives in :class:`Text` spans and is
escaped only when the writer turns the model into MyST.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# -- inline spans -------------------------------------------------------------


@dataclass
class Text:
    text: str


@dataclass
class Strong:
    children: list[Inline]


@dataclass
class Emph:
    children: list[Inline]


@dataclass
class Link:
    children: list[Inline]
    #: An absolute http(s)/mailto URL, or a page of the knowledge base (``internal``).
    url: str
    #: For internal links: the target page's path relative to the docs folder
    #: (``articles/slug.md``), and an optional ``#fragment``.
    internal: str = ""


@dataclass
class Cite:
    """A citation of one source of the registry (``pmid:NNN`` or ``doi:...``)."""

    label: str
    key: str


@dataclass
class NeedsSource:
    """A study named without an identifier: shown as it is, marked "source needed"."""

    phrase: str


Inline = Text | Strong | Emph | Link | Cite | NeedsSource

# -- blocks -------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    children: list[Inline]
    line: int = 0


@dataclass
class Paragraph:
    children: list[Inline]
    line: int = 0


@dataclass
class ListBlock:
    items: list[list[Inline]]
    ordered: bool = False
    start: int = 1
    line: int = 0


@dataclass
class Quote:
    children: list[Inline]
    line: int = 0


@dataclass
class DoDont:
    """A do/don't list (NHS style): two headed lists."""

    do: list[list[Inline]]
    dont: list[list[Inline]]
    line: int = 0


@dataclass
class FAQ:
    question: str
    answer: list[Block]
    name: str = ""
    line: int = 0


SafetyLevel = Literal["caution", "professional", "urgent"]
SAFETY_LEVELS: tuple[str, ...] = ("caution", "professional", "urgent")


@dataclass
class Safety:
    title: str
    level: SafetyLevel
    rule: str
    body: list[Block]
    name: str = ""
    line: int = 0


Block = Heading | Paragraph | ListBlock | Quote | DoDont | FAQ | Safety

# -- sources, report, article ------------------------------------------------------


@dataclass
class Source:
    """A source an article cites, as recorded in docs/references.bib."""

    key: str
    author: str = ""
    journal: str = ""
    year: str = ""
    pmid: str = ""
    doi: str = ""
    url: str = ""
    line: int = 0

    def fields(self) -> dict[str, str]:
        """The BibTeX fields this source knows (never a title: the articles do not give one)."""
        out = {
            "author": self.author,
            "journal": self.journal,
            "year": self.year,
            "pmid": self.pmid,
            "doi": self.doi,
            "url": self.url,
        }
        return {k: v for k, v in out.items() if v}


@dataclass
class Removed:
    """Text of the source that is not in the page, and why."""

    kind: str
    line: int
    text: str


@dataclass
class Note:
    line: int | None
    message: str


@dataclass
class Report:
    #: Furniture and other text left out of the page (each with its exact source text).
    removed: list[Removed] = field(default_factory=list)
    #: Front matter fields the source does not provide.
    unknown: list[str] = field(default_factory=list)
    #: Problems a maintainer should look at.
    warnings: list[Note] = field(default_factory=list)
    #: What the importer changed or recovered (structure, links, citations).
    notes: list[Note] = field(default_factory=list)

    def remove(self, kind: str, line: int, text: str) -> None:
        self.removed.append(Removed(kind, line, text))

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(Note(line, message))

    def note(self, line: int | None, message: str) -> None:
        self.notes.append(Note(line, message))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


#: Front matter the design lists beyond the title; what a source lacks is reported.
DESIGN_FIELDS = (
    "summary",
    "source_url",
    "published",
    "tags",
    "reviewed",
    "review_due",
    "reviewed_by",
)


@dataclass
class Article:
    shape: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    summary: str = ""
    source_url: str = ""
    published: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    #: Trust and review metadata the source provides (reviewed, review_due, reviewed_by).
    extra: dict[str, str] = field(default_factory=dict)
    #: Acknowledged findings written into front matter (``kb_acknowledge``) by curation.
    acknowledge: list[dict[str, str]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    #: Line of the title in the source file.
    line: int = 1

    def missing_fields(self) -> list[str]:
        """Front matter fields of the design that this article does not provide."""
        present = {
            "summary": bool(self.summary),
            "source_url": bool(self.source_url),
            "published": self.published is not None,
            "tags": bool(self.tags),
            **{key: bool(self.extra.get(key)) for key in ("reviewed", "review_due", "reviewed_by")},
        }
        return [key for key in DESIGN_FIELDS if not present[key]]

    @property
    def section(self) -> str:
        """The docs folder the page belongs in."""
        return "answers" if self.shape == "answers" else "articles"


class ImportRefused(Exception):
    """A file the importer refuses, with the reason (and the line where it makes sense)."""

    def __init__(self, message: str, *, line: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"
