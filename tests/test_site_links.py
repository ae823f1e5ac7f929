"""Every internal link and #fragment of the built site resolves."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.site import SITE, site_pages

PAGES = site_pages()


@cache
def _ids(path: Path) -> frozenset[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return frozenset(str(tag["id"]) for tag in soup.find_all(id=True))


def _broken_links(page: str) -> list[str]:
    source = SITE / page
    soup = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
    broken = []
    for tag in soup.find_all(["a", "link"], href=True):
        href = str(tag["href"])
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
            continue
        target = source if not parts.path else (source.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(f"{href}: no such file")
            continue
        if (
            parts.fragment
            and target.suffix == ".html"
            and unquote(parts.fragment) not in _ids(target)
        ):
            broken.append(f"{href}: no element with id {parts.fragment!r}")
    return broken


def test_site_was_built() -> None:
    assert PAGES, f"no built site at {SITE}: run `make html` first"


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(page: str) -> None:
    assert _broken_links(page) == []
