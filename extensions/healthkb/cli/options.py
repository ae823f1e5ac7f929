r"""The build's options, in one place.

``make html`` runs ``kb build``; Read the Docs and the GitHub workflow run ``kb build`` too
(Read the Docs with its own output folder); ``kb bench`` builds "ours" with the same command
(without ``-W``: a synthetic corpus has findings) and ``kb report`` with the same folders. So
every build of the site is this one:

    python -m healthkb.perf.build -b html -c conf -d build/doctrees \
        -W --keep-going -n -j <cores + 1> docs build/html

``python -m healthkb.perf.build`` is ``sphinx-build`` with the Python process tuned for large
sites (:mod:`healthkb.perf.build`). Sphinx's environment and the extension's caches go to
``build/doctrees``: outside the published site, where Sphinx would put them by default.

Nothing here imports Sphinx: ``kb build`` starts quickly and hands over to the build process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

#: The pages, the configuration (conf.py and the policy files), and the outputs, relative
#: to the checkout.
SOURCE = "docs"
CONF = "conf"
OUT = "build/html"
DOCTREES = "build/doctrees"
#: Warnings are errors, every finding is reported (not only the first), broken references too.
STRICT = ("-W", "--keep-going", "-n")
#: The process that builds: ``sphinx-build``'s arguments, Sphinx's own entry point.
BUILD_MODULE = "healthkb.perf.build"


def default_jobs() -> str:
    """Sphinx processes for the build: one per core, plus one.

    Sphinx reads with ``-j`` processes but writes with ``-j - 1`` worker processes while
    the main process resolves and indexes every page, so ``-j auto`` on two cores writes
    with one worker. Measured on this project (2 cores, 300 articles): ``-j 3`` builds
    about 15% faster than ``-j 2`` (``-j auto``), and ``-j 4`` no faster than ``-j 3``.
    """
    return str((os.cpu_count() or 1) + 1)


def sphinx_options(jobs: str | None = None, *, strict: bool = True) -> list[str]:
    """The options of the build: :data:`STRICT` (unless ``strict`` is false) and ``-j``."""
    return [*(STRICT if strict else ("-n",)), "-j", jobs or default_jobs()]


def project_root() -> Path:
    """The checkout that holds docs/ and conf/ (the current directory or a parent)."""
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONF / "conf.py").is_file() and (candidate / SOURCE).is_dir():
            return candidate
    return here


def build_command(
    root: Path,
    *,
    builder: str = "html",
    source: Path | None = None,
    out: Path | None = None,
    doctrees: Path | None = None,
    jobs: str | None = None,
    strict: bool = True,
    extra: Sequence[str] = (),
) -> list[str]:
    """The command line of the site's build, for the checkout ``root``.

    ``out`` defaults to ``build/<builder>`` (``build/html``), ``doctrees`` to
    ``build/doctrees``; ``extra`` are more ``sphinx-build`` options, passed through last
    (after ours, so that one of them can override ours).
    """
    return [
        sys.executable,
        "-m",
        BUILD_MODULE,
        "-b",
        builder,
        "-c",
        str(root / CONF),
        "-d",
        str(doctrees or root / DOCTREES),
        *sphinx_options(jobs, strict=strict),
        *extra,
        str(source or root / SOURCE),
        str(out or root / "build" / builder),
    ]
