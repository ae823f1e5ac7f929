"""The safety rules of the current build.

The rules file (config value ``kb_safety_rules``, relative to the policy directory) and
the vocabulary it refers to (``kb_vocabulary``) are loaded when the builder is initialised
and kept in the kb domain's build-wide data (key :data:`RULES_KEY`, declared in
:mod:`healthkb.core.domain`), so parallel readers inherit them and nothing outlives the
build's environment. The learned reading trained on both (``kb_safety_model``,
:mod:`healthkb.language.learned`) is loaded with the matcher, before the first page is
read: a build that reads no page skips its weights. All three are relative to the rules
file's folder: they travel together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from healthkb.core.config import policy_dir
from healthkb.core.domain import kb_data
from healthkb.core.findings import log
from healthkb.language.learned import Reading, load_reading, stale
from healthkb.language.matcher import SafetyMatcher
from healthkb.language.rules import ConceptRules, load_concept_rules
from healthkb.language.source import ConfigError
from healthkb.language.vocabulary import Vocabulary

#: kb data key of the build's :class:`RulesState`.
RULES_KEY = "safety_rules"


def _no_rules(path: Path) -> ConceptRules:
    return ConceptRules((), Vocabulary({}, ""), str(path))


@dataclass
class RulesState:
    """The rules of one Sphinx application, loaded when the builder is initialised."""

    path: Path
    rules: ConceptRules
    #: None when the rules loaded; otherwise why not ("missing" or the error text).
    problem: str | None = None
    #: The vocabulary file the rules refer to.
    vocabulary_path: Path | None = None
    #: The learned reading's file (None: the rules did not load).
    model_path: Path | None = None
    #: The rules compiled for matching, with the learned reading, made on first use in each
    #: process (not pickled: its caches are per process and cheap to rebuild, and the
    #: reading's weights are a few MB). A build that reads no page never loads the reading.
    _matcher: SafetyMatcher | None = field(default=None, repr=False, compare=False)

    @property
    def loaded(self) -> bool:
        return self.problem is None

    @property
    def matcher(self) -> SafetyMatcher:
        if self._matcher is None:
            reading = None
            if self.model_path is not None and self.vocabulary_path is not None:
                reading = _load_reading(self.model_path, self.path, self.vocabulary_path)
            self._matcher = SafetyMatcher(self.rules, reading)
        return self._matcher

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_matcher": None}


def rules_path(app: Sphinx) -> Path:
    return policy_dir(app) / str(app.config.kb_safety_rules)


def vocabulary_path(app: Sphinx) -> Path:
    return rules_path(app).parent / str(app.config.kb_vocabulary)


def model_path(app: Sphinx) -> Path:
    return rules_path(app).parent / str(app.config.kb_safety_model)


def rules_state(env: BuildEnvironment) -> RulesState:
    state: RulesState | None = kb_data(env)[RULES_KEY]
    if state is None:  # only when the builder-inited handler has not run
        path = Path(env.srcdir, "safety-concepts.toml")
        state = RulesState(path, _no_rules(path), "not loaded")
    return state


def load_rules_state(app: Sphinx, *args: Any) -> RulesState:
    path, words = rules_path(app), vocabulary_path(app)
    if not path.exists():
        # Reported by healthkb.checks.safety once we know whether the project uses safety cards.
        state = RulesState(path, _no_rules(path), "missing", words)
    else:
        try:
            state = RulesState(path, load_concept_rules(path, words), None, words)
        except ConfigError as exc:
            for problem in exc.problems:
                log(
                    "config",
                    f"invalid safety rules file: {problem.message}",
                    "error",
                    problem.location,
                )
            state = RulesState(path, _no_rules(path), str(exc.first), words)
    if state.loaded:
        state.model_path = model_path(app)
    kb_data(app.env)[RULES_KEY] = state
    return state


def _load_reading(path: Path, rules: Path, words: Path) -> Reading | None:
    """The learned reading of ``path``; None, with a finding, when it cannot be read; with a
    warning when it was trained on other rules or another vocabulary."""
    if not path.exists():
        return None
    try:
        reading = load_reading(path)
    except ConfigError as exc:
        for problem in exc.problems:
            log("config", f"invalid safety model: {problem.message}", "error", problem.location)
        return None
    if stale(reading, rules, words):
        log(
            "config",
            "the safety model was trained on other rules or another vocabulary: run "
            "`kb rules train` so that it reads with the current ones",
            "warning",
            f"{path}:1",
        )
    return reading


def warm_matcher(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before pages are read, in the process that forks the parallel readers: load the
    matcher once there, so that every reader shares it. A build that reads nothing (a
    no-op) never loads it."""
    state = rules_state(env)
    if docnames and state.rules.rules:
        state.matcher.warm()


def note_rules_dependency(app: Sphinx, doctree: nodes.document) -> None:
    """Every page is read again when the rules, their vocabulary or the learned reading
    change (its checks depend on them)."""
    state = rules_state(app.env)
    for path in (state.path, state.vocabulary_path, state.model_path):
        if path is not None and path.exists():
            app.env.note_dependency(str(path))
