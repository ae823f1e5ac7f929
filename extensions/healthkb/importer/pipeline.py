"""Import files into a docs folder: pages, the source registry, and what happened to each file.

Safe to re-run:

- the same input gives byte-identical pages (no timestamps; sorted, stable output);
- a page records ``import_sha256``, the hash of the page as imported; a page whose text no
  longer matches it was edited by a maintainer and is skipped unless ``force``;
- every write goes to a temporary file in the same folder, then ``os.replace``: a page is
  either the old one or the new one, never half written;
- ``dry_run`` computes everything (diffs included) and writes nothing.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthkb.core.files import write_atomic
from healthkb.core.ids import page_slug
from healthkb.importer import curation as curation_mod
from healthkb.importer.convert import DEFAULT_ORIGIN, convert
from healthkb.importer.detect import SHAPE_NAMES
from healthkb.importer.files import (
    SOURCE_URL,
    Shower,
    front_matter,
    known_pages,
    read_page,
    shower,
    shown_page,
    url_path,
)
from healthkb.importer.links import canonical_path, resolve_links
from healthkb.importer.model import Article, ImportRefused, Source
from healthkb.importer.references import update_registry
from healthkb.importer.results import FileResult, RegistryResult, RunResult
from healthkb.importer.safety import project_rules
from healthkb.importer.writer import page_hash, recorded_hash, render
from healthkb.language.matcher import SafetyMatcher

__all__ = ["FileResult", "RegistryResult", "RunResult", "render_file", "run_import"]

SOURCE_SUFFIXES = (".txt", ".md", ".markdown", ".text")
REGISTRY = "references.bib"


# -- the run ---------------------------------------------------------------------------------


@dataclass
class _Planned:
    result: FileResult
    article: Article
    page: str  # docs-relative


def run_import(
    paths: Sequence[Path],
    *,
    into: Path,
    origin: str = DEFAULT_ORIGIN,
    dry_run: bool = False,
    force: bool = False,
    curation: curation_mod.Curation | None = None,
    display: Path | None = None,
    rules: SafetyMatcher | None = None,
) -> RunResult:
    """Import ``paths`` (files or folders) into the docs folder ``into``; safety cards take
    their rule ids from ``rules`` (default: the project's safety rules)."""
    run = RunResult(dry_run=dry_run)
    rules = project_rules() if rules is None else rules
    shown = shower(display)
    planned: list[_Planned] = []
    taken: dict[str, str] = {}  # docs-relative page -> source that claimed it

    files = [(shown(path), path) for path in expand(paths, run, shown)]
    for name, article in _converted(files, origin, rules):
        if isinstance(article, str):
            run.files.append(FileResult(name, "refused", message=article))
            continue
        slug = page_slug(article.source_url, article.title)
        if not slug:
            run.files.append(
                FileResult(
                    name,
                    "refused",
                    shape=article.shape,
                    message=f"{name}: neither the source URL nor the title gives a page name",
                )
            )
            continue
        pages = [(slug, article)]
        if curation is not None:
            pages += curation_mod.apply(curation, slug, article)
        for index, (page_name, page_article) in enumerate(pages):
            page = f"{page_article.section}/{page_name}.md"
            label = name if index == 0 else f"{name} (split by curation)"
            if page in taken:
                run.files.append(
                    FileResult(
                        label,
                        "refused",
                        page=shown_page(into, page, shown),
                        shape=page_article.shape,
                        message=(
                            f"{label}: its page name {page_name!r} is already taken by "
                            f"{taken[page]} in this import; give one of them another URL or title"
                        ),
                    )
                )
                continue
            taken[page] = label
            result = FileResult(
                label, "", page=shown_page(into, page, shown), shape=page_article.shape
            )
            planned.append(_Planned(result, page_article, page))

    known = known_pages(into)
    # A page split off by curation shares its article's URL: links go to the article.
    for item in planned:
        if item.result.source.endswith("(split by curation)"):
            continue
        if item.article.source_url:
            known[canonical_path(url_path(item.article.source_url))] = item.page

    cited: list[Source] = []
    written = _written(planned, into=into, origin=origin, known=known, dry_run=dry_run, force=force)
    for item, result in zip(planned, written, strict=True):
        item.result = result
        run.files.append(result)
        if result.status in ("created", "updated", "unchanged"):
            cited.extend(item.article.sources)
    run.registry = update_registry(into / REGISTRY, cited, dry_run=dry_run, shown=shown)
    return run


#: From this many files on, articles are converted and written in worker processes (one
#: per core).
PARALLEL_FROM = 64


def _convert_one(job: tuple[str, Path, str, SafetyMatcher]) -> Article | str:
    """The article of one file, or why it is refused (a message naming the file)."""
    name, path, origin, rules = job
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"{name}: {exc.strerror}"
    try:
        return convert(data, path=name, origin=origin, rules=rules)
    except ImportRefused as exc:
        return str(exc)
    except Exception as exc:  # a bug must not leave a traceback or half an import
        return f"{name}: internal error ({exc!r})"


def _converted(
    files: list[tuple[str, Path]], origin: str, rules: SafetyMatcher
) -> Iterable[tuple[str, Article | str]]:
    """(name, article or refusal) of every file, in order. Converting is pure and takes
    most of an import, so a large import converts in one worker process per core."""
    jobs = [(name, path, origin, rules) for name, path in files]
    cores = _pool_size(len(jobs))
    if not cores:
        return zip([name for name, _ in files], map(_convert_one, jobs), strict=True)
    import multiprocessing

    # fork: the workers need nothing but this module, already imported.
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        results = pool.map(_convert_one, jobs, chunksize=max(1, len(jobs) // (cores * 8)))
    return zip([name for name, _ in files], results, strict=True)


def _pool_size(jobs: int) -> int:
    """Worker processes for ``jobs`` files: one per core, none for a small import."""
    cores = os.cpu_count() or 1
    return 0 if jobs < PARALLEL_FROM or cores < 2 else cores


#: What the page-writing workers share (set before they are forked).
_WRITING: dict[str, Any] = {}


def _write_one(index: int) -> FileResult:
    """Render and write one planned page (in a worker); its result."""
    item: _Planned = _WRITING["planned"][index]
    try:
        _write_page(item, **_WRITING["options"])
    except Exception as exc:  # a bug must not leave a traceback or half an import
        item.result.status = "refused"
        item.result.message = f"{item.result.source}: internal error ({exc!r})"
    return item.result


def _written(planned: list[_Planned], **options: Any) -> list[FileResult]:
    """The result of writing every planned page, in order. Rendering a page, comparing it
    with the page on disk and writing it are independent of the other pages, so a large
    import writes in one worker process per core too."""
    _WRITING.update(planned=planned, options=options)
    try:
        cores = _pool_size(len(planned))
        if not cores:
            return [_write_one(index) for index in range(len(planned))]
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(cores) as pool:
            chunk = max(1, len(planned) // (cores * 8))
            return pool.map(_write_one, range(len(planned)), chunksize=chunk)
    finally:
        _WRITING.clear()


def expand(paths: Sequence[Path], run: RunResult, shown: Shower) -> list[Path]:
    """Files to import: the files named, and the article files found in folders named."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SOURCE_SUFFIXES
                and not p.name.lower().startswith("readme")
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                run.files.append(
                    FileResult(
                        shown(path), "refused", message=f"{shown(path)}: no article files in it"
                    )
                )
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            run.files.append(
                FileResult(shown(path), "refused", message=f"{shown(path)}: no such file or folder")
            )
    return out


def _write_page(
    item: _Planned,
    *,
    into: Path,
    origin: str,
    known: dict[str, str],
    dry_run: bool,
    force: bool,
) -> None:
    result = item.result
    article = item.article  # rendered once: resolving its links in place is fine
    resolve_links(article, origin=origin, page=item.page, known=known)
    result.report = article.report
    result.sources = [s.key for s in article.sources]
    text = render(article)
    target = into / item.page
    current = read_page(target)
    shape = SHAPE_NAMES.get(article.shape, article.shape)
    if current is None:
        result.status = "created"
        result.message = f"new page ({shape})"
    elif current == text:
        result.status = "unchanged"
        result.message = "the page already holds this import"
        return
    else:
        other = SOURCE_URL.search(front_matter(current))
        if other and article.source_url and other.group("url") != article.source_url and not force:
            result.status = "refused"
            result.message = (
                f"{result.source}: {result.page} already holds the article from "
                f"{other.group('url')}, not {article.source_url}; rename one (or --force)"
            )
            return
        recorded = recorded_hash(current)
        edited = recorded is None or recorded != page_hash(current)
        if edited and not force:
            result.status = "skipped"
            result.message = (
                "edited since it was imported (its text no longer matches its import_sha256); "
                "kept as it is. --force overwrites it"
                if recorded is not None
                else "not written by the importer (no import_sha256); kept. --force overwrites it"
            )
            return
        result.status = "updated"
        result.message = (
            "maintainer edits overwritten (--force)" if edited else f"re-imported ({shape})"
        )
    result.diff = "".join(
        difflib.unified_diff(
            (current or "").splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"a/{result.page}" if current is not None else "/dev/null",
            tofile=f"b/{result.page}",
        )
    )
    if dry_run:
        return
    try:
        write_atomic(target, text, durable=True)
    except OSError as exc:
        result.status = "refused"
        result.message = f"{result.page}: cannot be written ({exc.strerror})"


# -- files -----------------------------------------------------------------------------------


def render_file(
    data: bytes | str,
    *,
    path: str = "<input>",
    origin: str = DEFAULT_ORIGIN,
    known: dict[str, str] | None = None,
    rules: SafetyMatcher | None = None,
) -> tuple[Article, str, str]:
    """(article, docs-relative page, page text) for one source, outside of any docs folder."""
    article = convert(data, path=path, origin=origin, rules=rules)
    page = f"{article.section}/{page_slug(article.source_url, article.title)}.md"
    resolve_links(article, origin=origin, page=page, known=known or {})
    return article, page, render(article)
