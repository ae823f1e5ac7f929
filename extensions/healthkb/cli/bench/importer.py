"""Measure the importer on a synthetic corpus: articles per second and peak memory.

    python -m healthkb.cli.bench.importer --n 1000 --seed 0

Imports ``n`` generated articles (all three shapes) into an empty docs folder with
``kb import``'s pipeline (pages and references.bib written), once for time and once under
tracemalloc for the peak of memory the import allocated; prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healthkb.importer import synthetic as corpus
from healthkb.importer.pipeline import run_import


def measure(n: int = 1000, seed: int = 0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        base = Path(tmp)
        files = corpus.write(base / "in", n, seed)
        source_bytes = sum(p.stat().st_size for p in files)

        start = time.perf_counter()
        run = run_import([base / "in"], into=base / "docs")
        seconds = time.perf_counter() - start
        statuses: dict[str, int] = {}
        for item in run.files:
            statuses[item.status] = statuses.get(item.status, 0) + 1
        shapes: dict[str, int] = {}
        for item in run.files:
            shapes[item.shape] = shapes.get(item.shape, 0) + 1
        pages = sum(1 for _ in (base / "docs").rglob("*.md"))

        start = time.perf_counter()
        again = run_import([base / "in"], into=base / "docs")
        reimport_seconds = time.perf_counter() - start
        unchanged = sum(1 for item in again.files if item.status == "unchanged")

        tracemalloc.start()
        run_import([base / "in"], into=base / "docs-traced")
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "articles": n,
        "seed": seed,
        "source_mib": round(source_bytes / 2**20, 2),
        "seconds": round(seconds, 2),
        "articles_per_second": round(n / seconds, 1),
        "peak_traced_mib": round(peak / 2**20, 1),
        "max_rss_mib": round(rss / 1024, 1),
        "pages_written": pages,
        "reimport_seconds": round(reimport_seconds, 2),
        "reimport_unchanged": unchanged,
        "statuses": statuses,
        "shapes": shapes,
        "sources_added": len(run.registry.added) if run.registry else 0,
        "python": platform.python_version(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    json.dump(measure(args.n, args.seed), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
