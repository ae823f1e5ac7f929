# A small knowledge base in the project's layout: hubs, an articles index, articles and
# answers pages with FAQs, safety cards, citations and tags. Share cards and the sitemap
# are on, as in conf/conf.py, so reproducibility tests see every file the site has.
extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxext.opengraph",
    "sphinx_sitemap",
    "healthkb",
]
html_theme = "furo"
project = "KB scale test"
html_baseurl = "https://kb.example.org/"
html_theme_options = {"navigation_with_keys": True}
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
ogp_site_url = "https://kb.example.org/"
ogp_social_cards = {"enable": False}
ogp_enable_meta_description = False
sitemap_url_scheme = "{link}"
# One neighbour on each side: with eight articles the sidebar window is visibly bounded.
kb_nav_neighbours = 1
# The tests point kb_safety_rules at the project's conf/safety-concepts.toml.
# Its articles stand for pages nobody has reviewed yet (review checks are tested elsewhere).
suppress_warnings = ["kb.review-missing"]
