"""``kb import``: article files (blog exports, legacy posts, answers pages) as MyST pages.

The work is :func:`healthkb.importer.pipeline.run_import`; this module finds the project's
settings (the site's origin, the curation file, the safety rules), runs it and prints what
happened to each file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from healthkb.cli.options import CONF, SOURCE, project_root
from healthkb.core.config import load_site_settings
from healthkb.importer import curation as curation_mod
from healthkb.importer.pipeline import RunResult, run_import
from healthkb.importer.safety import project_rules
from healthkb.language.source import ConfigError


def run(args: argparse.Namespace) -> int:
    """Import article files (or folders of them) as MyST pages; see healthkb.importer."""
    root = project_root()
    origin = args.origin or _site_origin(root)
    if origin is None:
        return 2
    curation = None
    curation_path = args.curation or (root / CONF / "import-curation.toml")
    if not args.no_curation and (args.curation or curation_path.is_file()):
        try:
            curation = curation_mod.load(Path(curation_path))
        except curation_mod.CurationError as exc:
            print(f"kb import: {exc}", file=sys.stderr)
            return 2
    try:
        rules = project_rules(root)  # the safety cards' rule ids: conf/safety-concepts.toml
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"kb import: {problem}", file=sys.stderr)
        return 2
    into = Path(args.into) if args.into else root / SOURCE
    run = run_import(
        [Path(p) for p in args.paths],
        into=into,
        origin=origin,
        dry_run=args.dry_run,
        force=args.force,
        curation=curation,
        rules=rules,
    )
    if args.json:
        json.dump(run.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print_run(run, verbose=args.verbose, out=sys.stdout)
    return run.exit_code


def _site_origin(root: Path) -> str | None:
    origin = load_site_settings(root / CONF / "site.toml").origin.rstrip("/")
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
