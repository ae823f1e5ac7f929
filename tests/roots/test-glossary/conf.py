extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB glossary test"
html_baseurl = "https://kb.example.org/"
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["kb.safety-red-flag", "kb.citation-unsupported-claim", "kb.review-missing"]
import os as _os

kb_safety_rules = _os.path.join(_os.path.dirname(__file__), "..", "..", "..", "conf", "safety-concepts.toml")
