extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB learned reading test"
# The tests point kb_safety_rules at the project's conf/safety-concepts.toml and
# kb_safety_model at a model file they write.
