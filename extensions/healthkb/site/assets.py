"""Site-wide HTML: assets, the medical disclaimer, and per-page meta description."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

HERE = Path(__file__).parent
_CAPTION_ROLE = 'class="caption" role="heading"'


def page_summary(app: Sphinx, pagename: str, doctree: nodes.document | None) -> str:
    """The page's summary: front matter ``summary``/``description``, else its first paragraph."""
    meta = app.env.metadata.get(pagename, {}) if app.env else {}
    for key in ("summary", "description"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    if doctree is not None:
        for para in doctree.findall(nodes.paragraph):
            text = " ".join(para.astext().split())
            if len(text) > 40:
                return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return str(app.config.kb_site_description or app.config.project)


def _page_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    # Pages generated without a source document (topic pages) bring their own summary.
    description = context.get("kb_summary") or page_summary(app, pagename, doctree)
    context["kb_description"] = description
    tag = f'<meta name="description" content="{html.escape(description, quote=True)}">\n'
    context["metatags"] = context.get("metatags", "") + tag
    # Sphinx marks toctree captions role="heading" without the aria-level that
    # role requires (axe: aria-required-attr); captions sit at level 2.
    for key in ("body", "furo_navigation_tree", "toc"):
        value = context.get(key)
        if isinstance(value, str) and _CAPTION_ROLE in value:
            context[key] = value.replace(_CAPTION_ROLE, _CAPTION_ROLE + ' aria-level="2"')


def _add_paths(app: Sphinx, config: Config) -> None:
    config.templates_path = [*config.templates_path, str(HERE / "templates")]
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]


def setup_site(app: Sphinx) -> None:
    app.connect("config-inited", _add_paths)
    # After furo (priority 500), which renders the navigation tree into the context.
    app.connect("html-page-context", _page_context, priority=900)
    app.add_css_file("kb.css")
    app.add_js_file("kb.js", loading_method="defer")
