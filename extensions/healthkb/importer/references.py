"""The source registry (docs/references.bib): add the sources articles cite.

Existing entries are never rewritten, dropped or reordered: the file's bytes stay as they
are and new entries (keyed ``pmid:NNN`` or ``doi:...``) are appended, each checked by
parsing it with pybtex. Fields: author, journal, year, pmid/doi, url; never a title (the
articles do not give one, and the importer does not invent one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from healthkb.importer.model import Source

_INITIALS = re.compile(r"^(?P<last>\S.*?)\s+(?P<initials>[A-Z]{1,3})$")
_UNSAFE = re.compile(r"[{}\\@\x00-\x1f\x7f]")
FIELD_ORDER = ("author", "journal", "year", "pmid", "doi", "url")


class RegistryError(Exception):
    """The registry cannot be read; it is left untouched."""


@dataclass
class Merge:
    text: str
    added: list[str] = field(default_factory=list)
    #: Sources whose details differ from the registry's entry (the registry wins).
    conflicts: list[str] = field(default_factory=list)
    #: Sources that could not be written.
    errors: list[str] = field(default_factory=list)


def bibtex_author(author: str) -> str:
    """ "Cheatham SW" (PubMed style) -> "Cheatham, SW" (BibTeX: last name, initials)."""
    match = _INITIALS.match(author.strip())
    if match:
        return f"{match.group('last')}, {match.group('initials')}"
    return author.strip()


def _value(text: str) -> str:
    return " ".join(_UNSAFE.sub("", text).split())


def format_entry(source: Source) -> str:
    fields = source.fields()
    if "author" in fields:
        fields["author"] = bibtex_author(fields["author"])
    entry_type = "article" if "journal" in fields else "misc"
    lines = [f"@{entry_type}{{{source.key},"]
    for name in FIELD_ORDER:
        if name in fields and _value(fields[name]):
            lines.append(f"  {name} = {{{_value(fields[name])}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _parse(text: str) -> dict[str, dict[str, str]]:
    from pybtex.database import parse_string
    from pybtex.exceptions import PybtexError

    try:
        data = parse_string(text, "bibtex")
    except PybtexError as exc:
        raise RegistryError(str(exc)) from None
    except Exception as exc:  # pybtex raises plain errors on some malformed input
        raise RegistryError(f"{type(exc).__name__}: {exc}") from None
    out: dict[str, dict[str, str]] = {}
    for key, entry in data.entries.items():
        fields = {k.lower(): str(v) for k, v in entry.fields.items()}
        persons = entry.persons.get("author")
        if persons:
            fields["author"] = " and ".join(str(p) for p in persons)
        out[key.lower()] = fields
    return out


def merge(existing: str, sources: Iterable[Source]) -> Merge:
    """The registry text with ``sources`` added (existing text kept byte for byte)."""
    known = _parse(existing) if existing.strip() else {}
    result = Merge(existing)
    new_entries: list[str] = []
    for source in sources:
        key = source.key.lower()
        if key in known:
            _compare(source, known[key], result)
            continue
        entry = format_entry(source)
        try:
            parsed = _parse(entry)
        except RegistryError as exc:
            result.errors.append(f"{source.key}: not written ({exc})")
            continue
        if key not in parsed:
            result.errors.append(f"{source.key}: not written (the key is not valid BibTeX)")
            continue
        known[key] = parsed[key]
        new_entries.append(entry)
        result.added.append(source.key)
    if new_entries:
        text = existing
        if text and not text.endswith("\n"):
            text += "\n"
        if text.strip():
            text += "\n"
        result.text = text + "\n".join(new_entries)
    return result


def _compare(source: Source, entry: dict[str, str], result: Merge) -> None:
    mine = source.fields()
    differences = []
    if mine.get("year") and entry.get("year") and mine["year"] != entry["year"]:
        differences.append(f"year {mine['year']} (registry: {entry['year']})")
    if (
        mine.get("journal")
        and entry.get("journal")
        and _norm(mine["journal"]) != _norm(entry["journal"])
    ):
        differences.append(f"journal {mine['journal']!r} (registry: {entry['journal']!r})")
    if mine.get("author") and entry.get("author"):
        surname = mine["author"].split()[0].lower()
        if surname not in entry["author"].lower():
            differences.append(f"author {mine['author']!r} (registry: {entry['author']!r})")
    if differences:
        result.conflicts.append(
            f"{source.key}: the article says " + ", ".join(differences) + "; the registry is kept"
        )


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
