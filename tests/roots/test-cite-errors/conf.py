extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "Citation checks"
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
kb_bibfile = "sources/registry.bib"
