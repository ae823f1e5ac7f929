"""Builds you can trust: an incremental build writes the site a clean build writes.

Sphinx and the sphinx-sitemap extension leave three differences between an
incremental and a clean build of the same sources; this module removes them:

- **Removed pages.** Sphinx never deletes the HTML (and ``_sources`` copy) of a page
  whose source was removed, so the old page stays published and ``kb check`` still
  finds it. Their files are deleted as soon as Sphinx notices the removal (before the
  redirect pages of ``conf/redirects.toml`` are written).
- **The sitemap.** sphinx-sitemap lists the pages written in *this* build, in the order
  the writer processes finish them: after an incremental build ``sitemap.xml`` lists
  only the rewritten pages, and after a ``-j 3`` build its order varies. Before
  sphinx-sitemap writes the file, the pages that were not rewritten are added and the
  list is sorted.
- **The search index.** Words that no page uses any more stay in ``searchindex.js``
  with an empty page list after an incremental build; they are dropped.

Everything else the knowledge base writes is deterministic by construction (ids from
slugs, hubs sorted, no timestamps), which tests/test_build_correctness.py checks.
"""

from __future__ import annotations

import queue
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


def _drop_unused_search_terms(app: Sphinx) -> list[tuple[str, dict[str, Any], str]]:
    """Words whose pages were all removed or rewritten without them leave the index."""
    indexer = getattr(app.builder, "indexer", None)
    for name in ("_mapping", "_title_mapping"):
        mapping = getattr(indexer, name, None)
        if isinstance(mapping, dict):
            for word in [word for word, docnames in mapping.items() if not docnames]:
                del mapping[word]
    return []


def _sitemap_link(app: Sphinx, pagename: str) -> str:
    """The link sphinx-sitemap records for ``pagename`` (its own rule, repeated)."""
    if getattr(app.env, "is_directory_builder", False):
        if pagename == "index":
            return ""
        if pagename.endswith("/index"):
            return pagename[:-6] + "/"
        return pagename + "/"
    suffix = app.config.html_file_suffix
    return pagename + (".html" if suffix is None else str(suffix))


def _complete_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """Every page in the sitemap, in a stable order, whichever pages this build wrote."""
    links: Any = getattr(app, "sitemap_links", None)
    if exception is not None or links is None or app.builder.format != "html":
        return
    try:
        from sphinx_sitemap import is_excluded
    except ImportError:  # pragma: no cover - sphinx-sitemap is a dependency
        return
    entries: dict[str, Any] = {}
    while True:
        try:
            link, last_updated = links.get_nowait()
        except queue.Empty:
            break
        entries[link] = last_updated
    from healthkb.site.topics import generated_pages

    excludes = list(getattr(app.config, "sitemap_excludes", []) or [])
    # Documents, and the topic pages (a build that reads nothing does not write them).
    for pagename in [*app.env.found_docs, *generated_pages(app)]:
        link = _sitemap_link(app, pagename)
        if link not in entries and not is_excluded(link, excludes):
            entries[link] = None
    for link in sorted(entries):
        links.put((link, entries[link]))


def setup_reproducible(app: Sphinx) -> None:
    app.connect("env-get-outdated", _delete_removed_pages)
    app.connect("html-collect-pages", _drop_unused_search_terms)
    # Before sphinx-sitemap (priority 500) writes sitemap.xml from its queue.
    app.connect("build-finished", _complete_sitemap, priority=400)
