"""The ``kb`` command: build, check and import the knowledge base."""

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
