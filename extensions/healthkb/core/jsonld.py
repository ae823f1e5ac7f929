"""Structured data: one schema.org JSON-LD block per page, shared by every feature.

A feature adds nodes to a page's graph by handling the ``kb-jsonld`` event,
``(app, pagename, context, doctree) -> list of schema.org nodes``; handlers run in
order of their priority (lower first). For every HTML page, the nodes of all
handlers go into one ``<script type="application/ld+json">`` in the ``<head>``::

    {"@context": "https://schema.org", "@graph": [{"@type": "MedicalWebPage", ...},
                                                  {"@type": "FAQPage", ...}]}

The site layer describes every article as a ``MedicalWebPage``
(:mod:`healthkb.site.jsonld`); the FAQ feature adds an ``FAQPage``.
"""

from __future__ import annotations

import json
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: The event that collects a page's schema.org nodes.
JSONLD_EVENT = "kb-jsonld"


def script_json(data: Any) -> str:
    """JSON that is safe inside <script>: no "</", "<!--" or "&" can end or confuse it."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(", ", ": "))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def page_graph(
    app: Sphinx, pagename: str, context: dict[str, Any], doctree: nodes.document | None
) -> dict[str, Any] | None:
    """The page's JSON-LD document, or None when no handler has anything to say."""
    graph: list[dict[str, Any]] = []
    for part in app.emit(JSONLD_EVENT, pagename, context, doctree):
        graph.extend(part or [])
    if not graph:
        return None
    return {"@context": "https://schema.org", "@graph": graph}


def page_url(app: Sphinx, pagename: str, context: dict[str, Any]) -> str:
    """The page's canonical address (``html_baseurl`` + its URI), else its relative URI."""
    url = context.get("pageurl")
    return str(url) if url else app.builder.get_target_uri(pagename)


def _add_script(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    data = page_graph(app, pagename, context, doctree)
    if data is None:
        return
    script = f'<script type="application/ld+json">{script_json(data)}</script>\n'
    context["metatags"] = context.get("metatags", "") + script


def setup_jsonld(app: Sphinx) -> None:
    app.add_event(JSONLD_EVENT)
    # After the head tags our other handlers add at the default priority (the fragment
    # forwarding script), before the site's description (900).
    app.connect("html-page-context", _add_script, priority=550)
