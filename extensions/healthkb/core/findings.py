"""Findings: the knowledge base's content checks report through here.

Every finding is a Sphinx log record with ``type="kb"``, a declared subtype
(the check's code) and a location (file and line), so ``-W`` fails the build
on it and ``suppress_warnings = ["kb.<code>"]`` can silence one kind.

A maintainer can acknowledge one finding on one page, with a reason, in the
page's front matter::

    kb_acknowledge:
      - check: faq-off-topic
        target: how-long-should-i-foam-roll-my-forearms
        reason: Kept on purpose while the forearm article is written.

An acknowledged finding no longer fails the build. An acknowledgment that is malformed,
or that matches no finding of its page, is a finding itself (``acknowledge``).

The build log shows what fails: warnings and errors, each with file and line.
Information findings (the editorial backlog: claims needing a source, near-duplicate
questions, ...) and acknowledged findings are not logged one by one; they are kept
with the environment for ``kb report``, which lists every item, and one summary line
at the end of the build counts them by check.

Findings are stored in the kb domain's data under :data:`PAGE_FINDINGS` (per
document) and :data:`BUILD_FINDINGS` (cross-document checks, recomputed on every
build); :mod:`healthkb.core.domain` declares those keys. This module imports
nothing else of the package, so every layer can report.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger("healthkb")

Level = Literal["error", "warning", "info"]

#: Every check the knowledge base runs: code -> (family, description).
CHECKS: dict[str, tuple[str, str]] = {
    "config": ("config", "invalid knowledge-base configuration or policy file"),
    "acknowledge": ("content", "an acknowledgment in front matter is malformed or unused"),
    "content-raw-html": ("content", "raw HTML in a page"),
    "content-furniture": ("content", "page furniture left in a page"),
    "faq-empty": ("faq", "an FAQ item without question or answer"),
    "faq-duplicate": ("faq", "the same question twice on one page"),
    "faq-off-topic": ("faq", "an FAQ item that does not match its page's topic"),
    "faq-near-duplicate": ("faq", "near-duplicate questions on different pages"),
    "faq-invalid-id": ("faq", "an FAQ :name: that is not a valid id"),
    "safety-level": ("safety", "unknown safety level"),
    "safety-rule": ("safety", "unknown safety rule"),
    "safety-contradiction": ("safety", "text recommends what a safety rule forbids"),
    "safety-permission": ("safety", "text says rolling is fine with a condition to check first"),
    "safety-red-flag": ("safety", "a red-flag symptom outside a see-a-professional card"),
    "safety-likely": ("safety", "text the learned reading takes to break a safety rule"),
    "safety-doubted": ("safety", "a rule's words matched text the learned reading takes as safe"),
    "safety-level-mild": ("safety", "a callout milder than its rule calls for"),
    "safety-id": ("safety", "a safety card without a usable id (:name: or title)"),
    "citation-unknown": ("citation", "a citation key missing from the source registry"),
    "citation-malformed": ("citation", "a malformed PMID or DOI"),
    "citation-conflict": ("citation", "one source recorded with conflicting metadata"),
    "citation-uncited": ("citation", "a registry source that nothing cites"),
    "citation-unsupported-claim": ("citation", "an effect claim without a citation"),
    "citation-needs-source": ("citation", "a claim marked as needing a traceable source"),
    "citation-incomplete": ("citation", "a registry entry without author, journal or year"),
    "citation-registry": ("citation", "the source registry cannot be read (BibTeX syntax)"),
    "review-overdue": ("review", "a page whose review is overdue"),
    "review-missing": ("review", "an article without review metadata"),
    "review-invalid": ("review", "review metadata that cannot be read (date, reviewer)"),
    "entry-point": ("content", "a landing-page entry point with an unknown topic, page or level"),
    "anchor-missing": ("anchor", "a published URL or fragment no longer resolves"),
    "duplicate-id": ("anchor", "two objects share one id"),
    "search-index": ("search", "the search index could not be written"),
    "glossary-missing": ("glossary", "a medical word used on a page without a glossary entry"),
    "reading-level": ("language", "a section that reads above the target grade"),
}

ACK_KEY = "kb_acknowledge"

#: The Sphinx domain whose data holds the findings (:class:`healthkb.core.domain.KBDomain`).
DOMAIN = "kb"
#: Domain data key: docname -> list of findings (dicts) raised while reading that document.
PAGE_FINDINGS = "findings"
#: Domain data key: findings of cross-document checks, recomputed on every build.
BUILD_FINDINGS = "global_findings"

#: How the build's summary line counts a check's backlog (one, several); other checks
#: are counted as findings.
BACKLOG_NOUNS: dict[str, tuple[str, str]] = {
    "citation-needs-source": ("claim needing a source", "claims needing a source"),
    "citation-unsupported-claim": ("unsupported claim", "unsupported claims"),
    "citation-uncited": ("uncited source", "uncited sources"),
    "faq-near-duplicate": ("near-duplicate FAQ question", "near-duplicate FAQ questions"),
    "glossary-missing": (
        "medical word without a glossary entry",
        "medical words without a glossary entry",
    ),
    "reading-level": (
        "section above the target reading grade",
        "sections above the target reading grade",
    ),
    "safety-doubted": (
        "safety finding the learned reading doubts",
        "safety findings the learned reading doubts",
    ),
}


@dataclass
class Finding:
    code: str
    message: str
    docname: str
    lineno: int | None
    level: Level
    target: str
    acknowledged: str | None = None

    def as_dict(self) -> dict[str, Any]:
        # Plain fields: a dict literal, not dataclasses.asdict (which deep-copies, and is
        # slow when a build re-reports thousands of findings).
        return {
            "code": self.code,
            "message": self.message,
            "docname": self.docname,
            "lineno": self.lineno,
            "level": self.level,
            "target": self.target,
            "acknowledged": self.acknowledged,
        }


def _acknowledgments(env: BuildEnvironment, docname: str) -> list[dict[str, str]]:
    raw: Any = env.metadata.get(docname, {}).get(ACK_KEY)
    if raw is None:
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    return [item for item in raw if isinstance(item, dict)]


def _acknowledges(ack: dict[str, Any], code: str, target: str, message: str) -> bool:
    """True when ``ack`` names this finding: its check, and its target or a part of its
    message."""
    wanted = str(ack.get("target", "")).strip()
    return ack.get("check") == code and bool(wanted) and (wanted == target or wanted in message)


def _matching_ack(env: BuildEnvironment, finding: Finding) -> str | None:
    for ack in _acknowledgments(env, finding.docname):
        if _acknowledges(ack, finding.code, finding.target, finding.message):
            return str(ack.get("reason", "")).strip() or "(no reason given)"
    return None


def log(code: str, message: str, level: Level, location: Any) -> None:
    """Log one finding as an error or a warning (type kb, subtype = its check).

    Information is not logged: the build's summary line counts it (see the module's
    docstring)."""
    if level == "info":
        return
    if level == "error":
        logger.error(message, type="kb", subtype=code, location=location)
    else:
        logger.warning(message, type="kb", subtype=code, location=location)


def report(
    env: BuildEnvironment,
    code: str,
    message: str,
    *,
    docname: str,
    lineno: int | None = None,
    level: Level = "warning",
    target: str = "",
    store: bool = True,
) -> Finding:
    """Log one finding with file and line (unless it is information or acknowledged)
    and keep it for the report: with its page's findings, or (``store`` False) not at
    all, for a caller that keeps it itself (see :func:`store_build_finding`)."""
    if code not in CHECKS:
        raise ValueError(f"undeclared check code {code!r}")
    finding = Finding(code, message, docname, lineno, level, target or message)
    location: Any = (docname, lineno) if lineno else docname
    if level != "info":
        finding.acknowledged = _matching_ack(env, finding)
    if finding.acknowledged is None:
        log(code, message, level, location)
    if store:
        store_finding(env, finding)
    return finding


def _data(env: BuildEnvironment) -> dict[str, Any]:
    data: dict[str, Any] = env.get_domain(DOMAIN).data
    return data


def store_finding(env: BuildEnvironment, finding: Finding) -> None:
    """Keep a finding with the findings of its page (cleared when the page is read again)."""
    _data(env)[PAGE_FINDINGS].setdefault(finding.docname, []).append(finding.as_dict())


def store_build_finding(env: BuildEnvironment, finding: Finding) -> None:
    """Keep a finding of a cross-document check (recomputed on every build)."""
    _data(env)[BUILD_FINDINGS].append(finding.as_dict())


def _finding_order(finding: dict[str, Any]) -> tuple[int, str, str]:
    return (finding.get("lineno") or 0, finding["code"], finding["message"])


def all_findings(env: BuildEnvironment) -> list[dict[str, Any]]:
    data = _data(env)
    out: list[dict[str, Any]] = []
    for docname in sorted(data[PAGE_FINDINGS]):
        # In line order: a finding made while merging a parallel reader's pages comes
        # after the page's own, but belongs where a serial build puts it.
        out.extend(sorted(data[PAGE_FINDINGS][docname], key=_finding_order))
    out.extend(data[BUILD_FINDINGS])
    return out


def backlog_summary(findings: list[dict[str, Any]]) -> str | None:
    """The build's one line about the findings it did not log one by one (None: none).

    Information findings are counted by check, acknowledged findings together.
    """
    backlog = Counter(
        f["code"] for f in findings if f["level"] == "info" and f.get("acknowledged") is None
    )
    acknowledged = sum(1 for f in findings if f.get("acknowledged") is not None)
    parts = [
        f"{count} {BACKLOG_NOUNS.get(code, ('finding', 'findings'))[count != 1]} ({code})"
        for code, count in sorted(backlog.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    if acknowledged:
        parts.append(f"{acknowledged} acknowledged")
    if not parts:
        return None
    return f'kb: editorial backlog: {", ".join(parts)}; run "kb report" for each item'


def _log_backlog(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    line = backlog_summary(all_findings(app.env))
    if line is not None:
        logger.info(line)


def _check_acknowledgments(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about malformed acknowledgments (wrong shape, unknown check, no reason) and
    about acknowledgments that match no finding of their page.

    An unused acknowledgment is stale: its sentence was reworded or removed, and it would
    silently keep a later, different finding with the same words out of the build.
    Connected after every other check of the whole knowledge base, so every finding is in
    by then. Like them it runs at ``env-updated``, on every build: Sphinx runs
    ``env-check-consistency`` only when a page was read, and only after it has saved the
    environment, so a build that reads no page (``kb report`` after ``make html``) would
    have none of their findings."""
    pages = [
        docname
        for docname in sorted(env.found_docs)
        if env.metadata.get(docname, {}).get(ACK_KEY) is not None
    ]
    if not pages:
        return
    findings: dict[str, list[dict[str, Any]]] = {docname: [] for docname in pages}
    for found in all_findings(env):
        if found["level"] != "info" and found["docname"] in findings:
            findings[found["docname"]].append(found)
    for docname in pages:
        lines: list[str] | None = None
        for ack in _acknowledgments(env, docname) or [{}]:
            check = ack.get("check")
            target = str(ack.get("target") or "").strip()
            if check not in CHECKS or not target or not ack.get("reason"):
                message = (
                    "kb_acknowledge entries need 'check' (one of the kb checks), 'target' "
                    f"and 'reason'; got {ack or env.metadata[docname][ACK_KEY]!r}"
                )
            elif not any(
                _acknowledges(ack, f["code"], f["target"], f["message"]) for f in findings[docname]
            ):
                message = (
                    f"kb_acknowledge entry for {check} matches no finding on this page "
                    f"(target {target!r}): remove it, or correct its target to the finding's "
                    "words"
                )
            else:
                continue
            if lines is None:
                lines = _source_lines(env, docname)
            line = next((n for n, text in enumerate(lines, 1) if (target or ACK_KEY) in text), None)
            # Kept with the build's findings, so that kb report lists it too.
            finding = report(env, "acknowledge", message, docname=docname, lineno=line, store=False)
            store_build_finding(env, finding)


def _source_lines(env: BuildEnvironment, docname: str) -> list[str]:
    """The lines of the page's source (none when it cannot be read): an acknowledgment's
    line is found there, in the front matter."""
    try:
        return Path(env.doc2path(docname)).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def setup_findings(app: Sphinx) -> None:
    app.connect("env-updated", _check_acknowledgments, priority=900)
    app.connect("build-finished", _log_backlog)
