"""The ``kb`` command: build, check, report on and import the knowledge base."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from healthkb.importer.pipeline import RunResult


def default_jobs() -> str:
    """Sphinx processes for the build: one per core, plus one.

    Sphinx reads with ``-j`` processes but writes with ``-j - 1`` worker processes while
    the main process resolves and indexes every page, so ``-j auto`` on two cores writes
    with one worker. Measured on this project (2 cores, 300 articles): ``-j 3`` builds
    about 15% faster than ``-j 2`` (``-j auto``), and ``-j 4`` no faster than ``-j 3``.
    """
    return str((os.cpu_count() or 1) + 1)


DEFAULT_SPHINXOPTS = ["-W", "--keep-going", "-n", "-j", default_jobs()]
#: Sphinx's environment and the extension's caches (as `make html`): outside the published site,
#: build/html, where Sphinx would put them by default.
DOCTREES = "build/doctrees"


def project_root() -> Path:
    """The checkout that holds docs/ and conf/ (the current directory or a parent)."""
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "conf" / "conf.py").is_file() and (candidate / "docs").is_dir():
            return candidate
    return here


def cmd_build(args: argparse.Namespace) -> int:
    from healthkb.perf.build import precompile

    root = project_root()
    precompile(root / "conf")
    cmd = [
        sys.executable,
        "-m",
        "healthkb.perf.build",
        "-b",
        args.builder,
        "-c",
        str(root / "conf"),
        # As `make html`: the environment and caches outside the published site.
        "-d",
        str(root / DOCTREES),
        *DEFAULT_SPHINXOPTS,
        str(root / "docs"),
        str(root / "build" / args.builder),
    ]
    return subprocess.call(cmd)


def _site_and_lock(args: argparse.Namespace) -> tuple[Path, Path, Path]:
    root = project_root()
    site = Path(args.site) if args.site else root / "build" / "html"
    return site, root / "conf" / "permalinks.lock", root / "conf" / "redirects.toml"


def cmd_lock(args: argparse.Namespace) -> int:
    from healthkb.site.permalinks import published_urls, write_lock

    site, lock, _ = _site_and_lock(args)
    if not (site / "index.html").is_file():
        print(f"kb lock: no built site in {site}; run `make html` first", file=sys.stderr)
        return 2
    urls = published_urls(site)
    write_lock(lock, urls)
    pages = sum(1 for url in urls if "#" not in url)
    print(f"kb lock: {lock} holds {len(urls)} URLs ({pages} pages, {len(urls) - pages} fragments)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from healthkb.site.permalinks import RedirectError, check_lock, load_redirects

    site, lock, redirects_path = _site_and_lock(args)
    if not (site / "index.html").is_file():
        print(f"kb check: no built site in {site}; run `make html` first", file=sys.stderr)
        return 2
    if not lock.is_file():
        print(f"kb check: {lock} is missing; create it with `kb lock`", file=sys.stderr)
        return 1
    try:
        redirects = load_redirects(redirects_path)
    except RedirectError as err:
        print(f"kb check: {err}", file=sys.stderr)
        return 1
    result = check_lock(site, lock, redirects)
    for line in result.redirected:
        print(f"kb check: redirected: {line}")
    for url in result.unlocked:
        print(f"kb check: not in the lock yet (run `kb lock` to publish it): {url}")
    for line in result.broken:
        print(f"kb check: broken: {line}", file=sys.stderr)
    if result.broken:
        print(f"kb check: {len(result.broken)} published link(s) broken", file=sys.stderr)
        return 1
    print(f"kb check: every URL of {lock.name} resolves")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import article files (or folders of them) as MyST pages; see healthkb.importer."""
    from healthkb.importer import curation as curation_mod
    from healthkb.importer.pipeline import run_import

    root = project_root()
    origin = args.origin or _site_origin(root)
    if origin is None:
        return 2
    curation = None
    curation_path = args.curation or (root / "conf" / "import-curation.toml")
    if not args.no_curation and (args.curation or curation_path.is_file()):
        try:
            curation = curation_mod.load(Path(curation_path))
        except curation_mod.CurationError as exc:
            print(f"kb import: {exc}", file=sys.stderr)
            return 2
    into = Path(args.into) if args.into else root / "docs"
    run = run_import(
        [Path(p) for p in args.paths],
        into=into,
        origin=origin,
        dry_run=args.dry_run,
        force=args.force,
        curation=curation,
    )
    if args.json:
        json.dump(run.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print_run(run, verbose=args.verbose, out=sys.stdout)
    return run.exit_code


def _site_origin(root: Path) -> str | None:
    from healthkb.core.config import load_site_settings

    origin = load_site_settings(root / "conf" / "site.toml").origin.rstrip("/")
    if not origin.startswith(("https://", "http://")) or "localhost" in origin:
        print(
            f"kb import: the origin {origin!r} in conf/site.toml is not a public web address",
            file=sys.stderr,
        )
        return None
    return origin


def _print_run(run: RunResult, *, verbose: bool, out: TextIO) -> None:
    verb = {
        "created": "would create" if run.dry_run else "created",
        "updated": "would update" if run.dry_run else "updated",
        "unchanged": "unchanged",
        "skipped": "skipped",
        "refused": "refused",
    }
    for item in run.files:
        if item.status == "refused":
            print(f"refused   {item.message}", file=out)
            continue
        print(f"{verb[item.status]:<9} {item.page}  <- {item.source}: {item.message}", file=out)
        report = item.report
        if report is None or item.status == "skipped":
            continue
        for removed in report.removed:
            text = " ".join(removed.text.split())
            text = text if len(text) <= 90 else text[:87] + "..."
            print(f"    removed (line {removed.line}, {removed.kind}): {text}", file=out)
        if report.unknown:
            print(f"    not in the source: {', '.join(report.unknown)}", file=out)
        for note in sorted(report.warnings, key=lambda n: n.line or 0):
            print(f"    warning{_at(note.line)}: {note.message}", file=out)
        if verbose:
            for note in sorted(report.notes, key=lambda n: n.line or 0):
                print(f"    note{_at(note.line)}: {note.message}", file=out)
        if run.dry_run and item.diff:
            print(item.diff, file=out, end="" if item.diff.endswith("\n") else "\n")
    registry = run.registry
    if registry is not None:
        added = f"{len(registry.added)} source(s) added" if registry.added else "no new sources"
        state = (
            registry.status
            if not run.dry_run or registry.status == "unchanged"
            else ("would be " + registry.status)
        )
        print(f"sources   {registry.path}: {added} ({state})", file=out)
        for line in registry.conflicts + registry.errors:
            print(f"    {line}", file=out)
        if run.dry_run and registry.diff:
            print(registry.diff, file=out, end="")
    counts: dict[str, int] = {}
    for item in run.files:
        counts[item.status] = counts.get(item.status, 0) + 1
    summary = ", ".join(f"{n} {verb[s]}" for s, n in sorted(counts.items()))
    print(f"{'dry run: ' if run.dry_run else ''}{summary or 'nothing to import'}", file=out)


def _at(line: int | None) -> str:
    return f" (line {line})" if line else ""


def cmd_report(args: argparse.Namespace) -> int:
    """Build (incrementally, like `make html`) and report the editorial backlog."""
    import io
    import json
    import os
    import re

    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from healthkb.cli.report import collect, render_text

    root = project_root()
    outdir = Path(args.outdir) if args.outdir else root / "build" / "html"
    warnings = io.StringIO()
    try:
        with patch_docutils(root / "conf"), docutils_namespace():
            app = Sphinx(
                root / "docs",
                root / "conf",
                outdir,
                outdir / ".doctrees" if args.outdir else root / DOCTREES,
                "html",
                # The same settings as `make html`, so its environment is reused.
                confoverrides={"nitpicky": True},
                status=io.StringIO(),
                warning=warnings,
                parallel=args.jobs or os.cpu_count() or 1,
            )
            app.build()
            other = [
                re.sub(r"\x1b\[[0-9;]*m", "", line)
                for line in warnings.getvalue().splitlines()
                if re.search(r"(WARNING|ERROR|CRITICAL):", line) and "[kb." not in line
            ]
            data = collect(app.env, root, other)
    except SphinxError as exc:
        print(f"kb report: the build failed: {exc}", file=sys.stderr)
        return 2
    json_path = Path(args.json) if args.json else root / "build" / "report.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(render_text(data))
    shown = json_path.relative_to(root) if json_path.is_relative_to(root) else json_path
    print(f"\nkb report: written to {shown}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the site with warnings as errors")
    build.add_argument("-b", "--builder", default="html")
    build.set_defaults(func=cmd_build)
    lock = sub.add_parser("lock", help="record every published URL and fragment in the lock")
    lock.add_argument("--site", help="built site (default build/html)")
    lock.set_defaults(func=cmd_lock)
    check = sub.add_parser("check", help="fail when a locked URL no longer resolves")
    check.add_argument("--site", help="built site (default build/html)")
    check.set_defaults(func=cmd_check)

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
    imp.set_defaults(func=cmd_import)

    report = sub.add_parser(
        "report",
        help="build, then print per page its review state, open findings, claims that need a "
        "source and acknowledged findings (also as JSON)",
    )
    report.add_argument("--json", help="where to write the JSON (default build/report.json)")
    report.add_argument("--outdir", help="the HTML build to update (default build/html)")
    report.add_argument("-j", "--jobs", type=int, help="parallel processes (default: all cores)")
    report.set_defaults(func=cmd_report)

    bench = sub.add_parser(
        "bench",
        help="time import + build against a plain Sphinx build on a synthetic corpus",
        description="Generate N synthetic articles, import and build them with the project's "
        "configuration and with a plain Sphinx + MyST + furo configuration (-j 1 and the "
        "default parallelism, incremental and no-op rebuilds), print a table with the ratios "
        "and write build/bench/results.json.",
    )
    from healthkb.cli.bench.site import add_arguments

    add_arguments(bench)
    bench.set_defaults(func=cmd_bench)
    return parser


def cmd_bench(args: argparse.Namespace) -> int:
    from healthkb.cli.bench.site import run_from_args

    return run_from_args(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
