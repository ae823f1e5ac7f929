"""Reference previews in headless Chromium, on a small site built from tests/roots/test-cite.

The preview of a citation marker appears on hover and on keyboard focus, says the
reference, is tied to the marker for screen readers, stays while hovered, and Escape
hides it. On touch, the first tap previews and the second follows the link. axe-core
finds no WCAG 2.2 AA violations in light and dark, on desktop and phone.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCHEMES, VIEWPORTS
from tests.site import serve

ROOT = Path(__file__).resolve().parent.parent / "roots" / "test-cite"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHEATHAM = (
    "Cheatham SW, et al. International Journal of Sports Physical Therapy. 2015. PubMed 26618062"
)
BEARDSLEY = (
    "Beardsley C, Skarabot J. Journal of Bodywork and Movement Therapies. 2015. PubMed 26592233"
)


@pytest.fixture(scope="session")
def cite_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cite-site")
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(ROOT), str(out)],
        check=True,
    )
    return out


@pytest.fixture(scope="session")
def cite_url(cite_site: Path) -> Iterator[str]:
    with serve(cite_site) as url:
        yield url


@pytest.fixture()
def research(browser: Browser, cite_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(cite_url + "research.html", wait_until="load")
    yield page
    context.close()
    assert errors == []


def _tooltip(page: Page) -> Any:
    return page.locator("#kb-cite-tooltip")


def test_marker_names_and_describes_its_reference_without_script(
    browser: Browser, cite_url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(cite_url + "research.html")
    marker = page.locator("#cite-pmid-26618062")
    expect(marker).to_have_accessible_name("Reference 1")
    expect(marker).to_have_accessible_description(CHEATHAM)
    marker.click()
    assert page.url.endswith("#ref-pmid-26618062")
    context.close()


def test_preview_on_hover(research: Page) -> None:
    marker = research.locator("#cite-pmid-26618062")
    marker.hover()
    tooltip = _tooltip(research)
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_attribute("role", "tooltip")
    expect(tooltip).to_have_text(CHEATHAM)
    expect(marker).to_have_attribute("aria-describedby", "kb-cite-tooltip")
    expect(marker).to_have_accessible_description(CHEATHAM)
    # It sits next to the marker, inside the viewport.
    box, tip = marker.bounding_box(), tooltip.bounding_box()
    assert box is not None and tip is not None
    assert tip["x"] >= 0 and tip["x"] + tip["width"] <= VIEWPORTS["desktop"]["width"]
    assert abs((tip["y"] + tip["height"]) - box["y"]) < 20 or tip["y"] >= box["y"]

    # WCAG 1.4.13: the pointer can move onto the preview without it disappearing.
    tooltip.hover()
    research.wait_for_timeout(500)
    expect(tooltip).to_be_visible()
    research.mouse.move(5, 5)
    expect(tooltip).to_be_hidden()
    expect(marker).to_have_attribute("aria-describedby", "ref-pmid-26618062")


def test_hovering_another_marker_previews_that_reference(research: Page) -> None:
    research.locator("#cite-pmid-26618062").hover()
    expect(_tooltip(research)).to_have_text(CHEATHAM)
    research.locator("#cite-pmid-26592233").hover()
    expect(_tooltip(research)).to_have_text(BEARDSLEY)
    expect(research.locator("#cite-pmid-26618062")).to_have_attribute(
        "aria-describedby", "ref-pmid-26618062"
    )


def test_preview_on_keyboard_focus_and_escape(research: Page) -> None:
    for _ in range(120):
        research.keyboard.press("Tab")
        if research.evaluate("document.activeElement.classList.contains('kb-cite-ref')"):
            break
    else:
        pytest.fail("no citation marker reachable with Tab")
    focused = research.locator("a.kb-cite-ref:focus")
    expect(focused).to_have_id("cite-pmid-26618062")
    tooltip = _tooltip(research)
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_text(CHEATHAM)
    expect(focused).to_have_accessible_description(CHEATHAM)

    research.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()
    # Focus stays on the marker; the link still works from the keyboard.
    expect(research.locator("#cite-pmid-26618062")).to_be_focused()
    expect(research.locator("#cite-pmid-26618062")).to_have_accessible_description(CHEATHAM)

    research.keyboard.press("Tab")
    expect(research.locator("#cite-pmid-26592233")).to_be_focused()
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_text(BEARDSLEY)

    research.keyboard.press("Shift+Tab")
    research.keyboard.press("Enter")
    research.wait_for_url("**#ref-pmid-26618062")
    expect(research.locator("#ref-pmid-26618062")).to_be_in_viewport()


def test_touch_first_tap_previews_second_tap_follows(browser: Browser, cite_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(cite_url + "research.html", wait_until="load")
    marker = page.locator("#cite-pmid-26592233")
    marker.scroll_into_view_if_needed()
    marker.tap()
    tooltip = _tooltip(page)
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_text(BEARDSLEY)
    assert "#" not in page.url
    box = tooltip.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS["phone"]["width"]
    marker.tap()
    page.wait_for_url("**#ref-pmid-26592233")
    # Tapping elsewhere closes an open preview.
    page.locator("#cite-pmid-26618062").scroll_into_view_if_needed()
    page.locator("#cite-pmid-26618062").tap()
    expect(tooltip).to_be_visible()
    page.locator("h1").tap()
    expect(tooltip).to_be_hidden()
    context.close()


# -- accessibility ----------------------------------------------------------------------------
AXE = Axe()


def _violations(results: Any) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        f"{[', '.join(n['target']) for n in v['nodes'][:5]]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", ["research.html", "legacy.html", "evidence.html"])
def test_axe_wcag22_aa(
    browser: Browser, cite_url: str, path: str, viewport: str, scheme: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(cite_url + path, wait_until="load")
    marker = page.locator("a.kb-cite-ref").first
    if marker.count():
        # With a preview open, too.
        marker.focus()
        expect(_tooltip(page)).to_be_visible()
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    context.close()
    assert _violations(results) == []
