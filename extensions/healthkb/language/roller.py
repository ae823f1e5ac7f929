"""FAQ questions about the roller itself, not the page's health topic.

A page about back pain answers questions about back pain; "How do I clean my foam roller?"
or "What's the warranty?" belong on a product or help page. A question is about the roller
when it names a ``roller.*`` concept of the vocabulary (care and faults, buying and
delivery, the product and its range) and names nothing of the page: no body place, symptom,
condition or injury, and none of the page's own terms (its title words, say) except in a
product's name ("the hand roller" on a page about hands). The answer is read too: a body
place or symptom there keeps the question on topic.
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
    answered = matcher.hits(answer) if answer else []
    if any(hit.key.startswith(_ANSWER_KINDS) for hit in answered):
        return None
    if _names_page(matcher, question, page_terms):
        return None
    return roller[0].key


#: Nouns that make a page term before them part of the name of a thing ("the hand roller",
#: "forearm balls", "hand luggage"), not the page's subject.
_PRODUCT_NOUNS = frozenset({"roller", "ball", "massager", "stick", "luggage"})


def _names_page(matcher: SafetyMatcher, question: str, page_terms: Iterable[str]) -> bool:
    """True when ``question`` names one of ``page_terms`` other than in a product's name."""
    words = matcher.lemmas_of(question)
    for term in page_terms:
        lemmas = matcher.lemmas_of(term)
        if not lemmas:
            continue
        size = len(lemmas)
        for at in range(len(words) - size + 1):
            after = words[at + size] if at + size < len(words) else ""
            if words[at : at + size] == lemmas and after not in _PRODUCT_NOUNS:
                return True
    return False
