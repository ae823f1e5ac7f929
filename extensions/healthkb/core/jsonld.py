"""Structured data: one schema.org JSON-LD block per page, shared by every feature.

A feature registers a *provider*, ``provider(app, pagename, context, doctree) ->
list of schema.org nodes``. For every HTML page, the nodes of all providers go
into one ``<script type="application/ld+json">`` in the ``<head>``::

    {"@context": "https://schema.org", "@graph": [{"@type": "MedicalWebPage", ...},
                                                  {"@type": "FAQPage", ...}]}

This module's own provider describes every article as a ``MedicalWebPage``: name
(the title), description (the summary), url, dates, ``lastReviewed`` and
``reviewedBy`` (review metadata), ``citation`` (the registry entries the page
cites) and ``about`` (its tags: body parts as AnatomicalStructure, conditions as
MedicalCondition, products as Product, other tags as Thing).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.core.domain import kb_domain
from healthkb.core.pages import (
    is_article,
    meta_text,
    page_tags,
    page_title,
    parse_facet,
    topic_label,
)

#: (app, pagename, context, doctree) -> schema.org nodes for the page's graph
Provider = Callable[[Sphinx, str, dict[str, Any], nodes.document | None], list[dict[str, Any]]]

_PROVIDERS: dict[str, tuple[int, Provider]] = {}

#: How each facet's tags are typed in ``about``.
ABOUT_TYPES = {
    "body-part": "AnatomicalStructure",
    "condition": "MedicalCondition",
    "use-case": "Thing",
    "product": "Product",
}


def register_jsonld(name: str, provider: Provider, *, order: int = 50) -> None:
    """Add ``provider``'s nodes to every page's graph; lower ``order`` comes first."""
    _PROVIDERS[name] = (order, provider)


def script_json(data: Any) -> str:
    """JSON that is safe inside <script>: no "</", "<!--" or "&" can end or confuse it."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(", ", ": "))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def page_graph(
    app: Sphinx, pagename: str, context: dict[str, Any], doctree: nodes.document | None
) -> dict[str, Any] | None:
    """The page's JSON-LD document, or None when no provider has anything to say."""
    graph: list[dict[str, Any]] = []
    for _, name in sorted((order, name) for name, (order, _) in _PROVIDERS.items()):
        graph.extend(_PROVIDERS[name][1](app, pagename, context, doctree))
    if not graph:
        return None
    return {"@context": "https://schema.org", "@graph": graph}


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


# -- MedicalWebPage --------------------------------------------------------------------------
def page_url(app: Sphinx, pagename: str, context: dict[str, Any]) -> str:
    """The page's canonical address (``html_baseurl`` + its URI), else its relative URI."""
    url = context.get("pageurl")
    return str(url) if url else app.builder.get_target_uri(pagename)


def _citation(source: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "ScholarlyArticle"}
    if source.title:
        node["name"] = source.title
    authors = [f"{a.last} {a.initials}".strip() for a in source.authors]
    if authors:
        node["author"] = [{"@type": "Person", "name": name} for name in authors]
    if source.journal:
        node["isPartOf"] = {"@type": "Periodical", "name": source.journal}
    if source.year:
        node["datePublished"] = source.year
    ids = []
    if source.pmid:
        ids.append({"@type": "PropertyValue", "propertyID": "PMID", "value": source.pmid})
    if source.doi:
        ids.append({"@type": "PropertyValue", "propertyID": "DOI", "value": source.doi})
    if ids:
        node["identifier"] = ids
    if source.link:
        node["url"] = source.link
    return node


def page_citations(app: Sphinx, pagename: str) -> list[dict[str, Any]]:
    """The registry entries the page cites, in order of first citation."""
    from healthkb.citations.extension import CITATIONS, sources

    known = sources(app.env)
    keys: list[str] = []
    for record in kb_domain(app.env).records(CITATIONS).get(pagename, []):
        if record["known"] and record["key"] not in keys and record["key"] in known:
            keys.append(record["key"])
    return [_citation(known[key]) for key in keys]


def page_about(app: Sphinx, pagename: str) -> list[dict[str, Any]]:
    about = []
    for tag in page_tags(app.env, pagename):
        facet = parse_facet(tag)
        if facet is not None:
            about.append({"@type": ABOUT_TYPES[facet.facet], "name": topic_label(app, facet)})
        elif ":" not in tag:
            about.append({"@type": "Thing", "name": tag})
    return about


def medical_webpage(
    app: Sphinx, pagename: str, context: dict[str, Any], doctree: nodes.document | None
) -> list[dict[str, Any]]:
    """A MedicalWebPage node for an article (nothing for other pages)."""
    from healthkb.review.metadata import review_record
    from healthkb.site.assets import page_summary

    env = app.env
    if doctree is None or pagename not in env.all_docs or not is_article(env, pagename):
        return []
    url = page_url(app, pagename, context)
    node: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": page_title(env, pagename),
        "description": page_summary(app, pagename, doctree),
        "inLanguage": app.config.language or "en",
        "isPartOf": {"@type": "WebSite", "name": app.config.project},
    }
    published = meta_text(env, pagename, "published")
    if published:
        node["datePublished"] = published
    review = review_record(env, pagename)
    if review is not None:
        if review["reviewed"]:
            node["lastReviewed"] = review["reviewed"]
        person = review.get("reviewed_by")
        if person:
            reviewer: dict[str, Any] = {"@type": "Person", "name": person["name"]}
            if person["role"]:
                reviewer["jobTitle"] = person["role"]
            node["reviewedBy"] = reviewer
    citations = page_citations(app, pagename)
    if citations:
        node["citation"] = citations
    about = page_about(app, pagename)
    if about:
        node["about"] = about
    return [node]


def setup_jsonld(app: Sphinx) -> None:
    register_jsonld("medical-webpage", medical_webpage, order=10)
    app.connect("html-page-context", _add_script)
