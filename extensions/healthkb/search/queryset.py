"""The search evaluation's query sets and the figures computed from one run of them.

Two shapes of query set are read (TOML, ``[[query]]`` tables):

- ``tests/search/queries.toml``: ``text`` and ``targets``, written from the articles;
- ``tests/search/reader_queries.toml``: ``q`` and ``answers``, written the way readers ask,
  with ``kind`` (lay-words, typo, question, symptom, urgent, ...) and ``split``: ``tune``
  (the queries that may guide changes to the search) or ``heldout`` (never tuned on: it
  tells whether a change generalises).

A target is ``docname#id`` (a section, FAQ item or card) or a bare ``docname`` (the top of
that page). Pure Python: no browser, no Sphinx.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The kinds of reader query about symptoms: their first result should be a safety card.
SYMPTOM_KINDS = ("symptom", "urgent")


@dataclass
class Query:
    text: str
    targets: list[str]
    #: "tune", "heldout", or "" (a set without parts).
    split: str = ""
    kind: str = ""


@dataclass
class QueryResult:
    text: str
    results: list[str]
    rank: int | None
    ms: float
    split: str = ""
    kind: str = ""
    #: The kind of record of the first result (page, section, faq, safety), "" if none.
    first_kind: str = ""
    #: The notice above the results ("Showing results for ..."), "" if none.
    notice: str = ""


@dataclass
class Figures:
    """The measures of one set (or part of a set) of queries."""

    name: str
    queries: int
    recall_at_1: float
    recall_at_3: float
    mrr: float
    #: The share of queries that showed no result at all.
    no_results: float
    median_ms: float
    p95_ms: float
    #: Of the symptom and urgent queries, the share whose first result is a safety card
    #: (None: the set has none).
    safety_first: float | None
    misses: list[dict[str, Any]] = field(default_factory=list)

    def line(self) -> str:
        safety = "" if self.safety_first is None else f" safety-first={self.safety_first:.2f}"
        return (
            f"  {self.name:22} n={self.queries:3} R@1={self.recall_at_1:.3f} "
            f"R@3={self.recall_at_3:.3f} MRR={self.mrr:.3f} "
            f"no-results={self.no_results:.3f} median={self.median_ms:.1f} ms "
            f"p95={self.p95_ms:.1f} ms{safety}"
        )


def load_queries(path: Path) -> list[Query]:
    """The queries of a set in either shape (``text``/``targets`` or ``q``/``answers``)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for q in data.get("query", []):
        text = q["text"] if "text" in q else q["q"]
        targets = q["targets"] if "targets" in q else q["answers"]
        out.append(Query(text, list(targets), str(q.get("split", "")), str(q.get("kind", ""))))
    return out


def matches(result: str, targets: list[str]) -> bool:
    """Whether a result (``docname#id`` or ``docname``) is one of the targets."""
    for target in targets:
        if result == target:
            return True
        if "#" not in target:
            docname, _, anchor = result.partition("#")
            if docname == target and (not anchor or anchor == target.rsplit("/", 1)[-1]):
                return True
    return False


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(name: str, outcomes: list[QueryResult]) -> Figures:
    """The measures of ``outcomes`` (at least one)."""
    n = max(len(outcomes), 1)
    times = [o.ms for o in outcomes]
    symptoms = [o for o in outcomes if o.kind in SYMPTOM_KINDS]
    return Figures(
        name=name,
        queries=len(outcomes),
        recall_at_1=sum(1 for o in outcomes if o.rank == 1) / n,
        recall_at_3=sum(1 for o in outcomes if o.rank is not None and o.rank <= 3) / n,
        mrr=sum(1 / o.rank for o in outcomes if o.rank) / n,
        no_results=sum(1 for o in outcomes if not o.results) / n,
        median_ms=percentile(times, 0.5),
        p95_ms=percentile(times, 0.95),
        safety_first=(
            sum(1 for o in symptoms if o.first_kind == "safety") / len(symptoms)
            if symptoms
            else None
        ),
        misses=[
            {"query": o.text, "rank": o.rank, "top3": o.results[:3], "notice": o.notice}
            for o in outcomes
            if o.rank is None or o.rank > 1
        ],
    )


def parts(name: str, outcomes: list[QueryResult]) -> list[Figures]:
    """The figures of a whole set, then of each of its parts (tune, heldout) if it has any."""
    out = [figures(name, outcomes)]
    for split in sorted({o.split for o in outcomes if o.split}, reverse=True):
        out.append(figures(f"{name}/{split}", [o for o in outcomes if o.split == split]))
    return out
