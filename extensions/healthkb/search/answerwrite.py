"""Write the answer index (:mod:`healthkb.search.answerindex`) at the end of an HTML build.

The index is made from the environment (every searchable page's records, title, address
and tags), so it covers every page after an incremental build too. A build whose pages
give the same index as the last one (a digest of them in the doctree folder) writes
nothing; otherwise the files are written into a new folder that then replaces
``kb-index/``, so the search page never reads half an index. A failed build publishes
nothing, and an index that cannot be written is a ``search-index`` finding naming the
file: the last index stays, and the next build writes it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from healthkb.search import answerindex
from healthkb.search.answerindex import build_index, dumps
from healthkb.search.documents import FACETS, SearchPage, search_pages

logger = logging.getLogger(__name__)

#: ``kb_search_engine``: the answer index serves the site's search.
ENGINE = "kb"
#: The index's folder in the output.
OUTPUT = "kb-index"
#: In the doctree folder: the digest of the pages the published index was made from.
STAMP = "kb-index.sha256"


def _maker_digest() -> str:
    """The digest of the code that makes the index: a change of it writes the index again."""
    return hashlib.sha256(Path(answerindex.__file__).read_bytes()).hexdigest()


def _publish(pages: list[SearchPage], out: Path) -> None:
    """Write the index of ``pages`` beside ``out``, then put it in its place. Raises OSError,
    naming the file, when a file cannot be written; then ``out`` is the last index."""
    files = build_index(pages, FACETS)
    tmp = out.with_name(f"{OUTPUT}.tmp")
    try:
        for name, data in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dumps(data), encoding="utf-8")
        # The synonyms are written by their own handler (they change without any page read).
        query = out / "query.json"
        if query.is_file():
            shutil.copy2(query, tmp / "query.json")
        old = out.with_name(f"{OUTPUT}.old")
        if out.exists():
            out.rename(old)
        try:
            tmp.rename(out)
        except OSError:
            if old.exists():
                old.rename(out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_answer_index(app: Sphinx, exception: Exception | None) -> None:
    """At the end of an HTML build with the kb search page: ``kb-index/``."""
    if exception is not None or app.builder.name != "html":
        return
    if app.config.kb_search_engine != ENGINE:
        return
    start = time.perf_counter()
    out = Path(app.outdir) / OUTPUT
    # What a build stopped while it published its index (Ctrl-C: no build-finished) left.
    for name in (f"{OUTPUT}.tmp", f"{OUTPUT}.old"):
        shutil.rmtree(out.with_name(name), ignore_errors=True)
    pages = search_pages(app)
    digest = hashlib.sha256(
        json.dumps([_maker_digest(), pages], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    stamp = Path(app.doctreedir) / STAMP
    try:
        if stamp.read_text(encoding="utf-8").strip() == digest and (out / "meta.json").is_file():
            logger.info("search index: %d pages, nothing changed; the index is kept", len(pages))
            return
    except OSError:
        pass
    try:
        _publish(pages, out)
    except OSError as err:
        stamp.unlink(missing_ok=True)
        logger.warning(
            "%s: the search index could not be written (%s); search shows the last index "
            "until a build writes it",
            err.filename or out,
            err.strerror or err,
            type="kb",
            subtype="search-index",
        )
        return
    stamp.write_text(digest + "\n", encoding="utf-8")
    records = json.loads((out / "meta.json").read_text(encoding="utf-8"))["records"]
    logger.info(
        "search index: %d pages (%d records) in %.1f s",
        len(pages),
        records,
        time.perf_counter() - start,
    )
