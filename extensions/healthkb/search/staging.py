"""The folder of documents Pagefind indexes for each bundle, kept between builds.

Pagefind indexes a folder of one HTML document per page. Each bundle's folder is kept
in the doctree folder (``kb-pagefind/stage-<n>/``): one HTML file per page, named after
it, the word counts of its records beside it (WORDS_SUFFIX), and which page digest each
was made from (STAGED). An edit makes and writes the edited pages' files only; Pagefind
then indexes the folder as it is.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sphinx.application import Sphinx

from healthkb.core.files import write_atomic
from healthkb.search.bundles import PageDigest
from healthkb.search.documents import IndexPage, index_page
from healthkb.search.words import word_counts

STAGE_PREFIX = "stage-"
STAGED = "kb-staged.json"
WORDS_SUFFIX = ".words.json"


def _words_file(folder: Path, docname: str) -> Path:
    return folder / f"{docname}{WORDS_SUFFIX}"


def _staged(folder: Path) -> dict[str, str]:
    """Docname -> the digest its staged files were made from (empty when unreadable)."""
    try:
        staged = json.loads((folder / STAGED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return staged if isinstance(staged, dict) else {}


def stage(app: Sphinx, folder: Path, pages: list[PageDigest], made: dict[str, IndexPage]) -> None:
    """Make ``folder`` hold exactly the Pagefind documents of ``pages``: the files of pages
    whose digest changed are made again, any other file goes. At 1,000 articles an edit no
    longer makes the ~250 documents of its bundle (0.1 s before Pagefind can start) nor
    counts their words (0.2 s). ``made``: documents made already in this build (see
    :func:`healthkb.search.bundles.page_digests`)."""
    staged = _staged(folder)
    wanted = {page.docname for page in pages}
    keep = {STAGED} | {f"{d}.html" for d in wanted} | {f"{d}{WORDS_SUFFIX}" for d in wanted}
    if folder.is_dir():
        for path in [p for p in folder.rglob("*") if p.is_file()]:
            if path.relative_to(folder).as_posix() not in keep:
                path.unlink()
    fresh: dict[str, str] = {}
    for page in pages:
        html_file = folder / f"{page.docname}.html"
        words_file = _words_file(folder, page.docname)
        if staged.get(page.docname) != page.digest or not (
            html_file.is_file() and words_file.is_file()
        ):
            # The page's digest is that of this document (see page_digests).
            document = made.get(page.docname) or index_page(app, page.docname)
            if document is None:  # a page with a digest has a document; defensively
                continue
            write_atomic(html_file, document.html)
            write_atomic(words_file, json.dumps(word_counts(document.records), sort_keys=True))
        fresh[page.docname] = page.digest
    if fresh != staged:
        write_atomic(folder / STAGED, json.dumps(fresh, sort_keys=True))


def staged_words(app: Sphinx, folder: Path, pages: list[PageDigest]) -> Counter[str]:
    """The word counts of the records of ``pages``, from their staged files (a page whose
    file is missing, unreadable or of another digest is counted from its document)."""
    staged = _staged(folder)
    total: Counter[str] = Counter()
    for page in pages:
        if staged.get(page.docname) == page.digest:
            try:
                counts = json.loads(_words_file(folder, page.docname).read_text(encoding="utf-8"))
                if isinstance(counts, dict):
                    total.update(counts)
                    continue
            except (OSError, ValueError):
                pass
        document = index_page(app, page.docname)
        if document is not None:
            total.update(word_counts(document.records))
    return total
