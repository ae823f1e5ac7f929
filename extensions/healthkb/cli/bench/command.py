"""``kb bench``: run the site benchmark (:mod:`healthkb.cli.bench.site`), print its table and
write its figures."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from healthkb.cli.bench.results import table, write_results
from healthkb.cli.bench.site import run_bench
from healthkb.cli.options import project_root


def run(args: argparse.Namespace) -> int:
    root = project_root()
    workdir = Path(args.out) if args.out else root / "build" / "bench"
    if args.n < 1:
        print("kb bench: --n must be at least 1", file=sys.stderr)
        return 2
    result = run_bench(
        root,
        args.n,
        args.seed,
        workdir,
        plain=not args.no_plain,
        plain_timeout=args.plain_timeout,
        layer_off=args.layer_off,
    )
    print(table(result))
    path = write_results(result, workdir)
    print(f"\nkb bench: figures written to {path}")
    # A plain build stopped by --plain-timeout did not fail: its time is a lower bound.
    failed = [r.label for r in result.runs.values() if r.returncode != 0 and not r.stopped]
    if failed:
        print(f"kb bench: failed: {', '.join(failed)} (logs in {workdir})", file=sys.stderr)
        return 1
    return 0
