extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB FAQ acknowledgment"
