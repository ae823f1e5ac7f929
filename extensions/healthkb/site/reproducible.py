"""Builds you can trust: the HTML of a page whose source was removed leaves the site.

Sphinx never deletes the HTML (and ``_sources`` copy) of a page whose source was removed,
so after an incremental build the old page stays published and ``kb check`` still finds
it. Their files are deleted as soon as Sphinx notices the removal (before the redirect
pages of ``conf/redirects.toml`` are written), with Sphinx's public API only, so this
runs in every build. The two other differences between an incremental and a clean build
(the sitemap, Sphinx's search index) need other packages' internals:
:mod:`healthkb.perf.reproducible`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _delete_removed_pages(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    builder = app.builder
    if not removed or builder.format != "html" or not hasattr(builder, "get_outfilename"):
        return []
    outdir = Path(builder.outdir)
    for docname in sorted(removed):
        targets = [Path(builder.get_outfilename(docname))]
        # The copy of the source: _sources/<docname><source suffix>.txt
        targets += [outdir / "_sources" / f"{docname}{suffix}.txt" for suffix in _suffixes(app)]
        for target in targets:
            if target.is_file() and outdir in target.resolve().parents:
                target.unlink()
                logger.info("removed %s (its source is gone)", target.relative_to(outdir))
    return []


def _suffixes(app: Sphinx) -> list[str]:
    suffixes: Any = app.config.source_suffix
    return [str(s) for s in (suffixes.keys() if isinstance(suffixes, dict) else suffixes or [])]


def setup_reproducible(app: Sphinx) -> None:
    app.connect("env-get-outdated", _delete_removed_pages)
