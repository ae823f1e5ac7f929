extensions = ["myst_parser", "sphinx_design", "sphinxext.opengraph", "sphinx_sitemap", "healthkb"]
html_theme = "furo"
project = "KB links test"
html_baseurl = "https://kb.example.org/"
ogp_site_url = "https://kb.example.org/"
ogp_enable_meta_description = False
ogp_social_cards = {"enable": False}
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary">']
sitemap_url_scheme = "{link}"
kb_redirects = "redirects.toml"
