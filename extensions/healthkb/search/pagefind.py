"""Index the search records with Pagefind at the end of an HTML build.

Each site page becomes one Pagefind page, made from the page's search records
(:mod:`healthkb.search.documents`). Pagefind ranks pages; the search page
(``static/kb-search.js``) then scores the sections, FAQ items and cards of the
best pages from Pagefind's word locations and links each to ``page.html#id``.
``kb-common-words.json`` lists the words in more than a share of the records,
which the search page leaves out of queries with rarer words
(:mod:`healthkb.search.words`); ``kb-words.json`` every word with its count, the
dictionary the search page corrects misspelled words with
(:mod:`healthkb.search.vocabulary`).

A large site is indexed as several bundles, each rebuilt only when the pages fed
to it changed (:mod:`healthkb.search.bundles`), one Pagefind process per core
(:mod:`healthkb.search.runner`), each over a folder of documents kept in the
doctree folder, where an edit writes the edited page's files only
(:mod:`healthkb.search.staging`).
A single bundle to write (an edit) is indexed as soon as every page is read (the index
is made from the environment, not from the written HTML), at a lower priority, beside
the writing of the pages; more bundles (a first build) are indexed once the pages are
written, when the writers' memory is free. The new bundles are published when the build
is done, and not at all if it fails.
At 1,000 articles (4 bundles) an edit of one article re-indexes about 250 pages
instead of 1,012, and no Pagefind process holds more than a quarter of the site.
The pages are taken from the environment on every build, so the index always
covers every page, also after an incremental build that rewrote only some of them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from healthkb.search.bundles import (
    ENTRY,
    MANIFEST,
    PAGES_STAMP,
    SHARD_PREFIX,
    SITE_STAMP,
    STAMPS,
    TMP_PREFIX,
    bundle_dir,
    entry_ok,
    index_digest,
    page_digests,
    publish,
    remove_unused,
    shards,
    site_digest,
    unchanged,
)
from healthkb.search.documents import IndexPage
from healthkb.search.runner import index_shard
from healthkb.search.staging import STAGE_PREFIX, stage, staged_words
from healthkb.search.vocabulary import WORDS, dictionary
from healthkb.search.words import COMMON, bundle_words, common_from

logger = logging.getLogger(__name__)

OUTPUT = "pagefind"


#: At most this many bundles to write are indexed beside the writing of the pages; more
#: (a first build, a large change) are indexed once the pages are written: on two cores
#: the writers leave Pagefind no idle time then, and memory would hold both at once.
BESIDE_WRITING = 1


class _Indexing:
    """The indexing of one build: started once the pages are read (the index is made from
    the environment, not from the written HTML), finished when the build is."""

    def __init__(self, app: Sphinx) -> None:
        self.start = time.perf_counter()
        self.root = Path(app.outdir) / OUTPUT
        self.stamps = Path(app.doctreedir) / STAMPS
        self.language = (app.config.language or "en").split("_")[0]
        self.site = site_digest(app, self.language)
        self.running: list[subprocess.Popen[str]] = []
        self.pool: ThreadPoolExecutor | None = None
        self.errors: list[Future[str | None]] = []
        self.kept = self._all_kept()
        if self.kept:  # nothing read since the last indexing (a no-op build)
            self.pages, self.groups, self.stale = [], [], []
            return
        (self.stamps / SITE_STAMP).unlink(missing_ok=True)
        self.app = app
        self.made: dict[str, IndexPage] = {}
        self.pages = page_digests(app, self.stamps / PAGES_STAMP, self.made)
        self.groups = shards(self.pages, int(app.config.kb_search_shard_pages))
        count = len(self.groups)
        self.digests = [
            index_digest(group, self.language, k, count) for k, group in enumerate(self.groups)
        ]
        self.stale = [
            k
            for k, group in enumerate(self.groups)
            if (group or k == 0)
            and not unchanged(self._bundle(k), self.stamps / f"{k}.sha256", self.digests[k])
        ]
        self.root.mkdir(parents=True, exist_ok=True)
        for path in self.root.glob(f"{TMP_PREFIX}*"):  # left by an interrupted build
            shutil.rmtree(path, ignore_errors=True)
        if len(self.stale) > BESIDE_WRITING:
            # Indexed after the writing (a first build): the documents are made again then,
            # rather than held in memory while the pages are written.
            self.made.clear()
        if not self.stale:
            return
        self.stamps.mkdir(parents=True, exist_ok=True)
        for k in self.stale:
            (self.stamps / f"{k}.sha256").unlink(missing_ok=True)

    def _all_kept(self) -> bool:
        """The last indexing was of exactly these pages as read, and its bundles are whole."""
        try:
            recorded = (self.stamps / SITE_STAMP).read_text(encoding="utf-8").strip()
            merged = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        bundles = [self.root, *(self.root / str(name) for name in merged)]
        return (
            bool(self.site)
            and recorded == self.site
            and (self.root / COMMON).is_file()
            and (self.root / WORDS).is_file()
            and all(entry_ok(bundle / ENTRY) for bundle in bundles)
        )

    def launch(self) -> None:
        """Start Pagefind on the bundles to write (once)."""
        if self.pool is not None or not self.stale:
            return
        # Bundles are written side by side, one per core.
        self.pool = ThreadPoolExecutor(
            max_workers=max(1, min(len(self.stale), os.cpu_count() or 1))
        )
        # Each bundle starts as soon as its documents are staged.
        for k in self.stale:
            stage(self.app, self._staging(k), self.groups[k], self.made)
            self.errors.append(
                self.pool.submit(
                    index_shard, self._staging(k), self._tmp(k), self.language, self.running
                )
            )

    def _staging(self, shard: int) -> Path:
        return self.stamps / f"{STAGE_PREFIX}{shard}"

    def _bundle(self, shard: int) -> Path:
        return bundle_dir(self.root, shard)

    def _tmp(self, shard: int) -> Path:
        # Named for this indexing: a Pagefind run of a build stopped by Ctrl-C (which Sphinx
        # reports to no build-finished handler) may still be writing its own folder.
        return self.root / f"{TMP_PREFIX}{os.getpid()}-{id(self)}-{shard}"

    def cancel(self) -> None:
        """The build failed: stop Pagefind and publish nothing (the last bundles stay)."""
        for proc in list(self.running):
            proc.kill()
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        for k in self.stale:
            shutil.rmtree(self._tmp(k), ignore_errors=True)

    def finish(self) -> None:
        """Publish the bundles written, then the site's own files."""
        if self.kept:
            logger.info("pagefind: no page read since the last indexing; the index is kept")
            return
        self.launch()
        count = len(self.groups)
        # While Pagefind runs: the words the search page leaves out of queries (from each
        # bundle's word counts, kept beside its digest).
        texts = sum(page.records for page in self.pages)
        common = words = None
        if self.stale or not all((self.root / name).is_file() for name in (COMMON, WORDS)):
            total: Counter[str] = Counter()
            for k in range(count):
                cache = self.stamps / f"{k}.words.json"
                counts = partial(staged_words, self.app, self._staging(k), self.groups[k])
                total.update(bundle_words(counts, cache, k in self.stale))
            common = json.dumps(common_from(total, texts)) + "\n"
            words = json.dumps(dictionary(total), separators=(",", ":")) + "\n"
        failed = False
        for k, future in zip(self.stale, self.errors, strict=True):
            error = future.result()
            if error is None:
                publish(self._tmp(k), self._bundle(k), k)
                (self.stamps / f"{k}.sha256").write_text(self.digests[k] + "\n", encoding="utf-8")
                continue
            failed = True
            shutil.rmtree(self._tmp(k), ignore_errors=True)
            logger.warning(
                "Pagefind could not index the pages of search bundle %d of %d: %s; "
                "search does not find them until a build indexes them",
                k + 1,
                count,
                error,
                type="kb",
                subtype="search-index",
            )
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        # Folders a stopped build's Pagefind left (this indexing's are published by now).
        for path in self.root.glob(f"{TMP_PREFIX}*"):
            shutil.rmtree(path, ignore_errors=True)
        # Bundles (and their staged documents) of a larger site, or of shards left empty, go.
        used = {k for k, group in enumerate(self.groups) if group}
        remove_unused(self.root, SHARD_PREFIX, used - {0})
        remove_unused(self.stamps, STAGE_PREFIX, used)
        # The site's own files: the common words, the bundles merged into the first.
        merged = [
            f"{SHARD_PREFIX}{k}/" for k in range(1, count) if entry_ok(self._bundle(k) / ENTRY)
        ]
        files = {MANIFEST: json.dumps(merged) + "\n"}
        if common is not None and words is not None:
            files[COMMON] = common
            files[WORDS] = words
        for name, text in files.items():
            if not _same(self.root / name, text):
                (self.root / name).write_text(text, encoding="utf-8")
        if not failed and self.site:
            self.stamps.mkdir(parents=True, exist_ok=True)
            (self.stamps / SITE_STAMP).write_text(self.site + "\n", encoding="utf-8")
        if not self.stale:
            logger.info("pagefind: %d pages, nothing changed; the index is kept", len(self.pages))
            return
        logger.info(
            "pagefind: indexed %d pages (%d search records) in %.1f s (%d of %d bundles written)",
            len(self.pages),
            texts,
            time.perf_counter() - self.start,
            len(self.stale),
            count,
        )


def _indexes(app: Sphinx) -> bool:
    return app.builder.name == "html" and app.config.kb_search_engine == "pagefind"


class PagefindIndex:
    """The Pagefind indexing of each build of one Sphinx application.

    An indexing lives from ``env-updated`` (every page is read) to ``build-finished``: it
    holds Pagefind's processes and the threads that wait for them, which cannot be pickled
    into the environment and must not outlive the build. So it is kept here, by the two
    handlers that share it (one object per application, made by :func:`setup_pagefind`),
    rather than on the application or in the environment.
    """

    def __init__(self) -> None:
        self.current: _Indexing | None = None

    def start(self, app: Sphinx, env: Any) -> None:
        """Once every page is read: find the bundles whose pages changed (a no-op build, or
        an edit no search record shows, indexes nothing) and, if they are few, start
        indexing them beside the writing of the pages."""
        if _indexes(app):
            indexing = self.current = _Indexing(app)
            if len(indexing.stale) <= BESIDE_WRITING:
                indexing.launch()

    def finish(self, app: Sphinx, exception: Exception | None) -> None:
        """When the build is over: publish the new bundles (or, if the build failed, stop
        Pagefind and keep the published ones)."""
        indexing, self.current = self.current, None
        if indexing is None:
            if exception is None and _indexes(app):  # the pages were never read: index now
                _Indexing(app).finish()
            return
        if exception is not None:
            indexing.cancel()
        else:
            indexing.finish()


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except OSError:
        return False


def setup_pagefind(app: Sphinx) -> None:
    index = PagefindIndex()
    # Before the other handlers: the index is made from what the pages read (their search
    # records, titles, metadata), which no env-updated handler changes, and on an edit
    # Pagefind's bundle is the last thing the build waits for.
    app.connect("env-updated", index.start, priority=400)
    app.connect("build-finished", index.finish)
