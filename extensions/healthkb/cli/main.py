"""The ``kb`` command: build, check, report on and import the knowledge base.

One module per subcommand (``healthkb.cli.<module>``, below); the build's options are
:mod:`healthkb.cli.options`.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healthkb.cli.options import DOCTREES, OUT, default_jobs

#: Subcommand -> (module, function) that runs it.
COMMANDS = {
    "build": ("healthkb.cli.build", "run"),
    "lock": ("healthkb.cli.permalinks", "run_lock"),
    "check": ("healthkb.cli.permalinks", "run_check"),
    "import": ("healthkb.cli.importing", "run"),
    "report": ("healthkb.cli.reporting", "run"),
    "bench": ("healthkb.cli.bench.command", "run"),
    "rules": ("healthkb.cli.rules", "run"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser(
        "build",
        help="build the site with warnings as errors (as make html, Read the Docs and CI)",
        description="Build the site: python -m healthkb.perf.build with the options of "
        "healthkb.cli.options. Options kb build does not know are sphinx-build's and are "
        "passed through (e.g. kb build -E).",
    )
    build.add_argument("-b", "--builder", default="html")
    build.add_argument("-o", "--out", help=f"output folder (default {OUT} for html)")
    build.add_argument("-d", "--doctrees", help=f"environment and caches (default {DOCTREES})")
    build.add_argument(
        "-j", "--jobs", help=f"Sphinx processes (default: cores + 1, here {default_jobs()})"
    )
    build.add_argument("--dry-run", action="store_true", help="print the command; build nothing")
    lock = sub.add_parser("lock", help="record every published URL and fragment in the lock")
    lock.add_argument("--site", help=f"built site (default {OUT})")
    check = sub.add_parser("check", help="fail when a locked URL no longer resolves")
    check.add_argument("--site", help=f"built site (default {OUT})")

    imp = sub.add_parser(
        "import",
        help="import article files (blog exports, legacy posts, answers pages) as MyST pages",
        description="Import article files, or folders of them, as MyST pages under --into "
        "(articles/ and answers/), and add the sources they cite to references.bib. Exits "
        "with 1 when a file is refused; the other files are still imported.",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    imp.add_argument("--into", metavar="DOCS", help="the docs folder (default: docs)")
    imp.add_argument(
        "--dry-run", action="store_true", help="show what would change (diffs); write nothing"
    )
    imp.add_argument(
        "--force", action="store_true", help="overwrite pages a maintainer edited after import"
    )
    imp.add_argument("--json", action="store_true", help="print the import report as JSON")
    imp.add_argument("-v", "--verbose", action="store_true", help="also list every conversion")
    imp.add_argument(
        "--curation",
        type=Path,
        metavar="TOML",
        help="curation file (default: conf/import-curation.toml when it exists)",
    )
    imp.add_argument("--no-curation", action="store_true", help="import without curation")
    imp.add_argument("--origin", help="the articles' website (default: origin in conf/site.toml)")

    report = sub.add_parser(
        "report",
        help="build, then print per page its review state, open findings, claims that need a "
        "source and acknowledged findings (also as JSON)",
    )
    report.add_argument("--json", help="where to write the JSON (default build/report.json)")
    report.add_argument("--outdir", help=f"the HTML build to update (default {OUT})")
    report.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=int(default_jobs()),
        help="parallel processes (default: as kb build, cores + 1)",
    )

    bench = sub.add_parser(
        "bench",
        help="time import + build against a plain Sphinx build on a synthetic corpus",
        description="Generate N synthetic articles, import and build them with the project's "
        "build (kb build's options, without -W) and with a plain Sphinx + MyST + furo "
        "configuration (-j 1 and the default parallelism, incremental and no-op rebuilds), "
        "print a table with the ratios and write build/bench/results.json.",
    )
    bench.add_argument("--n", type=int, default=100, help="number of articles (default 100)")
    bench.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    bench.add_argument("--out", help="work folder (default build/bench)")
    bench.add_argument("--no-plain", action="store_true", help="skip the plain Sphinx build")
    bench.add_argument(
        "--layer-off",
        action="store_true",
        help="also time each of our builds with the speed layer off (kb_fast_build = False), "
        "right after the same build with it on",
    )
    bench.add_argument(
        "--plain-timeout",
        type=float,
        metavar="SECONDS",
        help="stop a plain build after this long (its time is then a lower bound; at 2,000 "
        "articles the plain build takes the better part of an hour)",
    )
    rules = sub.add_parser(
        "rules",
        help="the safety rules: eval measures them against the labelled corpus",
        description="kb rules eval: per-rule precision and recall of the concept rules on "
        "tests/safety/corpus.toml, the recall of unsafe sentences and the false alarm rate, "
        "for the tuning part (with every miss and false alarm) and the held-out part "
        "(figures only), and the FAQ roller-question check on tests/faq/topic_corpus.toml.",
    )
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    evaluate = rules_sub.add_parser("eval", help="measure the rules on the corpus")
    evaluate.add_argument("--split", action="append", choices=("tune", "heldout"))
    evaluate.add_argument("--corpus", type=Path, help="default tests/safety/corpus.toml")
    evaluate.add_argument(
        "--summary", action="store_true", help="figures only, no misses and false alarms"
    )
    evaluate.add_argument(
        "--cost", type=int, metavar="N", help="ms per article on N synthetic articles"
    )
    evaluate.add_argument(
        "--rules-only",
        action="store_true",
        help="the concept rules without the learned reading (conf/safety-model.json)",
    )
    train = rules_sub.add_parser(
        "train",
        help="fit the learned reading (conf/safety-model.json) to the corpus's tuning part",
        description="Fit the learned reading of the safety checks to the tuning part of the "
        "corpus and write conf/safety-model.json; run it after changing the rules, the "
        "vocabulary or the corpus. --cross measures thresholds instead, each batch read "
        "by a model fitted to the others.",
    )
    train.add_argument("--corpus", type=Path, help="default tests/safety/corpus.toml")
    train.add_argument("--strength", type=float, default=3.0, help="scikit-learn's C")
    train.add_argument("--cross", action="store_true", help="measure, write nothing")
    train.add_argument(
        "--threshold", type=float, action="append", help="with --cross; repeat to compare"
    )
    train.add_argument(
        "--doubt", type=float, action="append", help="with --cross; repeat to compare"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "build":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    module, name = COMMANDS[args.command]
    # Imported when its subcommand runs: kb build, kb lock and kb check start without
    # importing Sphinx (kb report builds in this process and needs it).
    func: Any = getattr(importlib.import_module(module), name)
    return int(func(args, extra) if args.command == "build" else func(args))


if __name__ == "__main__":
    raise SystemExit(main())
