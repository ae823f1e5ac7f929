"""Definitions of linked medical words: mouse, keyboard, touch, screen reader, axe."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import VIEWPORTS, axe_violations

ARTICLE = "articles/foam-roller-and-lower-back-pain-what-actually-works.html"
LUMBAR = (
    "Your lower back. The lumbar spine is the part of your spine between your ribs and your hips."
)


def _link(page: Page, term: str = "term-lumbar") -> Locator:
    return page.locator(f"a.reference[href$='#{term}']:has(> .kb-term)").first


@pytest.fixture()
def article(page: Page, base_url: str) -> Page:
    page.goto(base_url + ARTICLE, wait_until="load")
    expect(_link(page)).to_have_attribute("aria-describedby", "kb-def-term-lumbar")
    return page


@pytest.fixture()
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORTS["phone"], has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + ARTICLE, wait_until="load")
    expect(_link(page)).to_have_attribute("aria-describedby", "kb-def-term-lumbar")
    yield page
    context.close()


def test_mouse_hover_opens_the_definition_and_leaving_closes_it(article: Page) -> None:
    tip = article.locator("#kb-def-term-lumbar")
    expect(tip).to_be_hidden()
    _link(article).hover()
    expect(tip).to_be_visible()
    expect(tip).to_have_text(LUMBAR)
    expect(tip).to_have_attribute("role", "tooltip")
    article.mouse.move(5, 5)
    expect(tip).to_be_hidden()


def test_keyboard_focus_opens_and_escape_closes(article: Page) -> None:
    link = _link(article)
    tip = article.locator("#kb-def-term-lumbar")
    link.focus()
    expect(tip).to_be_visible()
    article.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    expect(link).to_be_focused()
    # Moving on with Tab closes it too; back with Shift+Tab opens it again.
    article.keyboard.press("Shift+Tab")
    article.keyboard.press("Tab")
    expect(link).to_be_focused()
    expect(tip).to_be_visible()
    article.keyboard.press("Tab")
    expect(tip).to_be_hidden()


def test_enter_and_click_still_follow_the_link(article: Page, base_url: str) -> None:
    _link(article).click()
    expect(article).to_have_url(base_url + "glossary.html#term-lumbar")


def test_screen_readers_get_the_word_and_its_definition(article: Page) -> None:
    link = _link(article)
    expect(link).to_have_accessible_name("lumbar spine")
    expect(link).to_have_accessible_description(LUMBAR)
    assert link.get_attribute("title") is None


def test_a_tap_on_a_phone_opens_it_in_view_and_a_tap_elsewhere_closes_it(
    phone: Page, base_url: str
) -> None:
    link = _link(phone)
    tip = phone.locator("#kb-def-term-lumbar")
    link.scroll_into_view_if_needed()
    link.tap()
    expect(tip).to_be_visible()
    expect(phone).to_have_url(base_url + ARTICLE)
    box = tip.bounding_box()
    assert box is not None
    viewport = VIEWPORTS["phone"]
    scroll_y = phone.evaluate("window.scrollY")
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert box["y"] >= scroll_y and box["y"] + box["height"] <= scroll_y + viewport["height"]
    # A second tap on the word closes it; a tap elsewhere closes it as well.
    link.tap()
    expect(tip).to_be_hidden()
    link.tap()
    expect(tip).to_be_visible()
    phone.locator("h1").first.tap()
    expect(tip).to_be_hidden()


def test_a_definition_near_the_right_edge_stays_in_view(phone: Page) -> None:
    # Every linked word of the page, whatever its place on the line.
    links = phone.locator("a.reference:has(> .kb-term)")
    viewport = VIEWPORTS["phone"]
    for index in range(links.count()):
        link = links.nth(index)
        link.scroll_into_view_if_needed()
        link.tap()
        tip = phone.locator(f"#{link.get_attribute('aria-describedby')}")
        expect(tip).to_be_visible()
        box = tip.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        link.tap()
        expect(tip).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_with_an_open_definition(browser: Browser, base_url: str, scheme: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(base_url + ARTICLE, wait_until="load")
    _link(page).hover()
    expect(page.locator("#kb-def-term-lumbar")).to_be_visible()
    violations = axe_violations(page)
    page.goto(base_url + "glossary.html", wait_until="load")
    violations += axe_violations(page)
    context.close()
    assert violations == []


def test_search_finds_a_definition_as_a_glossary_result(page: Page, base_url: str) -> None:
    page.goto(base_url + "search.html", wait_until="networkidle")
    page.fill("#kb-search-input", "spondylolisthesis")
    page.wait_for_function(
        "(q) => document.querySelector('#kb-search-results').dataset.kbQuery === q",
        arg="spondylolisthesis",
    )
    result = page.locator(".kb-search-result").filter(
        has=page.locator(".kb-search-link[href$='glossary.html#term-spondylolisthesis']")
    )
    expect(result).to_have_count(1)
    expect(result.locator(".kb-search-kind")).to_have_text("Glossary")
