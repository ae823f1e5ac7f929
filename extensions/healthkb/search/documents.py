"""The document Pagefind indexes for each site page, made from the page's search records.

Each site page becomes one Pagefind page: every record of the page (its
introduction, sections, FAQ items and safety cards, in document order) is a
heading with the record's id, its text after it::

    <h1 id="top" data-pagefind-weight="7">Page title</h1> <p>introduction</p>
    <h2 id="how-often" data-pagefind-weight="7">How often</h2> <p>text</p>
    <h3 id="faq-safe" data-pagefind-weight="7">Is it safe …?</h3> <p>answer</p>
    <h4 id="card" data-pagefind-weight="7">Card title</h4> <p>text</p>

The heading element tells the search page the record's kind (h1 the page's
introduction, h2 a section or a glossary entry (whose id is Sphinx's ``term-...``), h3 an FAQ
item, h4 a safety card (h5 one that sends the reader to a professional, h6 an urgent one);
Pagefind reports
it with each anchor); every title has the same explicit weight, so ranking does
not depend on the element. The page's ``link`` and ``title`` are metadata, its
``body-part:``, ``condition:`` and ``use-case:`` tags filters.

The documents are made from the environment (the records, titles and metadata
stored when each page is read), never from the written HTML.
"""

from __future__ import annotations

import html
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


#: The heading element of each kind of record: the search page reads a result's kind from it
#: (Pagefind reports the element of every anchor). Every record title gets the same explicit
#: weight, so ranking does not depend on the element.
#: Six heading elements and five kinds: a glossary entry is an h2 like a section, told apart by
#: its id (Sphinx's glossary ids start ``term-``), so the cards' levels keep h4 to h6.
HEADINGS = {"page": "h1", "section": "h2", "faq": "h3", "safety": "h4", "term": "h2"}
#: A safety card's heading by its level (the search page tells the levels apart by it).
CARD_HEADINGS = {"caution": "h4", "professional": "h5", "urgent": "h6"}
TITLE_WEIGHT = 7


def page_html(
    page_title: str, url: str, records: list[dict[str, Any]], filters: dict[str, list[str]]
) -> str:
    """The document Pagefind indexes for one page: every record's title as a heading with the
    record's id (Pagefind's anchors, so each record is a sub-result), its text after it."""
    esc = html.escape
    spans = "".join(
        f'<span hidden data-pagefind-filter="{esc(facet)}[data-v]" data-v="{esc(value)}"></span>'
        for facet, values in sorted(filters.items())
        for value in values
    )
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(page_title)}</title></head>"
        f"<body data-pagefind-body>{spans}"
        f'<span hidden data-pagefind-meta="title[data-v]" data-v="{esc(page_title)}"></span>'
        f'<span hidden data-pagefind-meta="link[data-v]" data-v="{esc(url)}"></span>'
    ]
    if not any(r["kind"] == "page" for r in records):
        # The page title is searchable (and known to the search page) without an introduction.
        parts.append(f'<h1 data-pagefind-weight="{TITLE_WEIGHT}">{esc(page_title)}</h1>')
    for record in records:
        kind = record["kind"]
        tag = HEADINGS.get(kind, "h2")
        if kind == "safety":
            tag = CARD_HEADINGS.get(record.get("level", ""), tag)
        title = page_title if kind == "page" else record["title"]
        parts.append(
            f'<{tag} id="{esc(record["id"])}" data-pagefind-weight="{TITLE_WEIGHT}">'
            f"{esc(title)}</{tag}>"
        )
        if record["text"]:
            parts.append(f"<p>{esc(record['text'])}</p>")
    parts.append("</body></html>")
    return "".join(parts)


class IndexPage(NamedTuple):
    """One Pagefind page: a site page with its search records."""

    url: str
    html: str
    #: Each record's words as the search page scores them: its title, the page title, its text.
    records: list[str]


def _record_text(page_title: str, record: dict[str, Any]) -> str:
    if record["kind"] == "page":
        return f"{page_title} {record['text']}"
    return f"{record['title']} {page_title} {record['text']}"


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


def index_page(app: Sphinx, docname: str) -> IndexPage | None:
    """The page's Pagefind document, or None when the page is not searched."""
    page = search_page(app, docname)
    if page is None:
        return None
    texts = [_record_text(page.title, r) for r in page.records]
    return IndexPage(page.url, page_html(page.title, page.url, page.records, page.filters), texts)


def index_documents(app: Sphinx) -> list[IndexPage]:
    """Every searchable page with its records, in a stable order."""
    pages = (
        index_page(app, docname) for docname in sorted(kb_domain(app.env).records(RECORD_KIND))
    )
    return [page for page in pages if page is not None]
