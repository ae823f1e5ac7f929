extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB reading test"
html_baseurl = "https://kb.example.org/"
