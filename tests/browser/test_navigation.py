"""Bounded navigation in a real browser: furo's sidebar, mobile menu and keys still work.

The tests build their own site from tests/roots/test-scale plus twenty extra articles, so
the sidebar window is visibly bounded and they do not depend on the published articles.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import SCHEMES, VIEWPORTS, axe_violations
from tests.scale_builds import RULES, SCALE_ROOT
from tests.site import serve

ARTICLE = "articles/hip-flexors.html"


@pytest.fixture(scope="session")
def nav_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("nav-site")
    src = base / "src"
    shutil.copytree(SCALE_ROOT, src)
    for n in range(20):
        (src / "articles" / f"stretch-{n:02d}.md").write_text(
            f"# Stretch {n:02d}\n\nHold each stretch for twenty seconds.\n", encoding="utf-8"
        )
    out = base / "html"
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "-E"]
    cmd += ["-D", f"kb_safety_rules={RULES}", str(src), str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def nav_url(nav_site: Path) -> Iterator[str]:
    with serve(nav_site) as url:
        yield url


def _visible_sidebar_links(page: Page) -> list[str]:
    return [
        str(text).strip()
        for text in page.eval_on_selector_all(
            ".sidebar-tree a.reference",
            "els => els.filter(e => e.offsetParent !== null).map(e => e.textContent)",
        )
    ]


def test_sidebar_shows_hubs_and_the_article_window(page: Page, nav_url: str) -> None:
    page.goto(nav_url + ARTICLE, wait_until="load")
    assert _visible_sidebar_links(page) == [
        "All articles",
        "Glute release for lower back tightness",
        "Hip flexors and the lower back",
        "How long should a session last?",
        "Questions and answers",
        "Safety rules and cards",
        "Evidence and sources",
    ]
    weight = page.eval_on_selector(
        ".sidebar-tree li.current-page > a", "el => getComputedStyle(el).fontWeight"
    )
    assert int(weight) >= 700
    # furo's expander still collapses and expands the window.
    page.click('.sidebar-tree label[for="toctree-checkbox-1"]')
    assert _visible_sidebar_links(page)[:2] == ["All articles", "Questions and answers"]
    page.click('.sidebar-tree label[for="toctree-checkbox-1"]')
    assert len(_visible_sidebar_links(page)) == 7


def test_keyboard_reaches_a_neighbour(page: Page, nav_url: str) -> None:
    page.goto(nav_url + ARTICLE, wait_until="load")
    target = '.sidebar-tree a[href="../answers/how-long-per-session.html"]'
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector({target!r})"):
            break
    else:
        raise AssertionError("Tab never reached the next article in the sidebar")
    outline = page.eval_on_selector(target, "el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/answers/how-long-per-session.html")


def test_arrow_keys_walk_the_articles(page: Page, nav_url: str) -> None:
    page.goto(nav_url + ARTICLE, wait_until="load")
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/answers/how-long-per-session.html")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/articles/hip-flexors.html")


def test_phone_menu_opens_the_same_tree(browser: Browser, nav_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(nav_url + ARTICLE, wait_until="load")
    link = page.locator('.sidebar-tree a[href="glute-release.html"]')
    on_screen = (
        "el => { const r = el.getBoundingClientRect(); return r.right > 0 && r.left < innerWidth; }"
    )
    assert not link.evaluate(on_screen)  # the drawer is closed
    page.click('label.nav-overlay-icon[for="__navigation"]')
    page.wait_for_function(
        "() => document.querySelector('.sidebar-tree a[href=\"glute-release.html\"]')"
        ".getBoundingClientRect().left >= 0"
    )
    link.click()
    page.wait_for_url("**/articles/glute-release.html")
    context.close()


def test_articles_index_jump_bar(page: Page, nav_url: str) -> None:
    page.goto(nav_url + "articles/index.html", wait_until="load")
    assert page.locator(".kb-articles-list a").count() == 28
    page.click(".kb-articles-jump a:text-is('S')")
    page.wait_for_url("**#letter-s")
    assert page.locator("#letter-s").is_visible()
    page.click(".kb-articles-list a:text-is('Stretch 07')")
    page.wait_for_url("**/articles/stretch-07.html")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", [ARTICLE, "articles/index.html"])
def test_axe_wcag22_aa(
    browser: Browser, nav_url: str, path: str, viewport: str, scheme: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(nav_url + path, wait_until="load")
    violations = axe_violations(page)
    if viewport == "phone":
        page.click('label.nav-overlay-icon[for="__navigation"]')
        page.locator(".sidebar-tree").wait_for(state="visible")
        violations += [f"menu open: {v}" for v in axe_violations(page)]
    context.close()
    assert violations == []
