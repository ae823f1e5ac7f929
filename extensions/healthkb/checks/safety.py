"""Safety checks of a page's text against the safety rules (type ``kb``, file and line).

Every paragraph (prose, list items, FAQ answers, card bodies) and card title is read
sentence by sentence by the language layer (:class:`healthkb.language.matcher.SafetyMatcher`
with the rules of ``conf/safety-concepts.toml``), which knows the sentence's card:

- ``safety-contradiction``: a sentence that recommends what a rule forbids (the action on
  the rule's place, injury or symptom, in whatever words; a card applying that very rule
  may name it);
- ``safety-permission``: a sentence that says rolling is fine with a condition a rule
  lists, without sending the reader to a professional first (an FAQ answer's first
  sentence is read with its question: "Can I roll while pregnant?" "Yes, it's fine.");
- ``safety-red-flag``: a red-flag symptom mentioned outside a card of the level its rule
  calls for;
- ``safety-likely``: a sentence the rules' words let pass but the learned reading
  (:mod:`healthkb.language.learned`, trained on the labelled corpus) reads as breaking a
  rule, on the phrase that names the rule's concept;
- ``safety-doubted`` (information, listed by ``kb report``): a finding of the rules' words
  that the learned reading takes as safe;
- ``config`` (error): the rules file is missing although a page uses safety cards or the
  safety hub.

Each finding names the sentence, the phrase that triggered it and the rule. The card's own
options (level, rule, id) are checked by the directive (:mod:`healthkb.safety.directive`).
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from healthkb.core.domain import kb_domain
from healthkb.core.findings import Level, report
from healthkb.core.nodes import ancestor, line_of
from healthkb.core.timing import phase
from healthkb.faq.nodes import faq_answer, faq_question
from healthkb.language.learned import LEARNED
from healthkb.language.matcher import Context, Finding
from healthkb.language.rules import ConceptRule
from healthkb.language.text import iter_sentences
from healthkb.safety.nodes import safety_card, safety_title
from healthkb.safety.state import rules_state

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


def _checked_blocks(doctree: nodes.document) -> Iterator[nodes.Element]:
    """Paragraphs (prose, list items, FAQ answers, card bodies) and card titles; not the
    glossary's definitions, which say what a word means ("sciatica: nerve pain down the
    leg"), not what to do."""
    for node in doctree.findall(nodes.Element):
        if isinstance(node, nodes.paragraph | safety_title) and not ancestor(
            node, addnodes.glossary
        ):
            yield node


def _question_of(block: nodes.Element) -> str | None:
    """The question of the FAQ item whose answer ``block`` begins, else None."""
    answer = block.parent
    if not isinstance(answer, faq_answer) or answer.children[0] is not block:
        return None
    item = answer.parent
    question = next((n for n in item.children if isinstance(n, faq_question)), None)
    return " ".join(question.astext().split()) if question is not None else None


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    with phase("safety checks"):
        _check_doctree(app, doctree)


def _check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    state = rules_state(env)
    if not state.rules.rules:
        return
    matcher = state.matcher
    for block in _checked_blocks(doctree):
        text = block.astext()
        card = ancestor(block, safety_card)
        context = (
            Context(card["level"], card.get("rule") or None) if card is not None else Context()
        )
        base = line_of(block)
        question = _question_of(block)
        for offset, sentence in _units(text):
            findings = matcher.find(sentence, context)
            if question is not None:
                # The answer's first sentence with the question it answers: "Can I roll while
                # pregnant?" + "Yes, it's fine." is a permission neither says alone.
                seen = {(f.rule, f.kind) for f in findings}
                findings += [
                    f
                    for f in matcher.find(f"{question} {sentence}", context)
                    if f.kind == "permission" and (f.rule, f.kind) not in seen
                ]
                question = None
            if not findings:
                continue
            lineno = (base or 1) + text[:offset].count("\n")
            for found in findings:
                rule = state.rules.get(found.rule)
                assert rule is not None  # the matcher only knows the rules' ids
                code, message = _describe(found, rule, sentence, context)
                level: Level = "warning"
                if found.doubted:
                    # Information: listed by kb report for an editor, not a build failure.
                    code, level = "safety-doubted", "info"
                    message = (
                        f"{message}; but the learned reading takes the sentence as safe: "
                        "check it, and add it to the corpus with its label"
                    )
                report(
                    env, code, message, docname=docname, lineno=lineno, level=level, target=sentence
                )


#: A question of at most this many words is a lead-in to the sentence after it
#: ("Pregnant? Rolling your back is fine.", "Numb toes? Keep going."): read as one.
LEAD_IN_WORDS = 4


def _units(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of what is checked as one: each sentence, whitespace flattened, with a
    short question joined to the sentence it introduces."""
    lead: tuple[int, str] | None = None
    for offset, raw in iter_sentences(text):
        sentence = " ".join(raw.split())
        if lead is not None:
            offset, sentence = lead[0], f"{lead[1]} {sentence}"
            lead = None
        elif sentence.endswith("?") and len(sentence.split()) <= LEAD_IN_WORDS:
            lead = (offset, sentence)
            continue
        yield offset, sentence
    if lead is not None:
        yield lead


def _describe(
    found: Finding, rule: ConceptRule, sentence: str, context: Context
) -> tuple[str, str]:
    """The check code and message of a finding: the sentence, what triggered it, the rule."""
    said = f"{sentence!r}"
    why = f"(rule {rule.id!r}: {rule.statement})"
    if found.kind == "permission":
        return (
            "safety-permission",
            f"{said} says it is fine to roll with a condition without sending the reader to a "
            f"professional first ({found.phrase!r}) {why}",
        )
    if found.kind == "red-flag":
        if context.card_level is None:
            where = "outside a safety card"
        else:
            where = f"in a {context.card_level!r} card (level too mild)"
        return (
            "safety-red-flag",
            f"{said} mentions the red-flag symptom {found.phrase!r} {where}; put it in a "
            f"{{safety}} card of level {rule.level!r} {why}",
        )
    if found.kind == LEARNED:
        return (
            "safety-likely",
            f"{said} reads like advice that breaks safety rule {rule.id!r} ({rule.statement}), "
            f"about {found.phrase!r}; the learned reading flagged it, the rules' words did "
            f"not: reword it, or acknowledge it if it is safe",
        )
    return (
        "safety-contradiction",
        f"{said} contradicts safety rule {rule.id!r} ({rule.statement}); it recommends "
        f"{found.phrase!r}",
    )


def setup_safety_checks(app: Sphinx) -> None:
    app.connect("doctree-read", check_doctree)
    app.connect("env-updated", check_rules_present, priority=800)
