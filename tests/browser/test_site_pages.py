"""Every page of the built site loads cleanly and passes axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Request, Response

from tests.browser.conftest import SCHEMES, VIEWPORTS
from tests.site import site_pages

PAGES = site_pages()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


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
        problems.append(f"failed request: {request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.goto(base_url + path, wait_until="networkidle")
    context.close()
    assert problems == []


def _violations(results: Any) -> list[str]:
    out = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        out.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return out


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_axe_wcag22_aa(
    browser: Browser, base_url: str, path: str, viewport: str, scheme: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(base_url + path, wait_until="load")
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    context.close()
    assert _violations(results) == []
