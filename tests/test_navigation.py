"""Navigation whose size does not grow with the number of articles.

The sidebar of every page holds the hubs (all articles, FAQ, safety, evidence) and, on an
article, the article and its neighbours; the articles index lists every article A to Z, so
every article is two clicks from the landing page.
"""

from __future__ import annotations

import posixpath
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest
from bs4 import BeautifulSoup
from furo.navigation import get_navigation_tree
from sphinx.testing.util import SphinxTestApp

from healthkb.site.navigation import render_furo_nav, render_nav
from healthkb.site.sitetree import window
from tests.scale_builds import CONF, build, copy_root, edit

ARTICLES = [
    "articles/calf-rolling",
    "articles/glute-release",
    "articles/hip-flexors",
    "answers/how-long-per-session",
    "answers/is-rolling-healthy",
    "articles/lower-back-basics",
    "articles/morning-routine",
    "articles/upper-back-desk",
]


def _soup(outdir: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / page).read_text(encoding="utf-8"), "html.parser")


def _sidebar_links(outdir: Path, page: str) -> list[tuple[str, str]]:
    tree = _soup(outdir, page).select_one(".sidebar-tree")
    assert tree is not None
    return [(a.get_text(), str(a["href"])) for a in tree.select("a.reference")]


def _add_articles(srcdir: Path, count: int) -> None:
    for n in range(count):
        (srcdir / "articles" / f"zz-extra-{n:03d}.md").write_text(
            f"# Extra article {n:03d}\n\nRoll the glutes for a minute.\n", encoding="utf-8"
        )


def test_window_stays_inside_the_list() -> None:
    entries = [(str(n), str(n)) for n in range(10)]
    assert window(entries, 0, 2) == entries[:5]
    assert window(entries, 5, 2) == entries[3:8]
    assert window(entries, 9, 2) == entries[5:]
    assert window(entries[:4], 3, 2) == entries[:4]


@pytest.mark.sphinx("html", testroot="scale", confoverrides=CONF, freshenv=True)
def test_article_sidebar_shows_hubs_and_neighbours(app: SphinxTestApp) -> None:
    app.build()
    outdir = Path(app.outdir)
    links = _sidebar_links(outdir, "articles/hip-flexors.html")
    assert links == [
        ("All articles", "index.html"),
        ("Glute release for lower back tightness", "glute-release.html"),
        ("Hip flexors and the lower back", "#"),
        ("How long should a session last?", "../answers/how-long-per-session.html"),
        ("Questions and answers", "../faq.html"),
        ("Safety rules and cards", "../safety.html"),
        ("Evidence and sources", "../evidence.html"),
    ]
    soup = _soup(outdir, "articles/hip-flexors.html")
    current = soup.select_one(".sidebar-tree li.current-page > a")
    assert current is not None and current.get_text() == "Hip flexors and the lower back"
    # furo turned the articles entry into an expanded, keyboard-operable toggle.
    toggle = soup.select_one(".sidebar-tree li.has-children > input.toctree-checkbox")
    assert toggle is not None and toggle.has_attr("checked")
    assert toggle["aria-label"] == "Toggle navigation of All articles"
    # Captions are headings of level 2 (as elsewhere on the site).
    captions = [p.get_text() for p in soup.select('.sidebar-tree p.caption[aria-level="2"]')]
    assert captions == ["Answers", "About"]
    # The first article's window is shifted, not cut.
    first = [t for t, _ in _sidebar_links(outdir, "articles/calf-rolling.html")]
    assert first[1:4] == [
        "Calf rolling after a long walk",
        "Glute release for lower back tightness",
        "Hip flexors and the lower back",
    ]
    # Hubs show the top of the tree only.
    assert [t for t, _ in _sidebar_links(outdir, "faq.html")] == [
        "All articles",
        "Questions and answers",
        "Safety rules and cards",
        "Evidence and sources",
    ]
    # Pages that are not documents (search) get the same top of the tree.
    assert _sidebar_links(outdir, "search.html")[0][0] == "All articles"
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="scale", confoverrides=CONF, freshenv=True)
def test_articles_index_lists_every_article_a_to_z(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(Path(app.outdir), "articles/index.html")
    article = soup.select_one("article")
    assert article is not None
    titles = [a.get_text() for a in article.select(".kb-articles-list a")]
    assert titles == sorted(titles, key=str.lower)
    assert len(titles) == len(ARTICLES)
    summary = article.select_one(".kb-articles-summary")
    assert summary is not None and summary.get_text() == "8 articles. Jump to a letter:"
    letters = [a.get_text() for a in article.select(".kb-articles-jump a")]
    assert letters == ["A", "C", "G", "H", "I", "L", "U"]
    for letter in letters:
        heading = article.select_one(f"#letter-{letter.lower()}")
        assert heading is not None and heading.get_text() == letter
    hrefs = {str(a["href"]) for a in article.select(".kb-articles-list a")}
    assert "../answers/is-rolling-healthy.html" in hrefs


def _click_distance(outdir: Path) -> dict[str, int]:
    """Clicks from the landing page to every page (following links in each page)."""
    distance = {"index.html": 0}
    queue = deque(["index.html"])
    while queue:
        page = queue.popleft()
        soup = _soup(outdir, page)
        for a in soup.select("a[href]"):
            href = urldefrag(str(a["href"]))[0]
            if not href or "://" in href or not href.endswith(".html"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
            if target not in distance and (outdir / target).is_file():
                distance[target] = distance[page] + 1
                queue.append(target)
    return distance


def test_every_article_within_three_clicks_and_sidebar_bounded(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path)
    small = build(srcdir, tmp_path / "small", freshenv=True)
    _add_articles(srcdir, 40)
    large = build(srcdir, tmp_path / "large", freshenv=True)
    assert large.warnings == ""
    distance = _click_distance(large.outdir)
    pages = sorted(p.relative_to(large.outdir).as_posix() for p in large.outdir.glob("a*/*.html"))
    assert len(pages) == 49
    assert all(distance.get(page, 99) <= 3 for page in pages), {
        page: distance.get(page) for page in pages if distance.get(page, 99) > 3
    }
    # The same sidebar, with 8 or 48 articles.
    page = "articles/hip-flexors.html"
    assert _sidebar_links(small.outdir, page) == _sidebar_links(large.outdir, page)
    trees = [
        str(_soup(out, page).select_one(".sidebar-tree")) for out in (small.outdir, large.outdir)
    ]
    assert trees[0] == trees[1]


def test_adding_an_article_updates_index_and_neighbours(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path)
    first = build(srcdir, tmp_path / "build", freshenv=True)
    outdir = first.outdir
    assert "Foot rolling" not in (outdir / "articles/index.html").read_text(encoding="utf-8")
    (srcdir / "articles/foot-rolling.md").write_text("# Foot rolling\n\nRoll the soles.\n")
    second = build(srcdir, tmp_path / "build")
    assert "1 added, 1 changed, 0 removed" in second.status
    index = [
        a.get_text() for a in _soup(outdir, "articles/index.html").select(".kb-articles-list a")
    ]
    assert "Foot rolling" in index
    # Its neighbours (file-name order: calf-rolling, foot-rolling, glute-release) show it.
    for neighbour in ("articles/calf-rolling.html", "articles/glute-release.html"):
        assert ("Foot rolling", "foot-rolling.html") in _sidebar_links(outdir, neighbour)
    # A page two places away does not show it. (It may still be rewritten: related-article
    # lists are recomputed when an article is added.)
    assert ("Foot rolling", "foot-rolling.html") not in _sidebar_links(
        outdir, "articles/lower-back-basics.html"
    )
    edit(srcdir / "articles/foot-rolling.md", "# Foot rolling", "# Rolling the feet")
    build(srcdir, tmp_path / "build")
    assert ("Rolling the feet", "foot-rolling.html") in _sidebar_links(
        outdir, "articles/calf-rolling.html"
    )


@pytest.mark.parametrize("buildername", ["text", "latex", "man", "texinfo"])
def test_articles_index_in_every_builder(tmp_path: Path, buildername: str) -> None:
    srcdir = copy_root(tmp_path)
    built = build(srcdir, tmp_path / "build", buildername=buildername, freshenv=True)
    assert "Traceback" not in built.warnings
    text = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in built.outdir.rglob("*")
        if p.is_file()
    )
    assert "Hip flexors and the lower back" in text
    assert "8 articles." in text


@pytest.mark.sphinx(
    "html", testroot="scale", confoverrides={**CONF, "kb_nav_neighbours": 99}, freshenv=True
)
def test_invalid_neighbour_count_warns_and_falls_back(app: SphinxTestApp) -> None:
    app.build()
    assert "kb_nav_neighbours must be a whole number" in app.warning.getvalue()
    links = _sidebar_links(Path(app.outdir), "articles/hip-flexors.html")
    assert len(links) == 1 + 7 + 3  # all articles, a window of 3 + 1 + 3, three hubs


def test_external_entries_and_missing_pages_in_the_root_toctree(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path)
    edit(
        srcdir / "index.md",
        ":caption: About\n\nevidence\n",
        ":caption: About\n\nevidence\nMain website <https://example.org/>\nnot-yet-written\n",
    )
    built = build(srcdir, tmp_path / "build", freshenv=True)
    assert "not-yet-written" in built.warnings  # Sphinx says so; the sidebar skips it
    links = _sidebar_links(built.outdir, "articles/hip-flexors.html")
    assert links[-2:] == [
        ("Evidence and sources", "../evidence.html"),
        ("Main website", "https://example.org/"),
    ]
    external = _soup(built.outdir, "faq.html").select_one(
        '.sidebar-tree a[href="https://example.org/"]'
    )
    assert external is not None and "external" in external["class"]


def test_sidebar_is_furos_navigation_tree_of_the_bounded_tree(
    make_app: Any, tmp_path: Path
) -> None:
    # The sidebar is written directly in the markup furo's BeautifulSoup pass would make of
    # the bounded tree (expanders, their checkboxes, current-page), byte for byte, on every
    # page; titles with characters that need escaping included.
    srcdir = copy_root(tmp_path)
    edit(
        srcdir / "articles/hip-flexors.md",
        "# Hip flexors and the lower back",
        '# Hip flexors & the "lower" back: don\'t <over> roll',
    )
    edit(
        srcdir / "index.md",
        ":caption: About\n\nevidence\n",
        ":caption: About & more\n\nevidence\nMain website <https://example.org/?a=1&b=2>\n",
    )
    app = make_app("html", srcdir=srcdir, freshenv=True, confoverrides=CONF)
    app.build()
    neighbours = int(app.config.kb_nav_neighbours)
    pages = sorted(app.env.found_docs)
    assert len(pages) >= 12
    for page in pages:
        direct = render_furo_nav(app, page, neighbours)
        assert direct == get_navigation_tree(render_nav(app, page, neighbours)), page
    html = (Path(app.outdir) / "articles/glute-release.html").read_text(encoding="utf-8")
    sidebar = render_furo_nav(app, "articles/glute-release", neighbours)
    # (The page adds the aria-level that role="heading" needs to every caption.)
    assert sidebar.replace('role="heading"', 'role="heading" aria-level="2"') in html
    assert "toctree-checkbox-1" in html and "current-page" in html
    assert "Hip flexors &amp; the" in html and "About &amp; more" in html
