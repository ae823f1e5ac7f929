"""Write the answer index (:mod:`healthkb.search.answerindex`) at the end of an HTML build.

The index is made from the environment (every searchable page's records, title, address
and tags), so it covers every page after an incremental build too. A build whose pages
give the same index as the last one (a digest of them in the doctree folder) writes
nothing; otherwise the files are written into a new folder that then replaces
``kb-index/`` (a failed build publishes nothing: the last index stays).
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
from healthkb.search.documents import FACETS, search_pages

logger = logging.getLogger(__name__)

#: The index's folder in the output.
OUTPUT = "kb-index"
#: In the doctree folder: the digest of the pages the published index was made from.
STAMP = "kb-index.sha256"


def _maker_digest() -> str:
    """The digest of the code that makes the index: a change of it writes the index again."""
    return hashlib.sha256(Path(answerindex.__file__).read_bytes()).hexdigest()


def write_answer_index(app: Sphinx, exception: Exception | None) -> None:
    """At the end of an HTML build with the kb search page: ``kb-index/``."""
    if exception is not None or app.builder.name != "html":
        return
    if app.config.kb_search_engine != "pagefind":
        return
    start = time.perf_counter()
    pages = search_pages(app)
    digest = hashlib.sha256(
        json.dumps([_maker_digest(), pages], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    out = Path(app.outdir) / OUTPUT
    stamp = Path(app.doctreedir) / STAMP
    try:
        if stamp.read_text(encoding="utf-8").strip() == digest and (out / "meta.json").is_file():
            return
    except OSError:
        pass
    files = build_index(pages, FACETS)
    tmp = out.with_name(f"{OUTPUT}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for name, data in files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(data), encoding="utf-8")
    # The synonyms are written by their own handler (they change without any page read).
    query = out / "query.json"
    if query.is_file():
        shutil.copy2(query, tmp / "query.json")
    old = out.with_name(f"{OUTPUT}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    stamp.write_text(digest + "\n", encoding="utf-8")
    records = json.loads((out / "meta.json").read_text(encoding="utf-8"))["records"]
    logger.info(
        "search index: %d pages (%d records) in %.1f s",
        len(pages),
        records,
        time.perf_counter() - start,
    )
