"""Hub pages: pages that list objects gathered from the whole knowledge base.

A hub directive leaves a placeholder node in its page; the placeholder is
replaced at write time (``doctree-resolved``) from the plain data stored in the
kb domain, so hubs are never stale: ``env-get-updated`` asks Sphinx to rewrite
the pages whose hubs changed.

Rewriting every hub on every build would cost an incremental build of a large
knowledge base seconds (the hubs list every FAQ, card and source). So, after
reading:

- a digest of what a hub can show of each page (its kb records and objects, title,
  metadata and dependencies; computed again only for pages read since), and of the
  shared inputs (the kb_* settings, the source registry), is compared with the last
  build's: when none changed (a no-op build, an edit of article prose), no hub is
  rendered or rewritten;
- otherwise (HTML builders) every hub is rendered and only the hubs whose rendered
  content differs from what the last build wrote (a digest per hub page, stored by its
  writer) are rewritten; their writers render them again. A hub never written (a clean
  build) is rendered by its writer alone. Other builders rewrite every hub.

A feature renders its hubs by handling the ``kb-render-hub`` event,
``(app, docname of the hub page, placeholder) -> nodes``, for the placeholders of its
kind (``placeholder["kind"]``) and None for the others; :func:`register_hub` adds the
directive and connects such a handler.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from healthkb.core.domain import CACHES, kb_data, kb_domain
from healthkb.core.nodes import SKIP, add_node

#: Renders the content of one hub: (app, docname of the hub page, placeholder) -> nodes
HubRenderer = Callable[[Sphinx, str, "hub_placeholder"], list[nodes.Node]]

#: The event a hub's content is rendered by (the first handler's nodes that are not None).
RENDER_EVENT = "kb-render-hub"


class hub_placeholder(nodes.General, nodes.Element):
    """Stands in for a hub's content until the whole environment is known."""


class HubDirective(SphinxDirective):
    """Base class of hub directives; subclasses set ``kind``."""

    kind = ""
    has_content = False
    optional_arguments = 0

    def run(self) -> list[nodes.Node]:
        domain = kb_domain(self.env)
        domain.add_record("hubs", self.env.docname, {"kind": self.kind})
        node = hub_placeholder(kind=self.kind)
        self.set_source_info(node)
        return [node]


def register_hub(
    app: Sphinx,
    name: str,
    kind: str,
    renderer: HubRenderer,
    directive: type[HubDirective] = HubDirective,
) -> None:
    """Register the hub directive ``name`` whose content ``renderer`` builds.

    ``directive`` may be a subclass of :class:`HubDirective` that takes options or
    content and stores them (plain data) on the placeholder for the renderer.
    """

    def render(app: Sphinx, docname: str, node: hub_placeholder) -> list[nodes.Node] | None:
        return renderer(app, docname, node) if node["kind"] == kind else None

    app.connect(RENDER_EVENT, render)
    cls = type(f"{kind.title()}HubDirective", (directive,), {"kind": kind})
    app.add_directive(name, cls)


#: Builders that write one page per document (hubs rendered early and compared).
PAGE_BUILDERS = ("html", "dirhtml")
DIGESTS = "hub_digests"


def _render(app: Sphinx, docname: str, node: hub_placeholder) -> list[nodes.Node]:
    rendered: list[nodes.Node] | None = app.emit_firstresult(RENDER_EVENT, docname, node)
    return rendered if rendered is not None else []


def _fill_hubs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(hub_placeholder))
    if not placeholders:
        return
    parts = [_render(app, docname, node) for node in placeholders]
    if app.builder.name in PAGE_BUILDERS:
        _store_digest(app, docname, _digest(parts))
    for node, content in zip(placeholders, parts, strict=True):
        node.replace_self(content)


# -- what each hub page shows, as written -----------------------------------------------------
# A digest per hub page in the doctree folder. The page's writer (a worker process in a
# parallel build) stores it beside the final file until the build succeeds, so a clean
# build renders each hub once, in the writers, and a failed build keeps the last digests.
def _hub_folder(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "kb-hubs" / app.builder.name


def _digest_file(app: Sphinx, docname: str, suffix: str = "") -> Path:
    return _hub_folder(app) / f"{docname}.sha256{suffix}"


def _stored_digest(app: Sphinx, docname: str) -> str | None:
    try:
        return _digest_file(app, docname).read_text(encoding="ascii")
    except (OSError, ValueError):
        return None


def _store_digest(app: Sphinx, docname: str, digest: str) -> None:
    pending = _digest_file(app, docname, ".new")
    pending.parent.mkdir(parents=True, exist_ok=True)
    pending.write_text(digest, encoding="ascii")


def _publish_digests(app: Sphinx, exception: BaseException | None) -> None:
    """The digests of the hubs this build wrote become final when it succeeds."""
    root = Path(app.doctreedir) / "kb-hubs"
    for pending in sorted(root.rglob("*.sha256.new")) if root.is_dir() else ():
        if exception is None:
            os.replace(pending, pending.with_suffix(""))
        else:
            pending.unlink(missing_ok=True)
    if exception is None:
        (_hub_folder(app) / "incomplete").unlink(missing_ok=True)


def _digest(parts: list[list[nodes.Node]]) -> str:
    try:
        data = pickle.dumps(parts, pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        data = "\n".join(node.pformat() for part in parts for node in part).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


#: Records no hub shows: the text of every section (search), its terms (related
#: articles) and its reading level (kb report). They change with every edit of the prose,
#: which must not re-render hubs.
UNSHOWN = frozenset({"search", "related-terms", "reading"})


#: kb data that is not the hubs' shared input: per-page data (digested per page above),
#: findings, these digests, the related articles (shown on article pages, not hubs;
#: they change with the words of any article), what the site layer keeps for one
#: build (the site tree, made from the pages' toctrees; the redirects; whether any page
#: was read), and the reading-level settings (kb report's).
NOT_SHARED = frozenset(
    {
        "objects",
        "claims",
        "object_keys",
        "records",
        "findings",
        "global_findings",
        DIGESTS,
        "related",
        "related_digest",
        "site_tree",
        "redirects",
        "docs_changed",
        "reading_target",
        "duplicate_ids",
    }
)


def plain_digest(payload: Any) -> str:
    """A digest of plain data (str, numbers, lists, tuples, dicts). Its repr, not a pickle:
    a pickle also records which values are shared, which differs between a build that
    read a page and one that loaded it from the pickled environment."""
    return hashlib.sha256(repr(payload).encode("utf-8")).hexdigest()


def _page_inputs(env: BuildEnvironment, docnames: set[str]) -> dict[str, str]:
    """A digest of everything a hub can show of each page: its kb records and objects,
    title, metadata and the modification times of the files it depends on."""
    domain = kb_domain(env)
    objects: dict[str, list[Any]] = {docname: [] for docname in docnames}
    for key, obj in domain.objects.items():
        if obj["docname"] in objects:
            objects[obj["docname"]].append((key, obj))
    records = domain.data["records"]
    out = {}
    for docname in sorted(docnames):
        title = env.titles.get(docname)
        dependencies = []
        for path in sorted(map(str, env.dependencies.get(docname, ()))):
            try:
                dependencies.append((path, os.stat(env.srcdir / path).st_mtime_ns))
            except OSError:
                dependencies.append((path, 0))
        payload = (
            sorted(objects[docname], key=repr),
            [
                (kind, per_doc[docname])
                for kind, per_doc in sorted(records.items())
                if docname in per_doc and kind not in UNSHOWN
            ],
            title.astext() if title is not None else None,
            # MyST's word count changes with every edit of the prose; no hub shows it, nor
            # the line of each heading (MyST's slugs: line, slug, title).
            {
                k: {slug: tuple(v)[1:] for slug, v in value.items()}
                if k == "myst_slugs" and isinstance(value, dict)
                else value
                for k, value in env.metadata.get(docname, {}).items()
                if k != "wordcount"
            },
            dependencies,
        )
        out[docname] = plain_digest(_without_lines(payload))
    return out


def _without_lines(data: Any) -> Any:
    """Plain data without source line numbers: no hub shows them, and a paragraph added
    above an FAQ item or a card moves them without changing what any hub shows."""
    if isinstance(data, dict):
        return {k: _without_lines(v) for k, v in data.items() if k != "lineno"}
    if isinstance(data, (list, tuple)):
        return type(data)(_without_lines(v) for v in data)
    return data


def _global_inputs(app: Sphinx, env: BuildEnvironment) -> str:
    """A digest of what hubs show that belongs to no page: kb_* settings, the registry."""
    data = kb_data(env)
    shared = {
        key: value for key, value in data.items() if key not in NOT_SHARED and key not in CACHES
    }
    settings = sorted(
        (value.name, repr(value.value)) for value in app.config if value.name.startswith("kb_")
    )
    payload = (sorted(shared.items(), key=repr), settings)
    return plain_digest(payload)


def _inputs_changed(app: Sphinx, env: BuildEnvironment, state: dict[str, Any]) -> bool:
    """Whether anything a hub shows may have changed since this builder's last build.

    A page's digest is computed again only when the page was read since (its read time
    in ``env.all_docs`` changed); comparing with this builder's last build, not only
    with what this build read, keeps hubs right when builders share an environment.
    """
    last = state.setdefault("inputs", {}).get(app.builder.name, {})
    old_pages: dict[str, tuple[Any, str]] = last.get("pages", {})
    found = env.found_docs
    pages = {
        docname: old_pages[docname]
        for docname in found
        if docname in old_pages and old_pages[docname][0] == env.all_docs.get(docname)
    }
    fresh = _page_inputs(env, set(found) - set(pages))
    for docname, digest in fresh.items():
        pages[docname] = (env.all_docs.get(docname), digest)
    shared = _global_inputs(app, env)
    changed = last.get("shared") != shared or (
        pages.keys() != old_pages.keys()
        or any(old_pages[docname][1] != digest for docname, (_, digest) in pages.items())
    )
    state["inputs"][app.builder.name] = {"pages": pages, "shared": shared}
    return changed


def _hub_docnames(app: Sphinx, env: BuildEnvironment) -> list[str]:
    hubs = sorted(kb_domain(env).records("hubs"))
    state: dict[str, Any] = kb_data(env).setdefault(DIGESTS, {})
    incomplete = _hub_folder(app) / "incomplete"
    if not _inputs_changed(app, env, state) and not incomplete.exists():
        return []  # nothing any hub shows changed: every hub is as it was
    if app.builder.name not in PAGE_BUILDERS:
        return hubs
    state.pop("pages", None)  # digests of an older version, kept in the environment
    changed = []
    for docname in hubs:
        stored = _stored_digest(app, docname)
        if stored is None:
            # Never written by this builder (a clean build): its writer renders it.
            changed.append(docname)
            continue
        doctree = env.get_doctree(docname)
        parts = [_render(app, docname, node) for node in doctree.findall(hub_placeholder)]
        if _digest(parts) != stored:
            changed.append(docname)
    if changed:
        # Until this build succeeds: the environment already holds the new inputs, so a
        # build that fails before it has written every changed hub must make the next
        # build compare every hub again.
        incomplete.parent.mkdir(parents=True, exist_ok=True)
        incomplete.touch()
    return changed


def setup_hubs(app: Sphinx) -> None:
    app.add_event(RENDER_EVENT)
    add_node(app, hub_placeholder, SKIP, SKIP)
    app.connect("doctree-resolved", _fill_hubs)
    app.connect("env-get-updated", _hub_docnames)
    app.connect("build-finished", _publish_digests)
