"""Configuration of the knowledge base: typed Sphinx config values and site.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteSettings:
    """Settings shared by the Sphinx build and the importer (conf/site.toml)."""

    name: str = "Foam Rolling for Back Pain"
    description: str = "Evidence-checked answers about foam rolling for back pain."
    origin: str = "https://321strong.com"
    base_url: str = "https://kb.321strong.com/"
    language: str = "en"


def load_site_settings(path: Path) -> SiteSettings:
    """Read ``site.toml``; a missing file gives the defaults."""
    if not path.is_file():
        return SiteSettings()
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    site = data.get("site", {})
    known = {k: str(v) for k, v in site.items() if k in SiteSettings.__dataclass_fields__}
    settings = SiteSettings(**known)
    if not settings.base_url.endswith("/"):
        settings = SiteSettings(**{**known, "base_url": settings.base_url + "/"})
    return settings


def setup_config(app: Sphinx) -> None:
    app.add_config_value("kb_site_origin", "https://321strong.com", "env", types=[str])
    app.add_config_value("kb_site_description", "", "html", types=[str])
    # Directory with the KB policy data (safety rules, redirects); defaults to confdir.
    app.add_config_value("kb_policy_dir", "", "env", types=[str])
    # Folders (below the source directory) whose pages are articles (navigation, review,
    # topics, related articles).
    app.add_config_value("kb_article_dirs", ["articles", "answers"], "env", types=[list])
    # ISO date used as "today" by date-based checks; empty means the real date.
    app.add_config_value("kb_today", "", "env", types=[str])
    # The speed layer (healthkb.perf): off, Sphinx's own code runs everywhere it patches.
    # The site is the same either way, so changing it rebuilds nothing.
    app.add_config_value("kb_fast_build", True, "", types=[bool])
    app.connect("config-inited", _validate)


def _validate(app: Sphinx, config: Config) -> None:
    origin = str(config.kb_site_origin)
    if not origin.startswith(("https://", "http://")) or "localhost" in origin:
        logger.warning(
            "kb_site_origin %r is not a public http(s) origin; using https://321strong.com",
            origin,
            type="kb",
            subtype="config",
        )
        config.kb_site_origin = "https://321strong.com"
    if not isinstance(config.kb_fast_build, bool):
        logger.warning(
            "kb_fast_build must be True or False, not %r; using True",
            config.kb_fast_build,
            type="kb",
            subtype="config",
        )
        config.kb_fast_build = True


def policy_dir(app: Sphinx) -> Path:
    configured: Any = app.config.kb_policy_dir
    return Path(app.confdir, configured) if configured else Path(app.confdir)
