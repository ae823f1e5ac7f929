extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB trust test"
html_baseurl = "https://kb.example.org/"
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
kb_today = "2026-11-21"
# The tests point kb_policy_dir at the project's conf/ (safety-concepts.toml, vocabulary.toml).
