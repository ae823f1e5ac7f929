"""The site benchmark: our import + build against a plain Sphinx build of the same corpus.

    kb bench --n 100            (or: make bench N=100)

In one run, on one synthetic corpus of ``n`` articles (:mod:`healthkb.importer.synthetic`,
all three source shapes, deterministic for ``--seed``):

(a) **ours**: ``kb import`` of the raw files into a copy of the project's docs (hubs,
    about, registry), then the project's build (``python -m healthkb.perf.build``: Sphinx
    with the process tuned as ``make html`` runs it) with its ``conf/`` and options
    (``kb build``'s command, :mod:`healthkb.cli.options`, with ``-W`` left out: a
    synthetic corpus has findings; they are counted);
(b) **plain**: the same raw files as ``.md`` pages built by Sphinx with myst-parser and
    furo only (a throwaway ``conf.py``, a glob toctree of every page);

each built fresh with ``-j 1`` and with the project's default parallelism (ours with the
CPU time of its content checks per article, :mod:`healthkb.core.timing`); then, with
the default parallelism, an incremental rebuild after editing one article and a no-op
rebuild. For every build: wall and CPU seconds (the whole process tree), peak memory
of the process tree (resident set summed over every process, and the proportional set
size that counts shared pages once; polled from /proc), output bytes, the HTML bytes of
one article page (the same source article in both sites) and the search index bytes
(``searchindex.js`` and the answer index, ``kb-index/``, whichever the site has).

With ``--plain-timeout`` a plain build still running after that many seconds is
stopped: its time is then a lower bound, and the ratios that divide by it are upper
bounds (marked ``<=``). It prints a table with the ratios ours / plain and writes the
figures as JSON
(``build/bench/results.json`` and ``build/bench/results-<n>.json``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from healthkb.cli.bench.measure import measure
from healthkb.cli.bench.results import Result, Site
from healthkb.cli.options import build_command, default_jobs
from healthkb.core.timing import ENV as PHASES_ENV
from healthkb.core.timing import read_phases
from healthkb.importer import synthetic as corpus
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
#: The options of the builds measured with the speed layer off (``kb bench --layer-off``).
LAYER_OFF = ("-D", "kb_fast_build=0")
#: Appended to one paragraph of one article for the incremental rebuild.
EDIT = " This sentence was added to measure an incremental rebuild."


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


def ours_build(
    root: Path, docs: Path, out: Path, jobs: str, extra: Sequence[str] = ()
) -> list[str]:
    """The project's build of ``docs`` (``kb build``'s command, without ``-W``: a synthetic
    corpus has findings; they are counted). The doctrees stay in the bench's output."""
    return build_command(
        root,
        source=docs,
        out=out,
        doctrees=out / ".doctrees",
        jobs=jobs,
        strict=False,
        extra=extra,
    )


def plain_build(site: Path, out: Path, jobs: str) -> list[str]:
    """Plain ``sphinx-build`` of the plain site (its conf.py in ``site``)."""
    return [
        *(sys.executable, "-m", "sphinx", "-b", "html", "-c", str(site)),
        *("-j", jobs, "-d", str(out / ".doctrees"), str(site), str(out)),
    ]


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def weigh(out: Path, page: str) -> Site:
    html = out / f"{page}.html"
    # The site's pages: not Sphinx's doctree folder (inside the output, by default).
    pages = sum(1 for p in out.rglob("*.html") if not {"_static", ".doctrees"} & set(p.parts))
    return Site(
        pages=pages,
        output_mib=round(sum(_size(p) for p in out.iterdir() if p.name != ".doctrees") / 2**20, 2),
        article_page=page,
        article_page_kib=round(_size(html) / 1024, 1) if html.is_file() else 0.0,
        search_index_kib=round(_size(out / "searchindex.js") / 1024, 1),
        answer_index_kib=round(_size(out / "kb-index") / 1024, 1),
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
    layer_off: bool = False,
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
    raw = corpus.write(base / "raw", n, seed)
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
    # With layer_off, every build of ours is followed at once by the same build with the
    # speed layer switched off (its own output folder), so both meet the same machine.
    variants: list[tuple[str, str, Sequence[str]]] = [("ours", "", ())]
    if layer_off:
        variants.append(("ours, layer off", "-layer-off", LAYER_OFF))

    def build(name: str, folder: str, extra: Sequence[str], kind: str, j: str) -> None:
        out = base / "ours" / (("out-j1" if kind == "build -j 1" else "out") + folder)
        log = {"build -j 1": "build-j1", "build -j default": "build"}.get(kind, kind)
        label = f"{name}: {kind}"
        # The clean builds of ours time the content checks' phases (healthkb.core.timing).
        times = base / "phases" / log if name == "ours" and kind.startswith("build") else None
        if times is not None:
            times.mkdir(parents=True)
        say(f"bench: {label}")
        result.runs[label] = measure(
            label,
            ours_build(root, docs, out, j, extra),
            cwd=root,
            log=logs / f"{name.replace(', ', '-').replace(' ', '-')}-{log}.log",
            extra_env={PHASES_ENV: str(times)} if times is not None else None,
        )
        if times is not None:
            result.phases[label] = {
                phase: round(1000 * seconds / n, 2)
                for phase, (seconds, _calls) in read_phases(times).items()
            }
        checkpoint()

    for label, j in (("-j 1", "1"), ("-j default", jobs)):
        for name, folder, extra in variants:
            build(name, folder, extra, f"build {label}", j)
    result.sites["ours"] = weigh(base / "ours" / "out", page)
    if page:
        edit_one(docs / f"{page}.md")
    for kind in ("incremental", "no-op"):
        for name, folder, extra in variants:
            build(name, folder, extra, kind, jobs)

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
                plain_build(site, out, j),
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
                    plain_build(site, out, jobs),
                    cwd=site,
                    log=logs / f"plain-{name}.log",
                )
                checkpoint()
    result.notes.append(
        f"load average before the run: {os.getloadavg()[0]:.2f} (see load_before per run)"
    )
    return result
