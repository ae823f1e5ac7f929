"""The safety rules of the current build.

The rules file (config value ``kb_safety_rules``, relative to the policy directory) is
loaded when the builder is initialised and kept in the kb domain's build-wide data
(key :data:`RULES_KEY`, declared in :mod:`healthkb.core.domain`), so parallel readers
inherit it and nothing outlives the build's environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from healthkb.core.config import policy_dir
from healthkb.core.domain import kb_data
from healthkb.safety.rules import RulesError, RuleSet, load_rules

logger = logging.getLogger(__name__)

#: kb data key of the build's :class:`RulesState`.
RULES_KEY = "safety_rules"


@dataclass
class RulesState:
    """The rules of one Sphinx application, loaded when the builder is initialised."""

    path: Path
    ruleset: RuleSet
    #: None when the rules loaded; otherwise why not ("missing" or the error text).
    problem: str | None = None

    @property
    def loaded(self) -> bool:
        return self.problem is None


def rules_path(app: Sphinx) -> Path:
    return policy_dir(app) / str(app.config.kb_safety_rules)


def rules_state(env: BuildEnvironment) -> RulesState:
    state: RulesState | None = kb_data(env)[RULES_KEY]
    if state is None:  # only when the builder-inited handler has not run
        path = Path(env.srcdir, "safety-rules.toml")
        state = RulesState(path, RuleSet((), str(path)), "not loaded")
    return state


def load_rules_state(app: Sphinx, *args: Any) -> RulesState:
    path = rules_path(app)
    if not path.exists():
        # Reported by healthkb.checks.safety once we know whether the project uses safety cards.
        state = RulesState(path, RuleSet((), str(path)), "missing")
    else:
        try:
            state = RulesState(path, load_rules(path))
        except RulesError as exc:
            logger.error(
                "invalid safety rules file: %s",
                exc.message,
                type="kb",
                subtype="config",
                location=exc.location,
            )
            state = RulesState(path, RuleSet((), str(path)), exc.message)
    kb_data(app.env)[RULES_KEY] = state
    return state


def note_rules_dependency(app: Sphinx, doctree: nodes.document) -> None:
    """Every page is read again when the rules file changes (its checks depend on it)."""
    state = rules_state(app.env)
    if state.path.exists():
        app.env.note_dependency(str(state.path))
