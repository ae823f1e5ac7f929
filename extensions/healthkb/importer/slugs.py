"""Slugs for page names and object ids, without importing Sphinx.

:func:`slugify` gives exactly what ``healthkb.core.anchors.slugify`` gives (a test keeps the
two in step), so an id the importer writes is the id the directives would compute.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_SLUG_WORDS = 12
#: Page names are longer than object ids: a URL's last segment is kept whole.
MAX_PAGE_SLUG_CHARS = 120


def slugify(text: str, *, max_words: int = MAX_SLUG_WORDS) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = [w for w in _NON_WORD.split(ascii_text.lower().replace("'", "")) if w]
    return "-".join(words[:max_words])


def page_slug(source_url: str, title: str) -> str:
    """The page name: the source URL's last path segment, else a slug of the title."""
    if source_url:
        path = unquote(urlsplit(source_url).path).rstrip("/")
        segment = path.rsplit("/", 1)[-1]
        segment = re.sub(r"\.(?:html?|php|aspx?)$", "", segment, flags=re.IGNORECASE)
        slug = slugify(segment, max_words=10_000)
        if slug:
            return slug[:MAX_PAGE_SLUG_CHARS].rstrip("-")
    return slugify(title, max_words=10_000)[:MAX_PAGE_SLUG_CHARS].rstrip("-")
