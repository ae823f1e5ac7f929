"""Red-flag findings: a rule's symptom mentioned outside a safety card of at least the
rule's level (numbness in the hands is not the leg symptom the rules are about).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from healthkb.language.finding import Context, Finding, Hit, finding_at, hits_of
from healthkb.language.rules import ConceptRule, level_rank

#: Upper-body places: numbness there ("pins and needles in your hands") is not the nerve
#: symptom of the legs the rules are about.
_UPPER_BODY = re.compile(
    r"\b(?:hand|hands|arm|arms|finger|fingers|wrist|wrists|thumb|thumbs|palm|palms|face|lip|lips)\b",
    re.IGNORECASE,
)


def _elsewhere(symptom: Hit, hits: Sequence[Hit], text: str) -> bool:
    """True when a numbness symptom is placed in the upper body and no leg is named."""
    if symptom.key != "symptoms.numbness" or not _UPPER_BODY.search(text):
        return False
    return not any(hit.key in {"places.leg", "places.saddle"} for hit in hits)


def finding(rule: ConceptRule, text: str, hits: Sequence[Hit], context: Context) -> Finding | None:
    """The red flag of ``rule`` in a sentence in its ``context``, or None."""
    if not rule.symptoms:
        return None
    if context.card_level is not None and level_rank(context.card_level) >= level_rank(rule.level):
        return None
    symptoms = [h for h in hits_of(hits, rule.keys("symptoms")) if not _elsewhere(h, hits, text)]
    if not symptoms:
        return None
    hit = max(symptoms, key=lambda h: h.finish - h.begin)
    return finding_at(rule, "red-flag", text, hit.begin, hit.finish)
