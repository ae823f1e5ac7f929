"""Hub pages: pages that list objects gathered from the whole knowledge base.

A hub directive leaves a placeholder node in its page; the placeholder is
replaced at write time (``doctree-resolved``) from the plain data stored in the
kb domain, so hubs are never stale: ``env-get-updated`` asks Sphinx to rewrite
the pages whose hubs changed.

A build that reads nothing (a no-op build) leaves the hubs alone: the data they
are made of did not change. When pages were read, each hub is rendered (HTML
builders: once, in ``env-get-updated``, and the nodes are kept for writing) and
compared with a digest of what the last build wrote: only hubs whose content
changed are rewritten, so editing one article of a thousand does not rewrite the
FAQ, safety and evidence hubs unless their lists changed. Other builders rewrite
every hub whenever a page was read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from healthkb.domain import kb_data, kb_domain

#: Renders the content of one hub: (app, docname of the hub page, placeholder) -> nodes
HubRenderer = Callable[[Sphinx, str, "hub_placeholder"], list[nodes.Node]]

_RENDERERS: dict[str, HubRenderer] = {}


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


def register_hub(app: Sphinx, name: str, kind: str, renderer: HubRenderer) -> None:
    """Register the hub directive ``name`` whose content ``renderer`` builds."""
    _RENDERERS[kind] = renderer
    directive = type(f"{kind.title()}HubDirective", (HubDirective,), {"kind": kind})
    app.add_directive(name, directive)


#: Builders that write one page per document (hubs rendered early and compared).
PAGE_BUILDERS = ("html", "dirhtml")
DIGESTS = "hub_digests"


def _render(app: Sphinx, docname: str, node: hub_placeholder) -> list[nodes.Node]:
    renderer = _RENDERERS.get(node["kind"])
    return renderer(app, docname, node) if renderer else []


def _fill_hubs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    rendered: dict[str, list[list[nodes.Node]]] = getattr(app, "_kb_hub_nodes", {})
    early = rendered.pop(docname, None) if app.builder.name in PAGE_BUILDERS else None
    for n, node in enumerate(list(doctree.findall(hub_placeholder))):
        if early is not None and n < len(early):
            node.replace_self(early[n])
        else:
            node.replace_self(_render(app, docname, node))


def _digest(parts: list[list[nodes.Node]]) -> str:
    text = "\n".join(node.pformat() for part in parts for node in part)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _note_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    app._kb_docs_read = bool(added or changed or removed)  # type: ignore[attr-defined]
    return []


def _note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if docnames:
        app._kb_docs_read = True  # type: ignore[attr-defined]


def _note_removed(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    app._kb_docs_read = True  # type: ignore[attr-defined]


def _hub_docnames(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if not getattr(app, "_kb_docs_read", True):
        return []  # nothing was read or removed: every hub is as it was
    hubs = sorted(kb_domain(env).records("hubs"))
    if app.builder.name not in PAGE_BUILDERS:
        return hubs
    digests = kb_data(env).setdefault(DIGESTS, {}).setdefault(app.builder.name, {})
    rendered: dict[str, list[list[nodes.Node]]] = {}
    changed = []
    for docname in hubs:
        doctree = env.get_doctree(docname)
        parts = [_render(app, docname, node) for node in doctree.findall(hub_placeholder)]
        rendered[docname] = parts
        digest = _digest(parts)
        if digests.get(docname) != digest:
            digests[docname] = digest
            changed.append(docname)
    app._kb_hub_nodes = rendered  # type: ignore[attr-defined]
    return changed


def _visit_placeholder(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def setup_hubs(app: Sphinx) -> None:
    app.add_node(
        hub_placeholder,
        html=(_visit_placeholder, None),
        latex=(_visit_placeholder, None),
        text=(_visit_placeholder, None),
        man=(_visit_placeholder, None),
        texinfo=(_visit_placeholder, None),
    )
    app.connect("doctree-resolved", _fill_hubs)
    app.connect("env-get-outdated", _note_outdated)
    app.connect("env-before-read-docs", _note_reading)
    app.connect("env-purge-doc", _note_removed)
    app.connect("env-get-updated", _hub_docnames)
