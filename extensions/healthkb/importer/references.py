"""The source registry (docs/references.bib): add the sources articles cite.

Existing entries are never rewritten, dropped or reordered: the file's bytes stay as they
are and new entries (keyed ``pmid:NNN`` or ``doi:...``) are appended. Entries are written by
the registry's own writer (:func:`healthkb.citations.registry.make_entry` and
:func:`~healthkb.citations.registry.to_bibtex`, pybtex), and each is checked by parsing it.
Fields: author, journal, year, pmid/doi, url (a PubMed link for a PMID); never a title (the
articles do not give one, and the importer does not invent one).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import Entry

from healthkb.citations.bibtex import make_entry, to_bibtex
from healthkb.core.files import write_atomic
from healthkb.importer.files import Shower, read_page
from healthkb.importer.model import Source
from healthkb.importer.results import RegistryResult

_UNSAFE = re.compile(r"[{}\\@\x00-\x1f\x7f]")


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


def _value(text: str) -> str:
    """A field value without BibTeX's special characters or control characters."""
    return " ".join(_UNSAFE.sub("", text).split())


def format_entry(source: Source) -> str:
    """The BibTeX entry of ``source``, as the registry writes it."""
    fields = {k: _value(v) for k, v in source.fields().items() if _value(v)}
    author = fields.get("author")
    entry = make_entry(
        [author] if author else [],
        journal=fields.get("journal"),
        year=fields.get("year"),
        pmid=fields.get("pmid"),
        doi=fields.get("doi"),
        url=fields.get("url"),
    )
    if "journal" not in fields:
        entry = Entry("misc", fields=entry.fields, persons=entry.persons)
    return to_bibtex({source.key: entry})


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


def update_registry(
    path: Path, sources: Iterable[Source], *, dry_run: bool, shown: Shower
) -> RegistryResult:
    """Add ``sources`` to the registry file ``path`` (unless ``dry_run``); what changed."""
    result = RegistryResult(shown(path))
    unique: dict[str, Source] = {}
    batch_conflicts: list[str] = []
    for source in sources:
        first = unique.setdefault(source.key.lower(), source)
        if first is not source and source.author and first.fields() != source.fields():
            mine, theirs = first.fields(), source.fields()
            if any(mine.get(k) != theirs.get(k) for k in ("author", "journal", "year")):
                batch_conflicts.append(
                    f"{source.key}: cited as {source.author}, {source.journal}, {source.year} "
                    f"and as {first.author}, {first.journal}, {first.year}; the first is recorded"
                )
    current = read_page(path)
    try:
        merged = merge(current or "", unique.values())
    except RegistryError as exc:
        result.status = "failed"
        result.errors.append(f"{result.path} cannot be read, so it was left as it is: {exc}")
        return result
    result.added, result.errors = merged.added, merged.errors
    result.conflicts = batch_conflicts + merged.conflicts
    if merged.text == (current or ""):
        return result
    result.status = "created" if current is None else "updated"
    result.diff = "".join(
        difflib.unified_diff(
            (current or "").splitlines(keepends=True),
            merged.text.splitlines(keepends=True),
            fromfile=f"a/{result.path}",
            tofile=f"b/{result.path}",
        )
    )
    if not dry_run:
        try:
            write_atomic(path, merged.text, durable=True)
        except OSError as exc:
            result.status = "failed"
            result.errors.append(f"{result.path}: cannot be written ({exc.strerror})")
    return result
