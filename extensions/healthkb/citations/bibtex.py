"""Writing registry entries as BibTeX (for the importer), with pybtex.

Pure Python without Sphinx: an imported article's named studies become entries
of ``docs/references.bib``, written by pybtex rather than by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pybtex.database import BibliographyData, Entry, Person

from healthkb.citations.attribution import split_author
from healthkb.citations.model import PUBMED_URL


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
        last, initials = split_author(name)
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
