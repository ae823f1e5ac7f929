"""Safety callouts (``{safety}``), the safety hub, and the safety checks.

A card::

    ```{safety} Do not roll directly over the lumbar spine
    :level: caution
    :rule: no-direct-lumbar-rolling
    The lower back has no rib cage to support it ...
    ```

renders as an NHS-style care card: one colour and icon per level, a visually
hidden prefix ("Caution:", "See a health professional:", "Urgent:") read before
the title, a copy-link control and a stable id (``:name:`` or a slug of the
title). Cards are ``safety`` objects of the kb domain. The rules live in
``conf/safety-rules.toml`` (config value ``kb_safety_rules``) and are read by
:mod:`healthkb.safety.rules`.

Checks (Sphinx warnings of type ``kb``, with file and line):

- ``safety-level`` / ``safety-rule`` (errors): unknown or missing level, unknown rule;
- ``safety-level-mild``: a card milder than its rule calls for;
- ``safety-contradiction``: a sentence anywhere on a page that recommends what a
  rule forbids;
- ``safety-red-flag``: a red-flag symptom mentioned outside a card of the level
  its rule calls for.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from healthkb.core.anchors import copy_link, slugify, valid_id
from healthkb.core.config import policy_dir
from healthkb.core.domain import kb_domain
from healthkb.core.findings import report
from healthkb.core.hubs import hub_placeholder, register_hub
from healthkb.core.nodes import render_children as _pass
from healthkb.safety.rules import (
    LEVEL_LABELS,
    LEVELS,
    RulesError,
    RuleSet,
    find_contradictions,
    find_red_flags,
    iter_sentences,
    level_rank,
    load_rules,
    required_level,
)

logger = logging.getLogger(__name__)

#: Headings of the safety hub's groups, strongest level first.
HUB_HEADINGS = {
    "urgent": "Urgent: get help now",
    "professional": "See a health professional",
    "caution": "Technique cautions",
}

# Inline SVG icons (24x24), one per level; drawn in currentColor, hidden from screen readers.
ICONS = {
    # a warning triangle with an exclamation mark
    "caution": "M12 2.5 1.2 21.5h21.6L12 2.5zM10.9 9h2.2l-.3 6.5h-1.6L10.9 9zm0 8.2h2.2v2.1"
    "h-2.2v-2.1z",
    # a medical cross in a circle
    "professional": "M12 1.8a10.2 10.2 0 1 0 0 20.4 10.2 10.2 0 0 0 0-20.4zM10.4 6.5h3.2v3.9h3.9"
    "v3.2h-3.9v3.9h-3.2v-3.9H6.5v-3.2h3.9V6.5z",
    # an octagon with an exclamation mark
    "urgent": "M7.9 1.5h8.2l5.9 5.9v8.2l-5.9 5.9H7.9L2 15.6V7.4l5.9-5.9zM10.9 6h2.2v8h-2.2V6zm0 "
    "10h2.2v2.2h-2.2V16z",
}


# -- rules of the current build -------------------------------------------------------------
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


#: Rules of each build environment (loaded when the builder is initialised).
_STATES: weakref.WeakKeyDictionary[BuildEnvironment, RulesState] = weakref.WeakKeyDictionary()


def rules_path(app: Sphinx) -> Path:
    return policy_dir(app) / str(app.config.kb_safety_rules)


def rules_state(env: BuildEnvironment) -> RulesState:
    state = _STATES.get(env)
    if state is None:  # only when the builder-inited handler has not run
        path = Path(env.srcdir, "safety-rules.toml")
        state = RulesState(path, RuleSet((), str(path)), "not loaded")
    return state


def _load_rules(app: Sphinx, *args: Any) -> RulesState:
    path = rules_path(app)
    if not path.exists():
        # Reported by _check_rules_present once we know whether the project uses safety cards.
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
    _STATES[app.env] = state
    return state


def _check_rules_present(app: Sphinx, env: BuildEnvironment) -> None:
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


# -- nodes ----------------------------------------------------------------------------------
class safety_card(nodes.General, nodes.Element):
    """A safety callout; attributes ``level``, ``rule`` and ``title`` (plain text)."""


class safety_header(nodes.General, nodes.Element):
    """The card's header: its title and its copy-link control."""


class safety_title(nodes.TextElement):
    """The card's title (inline markup allowed)."""


class safety_body(nodes.General, nodes.Element):
    """The card's body (any block content)."""


# -- directive ------------------------------------------------------------------------------
def _level_choice(argument: str | None) -> str:
    # Validated in run(), so that a bad level is a kb finding with our own message.
    return (argument or "").strip().lower()


class SafetyDirective(SphinxDirective):
    """``{safety} Title`` with ``:level:`` (required), ``:rule:`` and ``:name:``."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "level": _level_choice,
        "rule": directives.unchanged,
        "name": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        env = self.env
        docname = env.docname
        title = " ".join(self.arguments[0].split())
        lineno = self.lineno
        state = rules_state(env)

        card_id = self._card_id(title)
        level = self.options.get("level", "")
        rule_id = (self.options.get("rule") or "").strip()
        rule = state.ruleset.get(rule_id) if rule_id else None

        if level not in LEVELS:
            fallback = rule.level if rule else "caution"
            problem = f"unknown level {level!r}" if level else "no :level:"
            report(
                env,
                "safety-level",
                f"safety card {title!r} has {problem}; use one of {', '.join(LEVELS)} "
                f"(rendered as {fallback!r})",
                docname=docname,
                lineno=lineno,
                level="error",
                target=card_id,
            )
            level = fallback
        if rule_id and rule is None and state.loaded:
            known = ", ".join(r.id for r in state.ruleset) or "none loaded"
            report(
                env,
                "safety-rule",
                f"safety card {title!r} names unknown rule {rule_id!r} (rules in "
                f"{state.path.name}: {known})",
                docname=docname,
                lineno=lineno,
                level="error",
                target=card_id,
            )
        if rule is not None and level_rank(level) < level_rank(rule.level):
            report(
                env,
                "safety-level-mild",
                f"safety card {title!r} is a {level!r} card, milder than its rule "
                f"{rule.id!r} calls for ({rule.level!r}: {rule.statement})",
                docname=docname,
                lineno=lineno,
                target=card_id,
            )

        document = self.state.document
        unique = card_id not in document.ids
        if not unique:
            report(
                env,
                "duplicate-id",
                f"safety card id {card_id!r} is already used on this page; give the card "
                f"another :name:",
                docname=docname,
                lineno=lineno,
                target=card_id,
            )

        card = safety_card(level=level, rule=rule_id, title=title)
        self.set_source_info(card)
        header = safety_header()
        title_nodes, messages = self.parse_inline(self.arguments[0].strip(), lineno=lineno)
        heading = safety_title(title, "", *title_nodes)
        self.set_source_info(heading)
        header += heading
        plain_title = heading.astext()
        if unique:
            header += copy_link(refid=card_id, label=f"safety card: {plain_title}")
        card += header
        body = safety_body()
        body += self.parse_content_to_nodes()
        card += body
        if not unique:
            return [card, *messages]

        card["ids"].append(card_id)
        document.ids[card_id] = card
        domain = kb_domain(env)
        domain.note_object(
            "safety",
            card_id,
            docname=docname,
            node_id=card_id,
            title=plain_title,
            lineno=lineno,
            level=level,
            rule=rule_id,
        )
        domain.add_record(
            "safety",
            docname,
            {
                "id": card_id,
                "title": plain_title,
                "level": level,
                "rule": rule_id,
                "lineno": lineno,
            },
        )
        return [card, *messages]

    def _card_id(self, title: str) -> str:
        name = (self.options.get("name") or "").strip()
        if name and valid_id(name):
            return name
        fallback = slugify(name or title) or "safety-card"
        if name or not slugify(title):
            what = f":name: {name!r} is not a valid id" if name else "the title gives no id"
            report(
                self.env,
                "safety-id",
                f"safety card {title!r}: {what} (lower-case letters, digits and '-'); "
                f"using {fallback!r}",
                docname=self.env.docname,
                lineno=self.lineno,
                level="error",
                target=fallback,
            )
        return fallback


# -- checks ---------------------------------------------------------------------------------
def _line_of(node: nodes.Node) -> int | None:
    current: nodes.Node | None = node
    while current is not None:
        if current.line:
            return current.line
        current = current.parent
    return None


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


def _check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    state = rules_state(env)
    if state.path.exists():
        env.note_dependency(str(state.path))
    if not state.ruleset.rules:
        return
    for block in _checked_blocks(doctree):
        text = block.astext()
        if not state.ruleset.may_flag_within(text):
            continue  # nothing in this block can contradict a rule or name a red flag
        card = _card_of(block)
        base = _line_of(block)
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


# -- hub --------------------------------------------------------------------------------------
def _page_title(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def _card_item(app: Sphinx, hub: str, card: dict[str, Any], note: str = "") -> nodes.list_item:
    env = app.env
    link = make_refnode(
        app.builder,
        hub,
        card["docname"],
        card["id"],
        nodes.Text(card["title"]),
        f"{LEVEL_LABELS[card['level']]}: {card['title']}",
    )
    para = nodes.paragraph()
    para += link
    para += nodes.Text(f" ({_page_title(env, card['docname'])}{note})")
    item = nodes.list_item()
    item += para
    return item


def render_hub(app: Sphinx, docname: str, placeholder: hub_placeholder) -> list[nodes.Node]:
    env = app.env
    state = rules_state(env)
    cards = [
        {**record, "docname": card_doc}
        for card_doc, records in kb_domain(env).records("safety").items()
        for record in records
    ]
    cards.sort(key=lambda card: (card["docname"], card.get("lineno") or 0, card["id"]))
    out: list[nodes.Node] = []
    if not state.ruleset.rules:
        para = nodes.paragraph()
        para += nodes.Text(f"No safety rules are loaded ({state.path.name}).")
        out.append(para)
    for level in reversed(LEVELS):
        section = nodes.section(ids=[f"safety-level-{level}"])
        section += nodes.title("", HUB_HEADINGS[level])
        for rule in state.ruleset.by_level(level):
            box = nodes.container(
                classes=["kb-safety-rule", f"kb-safety-rule--{level}"], ids=[f"rule-{rule.id}"]
            )
            statement = nodes.paragraph(classes=["kb-safety-rule__statement"])
            statement += nodes.strong("", rule.statement)
            box += statement
            rule_para = nodes.paragraph(classes=["kb-safety-rule__id"])
            rule_para += nodes.Text("Rule ")
            rule_para += nodes.literal("", rule.id)
            box += rule_para
            applying = [card for card in cards if card["rule"] == rule.id]
            if applying:
                listing = nodes.bullet_list(classes=["kb-safety-rule__cards"])
                for card in applying:
                    note = (
                        f"; {LEVEL_LABELS[card['level']].lower()} card"
                        if card["level"] != rule.level
                        else ""
                    )
                    listing += _card_item(app, docname, card, note)
                box += listing
            else:
                empty = nodes.paragraph(classes=["kb-safety-rule__empty"])
                empty += nodes.Text("No card applies this rule yet.")
                box += empty
            section += box
        unruled = [
            card for card in cards if card["level"] == level and card["rule"] not in state.ruleset
        ]
        if unruled:
            intro = nodes.paragraph(classes=["kb-safety-hub__other"])
            intro += nodes.strong("", "Cards without a rule")
            section += intro
            listing = nodes.bullet_list()
            for card in unruled:
                listing += _card_item(app, docname, card)
            section += listing
        out.append(section)
    return out


# -- visitors: HTML -------------------------------------------------------------------------
def _icon(level: str) -> str:
    return (
        '<svg class="kb-safety__icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" '
        f'width="24" height="24"><path fill="currentColor" fill-rule="evenodd" '
        f'd="{ICONS[level]}"/></svg>'
    )


def visit_card_html(self: Any, node: safety_card) -> None:
    level = node["level"]
    attrs: dict[str, Any] = {"data-kb-level": level}
    if node.get("rule"):
        attrs["data-kb-rule"] = node["rule"]
    self.body.append(self.starttag(node, "div", "", CLASS=f"kb-safety kb-safety--{level}", **attrs))


def depart_card_html(self: Any, node: safety_card) -> None:
    self.body.append("</div>\n")


def visit_header_html(self: Any, node: safety_header) -> None:
    level = node.parent["level"] if isinstance(node.parent, safety_card) else "caution"
    self.body.append(f'<div class="kb-safety__header">{_icon(level)}')


def depart_header_html(self: Any, node: safety_header) -> None:
    self.body.append("</div>\n")


def visit_title_html(self: Any, node: safety_title) -> None:
    card = node.parent.parent if node.parent is not None else None
    level = card["level"] if isinstance(card, safety_card) else "caution"
    # One level below the enclosing section's heading (h1 is the page title).
    heading = min(int(getattr(self, "section_level", 1)) + 1, 6)
    self.context.append(f"</h{heading}>")
    self.body.append(
        f'<h{heading} class="kb-safety__title"><span class="kb-visually-hidden">'
        f"{LEVEL_LABELS[level]}: </span>"
    )


def depart_title_html(self: Any, node: safety_title) -> None:
    self.body.append(self.context.pop() + "\n")


def visit_body_html(self: Any, node: safety_body) -> None:
    self.body.append('<div class="kb-safety__body">\n')


def depart_body_html(self: Any, node: safety_body) -> None:
    self.body.append("</div>\n")


# -- visitors: other builders ---------------------------------------------------------------
def _label(node: nodes.Element) -> str:
    card = node.parent.parent if node.parent is not None else None
    level = card["level"] if isinstance(card, safety_card) else "caution"
    return LEVEL_LABELS[level].upper()


def visit_card_text(self: Any, node: safety_card) -> None:
    self.new_state(0)


def depart_card_text(self: Any, node: safety_card) -> None:
    self.end_state()


def visit_title_text(self: Any, node: safety_title) -> None:
    self.new_state(0)
    self.add_text(_label(node) + ": ")


def depart_title_text(self: Any, node: safety_title) -> None:
    self.end_state()


def visit_body_text(self: Any, node: safety_body) -> None:
    self.new_state(3)


def depart_body_text(self: Any, node: safety_body) -> None:
    self.end_state()


def visit_card_latex(self: Any, node: safety_card) -> None:
    # A minipage never breaks across pages: the card stays in one piece in print.
    self.body.append(
        "\n\n\\par\\medskip\\noindent\\begin{minipage}{\\linewidth}" + self.hypertarget_to(node)
    )


def depart_card_latex(self: Any, node: safety_card) -> None:
    self.body.append("\n\\end{minipage}\\par\\medskip\n\n")


def visit_title_latex(self: Any, node: safety_title) -> None:
    self.body.append("\n\\par\\noindent\\textbf{" + self.encode(_label(node)) + ": ")


def depart_title_latex(self: Any, node: safety_title) -> None:
    self.body.append("}\\par\n")


def visit_title_man(self: Any, node: safety_title) -> None:
    self.ensure_eol()
    self.body.append(".sp\n\\fB" + _label(node) + ": ")


def depart_title_man(self: Any, node: safety_title) -> None:
    self.body.append("\\fP\n")


def visit_body_man(self: Any, node: safety_body) -> None:
    self.ensure_eol()
    self.body.append(".RS 4\n")


def depart_body_man(self: Any, node: safety_body) -> None:
    self.ensure_eol()
    self.body.append(".RE\n")


def visit_card_texinfo(self: Any, node: safety_card) -> None:
    for node_id in node["ids"]:
        self.add_anchor(node_id, node)


def visit_title_texinfo(self: Any, node: safety_title) -> None:
    self.body.append("\n\n@strong{" + _label(node) + ": ")


def depart_title_texinfo(self: Any, node: safety_title) -> None:
    self.body.append("}\n")


def visit_body_texinfo(self: Any, node: safety_body) -> None:
    self.body.append("\n@quotation\n")


def depart_body_texinfo(self: Any, node: safety_body) -> None:
    self.body.append("\n@end quotation\n")


# -- setup ----------------------------------------------------------------------------------
def setup_safety(app: Sphinx) -> None:
    # Path of the rules file, relative to the policy directory (kb_policy_dir, default confdir).
    app.add_config_value("kb_safety_rules", "safety-rules.toml", "env", types=[str])
    app.add_node(
        safety_card,
        html=(visit_card_html, depart_card_html),
        latex=(visit_card_latex, depart_card_latex),
        text=(visit_card_text, depart_card_text),
        man=(_pass, _pass),
        texinfo=(visit_card_texinfo, _pass),
    )
    app.add_node(
        safety_header,
        html=(visit_header_html, depart_header_html),
        latex=(_pass, _pass),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
    app.add_node(
        safety_title,
        html=(visit_title_html, depart_title_html),
        latex=(visit_title_latex, depart_title_latex),
        text=(visit_title_text, depart_title_text),
        man=(visit_title_man, depart_title_man),
        texinfo=(visit_title_texinfo, depart_title_texinfo),
    )
    app.add_node(
        safety_body,
        html=(visit_body_html, depart_body_html),
        latex=(_pass, _pass),
        text=(visit_body_text, depart_body_text),
        man=(visit_body_man, depart_body_man),
        texinfo=(visit_body_texinfo, depart_body_texinfo),
    )
    app.add_directive("safety", SafetyDirective)
    register_hub(app, "kb-safety-hub", "safety", render_hub)
    app.connect("builder-inited", _load_rules)
    app.connect("doctree-read", _check_doctree)
    app.connect("env-check-consistency", _check_rules_present)
    app.add_css_file("safety.css")
