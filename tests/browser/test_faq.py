"""FAQ items in a real browser: keyboard, focus, deep links, copy link, axe.

These tests build their own small site from tests/roots/test-faq, so they do not
depend on which articles the knowledge base has published.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.browser.conftest import SCHEMES, VIEWPORTS
from tests.site import serve

ROOT = Path(__file__).resolve().parent.parent / "roots" / "test-faq"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DIRECT = "faq-lower-back-direct"
OFTEN = "how-often-should-i-foam-roll-my-lower-back"


@pytest.fixture(scope="session")
def faq_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("faq-site")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(ROOT), str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def faq_url(faq_site: Path) -> Iterator[str]:
    with serve(faq_site) as url:
        yield url


def _is_open(page: Page, node_id: str) -> bool:
    return bool(page.eval_on_selector(f"#{node_id}", "el => el.open"))


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_opens_and_closes_an_item(page: Page, faq_url: str) -> None:
    page.goto(faq_url + "lower-back.html", wait_until="load")
    summary = f"#{DIRECT} > summary"
    _tab_to(page, summary)
    assert not _is_open(page, DIRECT)
    page.keyboard.press("Enter")
    assert _is_open(page, DIRECT)
    page.keyboard.press("Space")
    assert not _is_open(page, DIRECT)
    page.keyboard.press(" ")
    assert _is_open(page, DIRECT)
    # The next Tab goes into the answer (its link), then to the copy-link control.
    _tab_to(page, f"#{DIRECT} .kb-faq-answer a", limit=3)
    _tab_to(page, f'button[data-kb-anchor="{DIRECT}"]', limit=3)


def test_focus_is_visible(page: Page, faq_url: str) -> None:
    page.goto(faq_url + "lower-back.html", wait_until="load")
    for selector in (f"#{DIRECT} > summary", f'button[data-kb-anchor="{DIRECT}"]'):
        _tab_to(page, selector)
        style = page.eval_on_selector(
            selector,
            "el => { const s = getComputedStyle(el);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth), el.matches(':focus-visible')]; }",
        )
        assert style[0] != "none", selector
        assert style[1] >= 2, selector
        assert style[2] is True, selector


def test_deep_link_opens_the_item_and_scrolls_to_it(browser: Browser, faq_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(faq_url + f"lower-back.html#{OFTEN}", wait_until="load")
    page.wait_for_function(f"document.getElementById({OFTEN!r}).open")
    # Scrolling settles after the page's layout does (fonts, sidebars).
    page.wait_for_function(
        f"(() => {{ const t = document.getElementById({OFTEN!r}).getBoundingClientRect().top;"
        f" return window.scrollY > 0 && t >= 0 && t < {VIEWPORTS['phone']['height'] / 2}; }})()",
        timeout=5000,
    )
    top = page.eval_on_selector(f"#{OFTEN}", "el => el.getBoundingClientRect().top")
    assert page.evaluate("window.scrollY") > 0
    assert 0 <= top < VIEWPORTS["phone"]["height"] / 2
    assert not _is_open(page, DIRECT)
    # A link to another answer on the same page (hashchange) opens that one too.
    page.evaluate(f"location.hash = '#{DIRECT}'")
    page.wait_for_function(f"document.getElementById({DIRECT!r}).open")
    context.close()


def test_hub_links_land_on_the_open_answer(page: Page, faq_url: str) -> None:
    page.goto(faq_url + "faq.html", wait_until="load")
    page.get_by_role("link", name="How often should I foam roll my lower back?").click()
    page.wait_for_url(f"**/lower-back.html#{OFTEN}")
    page.wait_for_function(f"document.getElementById({OFTEN!r}).open")
    assert page.locator(f"#{OFTEN} .kb-faq-answer").is_visible()


def test_copy_link_puts_the_canonical_url_on_the_clipboard(browser: Browser, faq_url: str) -> None:
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"], permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.goto(faq_url + "lower-back.html", wait_until="load")
    page.click(f'button[data-kb-anchor="{DIRECT}"]')
    page.wait_for_function(
        "document.getElementById('kb-live') && "
        "document.getElementById('kb-live').textContent === 'Link copied'"
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"https://kb.example.org/lower-back.html#{DIRECT}"
    # Copying does not toggle the item.
    assert not _is_open(page, DIRECT)
    context.close()


def _violations(results: Any) -> list[str]:
    out = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        out.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return out


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", ["faq.html", "lower-back.html"])
def test_axe_wcag22_aa(
    browser: Browser, faq_url: str, path: str, viewport: str, scheme: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(faq_url + path, wait_until="load")
    violations = []
    for state in ("closed", "open"):
        if state == "open":
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations += [f"{state}: {v}" for v in _violations(results)]
    context.close()
    assert violations == []
