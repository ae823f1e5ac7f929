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

An acknowledged finding is logged as information ("acknowledged: ...") and
kept in the findings record for ``kb report``; it no longer fails the build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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
    "safety-red-flag": ("safety", "a red-flag symptom outside a see-a-professional card"),
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
}

ACK_KEY = "kb_acknowledge"


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


def _matching_ack(env: BuildEnvironment, finding: Finding) -> str | None:
    for ack in _acknowledgments(env, finding.docname):
        if ack.get("check") != finding.code:
            continue
        target = str(ack.get("target", "")).strip()
        if target and (target == finding.target or target in finding.message):
            return str(ack.get("reason", "")).strip() or "(no reason given)"
    return None


def log(code: str, message: str, level: Level, location: Any) -> None:
    """Log one finding as info, error or warning (type kb, subtype = its check)."""
    if level == "info":
        logger.info("[kb.%s] %s", code, message, location=location)
    elif level == "error":
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
    show: bool = True,
) -> Finding:
    """Log one finding with file and line, honouring acknowledgments (``show`` False:
    kept for the report, not logged)."""
    if code not in CHECKS:
        raise ValueError(f"undeclared check code {code!r}")
    finding = Finding(code, message, docname, lineno, level, target or message)
    location: Any = (docname, lineno) if lineno else docname
    if level != "info":
        finding.acknowledged = _matching_ack(env, finding)
    if show and finding.acknowledged is not None:
        logger.info(
            "acknowledged [kb.%s]: %s (reason: %s)",
            code,
            message,
            finding.acknowledged,
            location=location,
        )
    elif show:
        log(code, message, level, location)
    if store:
        store_finding(env, finding)
    return finding


def store_finding(env: BuildEnvironment, finding: Finding) -> None:
    from healthkb.core.domain import kb_data

    kb_data(env)["findings"].setdefault(finding.docname, []).append(finding.as_dict())


def _finding_order(finding: dict[str, Any]) -> tuple[int, str, str]:
    return (finding.get("lineno") or 0, finding["code"], finding["message"])


def all_findings(env: BuildEnvironment) -> list[dict[str, Any]]:
    from healthkb.core.domain import kb_data

    data = kb_data(env)
    out: list[dict[str, Any]] = []
    for docname in sorted(data["findings"]):
        # In line order: a finding made while merging a parallel reader's pages comes
        # after the page's own, but belongs where a serial build puts it.
        out.extend(sorted(data["findings"][docname], key=_finding_order))
    out.extend(data["global_findings"])
    return out


def _check_acknowledgments(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about malformed acknowledgments (wrong shape, unknown check, no reason)."""
    for docname in sorted(env.found_docs):
        raw = env.metadata.get(docname, {}).get(ACK_KEY)
        if raw is None:
            continue
        for ack in _acknowledgments(env, docname) or [{}]:
            check = ack.get("check")
            if check not in CHECKS or not ack.get("target") or not ack.get("reason"):
                logger.warning(
                    "kb_acknowledge entries need 'check' (one of the kb checks), 'target' "
                    "and 'reason'; got %r",
                    ack or raw,
                    type="kb",
                    subtype="acknowledge",
                    location=docname,
                )


def setup_findings(app: Sphinx) -> None:
    app.connect("env-check-consistency", _check_acknowledgments)
