"""Review metadata: the "Page last reviewed" notice and the review checks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.testing.util import SphinxTestApp

from healthkb.core.findings import all_findings
from healthkb.review.metadata import (
    format_date,
    frontmatter_fields,
    parse_date,
    parse_reviewer,
    review_record,
    review_state,
)


def _warnings(app: SphinxTestApp) -> list[str]:
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if line.strip()]


def _kb_lines(app: SphinxTestApp, code: str) -> list[str]:
    return [line for line in _warnings(app) if f"[kb.{code}]" in line]


def _where(line: str) -> str:
    """``articles/x.md:3`` from a warning line about a page under articles/."""
    match = re.match(r"^(.*?):(\d+): ", line)
    assert match, line
    return f"{'/'.join(Path(match[1]).parts[-2:])}:{match[2]}"


def _notice(app: SphinxTestApp, page: str) -> Tag | None:
    soup = BeautifulSoup((app.outdir / page).read_text(encoding="utf-8"), "html.parser")
    found = soup.select_one("article .kb-review")
    return found if isinstance(found, Tag) else None


# -- the notice ----------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="review")
def test_notice_follows_the_nhs_pattern(app: SphinxTestApp) -> None:
    app.build()
    notice = _notice(app, "articles/current.html")
    assert notice is not None
    assert " ".join(notice.get_text().split()) == (
        "Page last reviewed: 1 July 2026 · Next review due: 1 July 2027 · "
        "Reviewed by Jane Smith, Physiotherapist"
    )
    times = [(t["datetime"], t.get_text()) for t in notice.find_all("time")]
    assert times == [("2026-07-01", "1 July 2026"), ("2027-07-01", "1 July 2027")]
    # The separators are decoration: screen readers skip them.
    assert all(sep["aria-hidden"] == "true" for sep in notice.select(".kb-review__sep"))


@pytest.mark.sphinx("html", testroot="review")
def test_notice_closes_the_article(app: SphinxTestApp) -> None:
    app.build()
    soup = BeautifulSoup((app.outdir / "articles/current.html").read_text(), "html.parser")
    article = soup.select_one("article")
    assert article is not None
    notice = article.select_one(".kb-review")
    assert notice is not None
    # Nothing of the article's own text comes after the notice: only the related articles.
    after = [
        el
        for el in notice.find_all_next("p")
        if el.find_parent("article") is article
        and el.find_parent("nav") is None
        and el.find_parent(class_="kb-review") is None
    ]
    assert after == []
    related = notice.find_next_sibling()
    assert related is not None and related.name == "nav"


@pytest.mark.sphinx("html", testroot="review")
def test_reviewer_as_name_and_role_text(app: SphinxTestApp) -> None:
    app.build()
    notice = _notice(app, "articles/string-reviewer.html")
    assert notice is not None
    assert notice.get_text().strip().endswith("Reviewed by Tom Whitfield, Sports therapist")


@pytest.mark.sphinx("html", testroot="review")
def test_article_without_review_says_so(app: SphinxTestApp) -> None:
    app.build()
    notice = _notice(app, "articles/missing.html")
    assert notice is not None
    assert notice.get_text(strip=True) == "This page has not been reviewed yet."
    assert "kb-review--none" in notice["class"]


@pytest.mark.sphinx("html", testroot="review", freshenv=True)
def test_pages_that_are_no_articles(app: SphinxTestApp) -> None:
    app.build()
    assert _notice(app, "about.html") is None
    guide = _notice(app, "guide.html")
    assert guide is not None
    assert "Reviewed by Priya Natarajan, Clinical editor" in guide.get_text()
    # Only articles need review metadata.
    assert not [line for line in _kb_lines(app, "review-missing") if "guide.md" in line]
    assert not [line for line in _kb_lines(app, "review-missing") if "about.md" in line]


@pytest.mark.sphinx("text", testroot="review")
def test_text_builder_shows_the_notice(app: SphinxTestApp) -> None:
    app.build()
    text = (app.outdir / "articles" / "current.txt").read_text(encoding="utf-8")
    flat = " ".join(text.split())
    assert (
        "Page last reviewed: 1 July 2026 · Next review due: 1 July 2027 · Reviewed by Jane "
        "Smith, Physiotherapist" in flat
    )
    assert flat.index("Foam rolling the upper back is safe.") < flat.index("Page last reviewed")


# -- the checks ------------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="review", freshenv=True)
def test_overdue_with_a_fixed_today(app: SphinxTestApp) -> None:
    app.build()
    (line,) = _kb_lines(app, "review-overdue")
    assert _where(line) == "articles/overdue.md:4"  # the review_due line
    assert (
        "WARNING: review overdue: the next review was due on 10 January 2027 (2027-01-10)" in line
    )
    assert "50 days before today (2027-03-01)" in line
    # Due soon, current and acknowledged pages raise nothing; the acknowledged one is
    # counted in the build's summary line and kept, with its reason, for kb report.
    status = re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())
    assert "acknowledged [kb.review-overdue]" not in status
    assert re.search(r'kb: editorial backlog: .*\b1 acknowledged; run "kb report"', status)
    (ack,) = [f for f in all_findings(app.env) if f["acknowledged"]]
    assert (ack["code"], ack["docname"]) == ("review-overdue", "articles/acknowledged")
    assert "The reviewer is on leave" in ack["acknowledged"]


@pytest.mark.sphinx("html", testroot="review", confoverrides={"kb_today": "2026-08-01"})
def test_today_decides_what_is_overdue(app: SphinxTestApp) -> None:
    app.build()
    assert _kb_lines(app, "review-overdue") == []
    assert not [f for f in all_findings(app.env) if f["code"] == "review-overdue"]


@pytest.mark.sphinx("html", testroot="review", freshenv=True)
def test_overdue_is_checked_on_every_build(app: SphinxTestApp) -> None:
    """A page becomes overdue without being edited: the check reads the stored records."""
    app.build()
    assert len(_kb_lines(app, "review-overdue")) == 1
    app.warning.truncate(0)
    app.warning.seek(0)
    app.build()  # nothing changed
    assert len(_kb_lines(app, "review-overdue")) == 1
    overdue = [f for f in all_findings(app.env) if f["code"] == "review-overdue"]
    assert [(f["docname"], f["acknowledged"] is None) for f in overdue] == [
        ("articles/acknowledged", False),
        ("articles/overdue", True),
    ]


@pytest.mark.sphinx("html", testroot="review", freshenv=True)
def test_missing_and_incomplete_review_metadata(app: SphinxTestApp) -> None:
    app.build()
    lines = _kb_lines(app, "review-missing")
    assert [_where(line) for line in lines] == ["articles/missing.md:1", "articles/partial.md:2"]
    assert (
        "this article has no review metadata: add reviewed, review_due and reviewed_by"
        in (lines[0])
    )
    assert "incomplete review metadata: review_due, reviewed_by role missing" in lines[1]
    assert "WARNING" in lines[0] and "WARNING" in lines[1]


@pytest.mark.sphinx("html", testroot="review", freshenv=True)
def test_bad_dates_are_errors_with_file_and_line(app: SphinxTestApp) -> None:
    app.build()
    found = {_where(line): line for line in _kb_lines(app, "review-invalid")}
    assert sorted(found) == [
        "articles/bad-date.md:3",
        "articles/bad-format.md:2",
        "articles/bad-reviewer.md:4",
        "articles/due-before.md:3",
    ]
    assert all("ERROR" in line for line in found.values())
    # MyST cannot read front matter with a 13th month; the check still names the field.
    assert (
        "review_due: '2026-13-01' is not a valid date: no such date"
        in (found["articles/bad-date.md:3"])
    )
    assert (
        "reviewed: '1 July 2026' is not a valid date: write dates as YYYY-MM-DD"
        in (found["articles/bad-format.md:2"])
    )
    assert (
        "review_due (2026-06-01) must be after reviewed (2026-07-01)"
        in (found["articles/due-before.md:3"])
    )
    assert 'use {name: ..., role: ...} or "Name, Role"' in found["articles/bad-reviewer.md:4"]
    # The valid parts still show.
    notice = _notice(app, "articles/bad-format.html")
    assert notice is not None
    assert notice.get_text().startswith("Next review due: 1 July 2027")


@pytest.mark.sphinx("html", testroot="review")
def test_review_states(app: SphinxTestApp) -> None:
    app.build()
    today = dt.date(2027, 3, 1)
    states = {
        page: review_state(review_record(app.env, f"articles/{page}"), today)
        for page in (
            "current",
            "string-reviewer",
            "due-soon",
            "overdue",
            "acknowledged",
            "missing",
            "partial",
            "bad-date",
        )
    }
    assert states == {
        "current": "current",
        "string-reviewer": "current",
        "due-soon": "due-soon",
        "overdue": "overdue",
        "acknowledged": "overdue",
        "missing": "missing",
        "partial": "incomplete",
        "bad-date": "invalid",
    }
    assert review_state(review_record(app.env, "about"), today) == "n/a"


@pytest.mark.sphinx("html", testroot="review", confoverrides={"kb_today": "March 2027"})
def test_invalid_today_falls_back_with_a_warning(app: SphinxTestApp) -> None:
    app.build()
    assert any(
        "kb_today must be an ISO date (YYYY-MM-DD), got 'March 2027'" in line
        and "[kb.config]" in line
        for line in _warnings(app)
    )


# -- parsing -------------------------------------------------------------------------------
def test_parse_date() -> None:
    assert parse_date("2026-07-01") == (dt.date(2026, 7, 1), "")
    assert parse_date(dt.date(2026, 7, 1)) == (dt.date(2026, 7, 1), "")
    assert parse_date("'2026-07-01'")[0] == dt.date(2026, 7, 1)
    for bad in ("1 July 2026", "2026-7-1", "07/01/2026", "", "2026-02-30"):
        day, problem = parse_date(bad)
        assert day is None and problem, bad


def test_format_date_is_nhs_style() -> None:
    assert format_date(dt.date(2026, 7, 1)) == "1 July 2026"
    assert format_date(dt.date(2027, 1, 31)) == "31 January 2027"


def test_parse_reviewer() -> None:
    assert parse_reviewer({"name": "Jane Smith", "role": "Physiotherapist"}) == (
        "Jane Smith",
        "Physiotherapist",
        "",
    )
    assert parse_reviewer("Jane  Smith, Clinical editor") == ("Jane Smith", "Clinical editor", "")
    assert parse_reviewer("Jane Smith") == ("Jane Smith", "", "")
    assert parse_reviewer({"name": "X", "title": "Y"})[2].startswith("unknown keys title")
    assert parse_reviewer(["Jane", "Physio"])[2]


def test_frontmatter_fields_keep_their_lines() -> None:
    text = (
        "---\ntitle: T\nreviewed: 2026-13-01\nreviewed_by:\n  name: Jane\n  role: Physio\n"
        "tags: [a, b]\n---\n\n# T\nreviewed: not front matter\n"
    )
    fields = frontmatter_fields(text)
    assert fields["reviewed"] == (3, "2026-13-01")
    assert fields["reviewed_by"] == (4, "name: Jane\nrole: Physio")
    assert fields["tags"] == (7, "[a, b]")
    assert frontmatter_fields("# No front matter\nreviewed: 2026-01-01\n") == {}
