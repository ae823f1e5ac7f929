"""Landing page, topic pages, article tags and related lists in a real browser.

These tests build their own small site from tests/roots/test-trust (the real articles'
titles, front matter and tags), so they do not depend on which articles are published.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import SCHEMES, VIEWPORTS, axe_violations
from tests.site import serve
from tests.trust_site import DOES_IT_HELP, POLICY, TRUST_ROOT

PAGES = [
    "index.html",
    "topics.html",
    "topics/condition-tightness.html",
    f"{DOES_IT_HELP}.html",
]


@pytest.fixture(scope="session")
def trust_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("trust-site")
    overrides = [f"-D{key}={value}" for key, value in POLICY.items()]
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", *overrides]
    subprocess.run([*cmd, str(TRUST_ROOT), str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def trust_url(trust_site: Path) -> Iterator[str]:
    with serve(trust_site) as url:
        yield url


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_axe_wcag22_aa(
    browser: Browser, trust_url: str, path: str, viewport: str, scheme: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(trust_url + path, wait_until="load")
    violations = axe_violations(page)
    context.close()
    assert violations == []


def test_search_box_leads_to_results(page: Page, trust_url: str) -> None:
    page.goto(trust_url + "index.html", wait_until="load")
    page.get_by_role("searchbox", name="Search the knowledge base").fill("lumbar spine")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search.html?q=lumbar+spine*")
    results = page.locator("#kb-search-results a")
    results.first.wait_for(timeout=15000)
    titles = results.all_inner_texts()
    assert any("Foam Rolling for Back Pain: Does It Actually Help?" in t for t in titles)


def test_topic_chip_leads_to_its_topic_page(page: Page, trust_url: str) -> None:
    page.goto(trust_url + f"{DOES_IT_HELP}.html", wait_until="load")
    chip = page.get_by_role("link", name="Use: Mobility")
    chip.focus()
    outline = chip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/topics/use-case-mobility.html")
    assert page.locator("h1").inner_text() == "Mobility"
    # From the topic page back to the article, in place.
    page.locator("#articles").get_by_role(
        "link", name="Foam Rolling for Back Pain: Does It Actually Help?"
    ).click()
    page.wait_for_url(f"**/{DOES_IT_HELP}.html")


def test_entry_point_answer_opens_in_place(page: Page, trust_url: str) -> None:
    page.goto(trust_url + "index.html", wait_until="load")
    page.get_by_role("link", name="Is it safe to foam roll directly on the lower back?").click()
    page.wait_for_url("**#is-it-safe-to-foam-roll-directly-on-the-lower-back")
    # kb.js opens the FAQ item the fragment names.
    page.wait_for_function(
        "document.getElementById('is-it-safe-to-foam-roll-directly-on-the-lower-back').open"
    )


def test_entry_points_stack_on_a_phone(browser: Browser, trust_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(trust_url + "index.html", wait_until="load")
    boxes = page.locator(".kb-entry")
    lefts = {round(boxes.nth(i).bounding_box()["x"]) for i in range(boxes.count())}  # type: ignore[index]
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert len(lefts) == 1  # one column
    assert width <= VIEWPORTS["phone"]["width"]  # nothing overflows sideways
