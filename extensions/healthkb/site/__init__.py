"""The HTML site: assets, links, navigation, topic pages, related articles, permalinks."""
