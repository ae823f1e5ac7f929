"""The citation checks: what pages cite, and the source registry itself.

While a page is read (a transform, right after the numbering):

- ``citation-malformed``: a ``{cite}`` without a key, or with a malformed PMID or DOI;
- ``citation-unknown`` (error): a key that is not in the registry;
- ``citation-conflict``: an attribution (``Author, Journal, Year <key>``) that the
  registry contradicts;
- ``citation-needs-source`` (information): a claim marked ``{needs-source}``;
- ``citation-unsupported-claim`` (information): :mod:`healthkb.checks.claims`.

After every page is read (``env-updated``, on every build, so that a build that reads
no page still has them for ``kb report``), as findings of the registry file or of the
whole knowledge base: the registry's own problems (BibTeX syntax, malformed
or incomplete entries, one source recorded twice), ``citation-uncited`` (a source no
page cites), and ``citation-conflict`` between two pages that name one source
differently where the registry cannot settle it.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform

from healthkb.checks.claims import check_unsupported_claims
from healthkb.citations.attribution import (
    Attribution,
    attribution_differences,
    attributions_differ,
    parse_attribution,
)
from healthkb.citations.model import Source, canonical_key, key_problem
from healthkb.citations.nodes import cite, needs_source
from healthkb.citations.roles import parse_cite, written_text
from healthkb.citations.store import (
    CITATIONS,
    all_sources,
    find_source,
    is_known,
    registry_data,
)
from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.findings import Finding, Level, log, report


# -- what a page cites (while it is read) -----------------------------------------------------
def check_cite(env: BuildEnvironment, node: cite) -> None:
    """The keys and the attribution of one ``{cite}``, as the author wrote them."""
    docname, lineno = env.docname, node.line
    text = written_text(node)
    attribution, raw_keys = parse_cite(text)
    if not raw_keys:
        report(
            env,
            "citation-malformed",
            f"{{cite}} needs a key such as pmid:25415413; got {text!r}",
            docname=docname,
            lineno=lineno,
            target=text,
        )
    for raw in raw_keys:
        problem = key_problem(raw)
        if problem:
            report(
                env,
                "citation-malformed",
                problem,
                docname=docname,
                lineno=lineno,
                target=raw,
            )
            continue
        key = canonical_key(raw)
        if not is_known(env, key):
            data = registry_data(env)
            where = _shown(env, Path(data["path"]))
            hint = "" if data["exists"] else " (the file does not exist)"
            report(
                env,
                "citation-unknown",
                f"citation key {key} is not in the source registry {where}{hint}: "
                "add the source there or fix the key",
                docname=docname,
                lineno=lineno,
                level="error",
                target=key,
            )
    keys: list[str] = node["keys"]
    source = find_source(env, keys[0]) if attribution and len(keys) == 1 else None
    if source is not None:
        differences = attribution_differences(parse_attribution(attribution), source)
        if differences:
            report(
                env,
                "citation-conflict",
                f"the text attributes {keys[0]} to {attribution!r}, the registry to "
                f"{source.short_ref()!r}: {'; '.join(differences)}",
                docname=docname,
                lineno=lineno,
                target=keys[0],
            )


def check_needs_source(env: BuildEnvironment, node: needs_source) -> None:
    claim = node["claim"]
    report(
        env,
        "citation-needs-source",
        f"claim needs a source: {claim!r}",
        docname=env.docname,
        lineno=node.line,
        level="info",
        target=claim,
    )


class CitationChecks(SphinxTransform):
    """The checks of one page's citations and claims, in the order they appear."""

    # Right after the numbering (healthkb.citations.references, 500), before smart quotes.
    default_priority = 501

    def apply(self, **kwargs: Any) -> None:
        def marked(node: nodes.Node) -> bool:
            return isinstance(node, (cite, needs_source))

        for node in self.document.findall(marked):
            if isinstance(node, cite):
                check_cite(self.env, node)
            elif isinstance(node, needs_source):
                check_needs_source(self.env, node)
        check_unsupported_claims(self.env, self.document, self.env.docname)


def _shown(env: BuildEnvironment, path: Path) -> str:
    """``path`` relative to the source directory when it is inside it."""
    try:
        return path.relative_to(env.srcdir).as_posix()
    except ValueError:
        return str(path)


# -- the registry and the whole knowledge base (after reading) ----------------------------
def _report_file(
    env: BuildEnvironment,
    code: str,
    message: str,
    *,
    path: Path,
    lineno: int,
    level: Level,
    target: str,
) -> None:
    """Like :func:`healthkb.core.findings.report`, for the registry file (not a document)."""
    shown = _shown(env, path)
    log(code, message, level, f"{path}:{lineno}")
    finding = Finding(code, message, shown, lineno, level, target or message)
    kb_data(env)["global_findings"].append(finding.as_dict())


def check_registry(app: Sphinx, env: BuildEnvironment) -> None:
    """The registry's own problems, sources nothing cites, attributions that disagree."""
    data = registry_data(env)
    path = Path(data["path"])
    for issue in data["issues"]:
        _report_file(
            env,
            issue["code"],
            issue["message"],
            path=path,
            lineno=issue["lineno"],
            level=issue["level"],
            target=issue["target"],
        )
    records = kb_domain(env).records(CITATIONS)
    cited = {r["key"] for recs in records.values() for r in recs}
    known = all_sources(env)
    for key, source in sorted(known.items(), key=lambda kv: kv[1].lineno):
        if key not in cited:
            _report_file(
                env,
                "citation-uncited",
                f"{key} ({source.short_ref()}) is in the registry but no page cites it",
                path=path,
                lineno=source.lineno,
                level="info",
                target=key,
            )
    _check_attributions_across_pages(env, records, known)


def _check_attributions_across_pages(
    env: BuildEnvironment, records: dict[str, list[dict[str, Any]]], known: dict[str, Source]
) -> None:
    """Two articles naming one source differently, where the registry cannot settle it."""
    by_key: dict[str, list[tuple[str, int, Attribution]]] = defaultdict(list)
    for docname in sorted(records):
        for record in records[docname]:
            if record["attribution"]:
                by_key[record["key"]].append(
                    (docname, record["lineno"] or 0, parse_attribution(record["attribution"]))
                )
    for key, uses in by_key.items():
        source = known.get(key)
        settled = set()
        if source is not None:
            settled = {
                name
                for name, value in (
                    ("author", source.first_author),
                    ("journal", source.journal),
                    ("year", source.year),
                )
                if value
            }
        first_doc, first_line, first = uses[0]
        for docname, lineno, attribution in uses[1:]:
            if docname == first_doc:
                continue
            differences = [d for d in attributions_differ(first, attribution) if d not in settled]
            if not differences:
                continue
            finding = report(
                env,
                "citation-conflict",
                f"{key} is attributed to {attribution.text!r} here but to {first.text!r} in "
                f"{first_doc} (line {first_line}): different {', '.join(differences)}",
                docname=docname,
                lineno=lineno or None,
                target=key,
                store=False,
            )
            kb_data(env)["global_findings"].append(finding.as_dict())


def setup_citation_checks(app: Sphinx) -> None:
    app.add_transform(CitationChecks)
    app.connect("env-updated", check_registry, priority=800)
