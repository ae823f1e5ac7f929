"""The pages the importer writes build with Sphinx, MyST and sphinx-design in every builder.

The site is tests/roots/test-importer (its conf.py puts stand-ins in place of the FAQ,
safety and citation directives where they are not registered) plus the curated import of
the four articles (tests/fixtures/importer/curated). Content findings of the kb checks
("[kb.*]") are the checks' business; any other warning is the importer's.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.importer.conftest import CURATED

ROOT = Path(__file__).resolve().parents[1] / "roots" / "test-importer"


def make_site(target: Path) -> Path:
    """A Sphinx source folder with the curated import of the four articles."""
    shutil.copytree(ROOT, target, dirs_exist_ok=True)
    shutil.copytree(CURATED, target, dirs_exist_ok=True)
    return target


def _markup_warnings(warnings: str) -> list[str]:
    lines = [line for line in warnings.splitlines() if line.strip()]
    return [line for line in lines if not re.search(r"\[kb(\.[\w-]+)?\]", line)]


@pytest.mark.parametrize("builder", ["html", "text", "latex", "man", "texinfo"])
def test_imported_pages_build(builder: str, tmp_path: Path, make_app: Callable[..., Any]) -> None:
    app = make_app(builder, srcdir=make_site(tmp_path / "src"))
    app.build()
    assert _markup_warnings(app.warning.getvalue()) == []


def test_do_dont_list_is_two_headed_lists(tmp_path: Path, make_app: Callable[..., Any]) -> None:
    app = make_app("html", srcdir=make_site(tmp_path / "src"))
    app.build()
    html = (app.outdir / "articles" / "are-foam-rollers-good-for-your-back.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    container = soup.select_one(".kb-do-dont")
    assert container is not None
    headings = container.find_all("h3")
    assert [h.get_text(strip=True) for h in headings] == ["Do", "Don’t"]
    for heading, count in zip(headings, (6, 5), strict=True):
        found = heading.find_next("ul")
        assert found is not None
        items = found.find_all("li")
        assert len(items) == count
    # The rubrics are headings of the page's outline, not sections with their own TOC entry.
    assert soup.find(id="do") is None
