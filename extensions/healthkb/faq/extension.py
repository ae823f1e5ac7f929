"""FAQ items: ``setup_faq`` registers the feature's parts.

- :mod:`healthkb.faq.directive`: the ``{faq}`` directive (question, answer, id);
- :mod:`healthkb.faq.nodes`: its nodes and their visitors for every builder;
- :mod:`healthkb.faq.items`: every item of the knowledge base and its near-duplicates;
- :mod:`healthkb.faq.hub`: the FAQ hub page;
- :mod:`healthkb.faq.jsonld`: the page's schema.org ``FAQPage``.

The FAQ content checks (off-topic, near-duplicate) live in :mod:`healthkb.checks.faq`.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from healthkb.core.hubs import register_hub
from healthkb.core.jsonld import JSONLD_EVENT
from healthkb.faq.directive import FAQDirective
from healthkb.faq.hub import render_faq_hub
from healthkb.faq.items import note_page
from healthkb.faq.jsonld import faq_graph
from healthkb.faq.nodes import add_nodes
from healthkb.language import topic as faq_topic

logger = logging.getLogger(__name__)


def _check_config(app: Sphinx, config: Config) -> None:
    for name, default in (
        ("kb_faq_off_topic_threshold", faq_topic.OFF_TOPIC_THRESHOLD),
        ("kb_faq_near_duplicate_threshold", faq_topic.NEAR_DUPLICATE_THRESHOLD),
    ):
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            logger.warning(
                "%s must be a number from 0 to 1, got %r; using %s",
                name,
                value,
                default,
                type="kb",
                subtype="config",
            )
            setattr(config, name, default)


def setup_faq(app: Sphinx) -> None:
    app.add_config_value(
        "kb_faq_off_topic_threshold", faq_topic.OFF_TOPIC_THRESHOLD, "env", types=[float, int]
    )
    app.add_config_value(
        "kb_faq_near_duplicate_threshold",
        faq_topic.NEAR_DUPLICATE_THRESHOLD,
        "env",
        types=[float, int],
    )
    app.add_config_value("kb_faq_generic_tags", ["foam rolling"], "env", types=[list])
    app.connect("config-inited", _check_config)
    app.add_directive("faq", FAQDirective)
    add_nodes(app)
    # After Sphinx's collectors (priority 500) have stored the title and metadata.
    app.connect("doctree-read", note_page, priority=700)
    register_hub(app, "kb-faq-hub", "faq", render_faq_hub)
    app.connect(JSONLD_EVENT, faq_graph)
    app.add_css_file("faq.css")
