"""Builds you can trust: what makes an incremental build's sitemap and Sphinx search index
those of a clean build. Correctness, not speed: on whether or not ``kb_fast_build`` is.

- **The sitemap.** sphinx-sitemap lists the pages written in *this* build, in the order
  the writer processes finish them: after an incremental build ``sitemap.xml`` lists
  only the rewritten pages, and after a ``-j 3`` build its order varies. Before
  sphinx-sitemap writes the file, the pages that were not rewritten are added and the
  list is sorted. Relies on sphinx-sitemap's queue of links (``app.sitemap_links``, set
  when the builder is made: ``get_nowait`` and ``put``) and its ``is_excluded``.
- **Sphinx's search index** (``kb_search_engine = "sphinx"``). Words that no page uses
  any more stay in ``searchindex.js`` with an empty page list after an incremental
  build; they are dropped. Relies on the indexer's ``_mapping`` and ``_title_mapping``
  (word -> pages), checked when the indexer is first seen.

Without what they rely on, the fixes are not applied (one ``info`` line each): an
incremental build then writes a shorter or unsorted sitemap, or keeps unused words.
Removed pages are deleted with Sphinx's public API (:mod:`healthkb.site.reproducible`).
Everything else the knowledge base writes is deterministic by construction (ids from
slugs, hubs sorted, no timestamps), which tests/test_build_correctness.py checks.
"""

from __future__ import annotations

import queue
from typing import Any

import sphinx_sitemap
from sphinx.application import Sphinx

from healthkb.perf.guards import Expected, guarded, lacking
from healthkb.site.topics import generated_pages

#: The indexer's word -> pages tables (of the text, of the titles).
INDEX_MAPPINGS = ("_mapping", "_title_mapping")


def _drop_unused_search_terms(app: Sphinx) -> list[tuple[str, dict[str, Any], str]]:
    """Words whose pages were all removed or rewritten without them leave the index."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None:
        return []
    mappings: Expected = dict.fromkeys(INDEX_MAPPINGS, dict)
    if guarded("unused search words dropped", lacking(indexer, mappings, "indexer.")):
        for name in INDEX_MAPPINGS:
            mapping = getattr(indexer, name)
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
    if exception is not None:
        return
    links: Any = app.sitemap_links  # type: ignore[attr-defined]
    entries: dict[str, Any] = {}
    while True:
        try:
            link, last_updated = links.get_nowait()
        except queue.Empty:
            break
        entries[link] = last_updated
    excludes = list(getattr(app.config, "sitemap_excludes", []) or [])
    # Documents, and the topic pages (a build that reads nothing does not write them).
    for pagename in [*app.env.found_docs, *generated_pages(app)]:
        link = _sitemap_link(app, pagename)
        if link not in entries and not sphinx_sitemap.is_excluded(link, excludes):
            entries[link] = None
    for link in sorted(entries):
        links.put((link, entries[link]))


def _install_sitemap(app: Sphinx) -> None:
    """After sphinx-sitemap made its queue for this builder."""
    if "sphinx_sitemap" not in app.extensions or app.builder.format != "html":
        return
    queue_methods: Expected = {"get_nowait": None, "put": None}
    missing = lacking(getattr(app, "sitemap_links", None), queue_methods, "app.sitemap_links.")
    missing += lacking(sphinx_sitemap, {"is_excluded": None}, "sphinx_sitemap.")
    if guarded("complete, sorted sitemap", missing):
        # Before sphinx-sitemap (priority 500) writes sitemap.xml from its queue.
        app.connect("build-finished", _complete_sitemap, priority=400)


def setup_kept_in_step(app: Sphinx) -> None:
    """Installed whether or not ``kb_fast_build`` is on (see the module's docstring)."""
    app.connect("html-collect-pages", _drop_unused_search_terms)
    # After sphinx-sitemap's handler (priority 500), which makes the queue.
    app.connect("builder-inited", _install_sitemap, priority=600)
