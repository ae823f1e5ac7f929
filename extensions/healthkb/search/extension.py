"""Search that lands the reader on the answer.

Every page is cut into *search records* while it is read: one per section, FAQ
item and safety card (the page's introduction is a record too). A record holds
the readable text of that part of the page only: no front matter, copy-link
buttons, citation markers, references list or other page furniture. Records are
plain data in the kb domain, so incremental and parallel builds keep them right.

With ``kb_search_engine = "kb"`` (the default) the build ends by writing the answer
index (``kb-index/`` in the output, :mod:`healthkb.search.answerindex`): the records
scored at build time, sharded by word. ``search.html`` is replaced by a page that reads
it (``kb-search.js`` and its modules), loading only the shards of the query's words;
each result is a record, titled "Page › Section", linking to ``page.html#id``. furo's
sidebar box submits to it. Sphinx's own ``searchindex.js``, which nothing loads, is not
part of the site; the speed layer keeps Sphinx's indexer off (:mod:`healthkb.perf.search`),
which would cost every page a pass over its doctree in the main process (about 5 s of a
1,000-article build). With ``kb_search_engine = "sphinx"`` the site keeps Sphinx's own
search, tuned with a scorer that ranks kb objects (FAQ items, cards, sections) first; the
two are compared by :mod:`healthkb.search.evaluate`.

``"pagefind"``, the name of the default when Pagefind indexed the site, is still accepted
for it, with a warning that names ``conf.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from healthkb.search.answerwrite import ENGINE, write_answer_index
from healthkb.search.records import collect_records
from healthkb.search.vocabulary import check_synonyms, write_query_data
from healthkb.site.assets import HERE

logger = logging.getLogger(__name__)

ENGINES = (ENGINE, "sphinx")
#: The default's former name, when Pagefind indexed the site.
FORMER = "pagefind"
#: What Pagefind left in the output and in the doctree folder, which nothing reads now.
LEFT_OVER_OUTPUT = "pagefind"
LEFT_OVER_DOCTREES = "kb-pagefind"


def _check_engine(app: Sphinx, config: Config) -> None:
    engine = config.kb_search_engine
    conf = Path(app.confdir) / "conf.py"
    if engine == FORMER:
        logger.warning(
            "%s: kb_search_engine = %r: Pagefind no longer indexes the site, the answer "
            "index serves search; write kb_search_engine = %r, or leave it out",
            conf,
            engine,
            ENGINE,
            type="kb",
            subtype="config",
        )
        config.kb_search_engine = ENGINE
    elif engine not in ENGINES:
        logger.warning(
            "%s: kb_search_engine must be one of %s, not %r; using %r",
            conf,
            ", ".join(ENGINES),
            engine,
            ENGINE,
            type="kb",
            subtype="config",
        )
        config.kb_search_engine = ENGINE
    if config.kb_search_engine == "sphinx" and not config.html_search_scorer:
        config.html_search_scorer = str(HERE / "static" / "kb-search-scorer.js")


def _remove_unread_files(app: Sphinx, exception: Exception | None) -> None:
    """With the answer index, no ``searchindex.js`` (the one an earlier build with Sphinx's
    search left behind, or the one Sphinx writes when the speed layer does not keep its
    indexer off, :mod:`healthkb.perf.search`), and none of the Pagefind index an earlier
    version of the site was built with."""
    if exception is not None or app.builder.format != "html":
        return
    if app.config.kb_search_engine == ENGINE:
        for name in ("searchindex.js", "searchindex.json"):
            Path(app.outdir, name).unlink(missing_ok=True)
    shutil.rmtree(Path(app.outdir, LEFT_OVER_OUTPUT), ignore_errors=True)
    shutil.rmtree(Path(app.doctreedir, LEFT_OVER_DOCTREES), ignore_errors=True)


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    context["kb_search_engine"] = app.config.kb_search_engine


def setup_search(app: Sphinx) -> None:
    app.add_config_value("kb_search_engine", ENGINE, "html", types=[str])
    app.connect("config-inited", _check_engine)
    # After the safety rules are loaded (500): the synonyms use their vocabulary.
    app.connect("builder-inited", check_synonyms, priority=600)
    app.connect("build-finished", _remove_unread_files)
    app.connect("build-finished", write_answer_index)
    app.connect("build-finished", write_query_data)
    app.connect("doctree-read", collect_records)
    app.connect("html-page-context", _page_context)
    app.add_css_file("kb-search.css")
