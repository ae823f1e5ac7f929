"""``kb lock`` and ``kb check``: the published URLs of the built site against
conf/permalinks.lock (see :mod:`healthkb.site.permalinks`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from healthkb.cli.options import CONF, OUT, project_root
from healthkb.site.permalinks import (
    RedirectError,
    check_lock,
    load_redirects,
    published_urls,
    write_lock,
)


def _site_and_lock(args: argparse.Namespace) -> tuple[Path, Path, Path]:
    root = project_root()
    site = Path(args.site) if args.site else root / OUT
    return site, root / CONF / "permalinks.lock", root / CONF / "redirects.toml"


def run_lock(args: argparse.Namespace) -> int:
    site, lock, _ = _site_and_lock(args)
    if not (site / "index.html").is_file():
        print(f"kb lock: no built site in {site}; run `make html` first", file=sys.stderr)
        return 2
    urls = published_urls(site)
    write_lock(lock, urls)
    pages = sum(1 for url in urls if "#" not in url)
    print(f"kb lock: {lock} holds {len(urls)} URLs ({pages} pages, {len(urls) - pages} fragments)")
    return 0


def run_check(args: argparse.Namespace) -> int:
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
