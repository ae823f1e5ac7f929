"""Read a handful of changed pages in the main process instead of forked workers.

With ``-j`` above 1, Sphinx reads in worker processes however few pages changed, and
every worker sends the *whole* environment back, pickled, to be merged: 17 MB at
1,000 articles, over a second of an incremental build that reads one page. When
fewer pages than ``kb_parallel_read_min`` (default 20) are to be read, they are read
in the main process; the parallelism is restored for writing. Reading is the same
either way (tests/test_build_correctness.py compares parallel and serial builds).
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

DEFAULT_MIN = 20


def _before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if app.parallel > 1 and len(docnames) < int(app.config.kb_parallel_read_min):
        app._kb_parallel = app.parallel  # type: ignore[attr-defined]
        app.parallel = 1


def _after_read(app: Sphinx, env: BuildEnvironment) -> None:
    saved = getattr(app, "_kb_parallel", None)
    if saved:
        app.parallel = saved
        del app._kb_parallel  # type: ignore[attr-defined]


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


def setup_parallel(app: Sphinx) -> None:
    app.add_config_value("kb_parallel_read_min", DEFAULT_MIN, "", types=[int])
    app.connect("config-inited", _check_config)
    # Last, after other handlers may have changed the list of pages to read.
    app.connect("env-before-read-docs", _before_read, priority=900)
    app.connect("env-updated", _after_read, priority=100)
