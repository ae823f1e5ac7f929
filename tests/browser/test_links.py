"""Links trainers share: copy-link controls, redirect pages, fragment forwarding, print."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import SCHEMES, VIEWPORTS, axe_violations
from tests.site import serve

ROOT = Path(__file__).resolve().parent.parent / "roots" / "test-links"


@pytest.fixture(scope="module")
def links_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("links-site")
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(ROOT), str(out)],
        check=True,
        capture_output=True,
    )
    with serve(out) as url:
        yield url


def test_copy_link_by_click_and_keyboard(browser: Browser, links_site: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(links_site + "guide.html")
    button = page.locator('button.kb-copy-link[data-kb-anchor="lower-back-technique"]')
    button.click()
    expect(page.locator("#kb-live")).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "https://kb.example.org/guide.html#lower-back-technique"

    # Keyboard: the control is focusable and works with Enter.
    other = page.locator('button.kb-copy-link[data-kb-anchor="upper-back"]')
    other.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "navigator.clipboard.readText().then(t => t.endsWith('#upper-back'))", timeout=3000
    )
    context.close()


def test_copy_link_by_touch(browser: Browser, links_site: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], has_touch=True, is_mobile=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(links_site + "guide.html")
    button = page.locator('button.kb-copy-link[data-kb-anchor="key-takeaways"]')
    box = button.bounding_box()
    assert box is not None and box["width"] >= 24 and box["height"] >= 24  # WCAG 2.5.8
    button.tap()
    expect(page.locator("#kb-live")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()").endswith("guide.html#key-takeaways")
    context.close()


def test_moved_page_redirects_with_its_fragment(browser: Browser, links_site: str) -> None:
    page = browser.new_page()
    page.goto(links_site + "old-guide.html#lower-back-technique")
    page.wait_for_url("**/guide.html#lower-back-technique")
    assert page.title().startswith("Rolling guide")
    page.close()


def test_moved_fragment_is_forwarded(browser: Browser, links_site: str) -> None:
    page = browser.new_page()
    page.goto(links_site + "guide.html#stretching")
    page.wait_for_url("**/guide.html#lower-back-stretch-after-rolling")
    target = page.locator("#lower-back-stretch-after-rolling")
    expect(target).to_be_in_viewport()
    page.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_axe_on_page_with_copy_links(
    browser: Browser, links_site: str, viewport: str, scheme: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(links_site + "guide.html")
    page.locator('button.kb-copy-link[data-kb-anchor="upper-back"]').focus()
    violations = axe_violations(page)
    context.close()
    assert violations == []


def test_print_is_a_clean_handout(browser: Browser, links_site: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(links_site + "guide.html")
    page.emulate_media(media="print")
    for selector in (".sidebar-drawer", ".toc-drawer", "button.kb-copy-link", ".related-pages"):
        assert page.locator(selector).first.is_hidden(), selector
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".kb-disclaimer")).to_be_visible()
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    page.close()


def test_printed_article_expands_faqs_and_keeps_cards(browser: Browser, base_url: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(base_url + "articles/foam-rolling-for-back-pain-does-it-actually-help.html")
    answer = page.locator(".kb-faq-answer").first
    assert answer.is_hidden()  # a closed disclosure on screen ...
    page.emulate_media(media="print")
    expect(answer).to_be_visible()  # ... is expanded on paper
    card = page.locator(".kb-safety").first
    assert card.evaluate("el => getComputedStyle(el).breakInside") == "avoid"
    link = page.locator("article a.reference.external").first
    printed = link.evaluate("el => getComputedStyle(el, '::after').content")
    assert "https://" in printed
    page.close()
