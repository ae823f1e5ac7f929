"""How well the safety matcher agrees with the labelled corpus (``tests/safety/corpus.toml``).

Per split (``tune``, ``heldout``): per-rule precision and recall, the recall of unsafe
sentences (a sentence with expected findings counts as found when at least one of its rules is
found), the false alarm rate (share of safe sentences with any finding), and every miss and
false alarm. A sentence's ``context`` says where it stands (``prose``, ``list-item``,
``faq-answer``, ``card-<level>``): red flags inside a card of the rule's level or higher are
not findings. ``kb rules eval`` prints the report (``--cost N`` times the matcher on N
synthetic articles), by default with the learned reading of ``conf/safety-model.json``
(``--rules-only``: the concept rules alone).
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from healthkb.importer.synthetic import generate
from healthkb.language.learned import load_reading
from healthkb.language.matcher import Context, SafetyMatcher
from healthkb.language.roller import off_topic_roller_question, topic_terms
from healthkb.language.rules import load_concept_rules
from healthkb.language.source import ConfigError
from healthkb.language.text import flatten, split_sentences

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "safety" / "corpus.toml"
TOPIC_CORPUS = ROOT / "tests" / "faq" / "topic_corpus.toml"
RULES = ROOT / "conf" / "safety-concepts.toml"
VOCABULARY = ROOT / "conf" / "vocabulary.toml"
MODEL = ROOT / "conf" / "safety-model.json"


@dataclass(frozen=True)
class Example:
    text: str
    findings: tuple[str, ...]
    context: str
    kind: str
    split: str
    source: str
    #: Which batch of the corpus the sentence came in (1: the first, 2: the second ...).
    batch: int = 1


@dataclass
class RuleScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


@dataclass
class Report:
    """The evaluation of one split."""

    split: str
    rules: dict[str, RuleScore] = field(default_factory=dict)
    unsafe: int = 0
    unsafe_found: int = 0
    safe: int = 0
    safe_flagged: int = 0
    #: (sentence, expected rules, found rules) of every disagreement.
    misses: list[tuple[Example, tuple[str, ...]]] = field(default_factory=list)
    false_alarms: list[tuple[Example, tuple[str, ...]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.unsafe_found / self.unsafe if self.unsafe else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.safe_flagged / self.safe if self.safe else 0.0


def load_corpus(path: Path = CORPUS, splits: Sequence[str] = ("tune", "heldout")) -> list[Example]:
    """The corpus sentences of ``splits`` (load only ``tune`` while tuning the rules)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        Example(
            item["text"],
            tuple(item.get("findings", ())),
            item.get("context", "prose"),
            item.get("kind", ""),
            item.get("split", "tune"),
            item.get("source", ""),
            int(item.get("batch", 1)),
        )
        for item in data.get("sentence", [])
        if item.get("split", "tune") in splits
    ]


def context_of(label: str) -> Context:
    """``card-professional`` -> a card of level professional; anything else is outside cards."""
    if label.startswith("card-"):
        return Context(card_level=label.removeprefix("card-"))
    return Context()


def evaluate(
    examples: Sequence[Example], matcher: SafetyMatcher | None = None
) -> dict[str, Report]:
    """One :class:`Report` per split of ``examples`` (doubted findings do not count)."""
    matcher = matcher or default_matcher()
    found = [
        {f.rule for f in matcher.find(example.text, context_of(example.context)) if not f.doubted}
        for example in examples
    ]
    return score(examples, found, [rule.id for rule in matcher.rules])


def score(
    examples: Sequence[Example], found: Sequence[set[str]], rule_ids: Sequence[str]
) -> dict[str, Report]:
    """One :class:`Report` per split of ``examples``, given the rules found in each."""
    reports: dict[str, Report] = {}
    for example, rules_found in zip(examples, found, strict=True):
        report = reports.setdefault(example.split, Report(example.split))
        for rule_id in rule_ids:
            report.rules.setdefault(rule_id, RuleScore())
        found_ids = tuple(sorted(rules_found))
        expected = set(example.findings)
        for rule_id in expected | rules_found:
            rule_score = report.rules.setdefault(rule_id, RuleScore())
            if rule_id in expected and rule_id in rules_found:
                rule_score.true_positives += 1
            elif rule_id in rules_found:
                rule_score.false_positives += 1
            else:
                rule_score.false_negatives += 1
        if expected:
            report.unsafe += 1
            if expected & rules_found:
                report.unsafe_found += 1
            if not expected <= rules_found:
                report.misses.append((example, found_ids))
        else:
            report.safe += 1
            if rules_found:
                report.safe_flagged += 1
        if (rules_found - expected and expected) or (rules_found and not expected):
            report.false_alarms.append((example, found_ids))
    return reports


def default_matcher(learned: bool = True) -> SafetyMatcher:
    """The project's rules, with the learned reading when ``learned`` and its file exists."""
    reading = load_reading(MODEL) if learned and MODEL.exists() else None
    return SafetyMatcher(load_concept_rules(RULES, VOCABULARY), reading)


def format_report(report: Report, details: bool = True) -> str:
    lines = [f"== {report.split}: {report.unsafe} unsafe, {report.safe} safe sentences"]
    lines.append(f"{'rule':32} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for rule_id, score in sorted(report.rules.items()):
        lines.append(
            f"{rule_id:32} {score.precision:9.2f} {score.recall:7.2f} {score.true_positives:4d} "
            f"{score.false_positives:4d} {score.false_negatives:4d}"
        )
    lines.append(
        f"recall of unsafe sentences {report.recall:.3f}; false alarms "
        f"{report.false_alarm_rate:.3f} ({report.safe_flagged} of {report.safe} safe)"
    )
    if details:
        for example, found in report.misses:
            lines.append(f"  MISS  {list(example.findings)} found {list(found)}: {example.text}")
        for example, found in report.false_alarms:
            lines.append(f"  FALSE {list(example.findings)} found {list(found)}: {example.text}")
    return "\n".join(lines)


@dataclass
class TopicReport:
    """How :func:`off_topic_roller_question` agrees with the FAQ topic corpus, one split."""

    split: str
    flagged_off: int = 0
    flagged_on: int = 0
    off_topic: int = 0
    on_topic: int = 0
    #: (question, on_topic, concept) of every question flagged or off topic.
    rows: list[tuple[str, bool, str | None]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.flagged_off + self.flagged_on
        return self.flagged_off / flagged if flagged else 1.0

    @property
    def off_topic_recall(self) -> float:
        """Share of all off-topic questions flagged (some are off topic for other reasons)."""
        return self.flagged_off / self.off_topic if self.off_topic else 1.0


def evaluate_topics(
    path: Path = TOPIC_CORPUS,
    splits: Sequence[str] = ("tune", "heldout"),
    matcher: SafetyMatcher | None = None,
) -> dict[str, TopicReport]:
    """One :class:`TopicReport` per split of the FAQ topic corpus."""
    matcher = matcher or default_matcher()
    with path.open("rb") as handle:
        items = tomllib.load(handle).get("question", [])
    reports: dict[str, TopicReport] = {}
    for item in items:
        if item.get("split", "tune") not in splits:
            continue
        report = reports.setdefault(item["split"], TopicReport(item["split"]))
        concept = off_topic_roller_question(
            matcher, item["question"], item.get("answer", ""), topic_terms(item["page"])
        )
        on_topic = bool(item["on_topic"])
        report.on_topic += on_topic
        report.off_topic += not on_topic
        if concept is not None:
            report.flagged_on += on_topic
            report.flagged_off += not on_topic
        if concept is not None or not on_topic:
            report.rows.append((item["question"], on_topic, concept))
    return reports


def format_topic_report(report: TopicReport, details: bool = True) -> str:
    lines = [
        f"== FAQ topic {report.split}: {report.off_topic} off topic, {report.on_topic} on topic; "
        f"roller questions flagged: precision {report.precision:.2f}, {report.flagged_off} of "
        f"{report.off_topic} off-topic questions, {report.flagged_on} on-topic flagged"
    ]
    if details:
        for question, on_topic, concept in report.rows:
            mark = "ON-TOPIC FLAGGED" if on_topic else ("flagged" if concept else "not flagged")
            lines.append(f"  {mark:16} {concept or '':16} {question}")
    return "\n".join(lines)


def cost_per_article(
    n: int = 1000, seed: int = 0, memo: bool = True, learned: bool = True
) -> tuple[float, int]:
    """Milliseconds per article to run the matcher over every sentence of ``n`` synthetic
    articles (``healthkb.cli.bench.corpus.generate``), and the number of findings.

    The matcher is built and warmed on the first article first (the pipeline loads once per
    process), so the figure is the steady per-article cost of the checks. The synthetic
    articles reuse the real articles' sentences, so the matcher's memo of findings per
    sentence serves most of them; ``memo=False`` clears it before every sentence and gives
    the cost of analysing each sentence afresh (an upper bound for a site of unique prose).
    The time is the process's CPU time, so a machine busy with other work does not inflate it.
    """
    files = generate(n, seed)
    matcher = default_matcher(learned)
    texts = [flatten(data.decode("utf-8")) for _, data in files]
    for sentence in split_sentences(texts[0]):
        matcher.find(sentence)
    count = 0
    begin = time.process_time()
    for text in texts:
        for sentence in split_sentences(text):
            if not memo:
                matcher.forget()
            count += sum(not f.doubted for f in matcher.find(sentence))
    return (time.process_time() - begin) * 1000 / n, count


def run(args: argparse.Namespace) -> int:
    """``kb rules eval`` and ``kb rules train`` (:mod:`healthkb.cli.training`); a rules,
    vocabulary or model file that cannot be read is reported with its file and line."""
    try:
        if args.rules_command == "train":
            from healthkb.cli.training import run as train

            return train(args)
        return _evaluate(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"kb rules: {problem}", file=sys.stderr)
        return 2


def _evaluate(args: argparse.Namespace) -> int:
    """``kb rules eval``."""
    if args.cost:
        for memo in (True, False):
            ms, _ = cost_per_article(args.cost, memo=memo, learned=not args.rules_only)
            how = "with the memo of findings" if memo else "every sentence analysed afresh"
            print(f"{ms:.2f} ms per article over {args.cost} synthetic articles, {how}")
        return 0
    splits = args.split or ["tune", "heldout"]
    matcher = default_matcher(learned=not args.rules_only)
    if matcher.reading is None:
        print("The concept rules alone (no learned reading).")
    else:
        print(
            f"The concept rules with the learned reading of {MODEL.name}: its figures on the "
            "tuning part are on sentences it learned from (kb rules train --cross measures "
            "it on batches it did not)."
        )
    reports = evaluate(load_corpus(args.corpus or CORPUS, splits), matcher)
    for split in splits:
        if split in reports:
            # Held-out sentences are never shown: only their figures, so nobody tunes on them.
            details = not args.summary and split == "tune"
            print(format_report(reports[split], details=details))
    topics = evaluate_topics(splits=splits)
    for split in splits:
        if split in topics:
            details = not args.summary and split == "tune"
            print(format_topic_report(topics[split], details=details))
    return 0
