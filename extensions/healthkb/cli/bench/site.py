"""The site benchmark: our import + build against a plain Sphinx build of the same corpus.

    kb bench --n 100            (or: make bench N=100)

In one run, on one synthetic corpus of ``n`` articles (:mod:`healthkb.cli.bench.corpus`,
all three source shapes, deterministic for ``--seed``):

(a) **ours**: ``kb import`` of the raw files into a copy of the project's docs (hubs,
    about, registry), then the project's build (``python -m healthkb.perf.build``: Sphinx
    with the process tuned as ``make html`` runs it) with its ``conf/`` and options
    (``-W`` left out: a synthetic corpus has findings; they are counted);
(b) **plain**: the same raw files as ``.md`` pages built by Sphinx with myst-parser and
    furo only (a throwaway ``conf.py``, a glob toctree of every page);

each built fresh with ``-j 1`` and with the project's default parallelism; then, with
the default parallelism, an incremental rebuild after editing one article and a no-op
rebuild. For every build: wall and CPU seconds (the whole process tree), peak memory
of the process tree (resident set summed over every process, and the proportional set
size that counts shared pages once; polled from /proc), output bytes, the HTML bytes of
one article page (the same source article in both sites) and the search index bytes
(``searchindex.js``, plus ``pagefind/`` when present).

With ``--plain-timeout`` a plain build still running after that many seconds is
stopped: its time is then a lower bound, and the ratios that divide by it are upper
bounds (marked ``<=``). It prints a table with the ratios ours / plain and writes the
figures as JSON
(``build/bench/results.json`` and ``build/bench/results-<n>.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from healthkb.cli.bench import corpus
from healthkb.perf.build import precompile

#: The body of the throwaway configuration of the plain build.
PLAIN_CONF = """\
project = "Plain Sphinx + MyST + furo"
extensions = ["myst_parser"]
html_theme = "furo"
# Legacy posts have no heading: Sphinx would repeat this warning on every page.
suppress_warnings = ["toc.no_title"]
"""
PLAIN_INDEX = """\
# Plain Sphinx + MyST + furo

```{toctree}
:glob:
:maxdepth: 1

articles/*
```
"""
#: Appended to one paragraph of one article for the incremental rebuild.
EDIT = " This sentence was added to measure an incremental rebuild."
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01: no build date in the output


@dataclass
class Run:
    """One measured command."""

    label: str
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    peak_pss_mib: float
    returncode: int
    warnings: int = 0
    load_before: float = 0.0
    #: Stopped after ``--plain-timeout`` seconds: ``wall_s`` is a lower bound.
    stopped: bool = False

    def row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Site:
    """What one built site weighs."""

    pages: int = 0
    output_mib: float = 0.0
    article_page: str = ""
    article_page_kib: float = 0.0
    search_index_kib: float = 0.0
    pagefind_kib: float = 0.0


@dataclass
class Result:
    articles: int
    seed: int
    default_jobs: str
    cores: int
    runs: dict[str, Run] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "articles": self.articles,
            "seed": self.seed,
            "default_jobs": self.default_jobs,
            "cores": self.cores,
            "python": platform.python_version(),
            "runs": {k: v.row() for k, v in self.runs.items()},
            "sites": {k: asdict(v) for k, v in self.sites.items()},
            "per_article_ms": {
                k: round(1000 * v.wall_s / self.articles, 1)
                for k, v in self.runs.items()
                if k.endswith(("build -j 1", "build -j default"))
            },
            "ratios": self.ratios(),
            "ratio_upper_bounds": self.bounds(),
            "notes": self.notes,
        }
        return out

    def bounds(self) -> list[str]:
        """Ratios that are upper bounds: the plain build they divide by was stopped."""
        stopped = {label.removeprefix("plain: ") for label, r in self.runs.items() if r.stopped}
        out = [
            f"build {jobs} {kind}"
            for jobs in ("-j 1", "-j default")
            for kind in ("wall", "cpu")
            if f"build {jobs}" in stopped
        ]
        if "build -j default" in stopped:
            out += ["import + build -j default wall", "peak memory"]
        return out

    def ratios(self) -> dict[str, float]:
        """ours / plain for every figure both sites have."""
        ratios: dict[str, float] = {}
        for jobs in ("-j 1", "-j default"):
            mine = self.runs.get(f"ours: build {jobs}")
            plain = self.runs.get(f"plain: build {jobs}")
            if mine and plain and plain.wall_s:
                ratios[f"build {jobs} wall"] = round(mine.wall_s / plain.wall_s, 3)
                ratios[f"build {jobs} cpu"] = round(mine.cpu_s / max(plain.cpu_s, 1e-9), 3)
        mine_total = self.runs.get("ours: import")
        mine_build = self.runs.get("ours: build -j default")
        plain_build = self.runs.get("plain: build -j default")
        if mine_total and mine_build and plain_build:
            ratios["import + build -j default wall"] = round(
                (mine_total.wall_s + mine_build.wall_s) / plain_build.wall_s, 3
            )
        for name in ("incremental", "no-op"):
            mine = self.runs.get(f"ours: {name}")
            plain = self.runs.get(f"plain: {name}")
            if mine and plain and plain.wall_s:
                ratios[f"{name} wall"] = round(mine.wall_s / plain.wall_s, 3)
        mine_peak = self.runs.get("ours: build -j default")
        plain_peak = self.runs.get("plain: build -j default")
        if mine_peak and plain_peak and plain_peak.peak_pss_mib:
            ratios["peak memory"] = round(mine_peak.peak_pss_mib / plain_peak.peak_pss_mib, 3)
        ours, plain_site = self.sites.get("ours"), self.sites.get("plain")
        if ours and plain_site:
            for key in ("output_mib", "article_page_kib"):
                if getattr(plain_site, key):
                    ratios[key] = round(getattr(ours, key) / getattr(plain_site, key), 3)
            # Search: Sphinx's searchindex.js and/or the Pagefind bundle.
            plain_search = plain_site.search_index_kib + plain_site.pagefind_kib
            if plain_search:
                ours_search = ours.search_index_kib + ours.pagefind_kib
                ratios["search_index_kib"] = round(ours_search / plain_search, 3)
        return ratios


# -- measuring -----------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def _memory_kib(pid: int) -> tuple[int, int]:
    """(resident, proportional) set size of one process in KiB (0, 0 when it is gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class TreeMemory(threading.Thread):
    """Polls the memory of a process tree until stopped; keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            rss = pss = 0
            for pid in _children(self.pid):
                r, p = _memory_kib(pid)
                rss, pss = rss + r, pss + p
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measure(
    label: str,
    cmd: list[str],
    *,
    cwd: Path,
    log: Path,
    stdout: Path | None = None,
    timeout: float | None = None,
) -> Run:
    """Run ``cmd`` (its output into ``log``, or its stdout into ``stdout``) and measure it;
    after ``timeout`` seconds its whole process tree is stopped (``Run.stopped``)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as err, (stdout or log).open("a", encoding="utf-8") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=out if stdout else err,
            stderr=err,
            env=env,
            start_new_session=True,  # its own process group, to stop the whole tree
        )
        poller = TreeMemory(proc.pid)
        poller.start()
        stopped = False
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stopped = True
            os.killpg(proc.pid, signal.SIGKILL)
            returncode = proc.wait()
        poller.stop()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = log.read_text(encoding="utf-8", errors="replace")
    return Run(
        label,
        round(wall, 2),
        round(cpu, 2),
        round(poller.peak_rss / 1024, 1),
        round(poller.peak_pss / 1024, 1),
        returncode,
        warnings=len(re.findall(r"\bWARNING\b|\bERROR\b", text)),
        load_before=round(load, 2),
        stopped=stopped,
    )


# -- the two sites ---------------------------------------------------------------------------
def default_jobs() -> str:
    """The ``-j`` value of the project's build (``kb build`` and ``make html``)."""
    from healthkb.cli.main import DEFAULT_SPHINXOPTS

    opts = list(DEFAULT_SPHINXOPTS)
    return opts[opts.index("-j") + 1] if "-j" in opts else "1"


def build_options() -> list[str]:
    """The project's build options without ``-W`` (a synthetic corpus has findings)."""
    from healthkb.cli.main import DEFAULT_SPHINXOPTS

    opts = [o for o in DEFAULT_SPHINXOPTS if o not in ("-W", "--keep-going")]
    if "-j" in opts:
        del opts[opts.index("-j") : opts.index("-j") + 2]
    return opts


def prepare_docs(root: Path, docs: Path) -> None:
    """A copy of the project's docs without any published article or answer page."""
    shutil.copytree(
        root / "docs",
        docs,
        ignore=shutil.ignore_patterns("_build", "answers"),
    )
    for page in (docs / "articles").glob("*.md"):
        if page.name != "index.md":
            page.unlink()


def prepare_plain(raw: list[Path], site: Path) -> dict[str, str]:
    """The plain site: every raw file as a page; returns raw name -> page name."""
    (site / "articles").mkdir(parents=True)
    (site / "conf.py").write_text(PLAIN_CONF, encoding="utf-8")
    (site / "index.md").write_text(PLAIN_INDEX, encoding="utf-8")
    pages = {}
    for path in raw:
        page = f"articles/{path.stem}"
        shutil.copyfile(path, site / f"{page}.md")
        pages[path.name] = page
    return pages


def _sphinx(
    src: Path, out: Path, conf: Path, jobs: str, opts: list[str], *, ours: bool = False
) -> list[str]:
    """The build command: the project's (``python -m healthkb.perf.build``, as ``make html``
    runs it) or plain ``sphinx-build``."""
    return [
        sys.executable,
        "-m",
        "healthkb.perf.build" if ours else "sphinx",
        "-b",
        "html",
        "-c",
        str(conf),
        *opts,
        "-j",
        jobs,
        "-d",
        str(out / ".doctrees"),
        str(src),
        str(out),
    ]


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def weigh(out: Path, page: str) -> Site:
    html = out / f"{page}.html"
    # The site's pages: not Sphinx's doctree folder (inside the output, by default), where
    # the search index keeps its documents.
    pages = sum(1 for p in out.rglob("*.html") if not {"_static", ".doctrees"} & set(p.parts))
    return Site(
        pages=pages,
        output_mib=round(sum(_size(p) for p in out.iterdir() if p.name != ".doctrees") / 2**20, 2),
        article_page=page,
        article_page_kib=round(_size(html) / 1024, 1) if html.is_file() else 0.0,
        search_index_kib=round(_size(out / "searchindex.js") / 1024, 1),
        pagefind_kib=round(_size(out / "pagefind") / 1024, 1) if (out / "pagefind").exists() else 0,
    )


def edit_one(page: Path) -> None:
    """Append a sentence to the first paragraph line of ``page`` (after any front matter)."""
    lines = page.read_text(encoding="utf-8").split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        start = lines.index("---", 1) + 1 if "---" in lines[1:] else 0
    for n in range(start, len(lines)):
        line = lines[n]
        if line.strip() and line[0].isalpha() and not line.startswith(("#", ":", "`")):
            lines[n] = line + EDIT
            break
    # Written now, after the last build read it (a modification time in the future would
    # make Sphinx read it again on the next build too).
    page.write_text("\n".join(lines), encoding="utf-8")


def _imported_pages(report: Path) -> dict[str, str]:
    """Raw file name -> imported page (docname) from ``kb import --json``."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pages = {}
    for item in data.get("files", []):
        source, page = item.get("source"), item.get("page")
        if source and page:
            parts = Path(str(page)).with_suffix("").parts
            folders = [i for i, part in enumerate(parts) if part in ("articles", "answers")]
            if folders:
                pages[Path(str(source)).name] = "/".join(parts[folders[-1] :])
    return pages


def run_bench(
    root: Path,
    n: int,
    seed: int,
    workdir: Path,
    *,
    plain: bool = True,
    quiet: bool = False,
    plain_timeout: float | None = None,
) -> Result:
    """Generate, import, build and measure; returns the figures. A plain build still
    running after ``plain_timeout`` seconds is stopped: its time is a lower bound."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    precompile(root / "conf")  # as `make html` does before it builds
    jobs = default_jobs()
    result = Result(n, seed, jobs, os.cpu_count() or 1)
    base = workdir / f"n{n}"
    if base.exists():
        shutil.rmtree(base)
    logs = base / "logs"
    logs.mkdir(parents=True)
    raw = _write_corpus(base / "raw", n, seed)
    say(f"bench: {len(raw)} articles in {base / 'raw'}")
    sample = raw[len(raw) // 2].name

    def checkpoint() -> None:
        """The figures so far, in case the run is interrupted (results-<n>.partial.json)."""
        text = json.dumps(result.as_dict(), indent=2, sort_keys=True) + "\n"
        (workdir / f"results-{n}.partial.json").write_text(text, encoding="utf-8")

    # (a) ours: kb import, then the project's build.
    docs = base / "ours" / "docs"
    prepare_docs(root, docs)
    report = base / "import.json"
    cmd = [
        sys.executable,
        "-m",
        "healthkb.cli.main",
        "import",
        str(base / "raw"),
        "--into",
        str(docs),
    ]
    cmd += ["--no-curation", "--json"]
    say("bench: ours: kb import")
    result.runs["ours: import"] = measure(
        "ours: import", cmd, cwd=root, log=logs / "ours-import.log", stdout=report
    )
    checkpoint()
    pages = _imported_pages(report)
    page = pages.get(sample, "")
    if not page:
        result.notes.append(f"the import report does not name the page of {sample}")
    conf, opts = root / "conf", build_options()
    for label, j in (("-j 1", "1"), ("-j default", jobs)):
        out = base / "ours" / ("out-j1" if label == "-j 1" else "out")
        say(f"bench: ours: build {label} (-j {j})")
        result.runs[f"ours: build {label}"] = measure(
            f"ours: build {label}",
            _sphinx(docs, out, conf, j, opts, ours=True),
            cwd=root,
            log=logs / f"ours-build{'-j1' if label == '-j 1' else ''}.log",
        )
        checkpoint()
    out = base / "ours" / "out"
    result.sites["ours"] = weigh(out, page)
    if page:
        edit_one(docs / f"{page}.md")
    say("bench: ours: incremental and no-op rebuilds")
    for name in ("incremental", "no-op"):
        result.runs[f"ours: {name}"] = measure(
            f"ours: {name}",
            _sphinx(docs, out, conf, jobs, opts, ours=True),
            cwd=root,
            log=logs / f"ours-{name}.log",
        )
        checkpoint()

    # (b) plain Sphinx + MyST + furo on the same raw markdown.
    if plain:
        site = base / "plain"
        plain_pages = prepare_plain(raw, site)
        plain_page = plain_pages[sample]
        for label, j in (("-j 1", "1"), ("-j default", jobs)):
            out = site / ("_build-j1" if label == "-j 1" else "_build")
            say(f"bench: plain: build {label} (-j {j})")
            run = measure(
                f"plain: build {label}",
                _sphinx(site, out, site, j, []),
                cwd=site,
                log=logs / f"plain-build{'-j1' if label == '-j 1' else ''}.log",
                timeout=plain_timeout,
            )
            result.runs[f"plain: build {label}"] = run
            if run.stopped:
                result.notes.append(
                    f"plain: build {label} stopped after {plain_timeout:g} s: its time is a "
                    "lower bound and the ratios that divide by it are upper bounds"
                )
            checkpoint()
        out = site / "_build"
        if result.runs["plain: build -j default"].stopped:
            result.notes.append("plain: no output size, incremental or no-op figures")
        else:
            result.sites["plain"] = weigh(out, plain_page)
            edit_one(site / f"{plain_page}.md")
            say("bench: plain: incremental and no-op rebuilds")
            for name in ("incremental", "no-op"):
                result.runs[f"plain: {name}"] = measure(
                    f"plain: {name}",
                    _sphinx(site, out, site, jobs, []),
                    cwd=site,
                    log=logs / f"plain-{name}.log",
                )
                checkpoint()
    result.notes.append(
        f"load average before the run: {os.getloadavg()[0]:.2f} (see load_before per run)"
    )
    return result


def _write_corpus(folder: Path, n: int, seed: int) -> list[Path]:
    """The synthetic corpus, whichever of the two corpus APIs the module offers."""
    writer = getattr(corpus, "write", None)
    if writer is not None:
        return list(writer(folder, n, seed))
    generate: Any = corpus.generate  # generate(n, seed, outdir) -> list[Path]
    return list(generate(n, seed, folder))


# -- reporting -------------------------------------------------------------------------------
def table(result: Result) -> str:
    """The figures as a plain-text table, with ours / plain ratios."""
    lines = [
        f"{result.articles} articles, seed {result.seed}, {result.cores} cores, "
        f"default parallelism -j {result.default_jobs}",
        "",
        f"{'run':28} {'wall s':>8} {'cpu s':>8} {'ms/article':>10} {'peak MiB (pss)':>15} "
        f"{'rss sum':>8} {'warnings':>8} {'load':>5}",
    ]
    for run in result.runs.values():
        per = 1000 * run.wall_s / result.articles
        label = run.label + (" (stopped)" if run.stopped else "")
        lines.append(
            f"{label:28} {run.wall_s:8.2f} {run.cpu_s:8.2f} {per:10.1f} "
            f"{run.peak_pss_mib:15.1f} {run.peak_rss_mib:8.1f} {run.warnings:8d} "
            f"{run.load_before:5.2f}"
        )
    lines.append("")
    lines.append(
        f"{'site':8} {'pages':>6} {'output MiB':>11} {'article KiB':>12} {'search KiB':>11}"
    )
    for name, site in result.sites.items():
        lines.append(
            f"{name:8} {site.pages:6d} {site.output_mib:11.2f} {site.article_page_kib:12.1f} "
            f"{site.search_index_kib + site.pagefind_kib:11.1f}"
        )
    lines.append("")
    lines.append("ratios ours / plain (<=: the plain build was stopped, an upper bound):")
    bounds = set(result.bounds())
    for key, value in result.ratios().items():
        lines.append(f"  {key:34} {'<=' if key in bounds else '  '}{value:6.3f}")
    for note in result.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def write_results(result: Result, workdir: Path) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / f"results-{result.articles}.partial.json").unlink(missing_ok=True)
    data = result.as_dict()
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    (workdir / f"results-{result.articles}.json").write_text(text, encoding="utf-8")
    path = workdir / "results.json"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb bench", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, default=100, help="number of articles (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--out", help="work folder (default build/bench)")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain Sphinx build")
    parser.add_argument(
        "--plain-timeout",
        type=float,
        metavar="SECONDS",
        help="stop a plain build after this long (its time is then a lower bound; at 2,000 "
        "articles the plain build takes the better part of an hour)",
    )


def run_from_args(args: argparse.Namespace) -> int:
    from healthkb.cli.main import project_root

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


if __name__ == "__main__":
    raise SystemExit(main())
