"""No Sphinx search index when the answer index serves search.

With ``kb_search_engine = "kb"`` (the answer index, :mod:`healthkb.search.answerindex`)
nothing loads Sphinx's ``searchindex.js``, but Sphinx would still feed its indexer every
page (a pass over each doctree in the main process: about 5 s of a 1,000-article build)
and, with ``-j``, resolve every page in the main process for it. Sphinx has no setting
that keeps its search page but not its indexer, so the builder's ``prepare_writing`` is
wrapped: ``builder.search`` is off while Sphinx prepares (no indexer is made or loaded,
``builder.indexer`` stays None) and on again after, so that ``search.html`` is still
written and linked.

Installed in every build, whether or not ``kb_fast_build`` is on: it decides files of the
site, not only the time taken. With an indexer Sphinx also copies its stemmer
(``_static/base-stemmer.js``, ``english-stemmer.js``) and writes its stop words into
``_static/language_data.js``, none of which the answer index's search page loads.

Relies on the HTML builder's ``search`` flag and ``prepare_writing``. Without them Sphinx
builds its index (one ``info`` line says so) and :mod:`healthkb.search.extension` removes
the ``searchindex.js`` it writes; its stemmer files stay.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

from healthkb.perf.guards import Expected, guarded, lacking


def _without_sphinx_index(app: Sphinx) -> None:
    builder = app.builder
    if app.config.kb_search_engine != "kb" or not isinstance(builder, StandaloneHTMLBuilder):
        return
    expected: Expected = {"search": bool, "prepare_writing": None}
    if not guarded("no Sphinx search index", lacking(builder, expected, "builder.")):
        return
    if not builder.search:
        return
    prepare = builder.prepare_writing

    def prepare_writing(docnames: Any) -> None:
        builder.search = False
        try:
            prepare(docnames)
        finally:
            builder.search = True

    builder.prepare_writing = prepare_writing  # type: ignore[method-assign]


def install_search(app: Sphinx) -> None:
    app.connect("builder-inited", _without_sphinx_index)
