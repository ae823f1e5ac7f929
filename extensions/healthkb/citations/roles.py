"""The ``{cite}`` and ``{needs-source}`` roles.

Syntax (MyST)::

    Foam rolling reduces soreness {cite}`pmid:25415413`.
    As the article names it: {cite}`Pearcey GE, Journal of Athletic Training, 2015 <pmid:25415413>`
    Several sources: {cite}`pmid:25415413, pmid:34502387`
    A study nobody can trace: {needs-source}`a 2015 study in the Journal of Athletic Training`

The roles only parse: they leave a node with the keys (canonical when well formed)
and the attribution as written, on the role's own line. The checks of what they
say (malformed or unknown keys, attributions that contradict the registry, claims
waiting for a source) are in :mod:`healthkb.checks.citations`.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.utils import unescape
from sphinx.util.docutils import SphinxRole

from healthkb.citations.model import canonical_key, key_problem
from healthkb.citations.nodes import cite, needs_source

_ATTRIBUTED = re.compile(r"^(?P<attribution>.*?)\s*<(?P<keys>[^<>]*)>\s*$", re.DOTALL)
_KEY_SPLIT = re.compile(r"\s*[,;]\s*(?=(?:pmid|doi)\s*:)", re.IGNORECASE)


def parse_cite(text: str) -> tuple[str, list[str]]:
    """``Author, Journal, Year <pmid:1, pmid:2>`` -> (attribution, keys)."""
    match = _ATTRIBUTED.match(text.strip())
    attribution, keys = (match["attribution"], match["keys"]) if match else ("", text)
    split = [k.strip() for k in _KEY_SPLIT.split(keys.strip()) if k.strip()]
    if len(split) == 1 and "," in split[0] and not split[0].lower().startswith("doi:"):
        split = [k.strip() for k in split[0].split(",") if k.strip()]
    return attribution.strip(), split


def node_keys(raw_keys: list[str]) -> list[str]:
    """The keys a ``{cite}`` node keeps: well-formed keys canonical and once each,
    malformed ones as written (they render as unknown)."""
    keys: list[str] = []
    for raw in raw_keys:
        if key_problem(raw):
            keys.append(raw.strip())
            continue
        key = canonical_key(raw)
        if key not in keys:
            keys.append(key)
    return keys


def written_text(node: nodes.Element) -> str:
    """The text between a role's backquotes, from the node's rawsource (``:name:`text```).

    In MyST this is exactly the text the role received; in reStructuredText, backslash
    escapes stay as written."""
    raw = node.rawsource
    start, end = raw.find("`"), raw.rfind("`")
    return unescape(raw[start + 1 : end]) if 0 <= start < end else ""


def role_line(role: SphinxRole) -> int:
    """The line of a role inside a paragraph.

    MyST gives roles the paragraph's first line; the paragraph rendered so far
    holds its soft line breaks, which give the role's own line.
    """
    parent = getattr(role.inliner, "parent", None)
    while parent is not None and not isinstance(parent, nodes.paragraph):
        parent = parent.parent
    if parent is None:
        return role.lineno
    return role.lineno + parent.astext().count("\n")


class CiteRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        attribution, raw_keys = parse_cite(self.text)
        node = cite(self.rawtext, keys=node_keys(raw_keys), attribution=attribution)
        self.set_source_info(node)
        node.line = role_line(self)
        return [node], []


class NeedsSourceRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        claim = " ".join(self.text.split())
        node = needs_source(self.rawtext, "", claim=claim)
        self.set_source_info(node)
        node.line = role_line(self)
        node += nodes.Text(claim)
        flag = nodes.inline("", "", classes=["kb-needs-source-flag"])
        flag += nodes.inline("", " (", classes=["kb-visually-hidden"])
        flag += nodes.Text("source needed")
        flag += nodes.inline("", ")", classes=["kb-visually-hidden"])
        node += flag
        return [node], []
