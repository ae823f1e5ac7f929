"""Slugs for object ids and page names: pure Python, without Sphinx.

One definition for the directives (FAQ items, safety cards, hub sections) and the importer
(page names, the ids it writes into pages), so an id the importer writes is the id the
directives compute. Ids come from a slug of the text or an explicit ``:name:``, never from
counters.
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
    """A URL-safe, lower-case id made of the first words of ``text``.

    >>> slugify("Is it safe to foam roll directly on the lower back?")
    'is-it-safe-to-foam-roll-directly-on-the-lower-back'
    """
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
