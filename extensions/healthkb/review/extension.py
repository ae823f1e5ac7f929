"""Review metadata: ``setup_review`` registers the feature's parts.

- :mod:`healthkb.review.metadata`: the front matter fields, read and validated;
- :mod:`healthkb.review.notice`: the "Page last reviewed" notice at the end of a page.

The overdue check lives in :mod:`healthkb.checks.review`.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from healthkb.review.metadata import parse_date
from healthkb.review.notice import add_nodes, note_review

logger = logging.getLogger(__name__)


def _check_config(app: Sphinx, config: Config) -> None:
    if config.kb_today and parse_date(config.kb_today)[0] is None:
        logger.warning(
            "kb_today must be an ISO date (YYYY-MM-DD), got %r; using the real date",
            config.kb_today,
            type="kb",
            subtype="config",
        )
        config.kb_today = ""
    soon = config.kb_review_due_soon_days
    if isinstance(soon, bool) or not isinstance(soon, int) or soon < 0:
        logger.warning(
            "kb_review_due_soon_days must be a whole number of days, got %r; using 30",
            soon,
            type="kb",
            subtype="config",
        )
        config.kb_review_due_soon_days = 30


def setup_review(app: Sphinx) -> None:
    app.add_config_value("kb_review_due_soon_days", 30, "env", types=[int])
    app.connect("config-inited", _check_config)
    add_nodes(app)
    # After the References section (a read transform) so the notice closes the page.
    app.connect("doctree-read", note_review, priority=600)
