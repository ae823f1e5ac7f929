"""The searchable pages: each site page's search records, address, title and filters.

What the answer index (:mod:`healthkb.search.answerindex`) is made of, taken from the
environment (the records, titles and metadata stored when each page is read), never
from the written HTML, so an incremental build indexes every page. A page is left out
when it is the search page or a generated index, or when its front matter says
``kb_search: false``. A section with no text of its own only groups records: it is left
out too.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sphinx.application import Sphinx

from healthkb.core.domain import kb_domain
from healthkb.core.pages import page_tags
from healthkb.search.records import RECORD_KIND

#: Tag facets offered as search filters, in the order the search page shows them.
FACETS = ("body-part", "condition", "use-case")
#: Pages that are not searched: the search page and generated indexes.
EXCLUDED = {"search", "genindex"}


def facet_filters(tags: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for tag in tags:
        facet, sep, value = tag.partition(":")
        if sep and facet in FACETS and value.strip():
            label = value.strip().replace("-", " ")
            filters.setdefault(facet, [])
            if label not in filters[facet]:
                filters[facet].append(label)
    return filters


class SearchPage(NamedTuple):
    """A searchable site page: its address, title, search records and facet filters."""

    docname: str
    url: str
    title: str
    records: list[dict[str, Any]]
    filters: dict[str, list[str]]


def search_page(app: Sphinx, docname: str) -> SearchPage | None:
    """The page's search records (a section with no text of its own only groups records, so
    it is left out), or None when the page is not searched."""
    env = app.env
    per_doc = kb_domain(env).records(RECORD_KIND)
    if docname in EXCLUDED or docname not in env.all_docs or docname not in per_doc:
        return None
    meta = env.metadata.get(docname, {})
    if str(meta.get("kb_search", "")).lower() in ("false", "no", "off"):
        return None
    page_title = env.titles[docname].astext() if docname in env.titles else docname
    records = [r for r in per_doc[docname] if r["kind"] != "section" or r["text"]]
    if not records:
        return None
    filters = facet_filters(page_tags(env, docname))
    return SearchPage(docname, app.builder.get_target_uri(docname), page_title, records, filters)


def search_pages(app: Sphinx) -> list[SearchPage]:
    """Every searchable page, in a stable order (by docname)."""
    pages = (
        search_page(app, docname) for docname in sorted(kb_domain(app.env).records(RECORD_KIND))
    )
    return [page for page in pages if page is not None]
