"""The editorial report behind ``kb report``: per page, its review state, open findings
by check, claims that need a source, and acknowledged findings; then each page's reading
level (:mod:`healthkb.cli.reading`).

:func:`collect` reads a built environment (after a Sphinx build, so build-wide
checks have run); :func:`render_text` prints it; the JSON form is the same data.
Both are deterministic: pages sorted by path, findings by line.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from sphinx.environment import BuildEnvironment

from healthkb.cli.reading import collect_reading, render_reading
from healthkb.core.domain import kb_domain
from healthkb.core.findings import all_findings
from healthkb.review.metadata import RECORD_KIND as REVIEW_KIND
from healthkb.review.metadata import review_state, today

NEEDS_SOURCE_CHECK = "citation-needs-source"
STATES = ("current", "due-soon", "overdue", "incomplete", "missing", "invalid")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def collect(
    env: BuildEnvironment, root: Path, build_warnings: list[str] | None = None
) -> dict[str, Any]:
    """The report as plain data (see extensions/healthkb/README.md, "Editorial report")."""
    on = today(env.config)
    soon = int(env.config.kb_review_due_soon_days)
    domain = kb_domain(env)
    reviews = domain.records(REVIEW_KIND)
    needs = domain.records("needs-source")
    pages: dict[str, dict[str, Any]] = {}

    def entry(docname: str | None, path: str) -> dict[str, Any]:
        if path not in pages:
            title = env.titles.get(docname) if docname else None
            pages[path] = {
                "path": path,
                "page": docname,
                "title": title.astext() if title is not None else "",
                "article": False,
                "review": None,
                "findings": {},
                "needs_source": [],
                "acknowledged": [],
            }
        return pages[path]

    def doc_path(docname: str) -> str:
        return _shown(Path(env.doc2path(docname)), root)

    srcdir = Path(env.srcdir)
    for docname in sorted(env.found_docs):
        record = reviews.get(docname, [None])[0]
        if record is None:
            continue
        page = entry(docname, doc_path(docname))
        page["article"] = bool(record["article"])
        page["review"] = {
            "state": review_state(record, on, soon),
            "reviewed": record["reviewed"] or None,
            "review_due": record["review_due"] or None,
            "reviewed_by": record["reviewed_by"],
            "missing": list(record["missing"]),
            "invalid": list(record["invalid"]),
        }
    findings = all_findings(env)
    for finding in findings:
        docname = finding["docname"]
        if docname in env.found_docs:
            page = entry(docname, doc_path(docname))
        else:  # a file that is not a page (the source registry)
            page = entry(None, _shown(srcdir / docname, root))
        item = {
            "check": finding["code"],
            "level": finding["level"],
            "line": finding["lineno"],
            "message": finding["message"],
            "target": finding["target"],
        }
        if finding["acknowledged"] is not None:
            page["acknowledged"].append({**item, "reason": finding["acknowledged"]})
        elif finding["code"] != NEEDS_SOURCE_CHECK:
            page["findings"].setdefault(finding["code"], []).append(item)
    for docname in sorted(needs):
        if docname not in env.found_docs:
            continue
        page = entry(docname, doc_path(docname))
        for record in needs[docname]:
            page["needs_source"].append(
                {
                    "line": record["lineno"],
                    "claim": record["claim"],
                    # The section it is in (none when it is in the page's lead).
                    "section": "" if record.get("top") else record["section_title"],
                }
            )
    ordered = []
    for path in sorted(pages):
        page = pages[path]
        page["findings"] = {
            code: sorted(items, key=lambda i: (i["line"] or 0, i["message"]))
            for code, items in sorted(page["findings"].items())
        }
        page["needs_source"].sort(key=lambda i: (i["line"] or 0, i["claim"]))
        page["acknowledged"].sort(key=lambda i: (i["line"] or 0, i["check"], i["message"]))
        ordered.append(page)
    states = Counter(p["review"]["state"] for p in ordered if p["article"] and p["review"])
    open_counts: Counter[str] = Counter()
    for page in ordered:
        for code, items in page["findings"].items():
            open_counts[code] += len(items)
    return {
        "today": on.isoformat(),
        "summary": {
            "pages": len(env.found_docs),
            "articles": sum(1 for p in ordered if p["article"]),
            "review": {state: states.get(state, 0) for state in STATES},
            "open_findings": dict(sorted(open_counts.items())),
            "needs_source": sum(len(p["needs_source"]) for p in ordered),
            "acknowledged": sum(len(p["acknowledged"]) for p in ordered),
        },
        "pages": ordered,
        "reading": collect_reading(env, doc_path, findings),
        "build_warnings": list(build_warnings or []),
    }


def _line(value: int | None) -> str:
    return f"line {value}" if value else "-"


def _review_text(review: dict[str, Any] | None, article: bool) -> str:
    if review is None:
        return "not an article" if not article else "missing"
    state = review["state"]
    parts = [state]
    if review["reviewed"]:
        parts.append(f"reviewed {review['reviewed']}")
    if review["review_due"]:
        parts.append(f"due {review['review_due']}")
    person = review.get("reviewed_by")
    if person:
        parts.append(f"by {person['name']}" + (f", {person['role']}" if person["role"] else ""))
    if review["missing"] and state != "missing":
        parts.append(f"missing {', '.join(review['missing'])}")
    if review["invalid"]:
        parts.append(f"invalid {', '.join(review['invalid'])}")
    return "; ".join(parts)


def render_text(report: dict[str, Any]) -> str:
    """The report as plain text, summary first."""
    summary = report["summary"]
    reading = report["reading"]
    review = ", ".join(f"{n} {state}" for state, n in summary["review"].items() if n)
    findings = ", ".join(f"{code} {n}" for code, n in summary["open_findings"].items())
    total_open = sum(summary["open_findings"].values())
    lines = [
        f"kb report ({report['today']}): {summary['pages']} pages, {summary['articles']} articles",
        f"  review: {review or 'no articles'}",
        f"  open findings: {total_open}" + (f" ({findings})" if findings else ""),
        f"  claims that need a source: {summary['needs_source']}",
        f"  acknowledged findings: {summary['acknowledged']}",
        f"  reading level (target: grade {reading['target_grade']:g}): pages above it "
        f"{reading['pages_above_target']} of {len(reading['pages'])}, sections "
        f"{reading['sections_above_target']}",
    ]
    for page in report["pages"]:
        heading = page["path"] + (f"  {page['title']}" if page["title"] else "")
        lines += ["", heading]
        if page["page"] is not None and (page["article"] or page["review"] is not None):
            lines.append(f"  review: {_review_text(page['review'], page['article'])}")
        for code, items in page["findings"].items():
            lines.append(f"  {code} ({len(items)}):")
            for item in items:
                lines.append(f"    {_line(item['line'])} [{item['level']}] {item['message']}")
        if page["needs_source"]:
            lines.append(f"  needs a source ({len(page['needs_source'])}):")
            for item in page["needs_source"]:
                where = f" (in {item['section']})" if item["section"] else ""
                lines.append(f"    {_line(item['line'])} {item['claim']}{where}")
        if page["acknowledged"]:
            lines.append(f"  acknowledged ({len(page['acknowledged'])}):")
            for item in page["acknowledged"]:
                lines.append(
                    f"    {_line(item['line'])} {item['check']}: {item['message']} "
                    f"(reason: {item['reason']})"
                )
    lines += render_reading(reading)
    if report["build_warnings"]:
        lines += ["", f"other build warnings ({len(report['build_warnings'])}):"]
        lines += [f"  {w}" for w in report["build_warnings"]]
    return "\n".join(lines) + "\n"
