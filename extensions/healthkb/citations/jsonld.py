"""The sources a page cites, as schema.org ``ScholarlyArticle`` nodes.

The site's ``MedicalWebPage`` node of an article lists them as its ``citation``
(:mod:`healthkb.site.jsonld`), in order of first citation.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from healthkb.citations.model import Source
from healthkb.citations.store import CITATIONS, find_source
from healthkb.core.domain import kb_domain


def scholarly_article(source: Source) -> dict[str, Any]:
    """One registry entry as a schema.org ``ScholarlyArticle``."""
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
    cited: list[Source] = []
    for record in kb_domain(app.env).records(CITATIONS).get(pagename, []):
        if not record["known"] or any(s.key == record["key"] for s in cited):
            continue
        found = find_source(app.env, record["key"])
        if found is not None:
            cited.append(found)
    return [scholarly_article(s) for s in cited]
