"""Red-flag findings: a rule's symptom mentioned outside a safety card of at least the
rule's level (numbness in the hands is not the leg symptom the rules are about).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from healthkb.language.cues import QUESTION_WORDS
from healthkb.language.finding import Context, Finding, Hit, finding_at, hits_of
from healthkb.language.rules import ConceptRule, level_rank
from healthkb.language.scope import Scope

#: Upper-body places: numbness there ("pins and needles in your hands") is not the nerve
#: symptom of the legs the rules are about.
_UPPER_BODY = re.compile(
    r"\b(?:hand|hands|arm|arms|finger|fingers|wrist|wrists|thumb|thumbs|palm|palms|face|lip|lips)\b",
    re.IGNORECASE,
)


def _elsewhere(symptom: Hit, hits: Sequence[Hit], text: str) -> bool:
    """True when a numbness symptom is placed in the upper body and no leg is named, or in
    the saddle area: numbness with bladder or bowel changes, or around the genitals, is the
    urgent saddle symptom, not the leg's (unless a leg is named apart from the saddle)."""
    if symptom.key != "symptoms.numbness":
        return False
    if _UPPER_BODY.search(text):
        return not any(hit.key in {"places.leg", "places.saddle"} for hit in hits)
    if not any(hit.key in _SADDLE for hit in hits):
        return False
    saddle = [hit for hit in hits if hit.key in _SADDLE or hit.key == "places.saddle"]
    return not any(
        hit.key == "places.leg"
        and not any(s.start <= hit.start and hit.end <= s.end for s in saddle)
        for hit in hits
    )


def _only_asks(scope: Scope) -> bool:
    """True when the sentence is a question and nothing but closing marks follows its
    last question mark; not a report of one's own symptom that ends in a question ("I get
    shooting pain down my leg when I roll, means it's working right?"): a question opens
    with a question word ("Is numbness in the foot a bad sign?")."""
    words = scope.words
    # a label before a colon ("Q: ...") is not the question's first word
    first = words[2:3] if words[1:2] == [":"] else words[:1]
    if first and first[0] not in _ASKING:
        return False
    marks = [at for at, t in enumerate(scope.tokens) if t.text == "?"]
    if not marks:
        return scope.question
    return all(not t.text.isalnum() for t in scope.tokens[marks[-1] + 1 :]) and not any(
        t.text in {".", "!", ";"} for t in scope.tokens[: marks[-1]]
    )


#: Words that open a question.
_ASKING = QUESTION_WORDS | {"has", "have", "was", "were", "am", "had"}
#: Concepts that place a sentence's numbness in the saddle area.
_SADDLE = frozenset({"symptoms.bladder-bowel", "symptoms.saddle-numbness", "places.saddle"})


def finding(
    rule: ConceptRule,
    text: str,
    hits: Sequence[Hit],
    context: Context,
    scope: Scope | None = None,
) -> Finding | None:
    """The red flag of ``rule`` in a sentence in its ``context``, or None.

    A reader's question about a symptom with nothing after it ("Is numbness in the foot
    after rolling a bad sign?") asks; it tells the reader nothing to do or not to worry
    about, so it is no finding. A question followed by advice is read as a whole."""
    if not rule.symptoms:
        return None
    if scope is not None and scope.question and _only_asks(scope):
        return None
    if context.card_level is not None and level_rank(context.card_level) >= level_rank(rule.level):
        return None
    symptoms = [h for h in hits_of(hits, rule.keys("symptoms")) if not _elsewhere(h, hits, text)]
    if not symptoms:
        return None
    hit = max(symptoms, key=lambda h: h.finish - h.begin)
    return finding_at(rule, "red-flag", text, hit.begin, hit.finish)
