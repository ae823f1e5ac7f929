"""A second reading of each sentence, learned from the labelled corpus (``conf/safety-model.json``).

The concept rules name what is unsafe; they read a sentence's stance (an order, a
permission, a warning, a story) through word lists, and every new way of writing needs a
new entry. The second reading weighs the same evidence the rules see (the sentence's
lemmas, with each concept the vocabulary names in place of its words; which of them fall
under a negation; the card the sentence stands in; the rules' own findings) with weights
fitted to the tuning part of ``tests/safety/corpus.toml`` (``kb rules train``), one
logistic model per rule.

For each rule the screen keeps, the reading then decides:

- where the rules found nothing, it adds a ``learned`` finding when its score reaches the
  threshold, on the first phrase of the sentence that names one of the rule's own concepts
  (its place, injury, condition or symptom; its action otherwise). Without such a phrase it
  adds nothing: a finding always points at the words that triggered it;
- where the rules found something but its score is below the ``doubt`` score, it marks
  their finding ``doubted``: the build lists it for an editor (``kb report``) instead of
  failing on it. Nothing the rules find is lost.

The file is JSON: the threshold, the doubt score, and per rule its intercept and the weight
of each feature (features it never saw weigh nothing). It is read by :func:`load_reading`;
a file that does not parse or has the wrong shape is a :class:`ConfigError` with its line.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from healthkb.language.finding import Context, Finding, Hit, finding_at
from healthkb.language.rules import ConceptRule
from healthkb.language.scope import Scope
from healthkb.language.source import ConfigError, Problem, read_text
from healthkb.language.text import Token

if TYPE_CHECKING:  # the matcher builds analyses and holds a reading
    from healthkb.language.matcher import Analysis

#: The kind of a finding only the learned reading made.
LEARNED = "learned"


def features(
    tokens: Sequence[Token],
    hits: Sequence[Hit],
    scope: Scope,
    context: Context,
    found: Sequence[Finding],
) -> set[str]:
    """What the reading weighs in one sentence: its words as lemmas, each concept named
    (``U=C=places.lumbar-spine``, ``K=places``) instead of its words, the words under a
    negation (``N=``), neighbouring pairs and triples (``B=``, ``T=``), the card it stands
    in (``X=``), whether it asks (``Q``), and the rules' findings (``R=`` rule, ``RK=``
    kind)."""
    # Hits may overlap ("lower" is also an action in "lower back"): every concept counts,
    # and the longest hit at a token stands for its words in the sequence.
    out = {f"U=C={hit.key}" for hit in hits} | {f"K={hit.key.split('.', 1)[0]}" for hit in hits}
    at: dict[int, Hit] = {}
    for hit in sorted(hits, key=lambda h: h.end - h.start):
        at[hit.start] = hit
    inside = {i for hit in at.values() for i in range(hit.start + 1, hit.end)}
    words: list[str] = []
    for i, token in enumerate(tokens):
        if i in inside:
            continue
        if i in at:
            word = f"C={at[i].key}"
        else:
            word = token.lemma.lower()
            if not word.isalnum() and word not in ("?", "!"):
                continue
        words.append(word)
        out.add(f"U={word}")
        if scope.negated(i):
            out.add(f"N={word}")
    out.update(f"B={a}_{b}" for a, b in pairwise(words))
    out.update(f"T={a}_{b}_{c}" for a, b, c in zip(words, words[1:], words[2:], strict=False))
    out.add(f"X={context.card_level or 'none'}")
    if scope.question:
        out.add("Q")
    for finding in found:
        out.add(f"R={finding.rule}")
        out.add(f"RK={finding.kind}")
    return out


@dataclass(frozen=True)
class RuleWeights:
    """One rule's logistic model: its intercept and the weight of each feature."""

    intercept: float
    weights: dict[str, float]

    def score(self, feats: set[str]) -> float:
        """The probability that the sentence breaks the rule."""
        z = self.intercept + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


@dataclass(frozen=True)
class Reading:
    """The learned reading of every rule, with the scores that decide."""

    #: From this score on, a sentence the rules let pass is a finding.
    threshold: float
    #: Below this score, a finding of the rules is doubted.
    doubt: float
    rules: dict[str, RuleWeights]
    #: What the model was trained on (``kb rules train``): digests of the files.
    trained_on: dict[str, str] = field(default_factory=dict)

    def decide(self, read: Analysis, context: Context) -> list[Finding]:
        """The rules' findings of ``read``, the doubtful ones marked, and the learned
        findings of the rules the screen kept that found nothing."""
        text, tokens, hits, scope, found = read.text, read.tokens, read.hits, read.scope, read.found
        # Weighed only for a rule that has findings to doubt or a phrase to add one on
        # (most sentences the screen keeps have neither).
        feats: set[str] | None = None
        decided: list[Finding] = []
        for rule in read.firing:
            own = [f for f in found if f.rule == rule.id]
            model = self.rules.get(rule.id)
            if model is None:
                decided.extend(own)
                continue
            phrase = None
            if not own:
                phrase = _phrase_of(rule, hits) if context.card_rule != rule.id else None
                if phrase is None:
                    continue
            if feats is None:
                feats = features(tokens, hits, scope, context, found)
            score = model.score(feats)
            if own:
                doubted = score < self.doubt
                decided.extend(replace(f, doubted=True) if doubted else f for f in own)
            elif phrase is not None and score >= self.threshold:
                decided.append(finding_at(rule, LEARNED, text, phrase.begin, phrase.finish))
        return decided


def _phrase_of(rule: ConceptRule, hits: Sequence[Hit]) -> Hit | None:
    """The first phrase that names the rule's place, injury, condition or symptom; else its
    action; else None."""
    named = set(rule.targets) | set(rule.keys("conditions")) | set(rule.keys("time"))
    first = next((hit for hit in hits if hit.key in named), None)
    if first is not None:
        return first
    actions = set(rule.keys("actions"))
    return next((hit for hit in hits if hit.key in actions), None)


def digest(path: str | Path) -> str:
    """A short digest of a file's bytes (what a model was trained on)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def stale(reading: Reading, rules: str | Path, vocabulary: str | Path) -> bool:
    """True when ``reading`` was trained on other rules or another vocabulary than these."""
    trained = reading.trained_on
    return trained.get("rules") != digest(rules) or trained.get("vocabulary") != digest(vocabulary)


def load_reading(path: str | Path) -> Reading:
    """Read a model file written by ``kb rules train``; :class:`ConfigError` (file and line)
    when it does not parse or has the wrong shape."""
    where = str(path)
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError([Problem(where, exc.lineno, f"invalid JSON: {exc.msg}")]) from None
    return reading_from(data, where)


def reading_from(data: Any, where: str = "<model>") -> Reading:
    """A :class:`Reading` from the parsed JSON of a model file."""

    def bad(message: str) -> ConfigError:
        return ConfigError([Problem(where, None, message)])

    if not isinstance(data, dict):
        raise bad("a safety model must be a JSON object")

    def fraction(name: str) -> float:
        value = data.get(name)
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            raise bad(f"{name} must be a number from 0 to 1, got {value!r}")
        return float(value)

    threshold, doubt = fraction("threshold"), fraction("doubt")
    rules = data.get("rules")
    if not isinstance(rules, dict):
        raise bad("rules must be an object of rule ids")
    read: dict[str, RuleWeights] = {}
    for rule_id, model in rules.items():
        weights = model.get("weights") if isinstance(model, dict) else None
        intercept = model.get("intercept") if isinstance(model, dict) else None
        if not isinstance(intercept, int | float) or not isinstance(weights, dict):
            raise bad(f"rule {rule_id!r} needs a numeric intercept and an object of weights")
        if not all(isinstance(w, int | float) for w in weights.values()):
            raise bad(f"rule {rule_id!r}: every weight must be a number")
        read[rule_id] = RuleWeights(float(intercept), {k: float(w) for k, w in weights.items()})
    trained_on = data.get("trained_on", {})
    if not isinstance(trained_on, dict):
        raise bad("trained_on must be an object")
    return Reading(threshold, doubt, read, dict(trained_on))
