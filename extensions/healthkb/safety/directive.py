"""The ``{safety}`` directive: a safety card.

A card::

    ```{safety} Do not roll directly over the lumbar spine
    :level: caution
    :rule: no-direct-lumbar-rolling
    The lower back has no rib cage to support it ...
    ```

has a stable id (``:name:`` or a slug of the title) and is a ``safety`` object of
the kb domain and a ``safety`` record (id, title, level, rule, line). The directive
reports what its options get wrong: ``safety-level`` / ``safety-rule`` (errors:
unknown or missing level, unknown rule), ``safety-level-mild`` (a card milder than
its rule calls for), ``safety-id`` and ``duplicate-id``. The checks of the page's
text against the rules live in :mod:`healthkb.checks.safety`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from healthkb.core.anchors import copy_link, slugify, valid_id
from healthkb.core.domain import kb_domain
from healthkb.core.findings import report
from healthkb.safety.levels import LEVELS, level_rank
from healthkb.safety.nodes import safety_body, safety_card, safety_header, safety_title
from healthkb.safety.state import rules_state


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
        rule = state.rules.get(rule_id) if rule_id else None

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
            known = ", ".join(r.id for r in state.rules) or "none loaded"
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
