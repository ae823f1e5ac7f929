extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "Citations test"
myst_enable_extensions = ["colon_fence", "attrs_inline", "attrs_block"]
myst_heading_anchors = 3
