"""The HTML builder's templates: compiled once, and a stamp of what every page is rendered with.

- **Compiled templates kept between builds.** Sphinx compiles its Jinja templates (furo's
  page, base and sidebar templates, ours) again in every build, and in every writer process
  of a parallel build: about 0.2 s of each no-op or incremental build at 1,000 articles.
  Jinja's file cache keeps the compiled code beside the doctrees, checked against each
  template's source (a changed template is compiled again), written atomically (writer
  processes share it), and kept per Sphinx and Jinja version (the code depends on both).
  Relies on ``builder.templates.environment`` being Sphinx's Jinja environment.
- **The render stamp of generated pages.** The topic pages (:mod:`healthkb.site.topics`)
  are written only when what they show changed; what every page is rendered with (the
  newest template's time, the hashes of the settings and tags that make Sphinx rewrite
  every page) is part of that, answered here to the event ``kb-render-stamp``. Relies on
  ``builder.templates.newest_template_mtime`` and ``builder.build_info``
  (``config_hash``, ``tags_hash``). Without it every topic page is written in every build
  that reads a page, as Sphinx writes the pages of ``html-collect-pages``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import sphinx
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

from healthkb.perf.guards import guarded, lacking
from healthkb.site.topics import RENDER_STAMP

#: In the doctree folder: the compiled templates (see _cache_templates).
TEMPLATE_CACHE = "kb-templates"


def _cache_templates(app: Sphinx) -> None:
    """Keep the HTML templates compiled between builds (see the module's docstring)."""
    environment = app.builder.templates.environment
    if environment.bytecode_cache:
        return
    versions = f"sphinx-{sphinx.__version__}-jinja-{jinja2.__version__}"
    folder = Path(app.doctreedir) / TEMPLATE_CACHE / versions
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # no cache: the templates are compiled as usual
    environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def _render_stamp(app: Sphinx) -> tuple[Any, ...]:
    builder: Any = app.builder
    info = builder.build_info
    return (builder.templates.newest_template_mtime(), (info.config_hash, info.tags_hash))


def _install(app: Sphinx) -> None:
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return  # no HTML templates to speak of
    templates = getattr(builder, "templates", None)
    environment = getattr(templates, "environment", None)
    missing = lacking(templates, {"environment": jinja2.Environment}, "builder.templates.")
    if not missing:
        cache = {"bytecode_cache": (jinja2.BytecodeCache, type(None))}
        missing = lacking(environment, cache, "builder.templates.environment.")
    if guarded("compiled templates kept between builds", missing):
        _cache_templates(app)
    missing = lacking(templates, {"newest_template_mtime": None}, "builder.templates.")
    hashes = {"config_hash": str, "tags_hash": str}
    missing += lacking(getattr(builder, "build_info", None), hashes, "builder.build_info.")
    if guarded("topic pages written only when changed", missing):
        app.connect(RENDER_STAMP, _render_stamp)


def install_templates(app: Sphinx) -> None:
    app.connect("builder-inited", _install)
