"""Shareable links: stable heading ids, copy-link controls, objects.inv, share cards,
redirect pages and fragment forwarding."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

ROOTS = Path(__file__).parent / "roots"

AppFactory = Callable[..., SphinxTestApp]


def _section_ids(html: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', html)


def _copy(tmp_path: Path, name: str = "test-links") -> Path:
    dest = tmp_path / name
    shutil.copytree(ROOTS / name, dest)
    return dest


def _build(make_app: AppFactory, srcdir: Path, **kwargs: Any) -> SphinxTestApp:
    app = make_app("html", srcdir=srcdir, **kwargs)
    app.build()
    return app


def test_heading_ids_are_slugs_never_counters(make_app: AppFactory, tmp_path: Path) -> None:
    app = _build(make_app, _copy(tmp_path))
    html = (app.outdir / "guide.html").read_text(encoding="utf-8")
    assert _section_ids(html) == [
        "rolling-guide",
        "upper-back",
        "upper-back-technique",
        "lower-back-guide",  # an explicit label comes first ...
        "lower-back-technique",
        "lower-back-stretch-after-rolling",
        "key-takeaways",
        "rolling-guide-key-takeaways",
    ]
    assert '<section id="lower-back-guide">' in html
    assert 'id="lower-back"' in html  # ... and the heading's slug still resolves
    assert not re.search(r'id="id\d+"', html)
    assert not re.search(r'id="[a-z-]+-\d+"', html)


def test_ids_survive_insert_remove_and_reorder(make_app: AppFactory, tmp_path: Path) -> None:
    src = _copy(tmp_path)
    before = _section_ids((_build(make_app, src).outdir / "guide.html").read_text(encoding="utf-8"))
    page = src / "guide.md"
    text = page.read_text(encoding="utf-8")
    # Insert a new section with a repeated heading first, and swap the two back sections.
    upper = text[text.index("## Upper back") : text.index("(lower-back-guide)=")]
    lower = text[text.index("(lower-back-guide)=") : text.index("## Key Takeaways")]
    text = text.replace(
        upper + lower, "## Warm up\n\n### Technique\n\nBreathe.\n\n" + lower + upper
    )
    page.write_text(text, encoding="utf-8")
    after = _section_ids(
        (_build(make_app, src, freshenv=True).outdir / "guide.html").read_text(encoding="utf-8")
    )
    # Every id that existed still exists, on the same heading; new sections get their own.
    assert set(before) <= set(after)
    assert {"warm-up", "warm-up-technique"} <= set(after)


def test_copy_link_control_after_every_heading(make_app: AppFactory, tmp_path: Path) -> None:
    app = _build(make_app, _copy(tmp_path))
    html = (app.outdir / "guide.html").read_text(encoding="utf-8")
    for section_id in _section_ids(html):
        assert f'data-kb-anchor="{section_id}"' in html
    assert 'aria-label="Copy link to the section “Upper back”"' in html


def test_sections_in_objects_inv(make_app: AppFactory, tmp_path: Path) -> None:
    app = _build(make_app, _copy(tmp_path))
    inv = InventoryFile.loads(
        (app.outdir / "objects.inv").read_bytes(), uri="https://kb.example.org/"
    )
    sections = inv.data["kb:section"]
    assert "guide#lower-back-technique" in sections
    item = sections["guide#lower-back-technique"]
    assert item.uri.endswith("guide.html#lower-back-technique")
    assert item.display_name == "Technique"


def test_share_cards_canonical_and_sitemap(make_app: AppFactory, tmp_path: Path) -> None:
    app = _build(make_app, _copy(tmp_path))
    html = (app.outdir / "guide.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://kb.example.org/guide.html"' in html
    assert '<meta property="og:title" content="Rolling guide"' in html
    assert '<meta property="og:url" content="https://kb.example.org/guide.html"' in html
    assert '<meta property="og:description" content="How to roll the upper and lower back."' in html
    assert '<meta name="twitter:card" content="summary">' in html
    sitemap = (app.outdir / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://kb.example.org/guide.html</loc>" in sitemap


def test_redirect_page_and_fragment_forwarding(make_app: AppFactory, tmp_path: Path) -> None:
    app = _build(make_app, _copy(tmp_path))
    stub = (app.outdir / "old-guide.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=guide.html"' in stub
    assert '<link rel="canonical" href="https://kb.example.org/guide.html">' in stub
    guide = (app.outdir / "guide.html").read_text(encoding="utf-8")
    assert '"stretching": "#lower-back-stretch-after-rolling"' in guide


def test_broken_redirects_file_is_a_clear_error(make_app: AppFactory, tmp_path: Path) -> None:
    src = _copy(tmp_path)
    (src / "redirects.toml").write_text('[pages]\n"a.html" = \n', encoding="utf-8")
    app = _build(make_app, src)
    warnings = app.warning.getvalue()
    assert "redirects.toml" in warnings
    # the editor's file and line, as every finding names them
    assert "redirects.toml:2: ERROR" in warnings
