"""Safety cards in the browser: axe in both schemes, screen-reader prefixes, copy link, deep
links and print layout, on a small site built from tests/roots/test-safety."""

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
from tests.site import ROOT, serve

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()
CARDS = {
    "do-not-roll-directly-over-the-lumbar-spine": (
        "Take care: ",
        "Do not roll directly over the lumbar spine",
    ),
    "stop-nerve-symptoms-card": (
        "See a health professional: ",
        "Stop and see a health professional",
    ),
    "get-medical-help-straight-away": ("Urgent: ", "Get medical help straight away"),
}


@pytest.fixture(scope="session")
def safety_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test-safety root built with -W into a temporary directory."""
    out = tmp_path_factory.mktemp("safety-site")
    rules = ROOT / "conf" / "safety-concepts.toml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-W",
            "-q",
            "-D",
            f"kb_safety_rules={rules}",
            str(ROOT / "tests" / "roots" / "test-safety"),
            str(out),
        ],
        check=True,
    )
    return out


@pytest.fixture(scope="session")
def safety_url(safety_site: Path) -> Iterator[str]:
    with serve(safety_site) as url:
        yield url


def _violations(results: Any) -> list[str]:
    out = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        out.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return out


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", ["cards.html", "safety.html"])
def test_axe_on_cards_and_hub(
    browser: Browser, safety_url: str, path: str, viewport: str, scheme: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(safety_url + path, wait_until="load")
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    context.close()
    assert _violations(results) == []


def test_screen_readers_hear_the_level_first(page: Page, safety_url: str) -> None:
    page.goto(safety_url + "cards.html", wait_until="load")
    for card_id, (prefix, title) in CARDS.items():
        card = page.locator(f"#{card_id}")
        # The heading's accessible name starts with the level; the icon is not read.
        heading = card.get_by_role("heading", name=prefix + title, exact=True)
        expect(heading).to_have_count(1)
        assert f'heading "{prefix}{title}"' in card.aria_snapshot()
        # The prefix is visually hidden: one pixel, clipped.
        box = card.locator(".kb-visually-hidden").bounding_box()
        assert box is not None and box["width"] <= 1 and box["height"] <= 1
        assert card.locator("svg.kb-safety__icon").get_attribute("aria-hidden") == "true"


def test_levels_look_different(page: Page, safety_url: str) -> None:
    page.goto(safety_url + "cards.html", wait_until="load")
    headers = {
        card_id: page.locator(f"#{card_id} .kb-safety__header").evaluate(
            "el => getComputedStyle(el).backgroundColor"
        )
        for card_id in CARDS
    }
    assert len(set(headers.values())) == 3, headers


def test_copy_link(browser: Browser, safety_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=safety_url.rstrip("/"))
    page = context.new_page()
    page.goto(safety_url + "cards.html", wait_until="load")
    card_id = "get-medical-help-straight-away"
    button = page.get_by_role("button", name="Copy link to safety card: Get medical help")
    button.click()
    expect(page.locator("#kb-live")).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{safety_url}cards.html#{card_id}"
    context.close()


@pytest.mark.parametrize("card_id", ["stop-nerve-symptoms-card", "warm-up-before-you-roll"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_deep_link_scrolls_to_the_card(
    browser: Browser, safety_url: str, viewport: str, card_id: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.goto(f"{safety_url}cards.html#{card_id}", wait_until="load")
    assert page.evaluate("document.querySelector(':target').id") == card_id
    # The page jumps to the card on load, before the load event (a smooth scroll would be
    # stopped by furo's set-up a few pixels in on a busy device): no waiting for it. The card
    # is near the top, or the page cannot scroll any further.
    landed = page.evaluate(
        """id => {
            const top = document.getElementById(id).getBoundingClientRect().top;
            const end = document.documentElement.scrollHeight - window.innerHeight;
            return (top >= 0 && top < window.innerHeight / 4) || window.scrollY >= end - 1;
        }""",
        card_id,
    )
    assert landed
    page.wait_for_timeout(300)
    box = page.locator(f"#{card_id}").bounding_box()
    assert box is not None
    # The card's heading is on screen and below furo's sticky header on phones.
    header = page.locator(".mobile-header").bounding_box() if viewport == "phone" else None
    top_limit = header["height"] if header else 0
    assert top_limit <= box["y"] and box["y"] + 60 <= VIEWPORTS[viewport]["height"], box
    context.close()


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_page_scrolling_follows_the_readers_motion_setting(
    browser: Browser, safety_url: str, motion: str
) -> None:
    """furo scrolls smoothly; a reader who asks for less motion gets jumps."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], reduced_motion=motion)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(safety_url + "cards.html", wait_until="load")
    behaviours = page.evaluate(
        """() => ["html", ".sidebar-scroll", ".toc-scroll"].map(
            s => getComputedStyle(document.querySelector(s)).scrollBehavior)"""
    )
    expected = "auto" if motion == "reduce" else "smooth"
    assert behaviours == [expected] * 3
    context.close()


def test_hub_links_land_on_cards(page: Page, safety_url: str) -> None:
    page.goto(safety_url + "safety.html", wait_until="load")
    page.locator("#rule-urgent-cauda-equina a").first.click()
    page.wait_for_url("**/cards.html#get-medical-help-straight-away")
    expect(page.locator(":target")).to_have_class("kb-safety kb-safety--urgent")


def test_cards_do_not_break_across_printed_pages(page: Page, safety_url: str) -> None:
    page.goto(safety_url + "cards.html", wait_until="load")
    page.emulate_media(media="print")
    for card_id in CARDS:
        style = page.locator(f"#{card_id}").evaluate("el => getComputedStyle(el).breakInside")
        assert style == "avoid", card_id
    expect(page.locator("#get-medical-help-straight-away .kb-copy-link")).to_be_hidden()
