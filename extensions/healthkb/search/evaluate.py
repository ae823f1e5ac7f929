"""Measure a built site's search in headless Chromium: the same harness for both engines.

    python -m healthkb.search.evaluate build/html        # the engine it was built with
    python -m healthkb.search.evaluate build/html --json out.json
    python -m healthkb.search.evaluate --compare         # builds docs/ with each engine
    python -m healthkb.search.evaluate --scale 1000      # plus 1,000 synthetic articles

Both query sets are run (``--queries`` names others): ``tests/search/queries.toml``, written
from the articles, and ``tests/search/reader_queries.toml``, written the way readers ask
(:mod:`healthkb.search.queryset`), the latter reported whole and by part (``tune``, the
queries changes may be tuned on; ``heldout``, never tuned on). For every query it reads the
ranked result links the reader sees and computes, at section level, recall@1, recall@3 and
MRR (a result counts when it links to one of the query's targets; a bare ``docname`` target
is the top of that page), the share of queries with no result at all and, for the symptom
and urgent queries, the share whose first result is a safety card. It also measures the time
from the query being typed to the results being shown (median and 95th percentile), the
bytes the browser downloads for a first search (from the landing page: sidebar search box,
submit, results shown, as counted in the browser's network log), and the size of the search
index per article.

- The answer index (``kb_search_engine = "kb"``): the query is typed into the search
  page's box; timing is from the ``input`` event to the results list being replaced.
- Sphinx (``kb_search_engine = "sphinx"``): the query runs through Sphinx's
  ``Search.performSearch`` on search.html with its index loaded; timing is that call, which
  ranks and appends the first result (snippets are fetched later, page by page).

Needs Playwright and Debian's Chromium (``KB_CHROMIUM``, default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from healthkb.importer.synthetic import write
from healthkb.search.queryset import (
    Figures,
    Query,
    QueryResult,
    figures,
    load_queries,
    matches,
    parts,
)

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]
RESULTS_SHOWN = 10
#: The query sets the evaluation runs by default (relative to the project checkout).
QUERY_SETS = ("tests/search/queries.toml", "tests/search/reader_queries.toml")

__all__ = ["Query", "Report", "evaluate", "load_queries", "matches"]


@dataclass
class Report:
    engine: str
    queries: int
    recall_at_1: float
    recall_at_3: float
    mrr: float
    median_ms: float
    p95_ms: float
    no_results: float
    first_search_bytes: int
    index_bytes: int
    articles: int
    index_bytes_per_article: float
    #: The space the index's files take on the file system (whole blocks: many small files
    #: take far more than their bytes).
    index_disk_bytes: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    #: The figures of the whole set and of each of its parts (tune, heldout).
    parts: list[Figures] = field(default_factory=list)
    outcomes: list[QueryResult] = field(default_factory=list)

    def table(self) -> str:
        return (
            f"{self.engine:9} queries={self.queries} recall@1={self.recall_at_1:.3f} "
            f"recall@3={self.recall_at_3:.3f} MRR={self.mrr:.3f} "
            f"no-results={self.no_results:.3f} median={self.median_ms:.1f} ms "
            f"p95={self.p95_ms:.1f} ms "
            f"first-search={self.first_search_bytes / 1024:.1f} KiB "
            f"index={self.index_bytes / 1024:.1f} KiB "
            f"(disk {self.index_disk_bytes / 1024:.0f} KiB) "
            f"({self.index_bytes_per_article / 1024:.2f} KiB/article, {self.articles} articles)"
        )


# -- the site ----------------------------------------------------------------------------------
class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) and yield the base URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def engine_of(site: Path) -> str:
    html = (site / "search.html").read_text(encoding="utf-8")
    return "kb" if "kb-search.js" in html else "sphinx"


def _index_files(site: Path, engine: str) -> list[Path]:
    if engine == "sphinx":
        return [site / "searchindex.js"]
    # What the search page reads: the answer index.
    return [p for p in (site / "kb-index").rglob("*") if p.is_file()]


def index_bytes(site: Path, engine: str) -> int:
    return sum(p.stat().st_size for p in _index_files(site, engine))


def index_disk_bytes(site: Path, engine: str) -> int:
    return sum(p.stat().st_blocks * 512 for p in _index_files(site, engine))


def count_articles(site: Path) -> int:
    return sum(
        1
        for folder in ("articles", "answers")
        for p in (site / folder).glob("*.html")
        if p.name != "index.html"
    )


def normalise(url: str, base: str) -> str:
    """``docname#id`` (or ``docname``) of a result link."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    base_path = urlsplit(base).path
    if path.startswith(base_path):
        path = path[len(base_path) :]
    path = path.removesuffix(".html")
    return f"{path}#{parts.fragment}" if parts.fragment else path


# -- the browser -------------------------------------------------------------------------------
_SPHINX_QUERY = """(q) => {
  const t0 = performance.now();
  Search.performSearch(q);
  const ms = performance.now() - t0;
  const [query, terms, excluded, highlight, objects] = Search._parseQuery(q);
  const results = Search._performSearch(query, terms, excluded, highlight, objects);
  return {ms, results: results.reverse().map((r) => r[0] + (r[2] || ""))};
}"""


_SHOWN = """() => ({
  hrefs: [...document.querySelectorAll('.kb-search-link')].map((e) => e.href),
  kind: (document.querySelector('.kb-search-result') || {dataset: {}}).dataset.kind || '',
  notice: (document.querySelector('.kb-search-notice') || {}).textContent || '',
  ms: Number(document.querySelector('#kb-search-results').dataset.kbMs),
})"""


def _rank_kb(page: Any, text: str) -> dict[str, Any]:
    """The search page's results for ``text``: links, first result's kind, notice, time."""
    page.fill("#kb-search-input", text)
    page.wait_for_function(
        "(q) => document.querySelector('#kb-search-results').dataset.kbQuery === q", arg=text
    )
    shown: dict[str, Any] = page.evaluate(_SHOWN)
    return shown


def _first_search_bytes(browser: Any, base: str, engine: str, text: str) -> int:
    """Bytes downloaded from typing a query in the sidebar of the landing page to results."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "index.html", wait_until="networkidle")
    total = [0]

    def on_finished(request: Any) -> None:
        sizes = request.sizes()
        total[0] += int(sizes["responseBodySize"]) + int(sizes["responseHeadersSize"])

    page.on("requestfinished", on_finished)
    page.fill("input.sidebar-search", text)
    page.press("input.sidebar-search", "Enter")
    if engine == "kb":
        page.wait_for_selector(".kb-search-link")
    else:
        # The first ten results with their snippets (Sphinx fetches each result's page
        # for its snippet; with thousands of results it goes on for minutes).
        page.wait_for_function(
            "() => /finished|did not match/.test("
            "(document.querySelector('.search-summary') || {}).textContent || '')"
            " || [...document.querySelectorAll('#search-results li')].slice(0, 10)"
            ".filter((li) => li.querySelector('p.context')).length >= 10"
        )
    if engine == "kb":
        page.wait_for_load_state("networkidle")
    context.close()
    return total[0]


def evaluate(
    site: Path, queries: list[Query], engine: str | None = None, browser: Any = None
) -> Report:
    """Run ``queries`` against ``site`` (in ``browser``, else a Chromium of its own)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            own = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return evaluate(site, queries, engine, own)
            finally:
                own.close()
    engine = engine or engine_of(site)
    outcomes: list[QueryResult] = []
    with serve(site) as base:
        first_bytes = _first_search_bytes(browser, base, engine, queries[0].text)
        context = browser.new_context()
        page = context.new_page()
        if engine == "kb":
            page.goto(base + "search.html", wait_until="networkidle")
            _rank_kb(page, "foam roller")  # warm: the index is loaded once per visit
        else:
            page.goto(base + "search.html?q=foam+roller", wait_until="networkidle")
            page.wait_for_function("() => Search.hasIndex()")
        for query in queries:
            first_kind = notice = ""
            if engine == "kb":
                shown = _rank_kb(page, query.text)
                results = [normalise(h, base) for h in shown["hrefs"]]
                ms, first_kind, notice = float(shown["ms"]), shown["kind"], shown["notice"]
            else:
                out = page.evaluate(_SPHINX_QUERY, query.text)
                results, ms = list(out["results"]), float(out["ms"])
            seen: list[str] = []
            for result in results:
                if result not in seen:
                    seen.append(result)
            seen = seen[:RESULTS_SHOWN]
            rank = next((i + 1 for i, r in enumerate(seen) if matches(r, query.targets)), None)
            outcomes.append(
                QueryResult(
                    query.text, seen, rank, ms, query.split, query.kind, first_kind, notice.strip()
                )
            )
        context.close()
    whole = figures(engine, outcomes)
    size = index_bytes(site, engine)
    articles = count_articles(site)
    return Report(
        engine=engine,
        queries=whole.queries,
        recall_at_1=whole.recall_at_1,
        recall_at_3=whole.recall_at_3,
        mrr=whole.mrr,
        median_ms=whole.median_ms,
        p95_ms=whole.p95_ms,
        no_results=whole.no_results,
        first_search_bytes=first_bytes,
        index_bytes=size,
        articles=articles,
        index_bytes_per_article=size / max(articles, 1),
        index_disk_bytes=index_disk_bytes(site, engine),
        misses=whole.misses,
        parts=parts("all", outcomes),
        outcomes=outcomes,
    )


# -- building ----------------------------------------------------------------------------------
def build(docs: Path, out: Path, engine: str, conf: Path, jobs: str = "auto") -> float:
    """Build ``docs`` into ``out`` with ``kb_search_engine = engine``; returns seconds. The
    search index's own line (pages, records, seconds) is printed to stderr."""
    start = time.monotonic()
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(conf), "-j", jobs]
    cmd += ["-D", f"kb_search_engine={engine}", str(docs), str(out)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("search index:"):
            print(line, file=sys.stderr)
    return time.monotonic() - start


def scale_site(n: int, seed: int, root: Path, work: Path) -> Path:
    """A docs tree of the real pages plus ``n`` synthetic articles, imported with `kb import`."""
    docs = work / "docs"
    shutil.copytree(root / "docs", docs)
    write(work / "src", n, seed)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "healthkb.cli.main",
            "import",
            str(work / "src"),
            "--into",
            str(docs),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return docs


def evaluate_sets(
    site: Path, sets: dict[str, list[Query]], engine: str | None = None
) -> dict[str, Report]:
    """Each query set's report on ``site``, in one Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return {name: evaluate(site, qs, engine, browser) for name, qs in sets.items()}
        finally:
            browser.close()


def print_reports(label: str, reports: dict[str, Report], misses: bool) -> None:
    for name, report in reports.items():
        print(f"{label} {name}: {report.table()}")
        for part in report.parts:
            print(part.line())
        for miss in report.misses if misses else []:
            notice = f" [{miss['notice']}]" if miss["notice"] else ""
            print(f"    rank {miss['rank']}: {miss['query']!r} -> {miss['top3']}{notice}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m healthkb.search.evaluate")
    parser.add_argument("site", nargs="?", type=Path, help="a built site (default build/html)")
    parser.add_argument(
        "--queries", type=Path, action="append", help="a query set (default: both of tests/search)"
    )
    parser.add_argument("--compare", action="store_true", help="build docs/ with both engines")
    parser.add_argument("--scale", type=int, default=0, help="add N synthetic articles")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project checkout")
    parser.add_argument("--misses", action="store_true", help="list the queries not ranked 1")
    parser.add_argument("--json", type=Path, help="write the reports as JSON")
    args = parser.parse_args(argv)
    paths = args.queries or [args.root / name for name in QUERY_SETS]
    sets = {path.stem: load_queries(path) for path in paths}
    runs: dict[str, dict[str, Report]] = {}
    if not (args.compare or args.scale):
        site = args.site or args.root / "build" / "html"
        runs["site"] = evaluate_sets(site, sets)
    else:
        with tempfile.TemporaryDirectory(prefix="kb-search-") as tmp:
            work = Path(tmp)
            docs = (
                scale_site(args.scale, args.seed, args.root, work)
                if args.scale
                else (args.root / "docs")
            )
            label = f"+{args.scale}" if args.scale else "site"
            for engine in ("sphinx", "kb") if args.compare else ("kb",):
                out = work / f"html-{engine}"
                seconds = build(docs, out, engine, args.root / "conf")
                print(f"built {engine} site in {seconds:.1f} s", file=sys.stderr)
                runs[f"{label} {engine}"] = evaluate_sets(out, sets, engine)
    for label, reports in runs.items():
        print_reports(label, reports, args.misses)
    if args.json:
        data = {
            label: {name: asdict(report) for name, report in reports.items()}
            for label, reports in runs.items()
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
