extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB broken rules test"
# The default kb_safety_rules: safety-concepts.toml next to this file, which is broken (the
# tests point kb_vocabulary at the project's vocabulary).
