"""Search that lands the reader on the answer.

Every page is cut into *search records* while it is read: one per section, FAQ
item and safety card (the page's introduction is a record too). A record holds
the readable text of that part of the page only: no front matter, copy-link
buttons, citation markers, references list or other page furniture. Records are
plain data in the kb domain, so incremental and parallel builds keep them right.

With ``kb_search_engine = "pagefind"`` (the default) the build ends by writing the
answer index (``kb-index/`` in the output, :mod:`healthkb.search.answerindex`): the
records scored at build time, sharded by word. ``search.html`` is replaced by a page
that reads it (``kb-search.js`` and its modules), loading only the shards of the
query's words; each result is a record, titled "Page › Section", linking to
``page.html#id``. furo's sidebar box submits to it. The records are also indexed with
Pagefind (``pagefind/``, :mod:`healthkb.search.pagefind`; several bundles for a site of
more than ``kb_search_shard_pages`` pages), which the search page no longer reads. Sphinx's own
``searchindex.js``, which nothing loads, is not part of the site; the speed layer
keeps Sphinx's indexer off (:mod:`healthkb.perf.search`), which would cost every page
a pass over its doctree in the main process (about 5 s of a 1,000-article build).
With ``kb_search_engine = "sphinx"`` the site keeps Sphinx's own search, tuned with
a scorer that ranks kb objects (FAQ items, cards, sections) first; the two are
compared by :mod:`healthkb.search.evaluate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from healthkb.search.answerwrite import write_answer_index
from healthkb.search.pagefind import setup_pagefind
from healthkb.search.records import collect_records
from healthkb.search.vocabulary import check_synonyms, write_query_data
from healthkb.site.assets import HERE

logger = logging.getLogger(__name__)

ENGINES = ("pagefind", "sphinx")
#: Pages per Pagefind bundle (``kb_search_shard_pages``): a larger site is indexed in
#: several bundles, which the search page merges; an edit re-indexes one bundle.
SHARD_PAGES = 256


def _check_engine(app: Sphinx, config: Config) -> None:
    engine = config.kb_search_engine
    if engine not in ENGINES:
        logger.warning(
            "kb_search_engine must be one of %s, not %r; using 'pagefind'",
            ", ".join(ENGINES),
            engine,
            type="kb",
            subtype="config",
        )
        config.kb_search_engine = "pagefind"
    shard = config.kb_search_shard_pages
    if isinstance(shard, bool) or not isinstance(shard, int) or shard < 1:
        logger.warning(
            "kb_search_shard_pages must be a whole number of pages above 0, not %r; using %d",
            shard,
            SHARD_PAGES,
            type="kb",
            subtype="config",
        )
        config.kb_search_shard_pages = SHARD_PAGES
    if config.kb_search_engine == "sphinx" and not config.html_search_scorer:
        config.html_search_scorer = str(HERE / "static" / "kb-search-scorer.js")


def _remove_sphinx_index(app: Sphinx, exception: Exception | None) -> None:
    """With Pagefind, no ``searchindex.js``: the one an earlier build with Sphinx's search
    left behind, or the one Sphinx writes when the speed layer does not keep its indexer
    off (:mod:`healthkb.perf.search`)."""
    if (
        exception is None
        and app.config.kb_search_engine == "pagefind"
        and app.builder.format == "html"
    ):
        for name in ("searchindex.js", "searchindex.json"):
            Path(app.outdir, name).unlink(missing_ok=True)


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    context["kb_search_engine"] = app.config.kb_search_engine


def setup_search(app: Sphinx) -> None:
    app.add_config_value("kb_search_engine", "pagefind", "html", types=[str])
    app.add_config_value("kb_search_shard_pages", SHARD_PAGES, "", types=[int])
    app.connect("config-inited", _check_engine)
    # After the safety rules are loaded (500): the synonyms use their vocabulary.
    app.connect("builder-inited", check_synonyms, priority=600)
    app.connect("build-finished", _remove_sphinx_index)
    app.connect("build-finished", write_answer_index)
    app.connect("build-finished", write_query_data)
    app.connect("doctree-read", collect_records)
    app.connect("html-page-context", _page_context)
    setup_pagefind(app)
    app.add_css_file("kb-search.css")
