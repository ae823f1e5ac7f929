extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB test"
kb_site_description = "A test knowledge base."
