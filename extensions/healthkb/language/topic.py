"""How well an FAQ item fits its page, and how alike two questions are.

Pure Python, no Sphinx: the FAQ checks and the FAQ hub call these functions.

**Topic score.** A page's topic is what its title, headings and tags name. An
FAQ item's words (question counted twice, answer once) are reduced to terms:
lower case, stop words and the words every page of this knowledge base shares
("foam", "roll", ...) dropped, the rest stemmed with the Snowball English
stemmer, and domain synonyms mapped onto one concept ("lumbar", "spine",
"vertebrae" -> back; "tightness", "tension", "stiffness" -> tight). The score
is the weighted share of the item's distinct terms that the page's topic also
names, in [0, 1]. Body-part terms weigh more than other words, because the
body part is what makes an answer belong to a page; a question about
forearms under a lower-back page scores near 0.

**Question similarity** is the Jaccard index of the two questions' term sets
(stop words dropped, stems and synonyms as above, generic words kept).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Default threshold of the off-topic check (calibrated on the real articles;
#: see tests/test_faq_calibration.py and faq/README.md).
OFF_TOPIC_THRESHOLD = 0.2

#: Default similarity from which two questions on different pages are near-duplicates.
NEAR_DUPLICATE_THRESHOLD = 0.6

STOP_WORDS = frozenset(
    _words(
        """a about above after again against all also am an and any are aren't as at be because
        been before being below between both but by can can't cannot could couldn't did didn't
        do does doesn't doing don't down during each even every few for from further get gets
        getting give gives had has have having he her here hers him his how i i'd i'm i've if in
        into is isn't it it's its itself just let's like make makes many may me might more most
        much must my no nor not now of off on once one only or other our ours out over own
        rather really same she should so some such than that that's the their theirs them then
        there these they this those through to too under until up upon us very was we were
        what what's when where which while who whom why will with within without would yes you
        you're your yours yourself"""
    )
)

#: Words every page of this knowledge base uses: they say nothing about a page's topic.
DOMAIN_WORDS = frozenset(
    _words(
        """foam roll rolls rolled rolling roller rollers strong faq faqs question questions
        answer answers actually"""
    )
)

#: Headings that every article has; their words are not part of a page's topic.
BOILERPLATE_HEADINGS = frozenset(
    {
        "faq",
        "faqs",
        "frequently asked questions",
        "questions",
        "related questions",
        "key takeaways",
        "the bottom line",
        "bottom line",
        "summary",
        "references",
        "sources",
    }
)

#: Body regions: every word of a group names the region. "back" includes the muscles the
#: articles roll for back pain (glutes and hip flexors, lats, traps) and the neck.
BODY_REGIONS: dict[str, tuple[str, ...]] = {
    "back": _words(
        """back backs spine spinal lumbar thoracic vertebra vertebrae erector erectors
        paraspinal paraspinals midback rib ribs hip hips glute glutes gluteal piriformis psoas
        pelvis lat lats trapezius trap traps shoulder shoulders neck cervical"""
    ),
    "arm": _words(
        """arm arms forearm forearms wrist wrists hand hands finger fingers palm palms thumb
        thumbs thenar grip elbow elbows"""
    ),
    "leg": _words(
        """leg legs thigh thighs hamstring hamstrings quad quads quadriceps calf calves shin
        shins knee knees kneecap itb"""
    ),
    "foot": _words("foot feet plantar heel heels arch arches toe toes"),
}

#: Domain synonyms: every word of a group maps onto the group's concept.
SYNONYMS: dict[str, tuple[str, ...]] = {
    **BODY_REGIONS,
    "pain": _words("pain pains painful hurt hurts ache aching sore soreness"),
    "tight": _words("tight tightness tension stiff stiffness knot knots"),
    "often": _words("often frequency frequently daily"),
    "effective": _words("effective useful help helps work works benefit"),
    "safe": _words("safe safety healthy dangerous harm harmful risk risks"),
    "doctor": _words("doctor physician physiotherapist professional healthcare"),
}

_CONCEPT = {word: concept for concept, words in SYNONYMS.items() for word in words}


def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def term_words(text: str) -> list[tuple[str, str]]:
    """``(term, word)`` for the words of ``text`` that carry meaning.

    The term is the word's concept for domain synonyms, else its stem.
    """
    out: list[tuple[str, str]] = []
    for word in _WORD.findall(text.lower().replace("’", "'")):
        if word in STOP_WORDS or word in DOMAIN_WORDS:
            continue
        word = word.replace("'", "")
        if len(word) < 2:
            continue
        out.append((_CONCEPT.get(word) or _stem(word), word))
    return out


def terms(text: str) -> list[str]:
    """The terms of ``text``: concepts for synonyms, stems for the other words."""
    return [term for term, _ in term_words(text)]


def tag_text(tag: str) -> str:
    """The words of a tag: ``body-part:lower-back`` -> ``lower back``."""
    value = tag.split(":", 1)[1] if ":" in tag else tag
    return value.replace("-", " ").replace("_", " ")


@dataclass(frozen=True)
class PageTopic:
    """What a page is about: the terms of its title, headings and tags."""

    terms: frozenset[str]

    @classmethod
    def from_page(cls, title: str, headings: Iterable[str], tags: Iterable[str]) -> PageTopic:
        parts = [title]
        parts += [h for h in headings if " ".join(h.lower().split()) not in BOILERPLATE_HEADINGS]
        parts += [tag_text(t) for t in tags]
        return cls(frozenset(t for part in parts for t in terms(part)))


@dataclass
class TopicScore:
    score: float
    body_fit: float
    word_fit: float
    #: Body regions the item names that its page does not.
    other_regions: list[str] = field(default_factory=list)
    #: Body regions of the page.
    page_regions: list[str] = field(default_factory=list)
    #: Words of the question that the page's title, headings and tags do not name.
    unmatched: list[str] = field(default_factory=list)


def topic_score(question: str, answer: str, topic: PageTopic) -> TopicScore:
    """How well an item fits its page, in [0, 1]: half body fit, half word fit.

    - body fit: the share of the item's mentions of body regions (each mention
      in the question counts twice) that name a region of the page; 0.5 (no
      evidence either way) when the item or the page names no body region;
    - word fit: the weighted share of the item's other distinct terms (a term
      of the question weighs 2, of the answer 1) that the page's title,
      headings or tags name; 0.5 when the item has no such terms.
    """
    page_regions = topic.terms & BODY_REGIONS.keys()
    mentions: dict[str, float] = {}
    weights: dict[str, float] = {}
    for text, weight in ((answer, 1.0), (question, 2.0)):
        for term in terms(text):
            if term in BODY_REGIONS:
                mentions[term] = mentions.get(term, 0.0) + weight
            else:
                weights[term] = weight
    if mentions and page_regions:
        fitting = sum(n for region, n in mentions.items() if region in page_regions)
        body_fit = fitting / sum(mentions.values())
    else:
        body_fit = 0.5
    total = sum(weights.values())
    word_fit = sum(w for t, w in weights.items() if t in topic.terms) / total if total else 0.5
    other = sorted((r for r in mentions if r not in page_regions), key=lambda r: -mentions[r])
    unmatched: list[str] = []
    for term, word in term_words(question):
        if term not in topic.terms and word not in unmatched:
            unmatched.append(word)
    return TopicScore(
        score=round(0.5 * body_fit + 0.5 * word_fit, 3),
        body_fit=round(body_fit, 3),
        word_fit=round(word_fit, 3),
        other_regions=other if page_regions else [],
        page_regions=sorted(page_regions),
        unmatched=unmatched,
    )


def question_terms(question: str) -> frozenset[str]:
    """The terms that say what a question asks; a negation ("not", "never") is one."""
    found = set(terms(question))
    if _NEGATION.search(question.lower()):
        found.add("not")
    return frozenset(found)


_NEGATION = re.compile(r"\b(?:not|never|no|don't|dont|shouldn't|can't|cannot)\b")


def question_similarity(a: str, b: str) -> float:
    """Jaccard index of the two questions' terms (1.0 for the same question)."""
    ta, tb = question_terms(a), question_terms(b)
    if not ta or not tb:
        return 1.0 if normalise_question(a) == normalise_question(b) else 0.0
    return len(ta & tb) / len(ta | tb)


def normalise_question(question: str) -> str:
    """The question without case, punctuation and extra spaces (for exact duplicates)."""
    return " ".join(re.findall(r"[a-z0-9]+", question.lower()))


def near_duplicate_groups(
    items: Sequence[tuple[str, str]], *, threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> list[list[int]]:
    """See :func:`_near_duplicate_groups` (the FAQ check and hub share one computation,
    kept with the environment by :func:`healthkb.faq.items.near_duplicate_clusters`)."""
    return _near_duplicate_groups(items, threshold=float(threshold))


def _near_duplicate_groups(
    items: Sequence[tuple[str, str]], *, threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> list[list[int]]:
    """Group ``(page, question)`` items whose questions are near-duplicates across pages.

    Returns lists of indexes into ``items``, each in input order; an item without
    near-duplicates is a group of its own. Two items of the same page are only
    grouped through an item of another page.

    Near-linear rather than quadratic in the number of items (a knowledge base of
    thousands of articles has tens of thousands of questions): questions with the same
    terms are handled as one, and only pairs of term sets that share a token of their
    *prefix* are compared (prefix filtering: with tokens in a global order, two sets
    whose Jaccard index reaches ``threshold`` always share a token among the first
    ``|x| - ceil(threshold * |x|) + 1`` of each). The groups are exactly those of
    comparing every pair.
    """
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    # Items with the same (non-empty) terms form one bucket.
    buckets: dict[frozenset[str], list[int]] = {}
    for position, (_, question) in enumerate(items):
        key = question_terms(question)
        if key:
            buckets.setdefault(key, []).append(position)
    keys = list(buckets)
    pages = [{items[i][0] for i in buckets[key]} for key in keys]
    joined = [False] * len(keys)

    def join(b: int) -> None:
        """Connect every item of bucket ``b`` (once)."""
        if not joined[b]:
            first, *rest = buckets[keys[b]]
            for i in rest:
                union(first, i)
            joined[b] = True

    for b in range(len(keys)):
        if len(pages[b]) > 1:  # the same question on two pages
            join(b)

    # Candidate pairs of buckets: prefix filtering over tokens ordered rarest first.
    frequency: dict[str, int] = {}
    for key in keys:
        for token in key:
            frequency[token] = frequency.get(token, 0) + 1
    index: dict[str, list[int]] = {}
    for b, key in enumerate(keys):
        ordered = sorted(key, key=lambda t: (frequency[t], t))
        size = len(ordered)
        prefix = max(1, min(size, size - math.ceil(threshold * size - 1e-9) + 1))
        candidates: set[int] = set()
        for token in ordered[:prefix]:
            candidates.update(index.setdefault(token, []))
            index[token].append(b)
        for c in sorted(candidates):
            other = keys[c]
            if len(key & other) / len(key | other) < threshold:
                continue
            if len(pages[b]) == 1 and pages[b] == pages[c]:
                continue  # both only on one and the same page
            join(b)
            join(c)
            union(buckets[key][0], buckets[other][0])
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])
