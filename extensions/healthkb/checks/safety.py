"""Safety checks of a page's text against the safety rules (type ``kb``, file and line).

- ``safety-contradiction``: a sentence anywhere on a page that recommends what a
  rule forbids (a card applying that very rule may name it);
- ``safety-red-flag``: a red-flag symptom mentioned outside a card of the level its
  rule calls for;
- ``config`` (error): the rules file is missing although a page uses safety cards
  or the safety hub.

The card's own options (level, rule, id) are checked by the directive
(:mod:`healthkb.safety.directive`).
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from healthkb.core.domain import kb_domain
from healthkb.core.findings import report
from healthkb.core.nodes import line_of
from healthkb.language.text import iter_sentences
from healthkb.safety.matching import (
    find_contradictions,
    find_red_flags,
    required_level,
)
from healthkb.safety.nodes import safety_card, safety_title
from healthkb.safety.rules import level_rank
from healthkb.safety.state import RulesState, rules_state

logger = logging.getLogger(__name__)


def check_rules_present(app: Sphinx, env: BuildEnvironment) -> None:
    """A missing rules file is an error once a page uses safety cards or the safety hub."""
    state = rules_state(env)
    if state.problem != "missing":
        return
    domain = kb_domain(env)
    cards = domain.records("safety")
    hubs = [
        docname
        for docname, records in domain.records("hubs").items()
        if any(record.get("kind") == "safety" for record in records)
    ]
    users = sorted(set(cards) | set(hubs))
    if not users:
        return
    first = users[0]
    lineno = min((card.get("lineno") or 1 for card in cards.get(first, [])), default=1)
    logger.error(
        "safety rules file not found: %s (set kb_safety_rules in conf.py); the safety cards "
        "and hub of %s cannot be checked",
        state.path,
        ", ".join(users),
        type="kb",
        subtype="config",
        location=(first, lineno),
    )


def _card_of(node: nodes.Node) -> safety_card | None:
    current = node.parent
    while current is not None:
        if isinstance(current, safety_card):
            return current
        current = current.parent
    return None


def _checked_blocks(doctree: nodes.document) -> Iterator[nodes.Element]:
    """Paragraphs (prose, list items, FAQ answers, card bodies) and card titles."""
    for node in doctree.findall(nodes.Element):
        if isinstance(node, nodes.paragraph | safety_title):
            yield node


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    state = rules_state(env)
    if not state.ruleset.rules:
        return
    for block in _checked_blocks(doctree):
        text = block.astext()
        if not state.ruleset.may_flag_within(text):
            continue  # nothing in this block can contradict a rule or name a red flag
        card = _card_of(block)
        base = line_of(block)
        for offset, raw_sentence in iter_sentences(text):
            sentence = " ".join(raw_sentence.split())
            if not state.ruleset.may_flag(sentence):
                continue
            lineno = (base or 1) + text[:offset].count("\n")
            for found in find_contradictions(sentence, state.ruleset):
                rule = found.rule
                if card is not None and card.get("rule") == rule.id:
                    # A card applying this very rule names what it warns against.
                    continue
                report(
                    env,
                    "safety-contradiction",
                    f"{sentence!r} contradicts safety rule {rule.id!r} ({rule.statement}); "
                    f"it recommends {found.phrase!r}",
                    docname=docname,
                    lineno=lineno,
                    target=sentence,
                )
            _check_red_flags(env, docname, lineno, sentence, card, state)


def _check_red_flags(
    env: BuildEnvironment,
    docname: str,
    lineno: int,
    sentence: str,
    card: safety_card | None,
    state: RulesState,
) -> None:
    flags = find_red_flags(sentence, state.ruleset)
    needed = required_level(flags)
    if needed is None:
        return
    card_level = card["level"] if card is not None else None
    if card_level is not None and level_rank(card_level) >= level_rank(needed):
        return
    strongest = [flag for flag in flags if flag.rule.level == needed]
    symptoms = ", ".join(repr(flag.symptom) for flag in strongest)
    rule = strongest[0].rule
    if card_level is None:
        where = "outside a safety card"
    else:
        where = f"in a {card_level!r} card (level too mild)"
    report(
        env,
        "safety-red-flag",
        f"{sentence!r} mentions the red-flag symptom {symptoms} {where}; put it in a "
        f"{{safety}} card of level {needed!r} (rule {rule.id!r}: {rule.statement})",
        docname=docname,
        lineno=lineno,
        target=sentence,
    )


def setup_safety_checks(app: Sphinx) -> None:
    app.connect("doctree-read", check_doctree)
    app.connect("env-check-consistency", check_rules_present)
