extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB review test"
html_baseurl = "https://kb.example.org/"
# "Today" for the review checks: fixed, so that the tests do not depend on the real date.
kb_today = "2027-03-01"
