"""Sphinx configuration: sphinx-build -c conf docs build/html."""

from __future__ import annotations

import sys
from pathlib import Path

CONF_DIR = Path(__file__).resolve().parent
ROOT = CONF_DIR.parent
# The extension is installed into .venv by the Makefile; this keeps a plain
# sphinx-build from a checkout working too.
sys.path.insert(0, str(ROOT / "extensions"))

from healthkb.core.config import load_site_settings  # noqa: E402

SITE = load_site_settings(CONF_DIR / "site.toml")

project = SITE.name
author = "321 STRONG editorial team"
copyright = "321 STRONG"  # noqa: A001
language = SITE.language
root_doc = "index"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxext.opengraph",
    "sphinx_sitemap",
    "healthkb",
]

exclude_patterns = ["_build", "**/.ipynb_checkpoints", "README.md"]
templates_path: list[str] = []

# -- MyST --------------------------------------------------------------------
myst_enable_extensions = [
    "colon_fence",
    "deflist",
    "attrs_inline",
    "attrs_block",
    "fieldlist",
    "substitution",
]
myst_heading_anchors = 3
myst_html_meta: dict[str, str] = {}

# -- HTML ---------------------------------------------------------------------
html_theme = "furo"
html_title = SITE.name
html_short_title = "Back pain KB"
STATIC = ROOT / "docs" / "_static"
html_favicon = str(STATIC / "favicon.svg")
html_static_path = [str(STATIC)]
html_baseurl = SITE.base_url
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "sidebar_hide_name": False,
    "navigation_with_keys": True,
    "top_of_page_buttons": [],
}

# -- Share cards and sitemap ----------------------------------------------------
ogp_site_url = SITE.base_url
ogp_site_name = SITE.name
ogp_type = "article"
ogp_enable_meta_description = False  # healthkb writes the meta description
ogp_social_cards = {"enable": False}
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary">']
sitemap_url_scheme = "{link}"
sitemap_show_lastmod = False
sitemap_excludes = ["search.html", "genindex.html"]

# -- Knowledge base ----------------------------------------------------------
kb_site_origin = SITE.origin
kb_site_description = SITE.description
# Safety rules written as concepts (conf/safety-concepts.toml) of the shared vocabulary
# (conf/vocabulary.toml): levels, statements, what prose must not recommend, red flags.
kb_safety_rules = "safety-concepts.toml"
kb_vocabulary = "vocabulary.toml"
# The learned second reading of the same checks, trained on the rules and the labelled corpus
# (kb rules train writes it; the build only reads it).
kb_safety_model = "safety-model.json"
# Reader-facing names of topic pages whose tag value does not read well on its own.
kb_topic_labels = {
    "product:5-in-1-set": "5-in-1 Foam Roller Set",
    "product:foam-massage-roller": "Foam Massage Roller",
}
pygments_style = "sphinx"
pygments_dark_style = "native"
