extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB calibration"
html_baseurl = "https://kb.example.org/"
myst_heading_anchors = 3
