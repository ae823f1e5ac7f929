"""Review metadata: who reviewed a page, when, and when its next review is due.

Front matter (never git dates)::

    reviewed: 2026-07-01
    review_due: 2027-01-01
    reviewed_by: {name: Jane Smith, role: Physiotherapist}   # or "Jane Smith, Physiotherapist"

Every article (:func:`healthkb.core.pages.is_article`) shows, at the end of its
content, the NHS line "Page last reviewed: 1 July 2026 · Next review due:
1 January 2027 · Reviewed by Jane Smith, Physiotherapist". The notice is a node
made when the page is read, so every builder (text, LaTeX, man, Texinfo) shows
it; an article without review metadata says that it has not been reviewed yet.

Checks (type ``kb``, with the file and the line of the front matter field):

- ``review-missing`` (warning): an article without review metadata, or without
  one of the three fields (or the reviewer's role);
- ``review-invalid`` (error): a date that is not ``YYYY-MM-DD`` or does not exist,
  ``review_due`` not after ``reviewed``, a ``reviewed_by`` that is neither
  ``{name, role}`` nor ``"Name, Role"``;
- ``review-overdue`` (warning): "today" is after ``review_due``. "Today" is
  ``kb_today`` (ISO date) when set, else the real date. This check runs on every
  build (``env-updated``) from the stored review records, so a page becomes
  overdue without being edited or re-read.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.findings import report
from healthkb.core.nodes import render_children
from healthkb.core.pages import is_article, meta_value

logger = logging.getLogger(__name__)

RECORD_KIND = "review"
FIELDS = ("reviewed", "review_due", "reviewed_by")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?P<value>.*)$")


# -- parsing ------------------------------------------------------------------------
def frontmatter_fields(text: str) -> dict[str, tuple[int, str]]:
    """Top-level keys of a page's YAML front matter: key -> (line number, raw value).

    Read from the source text, so fields keep their line even when MyST could not
    parse the front matter (a date such as 2026-13-01 is malformed YAML).
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    found: dict[str, tuple[int, str]] = {}
    key = ""
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            break
        match = _KEY_LINE.match(line)
        if match:
            key = match["key"]
            if key not in found:
                found[key] = (number, match["value"].strip())
            else:
                key = ""
        elif key and line[:1].isspace():
            # A block value (an indented mapping or list) continues the key above.
            lineno, value = found[key]
            found[key] = (lineno, f"{value}\n{line}" if value else line)
    return {k: (n, textwrap.dedent(v).strip()) for k, (n, v) in found.items()}


def parse_date(value: Any) -> tuple[dt.date | None, str]:
    """(date, "") or (None, why not) for an ISO ``YYYY-MM-DD`` date."""
    if isinstance(value, dt.date):
        return value, ""
    text = str(value).strip().strip("\"'")
    if not _ISO_DATE.match(text):
        return None, "write dates as YYYY-MM-DD (for example 2026-07-01)"
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError as exc:
        return None, f"no such date ({exc})"


def format_date(day: dt.date) -> str:
    """``1 July 2026`` (the NHS style; independent of the machine's locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def parse_reviewer(value: Any) -> tuple[str, str, str]:
    """(name, role, problem) from ``{name, role}`` or ``"Name, Role"``."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"name", "role"})
        if unknown:
            return "", "", f"unknown keys {', '.join(unknown)} (use name and role)"
        name, role = value.get("name"), value.get("role")
        if not isinstance(name, str) or (role is not None and not isinstance(role, str)):
            return "", "", "name and role must be text"
        return " ".join(name.split()), " ".join((role or "").split()), ""
    if isinstance(value, str):
        name, _, role = value.partition(",")
        return " ".join(name.split()), " ".join(role.split()), ""
    return "", "", 'use {name: ..., role: ...} or "Name, Role"'


@dataclass
class Review:
    """The review metadata of one page, validated."""

    article: bool
    reviewed: str = ""
    review_due: str = ""
    name: str = ""
    role: str = ""
    lines: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)

    def as_record(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "reviewed": self.reviewed,
            "review_due": self.review_due,
            "reviewed_by": {"name": self.name, "role": self.role} if self.name else None,
            "lines": dict(self.lines),
            "missing": list(self.missing),
            "invalid": list(self.invalid),
        }


def _source_fields(env: BuildEnvironment, docname: str) -> dict[str, tuple[int, str]]:
    path = Path(env.doc2path(docname))
    try:
        text = path.read_text(encoding=env.config.source_encoding)
    except (OSError, UnicodeDecodeError):
        return {}
    return frontmatter_fields(text)


def _raw_value(raw: str) -> Any:
    """A field MyST could not give us (malformed front matter), read on its own."""
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    except ValueError:  # a YAML timestamp that is no date (2026-13-01)
        return raw


def read_review(env: BuildEnvironment, docname: str) -> Review | None:
    """Validate the page's review metadata, reporting findings; None when it has none
    and is no article."""
    article = is_article(env, docname)
    meta = env.metadata.get(docname, {})
    present = {key for key in FIELDS if meta.get(key) not in (None, "")}
    sources = _source_fields(env, docname) if (article or present) else {}
    raw_only = {key for key in FIELDS if key not in present and key in sources}
    if not article and not present and not raw_only:
        return None
    review = Review(article=article)
    review.lines = {key: sources[key][0] for key in FIELDS if key in sources}

    def value(key: str) -> Any:
        if key in present:
            return meta_value(env, docname, key)
        return _raw_value(sources[key][1])

    def invalid(key: str, message: str) -> None:
        review.invalid.append(key)
        report(
            env,
            "review-invalid",
            message,
            docname=docname,
            lineno=review.lines.get(key, 1),
            level="error",
            target=key,
        )

    dates: dict[str, dt.date] = {}
    for key in ("reviewed", "review_due"):
        if key not in present and key not in raw_only:
            continue
        raw = value(key)
        day, problem = parse_date(raw)
        if day is None:
            invalid(key, f"{key}: {str(raw)!r} is not a valid date: {problem}")
        else:
            dates[key] = day
    if "reviewed" in dates and "review_due" in dates and dates["review_due"] <= dates["reviewed"]:
        invalid(
            "review_due",
            f"review_due ({dates['review_due']}) must be after reviewed ({dates['reviewed']})",
        )
        del dates["review_due"]
    review.reviewed = dates["reviewed"].isoformat() if "reviewed" in dates else ""
    review.review_due = dates["review_due"].isoformat() if "review_due" in dates else ""

    if "reviewed_by" in present or "reviewed_by" in raw_only:
        name, role, problem = parse_reviewer(value("reviewed_by"))
        if problem or not name:
            invalid("reviewed_by", f"reviewed_by: {problem or 'no name given'}")
        else:
            review.name, review.role = name, role

    missing = [key for key in FIELDS if key not in present and key not in raw_only]
    if review.name and not review.role:
        missing.append("reviewed_by role")
    review.missing = missing
    if article and missing:
        if len(missing) == len(FIELDS):
            message = (
                "this article has no review metadata: add reviewed, review_due and "
                "reviewed_by to its front matter"
            )
        else:
            message = f"incomplete review metadata: {', '.join(missing)} missing"
        first = min(review.lines.values(), default=1)
        report(
            env,
            "review-missing",
            message,
            docname=docname,
            lineno=first,
            target=", ".join(missing),
        )
    return review


# -- the notice -----------------------------------------------------------------------
class review_notice(nodes.General, nodes.Element):
    """The "Page last reviewed ..." line at the end of a page."""


class review_date(nodes.Inline, nodes.TextElement):
    """A date in the notice; ``datetime`` holds the ISO date."""


class review_sep(nodes.Inline, nodes.TextElement):
    """The separator between the notice's parts."""


def notice_node(review: Review) -> review_notice:
    notice = review_notice(classes=["kb-review"])
    para = nodes.paragraph(classes=["kb-review__text"])
    parts: list[list[nodes.Node]] = []
    if review.reviewed:
        day = dt.date.fromisoformat(review.reviewed)
        parts.append(
            [
                nodes.Text("Page last reviewed: "),
                review_date("", format_date(day), datetime=review.reviewed),
            ]
        )
    if review.review_due:
        day = dt.date.fromisoformat(review.review_due)
        parts.append(
            [
                nodes.Text("Next review due: "),
                review_date("", format_date(day), datetime=review.review_due),
            ]
        )
    if review.name:
        who = f"{review.name}, {review.role}" if review.role else review.name
        parts.append([nodes.Text(f"Reviewed by {who}")])
    if not parts:
        parts.append([nodes.Text("This page has not been reviewed yet.")])
        notice["classes"].append("kb-review--none")
    for n, part in enumerate(parts):
        if n:
            para += review_sep("", " · ")
        para.extend(part)
    notice += para
    return notice


def _end_of_content(doctree: nodes.document) -> nodes.Element:
    top = [child for child in doctree.children if isinstance(child, nodes.section)]
    return top[0] if len(top) == 1 else doctree


def _note_review(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    review = read_review(env, docname)
    if review is None:
        return
    kb_domain(env).add_record(RECORD_KIND, docname, review.as_record())
    if review.article or review.reviewed or review.review_due or review.name:
        notice = notice_node(review)
        notice.source, notice.line = doctree.get("source"), 1
        _end_of_content(doctree).append(notice)


def review_record(env: BuildEnvironment, docname: str) -> dict[str, Any] | None:
    records = kb_domain(env).records(RECORD_KIND).get(docname)
    return records[0] if records else None


# -- today and the overdue check ---------------------------------------------------------
def today(config: Config) -> dt.date:
    """``kb_today`` when it is a valid ISO date, else the real date."""
    day, _ = parse_date(config.kb_today) if config.kb_today else (None, "")
    return day or dt.date.today()


def review_state(record: dict[str, Any] | None, on: dt.date, soon_days: int = 30) -> str:
    """``current``, ``due-soon``, ``overdue``, ``missing``, ``incomplete``, ``invalid``
    or ``n/a`` (a page that is no article and has no review metadata)."""
    if record is None:
        return "n/a"
    if record["invalid"]:
        return "invalid"
    if record["missing"] and len(record["missing"]) >= len(FIELDS):
        return "missing"
    due = dt.date.fromisoformat(record["review_due"]) if record["review_due"] else None
    if due is not None and on > due:
        return "overdue"
    if record["missing"]:
        return "incomplete"
    if due is not None and (due - on).days <= soon_days:
        return "due-soon"
    return "current"


def _check_config(app: Sphinx, config: Config) -> None:
    if config.kb_today and parse_date(config.kb_today)[0] is None:
        logger.warning(
            "kb_today must be an ISO date (YYYY-MM-DD), got %r; using the real date",
            config.kb_today,
            type="kb",
            subtype="config",
        )
        config.kb_today = ""
    soon = config.kb_review_due_soon_days
    if isinstance(soon, bool) or not isinstance(soon, int) or soon < 0:
        logger.warning(
            "kb_review_due_soon_days must be a whole number of days, got %r; using 30",
            soon,
            type="kb",
            subtype="config",
        )
        config.kb_review_due_soon_days = 30


def _days(delta: dt.timedelta) -> str:
    return "1 day" if delta.days == 1 else f"{delta.days} days"


def check_overdue(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """review-overdue, on every build (the stored records, today's date)."""
    on = today(env.config)
    records = kb_domain(env).records(RECORD_KIND)
    for docname in sorted(records):
        record = records[docname][0]
        if not record["review_due"] or review_state(record, on) != "overdue":
            continue
        due = dt.date.fromisoformat(record["review_due"])
        finding = report(
            env,
            "review-overdue",
            f"review overdue: the next review was due on {format_date(due)} "
            f"({record['review_due']}), {_days(on - due)} before today ({on.isoformat()}); "
            f"review the page, then update reviewed, review_due and reviewed_by",
            docname=docname,
            lineno=record["lines"].get("review_due", 1),
            target=record["review_due"],
            store=False,
        )
        kb_data(env)["global_findings"].append(finding.as_dict())
    return []


# -- visitors ------------------------------------------------------------------------------
def visit_notice_html(self: Any, node: review_notice) -> None:
    self.body.append(self.starttag(node, "div", ""))


def depart_notice_html(self: Any, node: review_notice) -> None:
    self.body.append("</div>\n")


def visit_date_html(self: Any, node: review_date) -> None:
    self.body.append(f'<time datetime="{self.attval(node["datetime"])}">')


def depart_date_html(self: Any, node: review_date) -> None:
    self.body.append("</time>")


def visit_sep_html(self: Any, node: review_sep) -> None:
    self.body.append('<span class="kb-review__sep" aria-hidden="true"> · </span>')
    raise nodes.SkipNode


def visit_notice_latex(self: Any, node: review_notice) -> None:
    self.body.append("\n\\par\\medskip{\\small ")


def depart_notice_latex(self: Any, node: review_notice) -> None:
    self.body.append("}\\par\n")


def setup_review(app: Sphinx) -> None:
    app.add_config_value("kb_review_due_soon_days", 30, "env", types=[int])
    app.connect("config-inited", _check_config)
    passthrough = (render_children, render_children)
    app.add_node(
        review_notice,
        html=(visit_notice_html, depart_notice_html),
        latex=(visit_notice_latex, depart_notice_latex),
        text=passthrough,
        man=passthrough,
        texinfo=passthrough,
    )
    app.add_node(
        review_date,
        html=(visit_date_html, depart_date_html),
        latex=passthrough,
        text=passthrough,
        man=passthrough,
        texinfo=passthrough,
    )
    app.add_node(
        review_sep,
        html=(visit_sep_html, None),
        latex=passthrough,
        text=passthrough,
        man=passthrough,
        texinfo=passthrough,
    )
    # After the References section (a read transform) so the notice closes the page.
    app.connect("doctree-read", _note_review, priority=600)
    # Every build reads (even when no page changed) and emits env-updated; the
    # consistency check only runs when some page was read.
    app.connect("env-updated", check_overdue)
