"""What the matcher finds and works with: a concept hit, a sentence's context, a finding.

Shared by the screen and the three kinds of finding (:mod:`~healthkb.language.contradiction`,
:mod:`~healthkb.language.permission`, :mod:`~healthkb.language.redflag`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from healthkb.language.rules import ConceptRule

KINDS = ("contradiction", "permission", "red-flag")


@dataclass(frozen=True)
class Context:
    """Where a sentence stands: inside a safety card of ``card_level`` about ``card_rule``."""

    card_level: str | None = None
    card_rule: str | None = None


@dataclass(frozen=True)
class Finding:
    """A sentence breaks ``rule``: what kind of finding, the phrase and its span."""

    rule: str
    kind: str
    phrase: str
    start: int
    end: int
    level: str = ""
    #: The rules' words found it, but the learned reading takes the sentence to be safe
    #: (:mod:`~healthkb.language.learned`): reported for an editor to look at, not as a
    #: problem of the page.
    doubted: bool = False


@dataclass(frozen=True)
class Hit:
    """A concept named in a sentence: tokens ``[start, end)`` and characters ``[begin, finish)``."""

    key: str
    start: int
    end: int
    begin: int
    finish: int


def hits_of(hits: Sequence[Hit], keys: Iterable[str]) -> list[Hit]:
    """The hits of ``hits`` whose concept is one of ``keys``."""
    wanted = set(keys)
    return [hit for hit in hits if hit.key in wanted]


def finding_at(rule: ConceptRule, kind: str, text: str, begin: int, finish: int) -> Finding:
    """A finding of ``rule`` of ``kind`` on the characters ``[begin, finish)`` of ``text``."""
    return Finding(rule.id, kind, text[begin:finish], begin, finish, rule.level)
