"""FAQ questions about the roller itself, not the page's health topic.

A page about back pain answers questions about back pain; "How do I clean my foam roller?"
or "What's the warranty?" belong on a product or help page. A question is about the roller
when it names a ``roller.*`` concept of the vocabulary (care, purchase, the product) and
names nothing of the page: no body place, symptom, condition or injury, and none of the
page's own terms (its title words, say). The answer is read too: a roller word in the answer
alone does not make the question off topic, but a body place or symptom there keeps it on
topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from healthkb.language.matcher import SafetyMatcher
from healthkb.language.topic import DOMAIN_WORDS, STOP_WORDS

#: Concept kinds that tie a question to a health page.
_HEALTH_KINDS = ("places.", "symptoms.", "conditions.", "injuries.")
#: In the answer only body places and symptoms count ("we'll send a replacement" is no
#: surgery).
_ANSWER_KINDS = ("places.", "symptoms.")


#: Words of a page title that say nothing about its topic: the FAQ topic score's stop words
#: and words every page uses, and "good" ("Are Foam Rollers Good for Your Back?").
_TITLE_STOPWORDS = STOP_WORDS | DOMAIN_WORDS | {"good"}


def topic_terms(title: str) -> list[str]:
    """The topic words of a page's title or file name ("Foam Rolling Forearms and Hands",
    "foam-rolling-forearms-and-hands" -> forearms, hands): a question that names one is
    about the page, whatever roller words it has."""
    words = re.findall(r"[a-z]+", title.lower())
    return [word for word in words if word not in _TITLE_STOPWORDS and len(word) > 2]


def off_topic_roller_question(
    matcher: SafetyMatcher,
    question: str,
    answer: str = "",
    page_terms: Iterable[str] = (),
) -> str | None:
    """The ``roller.*`` concept that makes ``question`` a question about the roller itself
    (cleaning, shipping, returns, price, warranty, size ...), or None when it is not one."""
    asked = matcher.hits(question)
    roller = [hit for hit in asked if hit.key.startswith("roller.")]
    if not roller:
        return None
    if any(hit.key.startswith(_HEALTH_KINDS) for hit in asked):
        return None
    if answer and any(hit.key.startswith(_ANSWER_KINDS) for hit in matcher.hits(answer)):
        return None
    words = set(matcher.lemmas_of(question))
    if any(set(matcher.lemmas_of(term)) <= words for term in page_terms if term.strip()):
        return None
    return roller[0].key
