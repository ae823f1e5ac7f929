"""``kb build``: the site's one build (:mod:`healthkb.cli.options`), with warnings as errors.

``make html`` runs it, and so do Read the Docs and the GitHub workflow. ``--out`` names
another output folder (Read the Docs publishes ``$READTHEDOCS_OUTPUT/html``); options it does
not know are ``sphinx-build``'s and passed through (``kb build -E`` reads every page again).
``--dry-run`` prints the command instead of running it.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
from pathlib import Path

from healthkb.cli.options import build_command, project_root
from healthkb.perf.build import precompile


def command(args: argparse.Namespace, extra: list[str]) -> list[str]:
    """The build command for these arguments."""
    root = project_root()
    return build_command(
        root,
        builder=args.builder,
        out=Path(args.out).resolve() if args.out else None,
        doctrees=Path(args.doctrees).resolve() if args.doctrees else None,
        jobs=args.jobs,
        extra=extra,
    )


def run(args: argparse.Namespace, extra: list[str]) -> int:
    cmd = command(args, extra)
    if args.dry_run:
        print(shlex.join(cmd))
        return 0
    precompile(project_root() / "conf")
    # A child process rather than a build in this one: the build process tunes its own
    # interpreter (healthkb.perf.build) before Sphinx is imported.
    return subprocess.call(cmd)
