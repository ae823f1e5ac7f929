"""Safety callouts: ``setup_safety`` registers the feature's parts.

- :mod:`healthkb.safety.directive`: the ``{safety}`` card (level, rule, stable id);
- :mod:`healthkb.safety.nodes`: its nodes and their visitors for every builder;
- :mod:`healthkb.safety.hub`: the safety hub page;
- :mod:`healthkb.safety.state`: the rules of the current build (written as concepts and
  matched by :mod:`healthkb.language`);
- :mod:`healthkb.safety.levels`: the levels and what the site calls them.

The checks of a page's text against the rules live in :mod:`healthkb.checks.safety`.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from healthkb.core.hubs import register_hub
from healthkb.safety.directive import SafetyDirective
from healthkb.safety.hub import render_hub
from healthkb.safety.nodes import add_nodes
from healthkb.safety.state import load_rules_state, note_rules_dependency, warm_matcher


def setup_safety(app: Sphinx) -> None:
    # The rules file, relative to the policy directory (kb_policy_dir, default confdir), and
    # the shared vocabulary its rules refer to, relative to the rules file's folder.
    app.add_config_value("kb_safety_rules", "safety-concepts.toml", "env", types=[str])
    app.add_config_value("kb_vocabulary", "vocabulary.toml", "env", types=[str])
    # The learned reading trained on the rules and the corpus (kb rules train), beside them.
    app.add_config_value("kb_safety_model", "safety-model.json", "env", types=[str])
    add_nodes(app)
    app.add_directive("safety", SafetyDirective)
    register_hub(app, "kb-safety-hub", "safety", render_hub)
    app.connect("builder-inited", load_rules_state)
    app.connect("env-before-read-docs", warm_matcher)
    app.connect("doctree-read", note_rules_dependency)
    app.add_css_file("safety.css")
