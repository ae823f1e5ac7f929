"""``kb report``: build (incrementally, with the folders and settings of ``make html``, so its
environment is reused) and report the editorial backlog (:mod:`healthkb.cli.report`)."""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util.docutils import docutils_namespace, patch_docutils

from healthkb.cli.options import CONF, DOCTREES, OUT, SOURCE, project_root
from healthkb.cli.report import collect, render_text


def run(args: argparse.Namespace) -> int:
    root = project_root()
    outdir = Path(args.outdir) if args.outdir else root / OUT
    warnings = io.StringIO()
    try:
        with patch_docutils(root / CONF), docutils_namespace():
            app = Sphinx(
                root / SOURCE,
                root / CONF,
                outdir,
                outdir / ".doctrees" if args.outdir else root / DOCTREES,
                "html",
                # The same settings as `make html` (-n), so its environment is reused.
                confoverrides={"nitpicky": True},
                status=io.StringIO(),
                warning=warnings,
                parallel=args.jobs,
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
