"""Site navigation whose cost per page does not grow with the number of articles.

Furo renders the left sidebar from ``context["toctree"](collapse=False,
maxdepth=-1, includehidden=True)``: Sphinx resolves the whole site's toctree for
every page, and furo re-parses the result with BeautifulSoup. With a thousand
articles every page carries a thousand links and the build grows with the
square of the article count.

This module hands furo a bounded tree instead, computed from a structure built
once per build:

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
cost about 3 ms a page.

**The articles index.** ``{kb-article-index}`` (in ``docs/articles/index.md``)
puts every page of the article folders (``kb_article_dirs``) in a hidden toctree
(in file-name order, so Sphinx's previous/next links walk through them) and
renders an A-Z list of all of them with a jump bar, so every article is two
clicks from the landing page.

**Incremental builds.** A page's sidebar and its previous/next links depend on
other pages' titles and on the order of its neighbours. ``env-get-updated``
compares a signature of each page's navigation with the last build's and asks
Sphinx to rewrite the pages whose navigation changed (a renamed, added or
removed neighbour), so an incremental build writes the same HTML as a clean one.
The same handler rewrites pages whose cross-references to kb objects (FAQ items,
safety cards, sources, sections) now resolve to a different title or place.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging, url_re
from sphinx.util.nodes import clean_astext

from healthkb.core.anchors import slugify
from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.hubs import HubDirective, hub_placeholder, register_hub

logger = logging.getLogger(__name__)

TOCTREES = "toctrees"
XREFS = "xrefs"
HUB_KIND = "articles"
#: Keys of the kb domain's data that hold the last build's navigation signatures.
SNAPSHOT = "nav_snapshot"
REFERENCES_SNAPSHOT = "references_snapshot"
READS_SNAPSHOT = "reads_snapshot"
#: Deepest toctree level the sidebar expands.
MAX_LEVELS = 4


# -- read time: toctree entries and cross-references as plain records --------------------
def _note_toctrees(app: Sphinx, doctree: nodes.document) -> None:
    """Store each toctree of the page: caption, hidden, and its (title, docname) entries."""
    env = app.env
    domain = kb_domain(env)
    for node in doctree.findall(addnodes.toctree):
        # Pages that do not exist (yet) are dropped when the structure is computed.
        entries = [[title or "", ref] for title, ref in node["entries"] if ref != "self"]
        domain.add_record(
            TOCTREES,
            env.docname,
            {
                "caption": node.get("caption") or "",
                "hidden": bool(node.get("hidden")),
                "entries": entries,
            },
        )


def _note_xrefs(app: Sphinx, doctree: nodes.document) -> None:
    """Store the targets of the page's unresolved cross-references (for incremental builds)."""
    targets = sorted(
        {str(node.get("reftarget", "")) for node in doctree.findall(addnodes.pending_xref)}
    )
    if targets:
        kb_domain(app.env).add_record(XREFS, app.env.docname, {"targets": targets})


# -- the structure of the site, computed once per build --------------------------------------
@dataclass
class Level:
    """One list of the sidebar: its caption and its (title, docname) entries."""

    caption: str
    entries: list[tuple[str, str]]


@dataclass
class SiteNav:
    """The site's toctree structure, for O(1) work per page."""

    root: str
    groups: list[Level]
    children: dict[str, list[tuple[str, str]]]
    parent: dict[str, str]
    position: dict[str, int]
    titles: dict[str, str] = field(default_factory=dict)

    def title(self, env: BuildEnvironment, docname: str, explicit: str = "") -> str:
        if explicit:
            return explicit
        cached = self.titles.get(docname)
        if cached is None:
            node = env.titles.get(docname)  # a URL entry without a title shows the URL
            cached = clean_astext(node) if node is not None else docname
            self.titles[docname] = cached
        return cached

    def ancestors(self, docname: str) -> list[str]:
        """``docname`` and its toctree parents, nearest first (the root excluded)."""
        chain: list[str] = []
        current: str | None = docname
        while current is not None and current != self.root and current not in chain:
            chain.append(current)
            current = self.parent.get(current)
        return chain if current == self.root else []


def compute_nav(env: BuildEnvironment) -> SiteNav:
    """The toctree structure of the whole site (O(number of pages), once per build)."""
    root = str(env.config.root_doc)
    records = kb_domain(env).records(TOCTREES)
    found = env.found_docs
    children: dict[str, list[tuple[str, str]]] = {}
    for docname in sorted(records):
        entries: list[tuple[str, str]] = []
        for toctree in records[docname]:
            entries.extend(
                (str(title), str(ref))
                for title, ref in toctree["entries"]
                if ref in found or url_re.match(str(ref))
            )
        if entries:
            children[docname] = entries
    parent: dict[str, str] = {}
    position: dict[str, int] = {}
    # Breadth first from the root, so each page's parent is its shallowest includer
    # (as in Sphinx's relations) whatever the order of the records.
    queue = [root]
    seen = {root}
    while queue:
        docname = queue.pop(0)
        for n, (_, child) in enumerate(children.get(docname, [])):
            if child in seen or child not in found:
                continue
            seen.add(child)
            parent[child] = docname
            position[child] = n
            queue.append(child)
    groups = [
        Level(
            str(t["caption"]),
            [(str(a), str(b)) for a, b in t["entries"] if b in found or url_re.match(str(b))],
        )
        for t in records.get(root, [])
    ]
    groups = [group for group in groups if group.entries]
    return SiteNav(root, groups, children, parent, position)


def site_nav(app: Sphinx) -> SiteNav:
    """The structure of this build (computed after reading, shared by write processes)."""
    nav: SiteNav | None = getattr(app.builder, "_kb_nav", None)
    if nav is None:
        nav = compute_nav(app.env)
        app.builder._kb_nav = nav  # type: ignore[attr-defined]
    return nav


def _below(nav: SiteNav, chain: list[str], ref: str, neighbours: int) -> list[tuple[str, str]]:
    """What the sidebar shows below ``ref``, an entry on the current page's path.

    Below an ancestor: the window around the next page on the path. Below the current
    page itself: its children when they all fit in a window, else nothing (the page
    lists them itself, as the articles index does).
    """
    kids = nav.children.get(ref, [])
    if not kids:
        return []
    below = [r for r in chain if nav.parent.get(r) == ref]
    if below:
        return window(kids, nav.position[below[0]], neighbours)
    return kids if len(kids) <= 2 * neighbours + 1 else []


def window(entries: list[tuple[str, str]], index: int, size: int) -> list[tuple[str, str]]:
    """At most ``2 * size + 1`` entries around ``index``, shifted to stay inside the list."""
    width = 2 * size + 1
    if len(entries) <= width:
        return entries
    start = min(max(index - size, 0), len(entries) - width)
    return entries[start : start + width]


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
    nav = site_nav(app)
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
                below = _below(nav, chain, ref, neighbours)
                if below:
                    item.children = items(level + 1, below)
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


# -- incremental builds: rewrite the pages whose navigation or references changed -------------
def nav_signatures(app: Sphinx, env: BuildEnvironment, nav: SiteNav) -> dict[str, Any]:
    """Per page: what its sidebar and previous/next links show of other pages."""
    neighbours = int(app.config.kb_nav_neighbours)
    rels = env.collect_relations()
    top = tuple(
        (g.caption, tuple((nav.title(env, r, t), r) for t, r in g.entries)) for g in nav.groups
    )
    signatures: dict[str, Any] = {"": top}
    for docname in env.found_docs:
        chain = nav.ancestors(docname)
        levels = [
            tuple((nav.title(env, r, t), r) for t, r in _below(nav, chain, ref, neighbours))
            for ref in chain[: MAX_LEVELS - 1]
        ]
        related = tuple(
            (r, nav.title(env, r)) if r else None for r in rels.get(docname, [None, None, None])
        )
        signatures[docname] = (tuple(levels), related)
    return signatures


def _reference_snapshot(env: BuildEnvironment) -> dict[str, tuple[tuple[str, ...], ...]]:
    """For every target a page refers to: the kb objects it names (type, page, id, title).

    Only referenced targets are kept, so the snapshot stays small; a target that starts
    or stops naming an object, or whose object moves or is renamed, changes its entry.
    """
    targets = {
        target
        for records in kb_domain(env).records(XREFS).values()
        for record in records
        for target in record["targets"]
    }
    if not targets:
        return {}
    found: dict[str, list[tuple[str, ...]]] = {}
    for (objtype, name), obj in kb_domain(env).objects.items():
        docname, node_id = str(obj["docname"]), str(obj["node_id"])
        value = (objtype, docname, node_id, str(obj["title"]))
        for key in {name, node_id, f"{docname}#{node_id}"} & targets:
            found.setdefault(key, []).append(value)
    return {target: tuple(sorted(found.get(target, []))) for target in sorted(targets)}


def _outdated_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to rewrite because what they show of other pages changed."""
    data = kb_data(env)
    # What was read when: when no page was read, added or removed since the last build,
    # no page's navigation or references can have changed.
    reads = hashlib.sha256(repr(sorted(env.all_docs.items())).encode()).hexdigest()
    key = f"{app.builder.name}:{reads}:{app.config.kb_nav_neighbours}"
    computed = data[SNAPSHOT] is not None and data[REFERENCES_SNAPSHOT] is not None
    if data[READS_SNAPSHOT] == key and computed:
        return []
    data[READS_SNAPSHOT] = key
    nav = compute_nav(env)
    app.builder._kb_nav = nav  # type: ignore[attr-defined]
    signatures = nav_signatures(app, env, nav)
    references = _reference_snapshot(env)
    old_signatures: dict[str, Any] | None = data.get(SNAPSHOT)
    old_references: dict[str, Any] | None = data.get(REFERENCES_SNAPSHOT)
    data[SNAPSHOT] = signatures
    data[REFERENCES_SNAPSHOT] = references
    if old_signatures is None or old_references is None:
        return []  # a fresh environment: every page is written anyway
    found = env.found_docs
    if old_signatures.get("") != signatures[""]:
        return sorted(found)  # the top of the sidebar (on every page) changed
    outdated = {
        docname
        for docname, signature in signatures.items()
        if docname and old_signatures.get(docname) != signature
    }
    changed = {
        target
        for target in set(old_references) | set(references)
        if old_references.get(target) != references.get(target)
    }
    if changed:
        for docname, records in kb_domain(env).records(XREFS).items():
            if any(target in changed for record in records for target in record["targets"]):
                outdated.add(docname)
    return sorted(outdated & found)


# -- the articles index ----------------------------------------------------------------------
class ArticleIndexDirective(HubDirective):
    """``{kb-article-index}``: every article in a hidden toctree, and the A-Z list."""

    kind = HUB_KIND

    def run(self) -> list[nodes.Node]:
        env = self.env
        docnames = list(article_docnames(env, self.config.kb_article_dirs, env.docname))
        toctree = addnodes.toctree()
        toctree["parent"] = env.docname
        toctree["entries"] = [(None, docname) for docname in docnames]
        toctree["includefiles"] = docnames
        toctree["maxdepth"] = 1
        toctree["caption"] = None
        # glob: Sphinx re-reads this page whenever a page is added or removed.
        toctree["glob"] = True
        toctree["hidden"] = True
        toctree["includehidden"] = False
        toctree["numbered"] = 0
        toctree["titlesonly"] = True
        self.set_source_info(toctree)
        wrapper = nodes.compound(classes=["toctree-wrapper"])
        wrapper += toctree
        placeholders = super().run()
        for node in placeholders:
            assert isinstance(node, hub_placeholder)
            # Single-file builders (LaTeX, man, Texinfo) fill hubs in the assembled
            # document: the placeholder remembers the page whose toctree it lists.
            node["docname"] = env.docname
        return [wrapper, *placeholders]


def article_docnames(env: BuildEnvironment, folders: list[str], exclude: str) -> Iterator[str]:
    """The pages of the article folders, ordered by file name (then folder)."""
    prefixes = tuple(f"{folder.strip('/')}/" for folder in folders if folder.strip("/"))
    found = [d for d in env.found_docs if d.startswith(prefixes) and d != exclude]
    yield from sorted(found, key=lambda d: (posixpath.basename(d), d))


def _initial(title: str) -> str:
    first = slugify(title)[:1].upper()
    return first if first.isalpha() else "#"


def render_article_index(
    app: Sphinx, docname: str, placeholder: hub_placeholder
) -> list[nodes.Node]:
    env = app.env
    nav = site_nav(app)
    index = str(placeholder.get("docname") or docname)
    articles = [ref for _, ref in nav.children.get(index, [])]
    if not articles:
        return [nodes.paragraph("", "No articles have been published yet.")]
    items = sorted(
        ((nav.title(env, ref), ref) for ref in articles), key=lambda i: (i[0].lower(), i[1])
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for title, ref in items:
        groups.setdefault(_initial(title), []).append((title, ref))
    out: list[nodes.Node] = []
    count = len(items)
    intro = nodes.paragraph(
        "", f"{count} article{'s' if count != 1 else ''}.", classes=["kb-articles-summary"]
    )
    if app.builder.format == "html":
        intro += nodes.Text(" Jump to a letter:")
        jump = nodes.paragraph("", "", classes=["kb-articles-jump"])
        for n, letter in enumerate(groups):
            if n:
                jump += nodes.Text(" ")
            jump += nodes.reference(
                letter, letter, internal=True, refuri=f"#letter-{_anchor(letter)}"
            )
        out.extend([intro, jump])
    else:
        out.append(intro)
    level = 2
    for letter, entries in groups.items():
        heading = nodes.rubric(
            letter, letter, ids=[f"letter-{_anchor(letter)}"], classes=["kb-articles-letter"]
        )
        heading["heading-level"] = level
        out.append(heading)
        listing = nodes.bullet_list(classes=["kb-articles-list"])
        for title, ref in entries:
            uri = app.builder.get_relative_uri(docname, ref)
            para = nodes.paragraph("", "", nodes.reference(title, title, internal=True, refuri=uri))
            listing += nodes.list_item("", para)
        out.append(listing)
    return out


def _anchor(letter: str) -> str:
    return letter.lower() if letter.isalpha() else "other"


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
    app.connect("doctree-read", _note_toctrees)
    app.connect("doctree-read", _note_xrefs)
    app.connect("env-get-updated", _outdated_pages)
    # Before furo (priority 500), which renders context["toctree"] into its sidebar.
    app.connect("html-page-context", _page_context, priority=400)
    app.connect("html-page-context", _furo_navigation, priority=600)
    register_hub(app, "kb-article-index", HUB_KIND, render_article_index)
    app.add_directive("kb-article-index", ArticleIndexDirective, override=True)
    app.add_css_file("navigation.css")
