"""Imported pages in a browser: axe-core finds nothing in light and dark, and the do/don't
list reads as two headed lists, side by side on a wide screen and stacked on a phone.

The site is built here from tests/roots/test-importer and the curated import of the four
articles, so it does not depend on which articles are published in docs/.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import SCHEMES, VIEWPORTS, axe_violations
from tests.importer.test_sphinx_build import make_site
from tests.site import serve

PAGES = [
    "articles/are-foam-rollers-good-for-your-back.html",
    "articles/foam-rolling-forearms-and-hands.html",
    "answers/is-it-healthy-to-foam-roll-your-back.html",
]
DO_DONT = PAGES[0]


@pytest.fixture(scope="session")
def importer_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("importer-site")
    src = make_site(base / "src")
    out = base / "html"
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
        check=True,
        capture_output=True,
    )
    with serve(out) as url:
        yield url


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_axe(browser: Browser, importer_site: str, path: str, viewport: str, scheme: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(importer_site + path, wait_until="load")
    violations = axe_violations(page)
    context.close()
    assert violations == []


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_do_dont_layout(browser: Browser, importer_site: str, viewport: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.goto(importer_site + DO_DONT, wait_until="load")
    do = page.get_by_role("heading", name="Do", exact=True)
    dont = page.get_by_role("heading", name="Don’t", exact=True)
    assert do.count() == 1 and dont.count() == 1
    do_box, dont_box = do.bounding_box(), dont.bounding_box()
    assert do_box is not None and dont_box is not None
    if viewport == "desktop":
        assert abs(do_box["y"] - dont_box["y"]) < 2 and dont_box["x"] > do_box["x"]
    else:
        assert dont_box["y"] > do_box["y"] + 100
    lists = page.locator(".kb-do-dont ul")
    assert lists.count() == 2
    assert lists.nth(0).locator("li").count() == 6
    assert lists.nth(1).locator("li").first.inner_text().startswith("Roll over vertebrae")
    context.close()
