"""``kb rules train``: fit the learned reading (``conf/safety-model.json``) to the corpus.

Only the tuning part of ``tests/safety/corpus.toml`` is read: the held-out part measures the
result and is never learned from. Each rule gets a logistic regression (scikit-learn,
L2-regularised, classes weighted by their size) on the sentences the screen keeps for that
rule, over the features of :func:`healthkb.language.learned.features`, with the rules'
own findings among them. A feature seen in fewer than :data:`MIN_SEEN` sentences is left
out: a weight learned from one sentence is that sentence's, not a reading.

``--cross`` instead measures the choice on the tuning part itself: each batch of the corpus
(written apart from the others) is read by a model fitted to the other batches, so the
figures show how the reading does on sentences written apart from what it learned from.
scikit-learn is needed to train, not to build: the build reads the weights from the file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healthkb.cli.rules import (
    CORPUS,
    MODEL,
    RULES,
    VOCABULARY,
    Example,
    context_of,
    default_matcher,
    format_report,
    load_corpus,
    score,
)
from healthkb.language.learned import Reading, RuleWeights, digest, features
from healthkb.language.matcher import Analysis, SafetyMatcher

#: Fewest tuning sentences a feature must be seen in to get a weight.
MIN_SEEN = 2
#: Inverse strength of the regularisation (scikit-learn's ``C``), chosen with ``--cross``.
STRENGTH = 3.0
#: A sentence the rules did not flag is flagged from this score on (chosen with --cross).
THRESHOLD = 0.4
#: A finding of the rules is doubted below this score (chosen with --cross).
DOUBT = 0.5


def tuning_digest(examples: Sequence[Example]) -> str:
    """A digest of the tuning sentences, their labels and contexts."""
    lines = (f"{e.text}\t{','.join(e.findings)}\t{e.context}" for e in examples)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def trained_on(examples: Sequence[Example]) -> dict[str, str]:
    """What a model depends on: the rules and vocabulary (whose findings and concepts are
    its features) and the tuning sentences."""
    return {
        "rules": digest(RULES),
        "vocabulary": digest(VOCABULARY),
        "tuning sentences": tuning_digest(examples),
    }


def _analyses(matcher: SafetyMatcher, examples: Sequence[Example]) -> list[Analysis | None]:
    """Each example as the rules read it (None: the screen drops it)."""
    return [matcher.analyse(e.text, context_of(e.context)) for e in examples]


def _table(
    reads: Sequence[Analysis | None], examples: Sequence[Example]
) -> list[tuple[set[str], frozenset[str]] | None]:
    """Per example: its features and the rules the screen keeps for it (None: dropped)."""
    rows: list[tuple[set[str], frozenset[str]] | None] = []
    for read, example in zip(reads, examples, strict=True):
        if read is None:
            rows.append(None)
            continue
        context = context_of(example.context)
        feats = features(read.tokens, read.hits, read.scope, context, read.found)
        rows.append((feats, frozenset(rule.id for rule in read.firing)))
    return rows


def fit(
    rows: Sequence[tuple[set[str], frozenset[str]] | None],
    examples: Sequence[Example],
    rule_ids: Sequence[str],
    strength: float = STRENGTH,
) -> dict[str, RuleWeights]:
    """One logistic model per rule, on the examples the screen keeps for it."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    models: dict[str, RuleWeights] = {}
    for rule_id in rule_ids:
        kept = [
            (row[0], rule_id in example.findings)
            for row, example in zip(rows, examples, strict=True)
            if row is not None and rule_id in row[1]
        ]
        labels = [label for _, label in kept]
        if not any(labels) or all(labels):
            continue
        seen: dict[str, int] = {}
        for feats, _ in kept:
            for name in feats:
                seen[name] = seen.get(name, 0) + 1
        vectorizer = DictVectorizer()
        matrix = vectorizer.fit_transform(
            [{name: 1 for name in feats if seen[name] >= MIN_SEEN} for feats, _ in kept]
        )
        model = LogisticRegression(C=strength, max_iter=5000, class_weight="balanced")
        model.fit(matrix, labels)
        names = vectorizer.get_feature_names_out()
        weights = {
            str(name): round(float(w), 3)
            for name, w in zip(names, model.coef_[0], strict=True)
            if abs(w) >= 1e-3
        }
        models[rule_id] = RuleWeights(
            round(float(model.intercept_[0]), 4), dict(sorted(weights.items()))
        )
    return models


def model_json(reading: Reading) -> str:
    data: dict[str, Any] = {
        "about": "The learned reading of the safety checks, written by `kb rules train` from "
        "the tuning part of tests/safety/corpus.toml. Do not edit: train again after "
        "changing the rules, the vocabulary or the corpus.",
        "trained_on": reading.trained_on,
        "threshold": reading.threshold,
        "doubt": reading.doubt,
        "rules": {
            rule_id: {"intercept": model.intercept, "weights": model.weights}
            for rule_id, model in reading.rules.items()
        },
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def cross(
    examples: Sequence[Example], strength: float, settings: Sequence[tuple[float, float]]
) -> None:
    """Print precision and recall per rule, recall of unsafe sentences and false alarms,
    for the rules alone and per (threshold, doubt), each batch read by a model fitted to
    the other batches; doubted findings do not count. Each sentence is analysed once."""
    matcher = default_matcher(learned=False)
    rule_ids = [rule.id for rule in matcher.rules]
    reads = _analyses(matcher, examples)
    rows = _table(reads, examples)
    alone = [{f.rule for f in read.found} if read else set() for read in reads]
    found: dict[tuple[float, float], list[set[str]]] = {
        s: [set() for _ in examples] for s in settings
    }
    for batch in sorted({e.batch for e in examples}):
        train = [i for i, e in enumerate(examples) if e.batch != batch]
        models = fit([rows[i] for i in train], [examples[i] for i in train], rule_ids, strength)
        for threshold, doubt in settings:
            reading = Reading(threshold, doubt, models)
            for i, (read, example) in enumerate(zip(reads, examples, strict=True)):
                if example.batch != batch or read is None:
                    continue
                decided = reading.decide(read, context_of(example.context))
                found[threshold, doubt][i] = {f.rule for f in decided if not f.doubted}
        print(f"  batch {batch} read", file=sys.stderr)
    print("The rules alone:")
    print(format_report(score(examples, alone, rule_ids)["tune"], details=False))
    for threshold, doubt in settings:
        print(f"With the reading, threshold {threshold}, doubt {doubt}:")
        report = score(examples, found[threshold, doubt], rule_ids)["tune"]
        print(format_report(report, details=False))


def train(corpus: Path = CORPUS, out: Path = MODEL, strength: float = STRENGTH) -> Reading:
    """Fit the reading to the tuning part of ``corpus`` and write it to ``out``."""
    examples = load_corpus(corpus, ("tune",))
    matcher = default_matcher(learned=False)
    rule_ids = [rule.id for rule in matcher.rules]
    models = fit(_table(_analyses(matcher, examples), examples), examples, rule_ids, strength)
    reading = Reading(THRESHOLD, DOUBT, models, trained_on(examples))
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(model_json(reading), encoding="utf-8")
    tmp.replace(out)
    return reading


def run(args: argparse.Namespace) -> int:
    """``kb rules train``."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("kb rules train needs scikit-learn: pip install -e '.[test]'", file=sys.stderr)
        return 2
    if args.cross:
        examples = load_corpus(args.corpus or CORPUS, ("tune",))
        settings = [(t, d) for t in args.threshold or [THRESHOLD] for d in args.doubt or [DOUBT]]
        cross(examples, args.strength, settings)
        return 0
    reading = train(args.corpus or CORPUS, MODEL, args.strength)
    count = sum(len(m.weights) for m in reading.rules.values())
    print(f"wrote {MODEL} ({len(reading.rules)} rules, {count} weights)")
    return 0
