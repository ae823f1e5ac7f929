"""Links trainers can share: stable section ids, copy-link controls on headings,
sections in objects.inv, share-card metadata, and declared redirects.

Section ids are the slug of the heading; a heading whose slug is taken gets its
parent section's id as prefix (``lower-back-technique``), so inserting,
removing or reordering other content never renumbers an id the way docutils'
``id1`` or MyST's ``technique-1`` would.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from healthkb.core.anchors import copy_link
from healthkb.core.domain import kb_data, kb_domain
from healthkb.site.assets import page_summary
from healthkb.site.permalinks import RedirectError, Redirects, load_redirects

logger = logging.getLogger(__name__)

GENERATED_ID = re.compile(r"^id\d+$")


def _title_id(section: nodes.section) -> str:
    title = section.next_node(nodes.title)
    return nodes.make_id(title.astext()) if title is not None else ""


class StableSectionIds(SphinxTransform):
    """Give every section an id derived from its heading, never from a counter.

    - an explicit label (``(label)=`` before the heading) stays the first id;
    - a top-level section (h1, h2) gets the slug of its heading;
    - a deeper section (h3 and below) gets its parent heading's slug as prefix
      (``lower-back-technique``), because such headings repeat ("Technique",
      "Upper back") and a bare slug would move to whichever comes first;
    - a heading that repeats under the same parent gets the parent prefix, then
      a suffix (the only case where order matters: identical sibling headings).
    """

    # After docutils assigns ids and MyST adds heading slugs, before Sphinx collects tocs.
    default_priority = 800

    def apply(self, **kwargs: Any) -> None:
        document = self.document
        taken: set[str] = set()
        for section in document.findall(nodes.section):
            base = _title_id(section) or "section"
            old_ids = list(section["ids"])
            explicit = [i for i in old_ids if i != base and not GENERATED_ID.match(i)]
            wanted = self._stable_id(section, base, taken)
            new_ids = [*explicit, *([wanted] if wanted not in explicit else [])]
            for old in old_ids:
                if old not in new_ids:
                    document.ids.pop(old, None)
            for new in new_ids:
                document.ids[new] = section
            section["ids"] = new_ids
            taken.update(new_ids)
        # MyST's heading-anchor spans (``technique-1``) are order dependent: remove them.
        for target in list(document.findall(nodes.target)):
            ids: list[str] = target.get("ids", [])
            if not ids or target.get("refid") or target.get("refuri"):
                continue
            if isinstance(target.parent, nodes.section) and all(_COUNTED.search(i) for i in ids):
                for i in ids:
                    document.ids.pop(i, None)
                target.parent.remove(target)

    def _stable_id(self, section: nodes.section, base: str, taken: set[str]) -> str:
        parent = section.parent
        while parent is not None and not isinstance(parent, nodes.section):
            parent = parent.parent
        prefix = _title_id(parent) if isinstance(parent, nodes.section) else ""
        deep = isinstance(parent, nodes.section) and not isinstance(parent.parent, nodes.document)
        candidate = f"{prefix}-{base}" if deep and prefix else base
        if candidate in taken and prefix and not candidate.startswith(prefix + "-"):
            candidate = f"{prefix}-{base}"
        unique, n = candidate, 2
        while unique in taken:
            unique = f"{candidate}-{n}"
            n += 1
        return unique


_COUNTED = re.compile(r"-\d+$")


class HeadingCopyLinks(SphinxPostTransform):
    """A copy-link control after every heading (HTML only)."""

    default_priority = 500
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for section in self.document.findall(nodes.section):
            if not section["ids"] or not section.children:
                continue
            title = section[0]
            if not isinstance(title, nodes.title):
                continue
            if any(isinstance(child, copy_link) for child in section.children[1:2]):
                continue
            label = f"the section “{title.astext()}”"
            section.insert(1, copy_link(refid=section["ids"][0], label=label))


def _note_sections(app: Sphinx, doctree: nodes.document) -> None:
    """Register sections (below the page title) as kb:section objects for objects.inv."""
    env = app.env
    docname = env.docname
    domain = kb_domain(env)
    for section in doctree.findall(nodes.section):
        if not section["ids"] or isinstance(section.parent, nodes.document):
            continue
        title = section.next_node(nodes.title)
        if title is None:
            continue
        node_id = section["ids"][0]
        domain.note_object(
            "section",
            f"{docname}#{node_id}",
            docname=docname,
            node_id=node_id,
            title=title.astext(),
            lineno=section.line,
        )


def _share_metadata(app: Sphinx, doctree: nodes.document) -> None:
    """Give sphinxext-opengraph the page summary as og:description."""
    meta = app.env.metadata.setdefault(app.env.docname, {})
    meta.setdefault("og:description", page_summary(app, app.env.docname, doctree))


# -- redirects ------------------------------------------------------------------


#: Key of the kb domain's data that holds the declared redirects of this build.
REDIRECTS = "redirects"


def site_redirects(app: Sphinx) -> Redirects:
    """The redirects declared in ``kb_redirects``, read once per build, when first asked
    for (only HTML builds ask), and kept in the kb domain's data as plain data: forked
    writer processes find it there, and each page costs no reading of the file."""
    data = kb_data(app.env)
    stored: dict[str, dict[str, str]] | None = data[REDIRECTS]
    if stored is None:
        path = Path(app.confdir, app.config.kb_redirects)
        try:
            redirects = load_redirects(path)
        except RedirectError as err:
            logger.error(str(err), type="kb", subtype="config", location=err.location or str(path))
            redirects = Redirects({}, {})
        stored = data[REDIRECTS] = {"pages": redirects.pages, "fragments": redirects.fragments}
    return Redirects(stored["pages"], stored["fragments"])


def _forget_redirects(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """A new build reads the file again (it may have changed since the last one)."""
    kb_data(env)[REDIRECTS] = None


def _fragment_forwarding(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """On a page with moved fragments, a small script forwards old #ids to their new place."""
    page = app.builder.get_target_uri(pagename)
    moves = site_redirects(app).fragments_from(page)
    if not moves:
        return
    mapping = {
        old: _relative(page, new) if not new.startswith(page + "#") else new[len(page) :]
        for old, new in moves.items()
    }
    data = json.dumps(mapping, sort_keys=True).replace("</", "<\\/")
    context["metatags"] = context.get("metatags", "") + (
        "<script>(function(){var m=" + data + ";var h=decodeURIComponent("
        "location.hash.slice(1));if(h&&!document.getElementById(h)&&m[h]){"
        "location.replace(m[h]);}})();</script>\n"
    )


def _relative(from_page: str, target: str) -> str:
    depth = from_page.count("/")
    return "../" * depth + target


REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>Moved: {title}</title>
<link rel="canonical" href="{canonical}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={target}">
<script>location.replace({target_js} + location.hash);</script>
</head>
<body>
<main><p>This page has moved to <a href="{target}">{target}</a>.</p></main>
</body>
</html>
"""


def _write_redirect_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    base = str(app.config.html_baseurl or "")
    for old, new in sorted(site_redirects(app).pages.items()):
        dest = outdir / old
        if dest.exists() and not dest.read_text(encoding="utf-8").count("This page has moved"):
            logger.warning(
                "redirect from %s would overwrite a published page; remove it from %s",
                old,
                app.config.kb_redirects,
                type="kb",
                subtype="anchor-missing",
            )
            continue
        target = _relative(old, new)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(
            REDIRECT_PAGE.format(
                lang=html.escape(app.config.language or "en"),
                title=html.escape(new),
                canonical=html.escape(base + new),
                target=html.escape(target),
                target_js=json.dumps(target),
            ),
            encoding="utf-8",
        )


def setup_links(app: Sphinx) -> None:
    app.add_config_value("kb_redirects", "redirects.toml", "html", types=[str])
    app.add_transform(StableSectionIds)
    app.add_post_transform(HeadingCopyLinks)
    app.connect("doctree-read", _note_sections)
    app.connect("doctree-read", _share_metadata)
    app.connect("env-before-read-docs", _forget_redirects)
    app.connect("html-page-context", _fragment_forwarding)
    app.connect("build-finished", _write_redirect_pages)
