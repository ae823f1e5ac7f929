"""How articles name their sources, compared with the registry and with each other.

An article may write ``{cite}`Cheatham SW, International Journal ..., 2015 <pmid:26618062>```:
the attribution before the key is parsed here and compared field by field (first
author, journal allowing NLM abbreviations, year). Pure Python without Sphinx.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from healthkb.citations.model import YEAR, Author, Source


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split())


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
    year = parts.pop() if parts and YEAR.fullmatch(parts[-1]) else None
    author = _ET_AL.sub("", parts.pop(0)) if parts else None
    journal = ", ".join(parts) or None
    return Attribution(author=author or None, journal=journal, year=year)


def split_author(text: str) -> tuple[str, str]:
    """``Cheatham SW`` -> (``Cheatham``, ``SW``); a name without initials is all last name."""
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
    last, initials = split_author(written)
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
        last_a, ini_a = split_author(a.author)
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
