"""Every page of the built site loads cleanly and passes axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import tomllib

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Request, Response

from tests.browser.conftest import SCHEMES, VIEWPORTS, axe_violations
from tests.conftest import ROOT
from tests.site import site_pages

PAGES = site_pages()
#: Redirect pages of the site and where they lead (conf/redirects.toml).
REDIRECTS = tomllib.loads((ROOT / "conf" / "redirects.toml").read_text(encoding="utf-8"))["pages"]


def test_site_has_pages() -> None:
    assert "index.html" in PAGES
    assert "about.html" in PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_errors(browser: Browser, base_url: str, path: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    problems: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            problems.append(f"console error: {msg.text}")

    def on_failed(request: Request) -> None:
        # A redirect page (conf/redirects.toml) replaces itself while it loads: the
        # browser may abort the rest of its own response, before or after the page's
        # address changes (it must then land on its target: asserted below). Nothing
        # else may fail.
        replaced = (
            path in REDIRECTS
            and request.is_navigation_request()
            and request.url == base_url + path
            and request.failure == "net::ERR_ABORTED"
        )
        if not replaced:
            problems.append(f"failed request: {request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.goto(base_url + path, wait_until="networkidle")
    landed = page.url
    context.close()
    assert problems == []
    if path in REDIRECTS:
        assert landed.split("#")[0] == base_url + REDIRECTS[path]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_axe_wcag22_aa(
    browser: Browser, base_url: str, path: str, viewport: str, scheme: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(base_url + path, wait_until="load")
    violations = axe_violations(page)
    context.close()
    assert violations == []
