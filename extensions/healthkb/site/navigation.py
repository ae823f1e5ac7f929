"""Site navigation whose cost per page does not grow with the number of articles.

Furo renders the left sidebar from ``context["toctree"](collapse=False,
maxdepth=-1, includehidden=True)``: Sphinx resolves the whole site's toctree for
every page, and furo re-parses the result with BeautifulSoup. With a thousand
articles every page carries a thousand links and the build grows with the
square of the article count.

This module hands furo a bounded tree instead, computed from the site tree built
once per build (:mod:`healthkb.site.sitetree`):

- every entry of the root document's toctrees (the hubs: all articles, FAQ,
  safety, evidence, about), under their captions;
- below the entry that leads to the current page, the current page and its
  neighbours in toctree order (``kb_nav_neighbours`` on each side), one level
  per ancestor, never the whole list.

A handler before furo's (priority 400) takes Sphinx's ``toctree`` function out of
the page context, so furo resolves no tree; one after furo's (600) puts in
``furo_navigation_tree`` the bounded tree in exactly the markup furo's
BeautifulSoup pass makes of a toctree (its expanders, checkboxes and
``current-page``: furo's mobile drawer and keyboard handling work unchanged),
written directly (:func:`render_furo_nav`; a test compares it with furo's pass on
every page), and a ``toctree`` function that returns the bounded tree in Sphinx's
markup to any other caller. Parsing every page's tree again with BeautifulSoup
cost about 3 ms a page. Those two handlers are all this module knows of furo: that
its handler leaves the tree empty when the context has no ``toctree``, and the name
of the template variable it renders (``furo_navigation_tree``).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging, url_re

from healthkb.site.articles import setup_article_index
from healthkb.site.sitetree import MAX_LEVELS, below, setup_site_tree, site_nav

logger = logging.getLogger(__name__)


# -- rendering ---------------------------------------------------------------------------------
def _uri(app: Sphinx, pagename: str, target: str) -> str:
    if target == pagename:
        return "#"
    if url_re.match(target):
        return target
    return str(app.builder.get_relative_uri(pagename, target))


def _classes(*names: str) -> str:
    return " ".join(n for n in names if n)


@dataclass
class _Item:
    level: int
    title: str
    href: str
    kind: str
    current: bool
    is_page: bool
    children: list[_Item] | None = None  # a list below it, when one is shown


@dataclass
class _Group:
    caption: str
    items: list[_Item]


def _nav_tree(app: Sphinx, pagename: str, neighbours: int) -> list[_Group]:
    """The bounded sidebar of ``pagename``: its groups and their entries."""
    env = app.env
    nav = site_nav(env)
    chain = nav.ancestors(pagename)
    on_path = set(chain)

    def items(level: int, shown: list[tuple[str, str]]) -> list[_Item]:
        out = []
        for title, ref in shown:
            item = _Item(
                level,
                nav.title(env, ref, title),
                _uri(app, pagename, ref),
                "reference external" if url_re.match(ref) else "reference internal",
                ref in on_path,
                ref == pagename,
            )
            if item.current and level < MAX_LEVELS:
                shown_below = below(nav, chain, ref, neighbours)
                if shown_below:
                    item.children = items(level + 1, shown_below)
            out.append(item)
        return out

    return [_Group(group.caption, items(1, group.entries)) for group in nav.groups]


def _text(value: str) -> str:
    """Text escaped as furo's BeautifulSoup pass writes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def _serialise(groups: list[_Group], *, furo: bool) -> str:
    """The sidebar's markup: Sphinx's toctree markup, or (``furo``) what furo's
    BeautifulSoup pass (``furo.navigation.get_navigation_tree``) makes of it: its
    escaping, an expander checkbox and label on every entry with a list below it, and
    ``current-page`` on the deepest current entry."""
    text, attribute = (_text, _attribute) if furo else (html.escape, html.escape)
    deepest: _Item | None = None

    def walk(items: list[_Item]) -> Iterator[_Item]:
        for item in items:
            yield item
            if item.children:
                yield from walk(item.children)

    if furo:
        for group in groups:
            for item in walk(group.items):
                if item.current:
                    deepest = item
    out: list[str] = []
    boxes = 0

    def entries_html(items: list[_Item]) -> None:
        nonlocal boxes
        out.append('<ul class="current">' if any(i.current for i in items) else "<ul>")
        for item in items:
            li = [f"toctree-l{item.level}"] + (["current"] if item.current else [])
            if furo and item.children:
                li.append("has-children")
            if item is deepest:
                li.append("current-page")
            a = _classes("current" if item.is_page else "", item.kind)
            line = (
                f'<li class="{" ".join(li)}"><a class="{a}" href="{attribute(item.href)}">'
                f"{text(item.title)}</a>"
            )
            if furo and item.children:
                boxes += 1
                name = f"toctree-checkbox-{boxes}"
                checked = ' checked=""' if item.current else ""
                line += (
                    f'<input aria-label="Toggle navigation of {attribute(item.title)}"'
                    f'{checked} class="toctree-checkbox" id="{name}" name="{name}" '
                    f'role="switch" type="checkbox"/><label for="{name}"><span class="icon">'
                    '<svg><use href="#svg-arrow-right"></use></svg></span></label>'
                )
            out.append(line)
            if item.children:
                entries_html(item.children)
            out.append("</li>")
        out.append("</ul>")

    for group in groups:
        if group.caption:
            out.append(
                '<p class="caption" role="heading"><span class="caption-text">'
                f"{text(group.caption)}</span></p>"
            )
        entries_html(group.items)
    return "\n".join(out)


def render_nav(app: Sphinx, pagename: str, neighbours: int) -> str:
    """The bounded sidebar tree of ``pagename``, in the markup of Sphinx's toctree."""
    return _serialise(_nav_tree(app, pagename, neighbours), furo=False)


def render_furo_nav(app: Sphinx, pagename: str, neighbours: int) -> str:
    """The sidebar as furo's navigation tree: what ``furo.navigation.get_navigation_tree``
    makes of :func:`render_nav`, written directly instead of through a BeautifulSoup pass
    over every page (tests/test_navigation.py compares the two)."""
    return _serialise(_nav_tree(app, pagename, neighbours), furo=True)


def _page_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Before furo's handler: hide Sphinx's toctree function from furo, which would
    resolve and re-parse the whole site's tree (see :func:`_furo_navigation`)."""
    toctree = context.pop("toctree", None)
    if toctree is not None:
        context["_kb_toctree"] = toctree


def _furo_navigation(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """After furo's handler: the bounded sidebar, as furo's navigation tree, and a
    ``toctree`` function that returns the bounded tree to any other caller."""
    if context.pop("_kb_toctree", None) is None:
        return
    neighbours = int(app.config.kb_nav_neighbours)
    cache: dict[str, str] = {}

    def toctree(**kwargs: Any) -> str:
        # Every caller gets the bounded tree, whose size does not depend on the number of
        # articles.
        if "html" not in cache:
            cache["html"] = render_nav(app, pagename, neighbours)
        return cache["html"]

    context["toctree"] = toctree
    context["furo_navigation_tree"] = render_furo_nav(app, pagename, neighbours)


# -- configuration -------------------------------------------------------------------------------
def _check_config(app: Sphinx, config: Config) -> None:
    value = config.kb_nav_neighbours
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 20:
        logger.warning(
            "kb_nav_neighbours must be a whole number from 0 to 20, got %r; using 3",
            value,
            type="kb",
            subtype="config",
        )
        config.kb_nav_neighbours = 3
    folders = config.kb_article_dirs
    if not isinstance(folders, list | tuple) or not all(isinstance(f, str) for f in folders):
        logger.warning(
            "kb_article_dirs must be a list of folder names, got %r; using ['articles', 'answers']",
            folders,
            type="kb",
            subtype="config",
        )
        config.kb_article_dirs = ["articles", "answers"]


def setup_navigation(app: Sphinx) -> None:
    app.add_config_value("kb_nav_neighbours", 3, "html", types=[int])
    app.connect("config-inited", _check_config)
    setup_site_tree(app)
    # Before furo (priority 500), which renders context["toctree"] into its sidebar.
    app.connect("html-page-context", _page_context, priority=400)
    app.connect("html-page-context", _furo_navigation, priority=600)
    setup_article_index(app)
    app.add_css_file("navigation.css")
