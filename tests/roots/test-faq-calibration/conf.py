extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB calibration"
html_baseurl = "https://kb.example.org/"
myst_heading_anchors = 3
# These pages stand for the real articles, which have no review metadata yet.
suppress_warnings = ["kb.review-missing"]
