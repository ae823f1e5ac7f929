"""The importer: source articles (three shapes) -> MyST pages of the knowledge base.

Pure Python, no Sphinx: ``detect`` recognises a file's shape, one module per shape parses
it into an :class:`~healthkb.importer.model.Article`, shared passes recover structure and
safety cards (their rule ids read from the safety rules file), and
:func:`~healthkb.importer.writer.render` writes the page. :mod:`~healthkb.importer.pipeline`
imports files into a docs folder (:mod:`~healthkb.importer.files` reads and writes it,
:mod:`~healthkb.importer.references` adds the sources to the registry with the registry's own
writer, :mod:`~healthkb.importer.results` says what happened); the ``kb import`` command
(:mod:`healthkb.cli.importing`) drives it. Ids and page names are :mod:`healthkb.core.ids`'.
"""

from __future__ import annotations

from healthkb.importer.convert import DEFAULT_ORIGIN, convert
from healthkb.importer.model import Article, ImportRefused, Report
from healthkb.importer.writer import render

__all__ = ["DEFAULT_ORIGIN", "Article", "ImportRefused", "Report", "convert", "render"]
