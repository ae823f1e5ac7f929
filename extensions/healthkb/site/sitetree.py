"""The site tree: the structure of the site's toctrees, computed once per build.

Every page's toctrees are stored as plain records while it is read (caption,
hidden, and their (title, docname) entries), with the targets of its
cross-references. At ``env-updated`` the whole site's tree is computed from them
(:func:`compute_nav`, O(number of pages)) and kept in the kb domain's data as plain
data (TREE) for the rest of the build: every page's sidebar (:mod:`healthkb.site.navigation`)
and the articles index (:mod:`healthkb.site.articles`) read it from there, in the
main process and in the forked writer processes alike. It is cleared before pages
are read (a stale tree is never used, nor sent back by every parallel reader) and
computed again after, so it always describes the pages of this build.

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
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import url_re
from sphinx.util.nodes import clean_astext

from healthkb.core.domain import kb_data, kb_domain

TOCTREES = "toctrees"
XREFS = "xrefs"
#: Key of the kb domain's data that holds this build's site tree (SiteNav.as_data).
TREE = "site_tree"
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
    #: Each page's title as the sidebar shows it, filled as pages ask for it.
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

    def as_data(self) -> dict[str, Any]:
        """The tree as plain data (what the kb domain keeps)."""
        return {
            "root": self.root,
            "groups": [(group.caption, group.entries) for group in self.groups],
            "children": self.children,
            "parent": self.parent,
            "position": self.position,
            "titles": self.titles,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SiteNav:
        """The tree kept by :meth:`as_data`; its containers are shared, not copied (O(1)),
        so the titles found while writing are kept for the next page."""
        groups = [Level(caption, entries) for caption, entries in data["groups"]]
        return cls(
            data["root"], groups, data["children"], data["parent"], data["position"], data["titles"]
        )


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


def site_nav(env: BuildEnvironment) -> SiteNav:
    """This build's site tree (computed at ``env-updated``, see :func:`_store_tree`)."""
    data = kb_data(env)
    stored: dict[str, Any] | None = data[TREE]
    if stored is None:  # asked before the pages were read (not in Sphinx's own order)
        stored = data[TREE] = compute_nav(env).as_data()
    return SiteNav.from_data(stored)


def _forget_tree(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before the pages are read: the last build's tree no longer describes the site."""
    kb_data(env)[TREE] = None


def _store_tree(app: Sphinx, env: BuildEnvironment) -> None:
    """Once every page is read: the site tree of this build, for every page written."""
    kb_data(env)[TREE] = compute_nav(env).as_data()


def below(nav: SiteNav, chain: list[str], ref: str, neighbours: int) -> list[tuple[str, str]]:
    """What the sidebar shows below ``ref``, an entry on the current page's path.

    Below an ancestor: the window around the next page on the path. Below the current
    page itself: its children when they all fit in a window, else nothing (the page
    lists them itself, as the articles index does).
    """
    kids = nav.children.get(ref, [])
    if not kids:
        return []
    under = [r for r in chain if nav.parent.get(r) == ref]
    if under:
        return window(kids, nav.position[under[0]], neighbours)
    return kids if len(kids) <= 2 * neighbours + 1 else []


def window(entries: list[tuple[str, str]], index: int, size: int) -> list[tuple[str, str]]:
    """At most ``2 * size + 1`` entries around ``index``, shifted to stay inside the list."""
    width = 2 * size + 1
    if len(entries) <= width:
        return entries
    start = min(max(index - size, 0), len(entries) - width)
    return entries[start : start + width]


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
            tuple((nav.title(env, r, t), r) for t, r in below(nav, chain, ref, neighbours))
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
    signatures = nav_signatures(app, env, site_nav(env))
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


def setup_site_tree(app: Sphinx) -> None:
    app.connect("doctree-read", _note_toctrees)
    app.connect("doctree-read", _note_xrefs)
    app.connect("env-before-read-docs", _forget_tree)
    app.connect("env-updated", _store_tree)
    app.connect("env-get-updated", _outdated_pages)
