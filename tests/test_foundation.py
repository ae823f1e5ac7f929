"""The foundation: the extension loads, is honest about parallel safety, and every
page carries a meta description and the site-wide medical disclaimer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

import healthkb


def _html(app: SphinxTestApp, page: str) -> str:
    return (app.outdir / page).read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="basic")
def test_builds_without_warnings(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="basic")
def test_meta_description_on_every_page(app: SphinxTestApp) -> None:
    app.build()
    index = _html(app, "index.html")
    plain = _html(app, "plain.html")
    assert '<meta name="description" content="The landing page of a test knowledge base.">' in (
        index
    )
    # No front matter: the first real paragraph describes the page.
    assert re.search(r'<meta name="description" content="This first paragraph is long', plain)


@pytest.mark.sphinx("html", testroot="basic")
def test_disclaimer_on_every_page(app: SphinxTestApp) -> None:
    app.build()
    for page in ("index.html", "plain.html", "genindex.html", "search.html"):
        html = _html(app, page)
        assert 'class="kb-disclaimer"' in html, page
        assert "not medical advice" in html, page


@pytest.mark.sphinx("html", testroot="basic")
def test_extension_metadata(app: SphinxTestApp) -> None:
    meta: Any = app.extensions["healthkb"]
    assert meta.parallel_read_safe is True
    assert meta.parallel_write_safe is True
    assert meta.version == healthkb.__version__


@pytest.mark.sphinx("html", testroot="basic", confoverrides={"kb_site_origin": "https://localhost"})
def test_localhost_origin_is_refused(app: SphinxTestApp) -> None:
    assert app.config.kb_site_origin == "https://321strong.com"
    assert "kb_site_origin" in app.warning.getvalue()
