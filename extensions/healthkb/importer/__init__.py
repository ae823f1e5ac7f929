"""The importer: source articles (three shapes) -> MyST pages of the knowledge base.

Pure Python, no Sphinx: ``detect`` recognises a file's shape, one module per shape parses
it into an :class:`~healthkb.importer.model.Article`, shared passes recover structure and
safety cards, and :func:`~healthkb.importer.writer.render` writes the page. The ``kb import``
command (:mod:`healthkb.cli.main`) drives :mod:`healthkb.importer.pipeline`.
"""

from __future__ import annotations

from healthkb.importer.convert import DEFAULT_ORIGIN, convert
from healthkb.importer.model import Article, ImportRefused, Report
from healthkb.importer.writer import render

__all__ = ["DEFAULT_ORIGIN", "Article", "ImportRefused", "Report", "convert", "render"]
