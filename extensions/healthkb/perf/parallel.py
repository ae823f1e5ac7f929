"""Parallel reading that stays linear in the number of pages.

With ``-j`` above 1, Sphinx forks a reader per chunk of pages from the main process,
and every reader sends its *whole* environment back, pickled, to be merged: the
pages merged before it was forked included. Two things keep that cost down:

- **Readers send back only what they read.** When a page is purged for reading, its
  data leaves the environment before any reader is forked, so whatever a forked
  reader finds in the knowledge base's per-page records, findings and id claims, and in
  Sphinx's per-page tables of contents and metadata, belongs to pages the main process already
  holds (the merge takes only the reader's own pages). The reader drops it before
  it reads its first page. At 1,000 articles (-j 3, 18 readers) the last reader's
  pickle is 5.4 MB instead of 25 MB, and the main process spends 1.7 s instead of
  6.1 s unpickling and merging.
- **Each writer resolves the pages it writes.** Sphinx's main process resolves the
  pages for its writer processes, and it resolves every chunk of pages before the
  first writer is done: all resolved pages of the site are then held at once by the
  main process (at 2,000 articles most of a 3.4 GB peak), and the resolving, serial,
  bounds the writing (18 s of the main process at 1,000 articles). Here a writer
  resolves its own chunk and sends back the list of the images its pages use (for
  the main process to copy), so the main process only forks writers; it resolves
  the chunks itself (one chunk ahead of a free writer) only when Sphinx's own search
  index is on, which is fed as pages are resolved. Pages are written by the same
  calls, in the same chunks, and the writers' messages are logged in the order the
  chunks were added.
- **Doctrees are not kept in memory once saved.** After a serial read (``-j 1``, or a
  parallel build's few changed pages) Sphinx keeps every doctree read alive until it is
  written, and it keeps the pickled bytes of every doctree it loads for the rest of the
  build. Both are dropped here (above 50 pages read; once a page is resolved): each
  doctree is in the doctree folder already. At 1,000 articles with ``-j 1``: 3.5% less
  time (94.6 s against 98.0 s), peak memory 526 MiB against 559 MiB; the garbage
  collector no longer walks thousands of idle doctrees.
- **A handful of changed pages is read and written in the main process.** However few pages
  changed, a forked reader would pickle its environment back: over a second of an
  incremental build that reads one page. When fewer pages than
  ``kb_parallel_read_min`` (default 20) are to be read, they are read in the main
  process; the parallelism is restored for writing, but at most ``SERIAL_WRITE_MAX`` (4)
  pages to write are written there too (no writer process forked).

Reading is the same either way (tests/test_build_correctness.py compares parallel and
serial builds, byte for byte).

What this relies on, checked before each part is installed (:mod:`healthkb.perf.guards`):
``Builder._write_parallel(docnames, nproc)`` and ``Builder._write_serial``, the fields of
``ParallelTasks`` (``_pworking``, ``_precvs``, ``_precvs_waiting``, ``_procs``,
``_result_funcs``, ``_args``, ``_join_one``), ``app.parallel``, ``env.tocs`` and
``env.metadata`` as dicts, and the environment's doctree caches
(``_pickled_doctree_cache``, ``_write_doc_doctree_cache``). A part whose names are missing
is left out; the others still run.
"""

from __future__ import annotations

import gc
import inspect
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxParallelError
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.build_phase import BuildPhase
from sphinx.util.display import status_iterator
from sphinx.util.parallel import ParallelTasks, make_chunks

from healthkb.core.domain import kb_data
from healthkb.perf.guards import Expected, guarded, lacking

logger = logging.getLogger(__name__)

DEFAULT_MIN = 20


@dataclass
class Reading:
    """What the reading patches remember during one build: made by :func:`install_parallel`
    for one application (its handlers hold it), copied into each forked reader."""

    #: The process that forks the readers.
    main_pid: int = 0
    #: ``app.parallel`` while a few pages are read in the main process (0: not changed).
    parallel: int = 0
    #: The forked reader that has dropped the other pages' data.
    slim_pid: int = 0


def _before_read(reading: Reading, app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    reading.main_pid = os.getpid()
    if app.parallel > 1 and len(docnames) < int(app.config.kb_parallel_read_min):
        reading.parallel = app.parallel
        app.parallel = 1


def _after_read(reading: Reading, app: Sphinx, env: BuildEnvironment) -> None:
    if reading.parallel:
        app.parallel = reading.parallel
        reading.parallel = 0


def _slim_reader(reading: Reading, app: Sphinx, docname: str, source: list[str]) -> None:
    """In a forked reader, before its first page: drop the per-page data of every other
    page (see the module's docstring)."""
    pid = os.getpid()
    if reading.main_pid in (0, pid) or reading.slim_pid == pid:
        return
    reading.slim_pid = pid
    data = kb_data(app.env)
    for per_doc in data["records"].values():
        per_doc.clear()
    data["findings"].clear()
    data["claims"].clear()
    app.env.tocs.clear()
    app.env.metadata.clear()


class _Writers(ParallelTasks):
    """Sphinx's pool of forked worker processes, which can also wait for a free worker,
    and which hands the main process each task's messages and result in the order the
    tasks were added (whichever finishes first): the build's log is the same every time."""

    def __init__(self, nproc: int) -> None:
        super().__init__(nproc)
        self._finished: dict[int, tuple[list[Any], Any]] = {}
        self._handed = 0  # tasks whose messages and result were handed over

    def wait_for_worker(self, ahead: int = 1) -> None:
        """Return when fewer than ``nproc + ahead`` tasks are running or waiting."""
        while self._pworking + len(self._precvs_waiting) >= self.nproc + ahead:
            if not self._join_one():
                time.sleep(0.005)

    def _join_one(self) -> bool:
        joined = False
        for tid, pipe in self._precvs.items():
            if pipe.poll():
                failed, logs, result = pipe.recv()
                if failed:
                    raise SphinxParallelError(*result)
                self._procs[tid].join()
                del self._precvs[tid]
                self._pworking -= 1
                self._finished[tid] = (logs, result)
                joined = True
                break
        while self._handed in self._finished:
            tid = self._handed
            logs, result = self._finished.pop(tid)
            for record in logs:
                logger.handle(record)
            self._result_funcs.pop(tid)(self._args.pop(tid), result)
            self._handed += 1
        while self._precvs_waiting and self._pworking < self.nproc:
            tid, pipe = self._precvs_waiting.popitem()
            self._precvs[tid] = pipe
            self._procs[tid].start()
            self._pworking += 1
        return joined


#: At most this many pages (an edit's few) are written by the main process alone: forking a
#: writer costs more than writing a page.
SERIAL_WRITE_MAX = 4


def _write_parallel(builder: Builder, docnames: Sequence[str], nproc: int) -> None:
    """Sphinx's parallel writing (the first page in the main process, the others in
    chunks by ``nproc`` writers), each chunk resolved by the writer that writes it when
    nothing of the resolving must stay in the main process, else resolved by the main
    process only when a writer is about to be free (see the module's docstring). A few
    pages are written serially."""
    if not docnames:
        return
    if len(docnames) <= SERIAL_WRITE_MAX:
        builder._write_serial(docnames)
        return

    def resolve(docname: str) -> nodes.document:
        builder.phase = BuildPhase.RESOLVING
        doctree = builder.env.get_and_resolve_doctree(docname, builder, tags=builder.tags)
        builder.write_doc_serialized(docname, doctree)
        return doctree

    def write_resolved(docs: list[tuple[str, nodes.document]]) -> None:
        builder.phase = BuildPhase.WRITING
        for docname, doctree in docs:
            builder.write_doc(docname, doctree)

    def resolve_and_write(chunk: list[str]) -> dict[str, str]:
        known = set(builder.images)
        for docname in chunk:
            write_resolved([(docname, resolve(docname))])
        # The images the pages use, for the main process to copy when the build finishes.
        return {uri: name for uri, name in builder.images.items() if uri not in known}

    first = docnames[0]
    write_resolved([(first, resolve(first))])  # warms the template and other caches

    # Sphinx's HTML builder feeds its own search index as it resolves (in memory, in the
    # main process); off when the answer index serves search (healthkb.perf.search).
    in_writers = getattr(builder, "indexer", None) is None
    if in_writers:
        nproc += 1  # the main process resolves nothing: it leaves its core to a writer
    chunks = make_chunks(docnames[1:], nproc)
    progress = status_iterator(
        chunks, __("writing output... "), "darkgreen", len(chunks), builder.config.verbosity
    )

    def written(_chunk: Any, images: dict[str, str] | None) -> None:
        builder.images.update(images or {})
        next(progress)

    writers = _Writers(nproc)
    try:
        for chunk in chunks:
            writers.wait_for_worker()
            if in_writers:
                writers.add_task(resolve_and_write, chunk, written)
            else:
                resolved = [(docname, resolve(docname)) for docname in chunk]
                writers.add_task(write_resolved, resolved, written)
        writers.join()
    except BaseException:
        writers.terminate()
        raise
    logger.info("")


def _bounded_writing(app: Sphinx) -> None:
    app.builder._write_parallel = partial(_write_parallel, app.builder)  # type: ignore[method-assign]


#: Pages read in the main process whose doctrees Sphinx may keep in memory for writing.
KEEP_READ_DOCTREES = 50


def _drop_read_doctrees(app: Sphinx, env: BuildEnvironment) -> None:
    """After a serial read of many pages, do not keep every doctree alive until it is
    written: each was saved to the doctree folder as it was read, and is loaded from there
    when written (see the module's docstring)."""
    cache = env._write_doc_doctree_cache
    if len(cache) > KEEP_READ_DOCTREES:
        cache.clear()


def _forget_pickled_doctree(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A resolved page's pickled doctree is not kept in memory: it is not needed again."""
    app.env._pickled_doctree_cache.pop(docname, None)


def _check_config(app: Sphinx, config: Config) -> None:
    value = config.kb_parallel_read_min
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        logger.warning(
            "kb_parallel_read_min must be a whole number of pages (0: always parallel), "
            "got %r; using %d",
            value,
            DEFAULT_MIN,
            type="kb",
            subtype="config",
        )
        config.kb_parallel_read_min = DEFAULT_MIN


def setup_parallel_config(app: Sphinx) -> None:
    """Declared whether or not the speed layer is on (``conf.py`` may set it either way)."""
    app.add_config_value("kb_parallel_read_min", DEFAULT_MIN, "", types=[int])
    app.connect("config-inited", _check_config)


#: The fields of ParallelTasks that _Writers reads and updates, with their types.
POOL_FIELDS: Expected = {
    "nproc": int,
    "_pworking": int,
    "_precvs": dict,
    "_precvs_waiting": dict,
    "_procs": dict,
    "_result_funcs": dict,
    "_args": dict,
    "_join_one": None,
    "add_task": None,
    "join": None,
    "terminate": None,
}


def _writing_lacks() -> list[str]:
    missing = lacking(ParallelTasks(1), POOL_FIELDS, "ParallelTasks.")
    write_parallel = getattr(Builder, "_write_parallel", None)
    if not callable(write_parallel) or list(inspect.signature(write_parallel).parameters) != [
        "self",
        "docnames",
        "nproc",
    ]:
        missing.append("Builder._write_parallel(docnames, nproc)")
    if not callable(getattr(Builder, "_write_serial", None)):
        missing.append("Builder._write_serial")
    return missing


def install_parallel(app: Sphinx) -> None:
    """Install the parts whose names are there (called when ``kb_fast_build`` is on)."""
    if guarded("parallel writing", _writing_lacks()):
        app.connect("builder-inited", _bounded_writing)
    app.connect("builder-inited", partial(_install_reading, Reading()))
    # After every other handler (the checks load their language data at 500).
    app.connect("env-before-read-docs", _freeze_before_reading, priority=950)


def _freeze_before_reading(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """What is alive before pages are read (the configuration, the environment, the
    checks' lemma tables and phrase index) lives until the end: freeze it, so that the
    collections of every reader skip it and a forked reader does not copy its pages to
    count references while scanning it."""
    if docnames:
        gc.freeze()


def _install_reading(reading: Reading, app: Sphinx) -> None:
    """The parts that use the environment, checked once it is made (loaded or new)."""
    fields = lacking(app, {"parallel": int}, "app.")
    fields += lacking(app.env, {"tocs": dict, "metadata": dict}, "env.")
    if guarded("parallel reading", fields):
        # Last, after other handlers may have changed the list of pages to read.
        app.connect("env-before-read-docs", partial(_before_read, reading), priority=900)
        app.connect("env-updated", partial(_after_read, reading), priority=100)
        # First, before any handler of the page's own reading.
        app.connect("source-read", partial(_slim_reader, reading), priority=0)
    caches = {"_write_doc_doctree_cache": dict, "_pickled_doctree_cache": dict}
    if guarded("doctrees not kept in memory", lacking(app.env, caches, "env.")):
        app.connect("env-updated", _drop_read_doctrees)
        app.connect("doctree-resolved", _forget_pickled_doctree)
