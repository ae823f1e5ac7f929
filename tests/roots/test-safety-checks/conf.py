extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB safety checks test"
# The tests point kb_safety_rules at the project's conf/safety-concepts.toml.
