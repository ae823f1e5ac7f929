"""`kb report`: the content team's backlog per page, as text and as JSON."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

from healthkb.cli import main as cli
from healthkb.cli.report import collect, render_text
from healthkb.core.findings import all_findings

ROOTS = Path(__file__).resolve().parent / "roots"


def _page(report: dict[str, Any], path_end: str) -> dict[str, Any]:
    (page,) = [p for p in report["pages"] if p["path"].endswith(path_end)]
    return page


@pytest.mark.sphinx("html", testroot="review", freshenv=True)
def test_report_per_page(app: SphinxTestApp) -> None:
    app.build()
    report = collect(app.env, Path(app.srcdir))
    assert report["today"] == "2027-03-01"
    summary = report["summary"]
    assert summary["articles"] == 11
    assert summary["review"] == {
        "current": 2,
        "due-soon": 1,
        "overdue": 2,
        "incomplete": 1,
        "missing": 1,
        "invalid": 4,
    }
    assert summary["open_findings"] == {
        "review-invalid": 4,
        "review-missing": 2,
        "review-overdue": 1,
    }
    assert summary["needs_source"] == 1
    assert summary["acknowledged"] == 1

    overdue = _page(report, "articles/overdue.md")
    assert overdue["title"] == "Overdue review"
    assert overdue["review"]["state"] == "overdue"
    assert overdue["review"]["review_due"] == "2027-01-10"
    assert overdue["review"]["reviewed_by"] == {"name": "Jane Smith", "role": "Physiotherapist"}
    (finding,) = overdue["findings"]["review-overdue"]
    assert finding["line"] == 4 and finding["level"] == "warning"

    missing = _page(report, "articles/missing.md")
    assert missing["review"]["state"] == "missing"
    assert missing["needs_source"] == [
        {"line": 8, "claim": "a 2015 study in the Journal of Athletic Training", "section": ""}
    ]
    # The needs-source claim is listed once, not also as an open finding.
    assert list(missing["findings"]) == ["review-missing"]

    acknowledged = _page(report, "articles/acknowledged.md")
    assert acknowledged["findings"] == {}
    (ack,) = acknowledged["acknowledged"]
    assert ack["check"] == "review-overdue"
    assert ack["reason"] == "The reviewer is on leave; the review is booked for April."

    about = [p for p in report["pages"] if p["path"] == "about.md"]
    assert about == []  # nothing to report on a page that is no article and has no findings
    guide = _page(report, "guide.md")
    assert guide["article"] is False and guide["review"]["state"] == "current"
    # Plain data: the JSON form is the same report.
    assert json.loads(json.dumps(report)) == report


@pytest.mark.sphinx("html", testroot="review")
def test_report_text(app: SphinxTestApp) -> None:
    app.build()
    text = render_text(collect(app.env, Path(app.srcdir)))
    lines = text.splitlines()
    assert lines[0] == "kb report (2027-03-01): 14 pages, 11 articles"
    assert lines[1] == (
        "  review: 2 current, 1 due-soon, 2 overdue, 1 incomplete, 1 missing, 4 invalid"
    )
    assert lines[2] == "  open findings: 7 (review-invalid 4, review-missing 2, review-overdue 1)"
    assert lines[3] == "  claims that need a source: 1"
    assert lines[4] == "  acknowledged findings: 1"
    block = text.split("\narticles/overdue.md  Overdue review\n", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        "  review: overdue; reviewed 2026-01-10; due 2027-01-10; by Jane Smith, Physiotherapist",
        "  review-overdue (1):",
        "    line 4 [warning] review overdue: the next review was due on 10 January 2027 "
        "(2027-01-10), 50 days before today (2027-03-01); review the page, then update "
        "reviewed, review_due and reviewed_by",
    ]
    assert "  needs a source (1):\n    line 8 a 2015 study in the Journal of Athletic Training" in (
        text
    )
    assert "    line 3 review-overdue: review overdue" in text  # acknowledged, with its reason
    assert "(reason: The reviewer is on leave; the review is booked for April.)" in text


def test_kb_report_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`kb report` builds the project it runs in and writes build/report.json."""
    project = tmp_path / "project"
    shutil.copytree(ROOTS / "test-review", project / "docs")
    (project / "conf").mkdir()
    (project / "docs" / "conf.py").rename(project / "conf" / "conf.py")
    monkeypatch.chdir(project / "docs")  # any folder inside the project
    code = cli.main(["report", "-j", "1"])
    assert code == 0
    data = json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))
    assert data["summary"]["open_findings"]["review-overdue"] == 1
    assert _page(data, "articles/overdue.md")["path"] == "docs/articles/overdue.md"
    # MyST's own warning about the unreadable front matter is reported too.
    assert any("Malformed YAML" in w for w in data["build_warnings"])
    # A second run reuses the environment of the first build and says the same.
    assert cli.main(["report", "-j", "1", "--json", str(tmp_path / "again.json")]) == 0
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["pages"] == data["pages"]


@pytest.mark.sphinx("html", testroot="review", freshenv=True)
def test_build_log_shows_what_fails_and_counts_the_backlog(app: SphinxTestApp) -> None:
    """Warnings and errors with file and line; information and acknowledged findings only
    counted, in one summary line; kb report still lists every item."""
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue()).splitlines()
    kb_warnings = [line for line in warnings if "[kb." in line]
    assert kb_warnings
    for line in kb_warnings:
        assert re.match(r"^\S+\.md:\d+: (WARNING|ERROR): .* \[kb\.[a-z-]+\]$", line), line
    status = re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())
    assert "[kb." not in status  # no item logged one by one
    summary = [line for line in status.splitlines() if "editorial backlog" in line]
    assert summary == [
        "kb: editorial backlog: 1 claim needing a source (citation-needs-source), "
        '1 acknowledged; run "kb report" for each item'
    ]
    report = collect(app.env, Path(app.srcdir))
    assert report["summary"]["needs_source"] == 1
    assert report["summary"]["acknowledged"] == 1
    # Every stored finding is in the report: open ones, needs-source claims, acknowledged.
    listed = sum(
        sum(len(items) for items in page["findings"].values())
        + len(page["needs_source"])
        + len(page["acknowledged"])
        for page in report["pages"]
    )
    assert listed == len(all_findings(app.env))
