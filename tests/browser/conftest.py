"""Browser tests: Playwright driving Chromium against the built site.

The browser is one setting, ``KB_CHROMIUM``: Debian's Chromium (``/usr/bin/chromium``, which
``make test`` installs when missing) by default; on GitHub's runners, where apt's chromium is
a snap stub, the workflow points it at Playwright's Chromium. Nothing is downloaded at test
time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.site import serve, site_dir

#: The browser's executable (the Makefile passes its own KB_CHROMIUM, with the same default).
CHROMIUM = os.environ.get("KB_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1400, "height": 900},
    "phone": {"width": 390, "height": 844},
}
SCHEMES = ("light", "dark")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_AXE = Axe()


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page, one readable line each."""
    results = _AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    out = []
    for violation in results.response["violations"]:
        targets = [
            f"{', '.join(node['target'])}: {node.get('failureSummary', '')[:200]}"
            for node in violation["nodes"][:5]
        ]
        out.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return out


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site() -> Path:
    return site_dir()


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), "
            "or set KB_CHROMIUM to another Chromium (python -m playwright install chromium)"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    yield page
    context.close()
