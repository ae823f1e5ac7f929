"""``review-overdue``: a page whose next review is due before today.

"Today" is ``kb_today`` (ISO date) when set, else the real date. The check runs on
every build (``env-updated``) from the stored review records, so a page becomes
overdue without being edited or re-read. The review metadata's own findings
(``review-missing``, ``review-invalid``) are reported when it is read
(:mod:`healthkb.review.metadata`).
"""

from __future__ import annotations

import datetime as dt

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from healthkb.core.domain import kb_domain
from healthkb.core.findings import report, store_build_finding
from healthkb.review.metadata import RECORD_KIND, format_date, review_state, today


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
        store_build_finding(env, finding)
    return []


def setup_review_checks(app: Sphinx) -> None:
    # Every build reads (even when no page changed) and emits env-updated; the
    # consistency check only runs when some page was read.
    app.connect("env-updated", check_overdue)
