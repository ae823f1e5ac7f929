"""The docs folder as the importer reads it: pages already there
(their front matter, the source URL each came from), paths as shown in the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from healthkb.importer.links import canonical_path

PAGE_FOLDERS = ("articles", "answers")
SOURCE_URL = re.compile(r"^source_url:\s*[\"']?(?P<url>[^\"'\s]+)[\"']?\s*$", re.MULTILINE)


def read_page(path: Path) -> str | None:
    """The text of ``path``; None when it does not exist, "" when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return ""


def front_matter(page: str) -> str:
    """The YAML front matter of ``page`` with its opening ``---`` line ("" without one)."""
    if not page.startswith("---\n"):
        return ""
    end = page.find("\n---\n", 4)
    return page[: end + 1] if end != -1 else ""


def known_pages(into: Path) -> dict[str, str]:
    """canonical URL path -> docs-relative page, for the pages already in ``into``."""
    known: dict[str, str] = {}
    for folder in PAGE_FOLDERS:
        base = into / folder
        if not base.is_dir():
            continue
        for page in sorted(base.glob("*.md")):
            match = SOURCE_URL.search(front_matter(read_page(page) or ""))
            if match:
                known.setdefault(
                    canonical_path(url_path(match.group("url"))), f"{folder}/{page.name}"
                )
    return known


def url_path(url: str) -> str:
    return urlsplit(url).path


#: How the report shows a path.
Shower = Callable[[Path], str]


def shown_page(into: Path, page: str, shown: Shower) -> str:
    return shown(into / page)


def shower(display: Path | None) -> Shower:
    """Paths as the report shows them: relative to ``display`` (default: the current folder)."""
    base = (display or Path.cwd()).resolve()

    def shown(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(base))
        except ValueError:
            return str(path)

    return shown
