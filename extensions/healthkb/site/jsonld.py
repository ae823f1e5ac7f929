"""Every article's ``MedicalWebPage`` node in its JSON-LD graph.

Name (the title), description (the summary), url, dates, ``lastReviewed`` and
``reviewedBy`` (review metadata), ``citation`` (the registry entries the page
cites) and ``about`` (its tags: body parts as AnatomicalStructure, conditions as
MedicalCondition, products as Product, other tags as Thing). It gathers what the
review and citations features know of a page, so it lives above them, in the site
layer; :mod:`healthkb.core.jsonld` writes the graph.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from healthkb.citations.jsonld import page_citations
from healthkb.core.jsonld import JSONLD_EVENT, page_url
from healthkb.core.pages import (
    is_article,
    meta_text,
    page_tags,
    page_title,
    parse_facet,
    topic_label,
)
from healthkb.review.metadata import review_record
from healthkb.site.assets import page_summary

#: How each facet's tags are typed in ``about``.
ABOUT_TYPES = {
    "body-part": "AnatomicalStructure",
    "condition": "MedicalCondition",
    "use-case": "Thing",
    "product": "Product",
}


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


def setup_webpage_jsonld(app: Sphinx) -> None:
    # Before the features' nodes (default priority 500): the page itself comes first.
    app.connect(JSONLD_EVENT, medical_webpage, priority=100)
