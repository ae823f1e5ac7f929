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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the site with warnings as errors")
    build.add_argument("-b", "--builder", default="html")
    build.set_defaults(func=cmd_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
