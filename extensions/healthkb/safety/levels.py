"""The safety levels and what the site calls them.

The levels and their order are the rules' (:mod:`healthkb.language.rules`); this module adds
the words the cards and the safety hub show for each.
"""

from __future__ import annotations

from healthkb.language.rules import LEVELS, level_rank

__all__ = ["CARD_PREFIXES", "LEVELS", "LEVEL_LABELS", "level_rank"]

#: The name of each level (the safety hub's notes and links).
LEVEL_LABELS: dict[str, str] = {
    "caution": "Caution",
    "professional": "See a health professional",
    "urgent": "Urgent",
}

#: What each level tells the reader, read out by screen readers before a card's title (and
#: printed before it by the builders other than HTML): the site's own words, in plain
#: language (grade 6 or below, tests/test_plain_language.py).
CARD_PREFIXES: dict[str, str] = {
    "caution": "Take care",
    "professional": "See a health professional",
    "urgent": "Urgent",
}
