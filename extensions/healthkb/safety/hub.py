"""The safety hub: every rule by level, strongest first, with the cards that apply it.

Cards that name no known rule are listed under their level after the rules.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.nodes import make_refnode

from healthkb.core.domain import kb_domain
from healthkb.core.hubs import hub_placeholder
from healthkb.core.pages import page_title
from healthkb.safety.levels import LEVEL_LABELS, LEVELS
from healthkb.safety.state import rules_state

#: Headings of the safety hub's groups, strongest level first.
HUB_HEADINGS = {
    "urgent": "Urgent: get help now",
    "professional": "See a health professional",
    "caution": "Technique cautions",
}


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
    para += nodes.Text(f" ({page_title(env, card['docname'])}{note})")
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
    if not state.rules.rules:
        para = nodes.paragraph()
        para += nodes.Text(f"No safety rules are loaded ({state.path.name}).")
        out.append(para)
    for level in reversed(LEVELS):
        section = nodes.section(ids=[f"safety-level-{level}"])
        section += nodes.title("", HUB_HEADINGS[level])
        for rule in state.rules.by_level(level):
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
            card for card in cards if card["level"] == level and card["rule"] not in state.rules
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
