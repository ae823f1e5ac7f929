"""The ``kb`` command: build, check, report on and import the knowledge base."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_SPHINXOPTS = ["-W", "--keep-going", "-n", "-j", "auto"]


def project_root() -> Path:
    """The checkout that holds docs/ and conf/ (the current directory or a parent)."""
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "conf" / "conf.py").is_file() and (candidate / "docs").is_dir():
            return candidate
    return here


def cmd_build(args: argparse.Namespace) -> int:
    root = project_root()
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        args.builder,
        "-c",
        str(root / "conf"),
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
    from healthkb.permalinks import published_urls, write_lock

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
    from healthkb.permalinks import RedirectError, check_lock, load_redirects

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


def cmd_report(args: argparse.Namespace) -> int:
    """Build (incrementally, like `make html`) and report the editorial backlog."""
    import io
    import json
    import os
    import re

    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from healthkb.report import collect, render_text

    root = project_root()
    outdir = Path(args.outdir) if args.outdir else root / "build" / "html"
    warnings = io.StringIO()
    try:
        with patch_docutils(root / "conf"), docutils_namespace():
            app = Sphinx(
                root / "docs",
                root / "conf",
                outdir,
                outdir / ".doctrees",
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
    report = sub.add_parser(
        "report",
        help="build, then print per page its review state, open findings, claims that need a "
        "source and acknowledged findings (also as JSON)",
    )
    report.add_argument("--json", help="where to write the JSON (default build/report.json)")
    report.add_argument("--outdir", help="the HTML build to update (default build/html)")
    report.add_argument("-j", "--jobs", type=int, help="parallel processes (default: all cores)")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
