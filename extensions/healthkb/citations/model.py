"""A source of the registry and its identifiers, as plain data.

Pure Python without Sphinx or pybtex: the registry's parser
(:mod:`healthkb.citations.registry`) makes :class:`Source` objects, the kb domain
stores them as dicts (:meth:`Source.as_dict`), and the extension turns them back
(:meth:`Source.from_dict`). Keys are ``pmid:<digits>`` or ``doi:10.<registrant>/<suffix>``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI_URL = "https://doi.org/{}"
#: Authors listed before "et al." in a formatted reference (Vancouver style).
MAX_AUTHORS = 6

PMID = re.compile(r"\d{1,9}")
DOI = re.compile(r"10\.\d{4,9}/\S+")
YEAR = re.compile(r"\d{4}")


# -- identifiers ---------------------------------------------------------------
def key_problem(key: str) -> str | None:
    """Why ``key`` is not a usable citation key, or None when it is."""
    prefix, sep, ident = key.strip().partition(":")
    if not sep or prefix.lower() not in ("pmid", "doi"):
        return f"{key!r} is not a citation key: use pmid:<digits> or doi:10.<registrant>/<suffix>"
    if prefix.lower() == "pmid" and not PMID.fullmatch(ident):
        return f"{key!r} is a malformed PMID: a PMID is 1 to 9 digits"
    if prefix.lower() == "doi" and not DOI.fullmatch(ident):
        return f"{key!r} is a malformed DOI: a DOI looks like 10.1234/suffix"
    return None


def canonical_key(key: str) -> str:
    """``PMID:123`` -> ``pmid:123``; DOIs are case-insensitive, so lower-cased."""
    prefix, _, ident = key.strip().partition(":")
    prefix = prefix.lower()
    return f"{prefix}:{ident.lower() if prefix == 'doi' else ident}"


# -- data ------------------------------------------------------------------------
@dataclass(frozen=True)
class Author:
    last: str
    initials: str = ""

    @property
    def short(self) -> str:
        """Vancouver style: ``Cheatham SW``."""
        return f"{self.last} {self.initials}".strip()


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
