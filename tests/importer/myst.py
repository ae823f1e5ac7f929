"""Read a page the importer wrote the way MyST does, without Sphinx.

The {faq} and {safety} directives, the sphinx-design grid and the {cite} and
{needs-source} roles are replaced by stand-ins that keep their text, so a test can see
what a reader would read and which nodes the page really produces (no raw HTML, no
includes, no math, no targets from article text).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles
from myst_parser.parsers.docutils_ import Parser

#: As in conf/conf.py.
MYST_EXTENSIONS = [
    "colon_fence",
    "deflist",
    "attrs_inline",
    "attrs_block",
    "fieldlist",
    "substitution",
]
KNOWN_DIRECTIVES = ("faq", "safety", "grid", "grid-item-card", "rubric")
KNOWN_ROLES = ("cite", "needs-source")


class _Stand_in(Directive):
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {
        "name": directives.unchanged,
        "level": directives.unchanged,
        "rule": directives.unchanged,
        "gutter": directives.unchanged,
        "class-container": directives.unchanged,
        "class-card": directives.unchanged,
        "heading-level": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        node = nodes.container(classes=[f"stand-in-{self.name}"])
        node["options"] = dict(self.options)
        if self.arguments:
            text, messages = self.state.inline_text(self.arguments[0], self.lineno)
            node += nodes.title("", "", *text)
            node += messages
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def _role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    return [nodes.inline(rawtext, text, classes=[f"role-{name}"])], []


@contextmanager
def _stand_ins() -> Iterator[None]:
    """Register the stand-ins for one parse, then put docutils' registries back."""
    saved_directives = dict(directives._directives)  # type: ignore[attr-defined]
    saved_roles = dict(roles._roles)  # type: ignore[attr-defined]
    try:
        for name in KNOWN_DIRECTIVES:
            directives.register_directive(name, _Stand_in)
        for name in KNOWN_ROLES:
            roles.register_local_role(name, _role)  # type: ignore[arg-type]
        yield
    finally:
        directives._directives.clear()  # type: ignore[attr-defined]
        directives._directives.update(saved_directives)  # type: ignore[attr-defined]
        roles._roles.clear()  # type: ignore[attr-defined]
        roles._roles.update(saved_roles)  # type: ignore[attr-defined]


def doctree(page: str) -> tuple[nodes.document, str]:
    """The doctree of ``page`` and the warnings MyST/docutils gave while reading it."""
    warnings = io.StringIO()
    with _stand_ins():
        doc = _parse(page, warnings)
    return doc, warnings.getvalue()


def _parse(page: str, warnings: io.StringIO) -> nodes.document:
    return publish_doctree(
        page,
        parser=Parser(),
        settings_overrides={
            "myst_enable_extensions": MYST_EXTENSIONS,
            "report_level": 2,
            "halt_level": 5,
            "warning_stream": warnings,
            "file_insertion_enabled": False,
            "raw_enabled": False,
        },
    )


def body_text(doc: nodes.document) -> str:
    """The text a reader reads (front matter left out)."""
    parts = []
    for child in doc.children:
        if isinstance(child, nodes.docinfo):
            continue
        parts.append(child.astext())
    return "\n".join(parts)


#: Node types that must never come out of article text.
FORBIDDEN = (
    nodes.raw,
    nodes.math,
    nodes.math_block,
    nodes.literal_block,
    nodes.substitution_reference,
    nodes.footnote_reference,
    nodes.comment,
    nodes.image,
)


def markup_problems(doc: nodes.document) -> list[str]:
    """Nodes in ``doc`` that only markup (not the importer's own syntax) could produce."""
    problems: list[str] = []
    for node in doc.findall(nodes.Element):
        if isinstance(node, FORBIDDEN):
            problems.append(f"{node.tagname}: {node.astext()[:60]!r}")
        elif isinstance(node, nodes.target) and not node.get("refuri"):
            problems.append(f"target: {node.get('names')}")
        elif isinstance(node, nodes.system_message) and node["level"] >= 2:
            problems.append(f"system message: {node.astext()[:200]!r}")
        elif isinstance(node, nodes.reference):
            uri = node.get("refuri", "")
            if uri and not re.match(r"^(https?://|mailto:|[\w./-]+\.md(#[\w-]*)?$)", uri):
                problems.append(f"reference to {uri!r}")
        elif isinstance(node, nodes.container):
            kind = next((c for c in node["classes"] if c.startswith("stand-in-")), "")
            if not kind and node["classes"]:
                problems.append(f"container {node['classes']}")
    return problems


def words(text: str) -> str:
    """Lower-case words separated by single spaces (for containment checks)."""
    return " ".join(re.findall(r"[0-9a-z]+", text.lower().replace("’", "'").replace("'", "")))
