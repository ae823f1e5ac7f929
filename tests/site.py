"""Helpers for tests that look at the built site (build/html by default)."""

from __future__ import annotations

import os
from pathlib import Path

from healthkb.search.evaluate import serve as serve

# The folders that hold no page (kb check's list), and the local server of the search
# evaluation: one definition each.
from healthkb.site.permalinks import SKIP_PREFIXES

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("KB_SITE", ROOT / "build" / "html"))

#: Pages Sphinx generates that are not content.
SKIP_PAGES = {"genindex.html"}


def site_dir() -> Path:
    if not (SITE / "index.html").is_file():
        raise RuntimeError(f"no built site at {SITE}: run `make html` first")
    return SITE


def site_pages() -> list[str]:
    """Every HTML page of the built site, as paths relative to its root."""
    if not (SITE / "index.html").is_file():
        return []
    pages = []
    for path in sorted(SITE.rglob("*.html")):
        rel = path.relative_to(SITE).as_posix()
        if rel.startswith(SKIP_PREFIXES) or rel in SKIP_PAGES:
            continue
        pages.append(rel)
    return pages
