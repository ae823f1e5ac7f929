extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB safety test"
kb_site_description = "A test knowledge base with safety cards."
# The tests point kb_safety_rules at the project's conf/safety-concepts.toml.
