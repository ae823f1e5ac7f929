"""Citations: the ``{cite}`` and ``{needs-source}`` roles, References lists, the evidence hub.

Syntax (MyST)::

    Foam rolling reduces soreness {cite}`pmid:25415413`.
    As the article names it: {cite}`Pearcey GE, Journal of Athletic Training, 2015 <pmid:25415413>`
    Several sources: {cite}`pmid:25415413, pmid:34502387`
    A study nobody can trace: {needs-source}`a 2015 study in the Journal of Athletic Training`

* Keys are looked up in the source registry (``kb_bibfile``, default
  ``references.bib`` in the source directory), read by :mod:`healthkb.citations.registry`.
* A transform numbers the markers per page in order of first citation (one
  number per source) and appends a "References" section (id ``references``).
* Every marker gets a stable id (``cite-pmid-25415413``, then ``...-2``) so the
  evidence hub can link to it in place.
* Sources are ``kb`` domain objects located on the evidence hub page
  (``{kb-evidence-hub}``), whose three sections (sources, claims that need a
  source, effect claims without a citation) are filled at write time.
* Editing the registry re-reads exactly the pages that cite the changed entries
  (``env-get-outdated`` compares a digest of each entry).

FAQ answers and safety callouts are found without importing their modules: any
element whose class name starts with ``faq`` or ``safety``, or that carries the
class ``kb-faq`` or ``kb-safety``.  Their questions and titles (``title``,
``rubric``, nodes named ``*question*``/``*title*`` or with class
``kb-faq-question``) are not claims.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole, SphinxTranslator

from healthkb.citations.attribution import (
    Attribution,
    attribution_differences,
    attributions_differ,
    parse_attribution,
)
from healthkb.citations.model import Source, canonical_key, key_problem
from healthkb.citations.registry import load_registry
from healthkb.core.anchors import slugify
from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.findings import Finding, Level, log, report
from healthkb.core.hubs import hub_placeholder, register_hub

logger = logging.getLogger("healthkb")

REGISTRY = "citation_registry"  # key of the loaded registry in the kb domain's data
HUB_KIND = "evidence"
REFERENCES_ID = "references"

# Record kinds in the kb domain (per document).
CITATIONS = "citations"
NEEDS_SOURCE = "needs-source"
UNSUPPORTED = "unsupported-claims"


# -- nodes -------------------------------------------------------------------------------
class cite(nodes.Inline, nodes.Element):
    """One ``{cite}``: after the transform, ``[``, markers and ``]`` as children.

    Attributes: ``keys`` (canonical keys), ``attribution`` (as written or "").
    """


class cite_ref(nodes.Inline, nodes.TextElement):
    """The marker of one source: its number as text; ``refid`` is the References entry."""


class needs_source(nodes.Inline, nodes.TextElement):
    """A claim whose source cannot be traced: the claim text and a "source needed" flag."""


# -- the registry in the environment -----------------------------------------------------
def bib_path(env: BuildEnvironment) -> Path:
    return Path(env.srcdir, str(env.config.kb_bibfile))


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _load(env: BuildEnvironment) -> dict[str, Any]:
    path = bib_path(env)
    digest = _file_digest(path)
    registry = load_registry(path)
    return {
        "file_digest": digest,
        "path": str(registry.path),
        "exists": registry.exists,
        "sources": {key: source.as_dict() for key, source in registry.sources.items()},
        "digests": {key: source.digest() for key, source in registry.sources.items()},
        "issues": [asdict(issue) for issue in registry.issues],
    }


def registry_data(env: BuildEnvironment) -> dict[str, Any]:
    data = kb_data(env)
    if REGISTRY not in data:
        data[REGISTRY] = _load(env)
    stored: dict[str, Any] = data[REGISTRY]
    return stored


# The last registry turned into Source objects (the dict is kept, so its id stays unique).
_SOURCES: list[tuple[dict[str, Any], dict[str, Source]]] = []


def sources(env: BuildEnvironment) -> dict[str, Source]:
    """The registry's sources by canonical key."""
    raw = registry_data(env)["sources"]
    if _SOURCES and _SOURCES[0][0] is raw:
        return _SOURCES[0][1]
    made = {k: Source.from_dict(v) for k, v in raw.items()}
    _SOURCES[:] = [(raw, made)]
    return made


def _evidence_hubs(env: BuildEnvironment) -> set[str]:
    return {
        docname
        for docname, records in kb_domain(env).records("hubs").items()
        if any(r.get("kind") == HUB_KIND for r in records)
    }


def _registry_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Reload the registry; return the pages citing entries that changed since last build."""
    data = kb_data(env)
    old = data.get(REGISTRY)
    path = bib_path(env)
    same_file = old is not None and old["path"] == str(path) and old.get("file_digest")
    if same_file and old is not None and old["file_digest"] == _file_digest(path):
        return []  # the same file: parsing it again (pybtex) is the slow part
    new = data[REGISTRY] = _load(env)
    if old is None:
        return []  # a fresh environment: every page is read anyway
    if old["path"] != new["path"]:
        changed_keys = set(old["digests"]) | set(new["digests"])
    else:
        changed_keys = {
            key
            for key in set(old["digests"]) | set(new["digests"])
            if old["digests"].get(key) != new["digests"].get(key)
        }
    if not changed_keys:
        return []
    outdated = {
        docname
        for docname, records in kb_domain(env).records(CITATIONS).items()
        if any(record["key"] in changed_keys for record in records)
    }
    # The hub pages hold the source objects: re-read them so objects follow the registry.
    return sorted(outdated | _evidence_hubs(env))


# -- roles ---------------------------------------------------------------------------------
_ATTRIBUTED = re.compile(r"^(?P<attribution>.*?)\s*<(?P<keys>[^<>]*)>\s*$", re.DOTALL)
_KEY_SPLIT = re.compile(r"\s*[,;]\s*(?=(?:pmid|doi)\s*:)", re.IGNORECASE)


def parse_cite(text: str) -> tuple[str, list[str]]:
    """``Author, Journal, Year <pmid:1, pmid:2>`` -> (attribution, keys)."""
    match = _ATTRIBUTED.match(text.strip())
    attribution, keys = (match["attribution"], match["keys"]) if match else ("", text)
    split = [k.strip() for k in _KEY_SPLIT.split(keys.strip()) if k.strip()]
    if len(split) == 1 and "," in split[0] and not split[0].lower().startswith("doi:"):
        split = [k.strip() for k in split[0].split(",") if k.strip()]
    return attribution.strip(), split


def _role_line(role: SphinxRole) -> int:
    """The line of a role inside a paragraph.

    MyST gives roles the paragraph's first line; the paragraph rendered so far
    holds its soft line breaks, which give the role's own line.
    """
    parent = getattr(role.inliner, "parent", None)
    while parent is not None and not isinstance(parent, nodes.paragraph):
        parent = parent.parent
    if parent is None:
        return role.lineno
    return role.lineno + parent.astext().count("\n")


class CiteRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        docname, lineno = self.env.docname, _role_line(self)
        attribution, raw_keys = parse_cite(self.text)
        known = sources(self.env)
        keys: list[str] = []
        if not raw_keys:
            report(
                self.env,
                "citation-malformed",
                f"{{cite}} needs a key such as pmid:25415413; got {self.text!r}",
                docname=docname,
                lineno=lineno,
                target=self.text,
            )
        for raw in raw_keys:
            problem = key_problem(raw)
            if problem:
                report(
                    self.env,
                    "citation-malformed",
                    problem,
                    docname=docname,
                    lineno=lineno,
                    target=raw,
                )
                keys.append(raw.strip())
                continue
            key = canonical_key(raw)
            if key not in keys:
                keys.append(key)
            if key not in known:
                where = _shown(self.env, Path(registry_data(self.env)["path"]))
                hint = "" if registry_data(self.env)["exists"] else " (the file does not exist)"
                report(
                    self.env,
                    "citation-unknown",
                    f"citation key {key} is not in the source registry {where}{hint}: "
                    "add the source there or fix the key",
                    docname=docname,
                    lineno=lineno,
                    level="error",
                    target=key,
                )
        if attribution and len(keys) == 1 and keys[0] in known:
            differences = attribution_differences(parse_attribution(attribution), known[keys[0]])
            if differences:
                report(
                    self.env,
                    "citation-conflict",
                    f"the text attributes {keys[0]} to {attribution!r}, the registry to "
                    f"{known[keys[0]].short_ref()!r}: {'; '.join(differences)}",
                    docname=docname,
                    lineno=lineno,
                    target=keys[0],
                )
        node = cite(self.rawtext, keys=keys, attribution=attribution)
        self.set_source_info(node)
        node.line = lineno
        return [node], []


class NeedsSourceRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        claim = " ".join(self.text.split())
        lineno = _role_line(self)
        node = needs_source(self.rawtext, "", claim=claim)
        self.set_source_info(node)
        node.line = lineno
        node += nodes.Text(claim)
        flag = nodes.inline("", "", classes=["kb-needs-source-flag"])
        flag += nodes.inline("", " (", classes=["kb-visually-hidden"])
        flag += nodes.Text("source needed")
        flag += nodes.inline("", ")", classes=["kb-visually-hidden"])
        node += flag
        report(
            self.env,
            "citation-needs-source",
            f"claim needs a source: {claim!r}",
            docname=self.env.docname,
            lineno=lineno,
            level="info",
            target=claim,
        )
        return [node], []


# -- per-page numbering, References list, records ------------------------------------------
def _section_of(node: nodes.Node) -> tuple[str, str, bool]:
    """(id, title, is the page's top section) of the section holding ``node``."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None:
        return "", "", True
    title = parent[0].astext() if parent.children and isinstance(parent[0], nodes.title) else ""
    ids: list[str] = parent.get("ids", [])
    return (ids[0] if ids else ""), title, isinstance(parent.parent, nodes.document)


def _unique_id(document: nodes.document, base: str) -> str:
    candidate, n = base, 1
    while candidate in document.ids:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def source_id(key: str) -> str:
    return slugify(key, max_words=64)


def reference_paragraph(source: Source) -> nodes.paragraph:
    """Authors. Title. *Journal*. Year. PubMed / DOI links: from the pybtex entry's fields."""
    para = nodes.paragraph()
    authors = source.author_text()
    if authors:
        para += nodes.Text(authors.rstrip(".") + ". ")
    if source.title:
        para += nodes.Text(source.title.rstrip(".") + ". ")
    if source.journal:
        para += nodes.emphasis(source.journal, source.journal)
        para += nodes.Text(". ")
    if source.year:
        para += nodes.Text(f"{source.year}. ")
    links: list[nodes.reference] = []
    if source.pubmed_url:
        links.append(nodes.reference("", f"PubMed {source.pmid}", refuri=source.pubmed_url))
    if source.doi_url:
        links.append(nodes.reference("", f"doi:{source.doi}", refuri=source.doi_url))
    if not links and source.url:
        links.append(nodes.reference("", source.url, refuri=source.url))
    for i, link in enumerate(links):
        if i:
            para += nodes.Text(", ")
        para += link
    return para


class CitationTransform(SphinxTransform):
    """Numbers the markers of one page and appends its References list."""

    default_priority = 500

    def apply(self, **kwargs: Any) -> None:
        document = self.document
        docname = self.env.docname
        domain = kb_domain(self.env)
        known = sources(self.env)
        numbers: dict[str, int] = {}
        seen: Counter[str] = Counter()
        for node in list(document.findall(cite)):
            section_id, section_title, top = _section_of(node)
            lineno = node.line
            children: list[nodes.Node] = [nodes.Text("[")]
            for i, key in enumerate(node["keys"]):
                if i:
                    children.append(nodes.Text(", "))
                source = known.get(key)
                record = {
                    "key": key,
                    "known": source is not None,
                    # An attribution names one source; with several keys it names none.
                    "attribution": node["attribution"] if len(node["keys"]) == 1 else "",
                    "lineno": lineno,
                    "section_id": section_id,
                    "section_title": section_title,
                    "top": top,
                    "marker_id": "",
                    "number": 0,
                }
                if source is None:
                    children.append(nodes.inline(key, key, classes=["kb-cite-unknown"]))
                    domain.add_record(CITATIONS, docname, record)
                    continue
                number = numbers.setdefault(source.key, len(numbers) + 1)
                seen[source.key] += 1
                base = f"cite-{source_id(source.key)}"
                marker_id = _unique_id(
                    document, base if seen[source.key] == 1 else f"{base}-{seen[source.key]}"
                )
                ref = cite_ref(
                    "",
                    str(number),
                    refid=f"ref-{source_id(source.key)}",
                    number=number,
                    label=source.short_ref(),
                )
                ref["ids"] = [marker_id]
                document.ids[marker_id] = ref
                children.append(ref)
                record.update(marker_id=marker_id, number=number)
                domain.add_record(CITATIONS, docname, record)
            children.append(nodes.Text("]"))
            node.extend(children)
        if numbers:
            self._append_references([known[key] for key in numbers])
        self._needs_source(docname)
        check_unsupported_claims(self.env, document, docname)

    def _append_references(self, cited: list[Source]) -> None:
        document = self.document
        section_id = _unique_id(document, REFERENCES_ID)
        section = nodes.section("", ids=[section_id], classes=["kb-references"])
        document.ids[section_id] = section
        section += nodes.title("References", "References")
        olist = nodes.enumerated_list(
            "", enumtype="arabic", prefix="", suffix=".", classes=["kb-reference-list"]
        )
        for source in cited:
            item_id = f"ref-{source_id(source.key)}"
            item = nodes.list_item("", ids=[item_id])
            document.ids[item_id] = item
            item += reference_paragraph(source)
            olist += item
        section += olist
        top = [child for child in document.children if isinstance(child, nodes.section)]
        (top[0] if len(top) == 1 else document).append(section)

    def _needs_source(self, docname: str) -> None:
        for node in self.document.findall(needs_source):
            claim = node["claim"]
            node_id = _unique_id(self.document, "needs-source-" + (slugify(claim) or "claim"))
            node["ids"] = [node_id]
            self.document.ids[node_id] = node
            section_id, section_title, top = _section_of(node)
            kb_domain(self.env).add_record(
                NEEDS_SOURCE,
                docname,
                {
                    "claim": claim,
                    "node_id": node_id,
                    "lineno": node.line,
                    "section_id": section_id,
                    "section_title": section_title,
                    "top": top,
                },
            )


# -- effect claims without a citation -------------------------------------------------------
EFFECT = re.compile(
    r"\b(?:reduc(?:e|es|ed|ing|tions?)|improv(?:e|es|ed|ing|ements?)|increas(?:e|es|ed|ing)"
    r"|decreas(?:e|es|ed|ing)|reliev(?:e|es|ed|ing)|alleviat(?:e|es|ed|ing)"
    r"|lessen(?:s|ed|ing)?|eas(?:e|es|ed|ing)|enhanc(?:e|es|ed|ing)|boost(?:s|ed|ing)?"
    r"|restor(?:e|es|ed|ing)|prevent(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_KIND_CLASSES = {"faq": "kb-faq", "safety": "kb-safety"}
_LABEL = {"faq": "FAQ answer", "safety": "safety callout"}


def _kind(node: nodes.Element) -> str | None:
    if isinstance(node, (cite, cite_ref, needs_source, hub_placeholder)):
        return None
    name = type(node).__name__.lower()
    classes: list[str] = node.get("classes", [])
    for kind, css in _KIND_CLASSES.items():
        if css in classes or name.startswith(kind):
            return kind
    return None


def _is_heading(node: nodes.Element) -> bool:
    if isinstance(node, (nodes.title, nodes.rubric, nodes.caption)):
        return True
    name = type(node).__name__.lower()
    classes: list[str] = node.get("classes", [])
    return (
        "question" in name
        or "title" in name
        or any(c in classes for c in ("kb-faq-question", "kb-safety-title"))
    )


def _claim_paragraphs(container: nodes.Element) -> list[nodes.paragraph]:
    out = []
    for para in container.findall(nodes.paragraph):
        parent: nodes.Element | None = para
        heading = False
        while parent is not None and parent is not container:
            if isinstance(parent, nodes.Element) and _is_heading(parent):
                heading = True
                break
            parent = parent.parent
        if not heading:
            out.append(para)
    return out


def _heading_text(container: nodes.Element) -> str:
    for node in container.findall(nodes.Element):
        if node is not container and _is_heading(node):
            return " ".join(node.astext().split())
    return ""


def _line_of(node: nodes.Element) -> int | None:
    """The line of ``node``, else of its first descendant or nearest ancestor with one."""
    for candidate in node.findall(nodes.Element):
        if candidate.line:
            return int(candidate.line)
    parent = node.parent
    while parent is not None:
        if parent.line:
            return int(parent.line)
        parent = parent.parent
    return None


def effect_sentences(text: str) -> list[str]:
    """Sentences of ``text`` that state an effect ("reduces", "improves", ...)."""
    sentences = _SENTENCE.split(" ".join(text.split()))
    return [s for s in sentences if EFFECT.search(s) and not s.rstrip().endswith("?")]


def check_unsupported_claims(env: BuildEnvironment, document: nodes.document, docname: str) -> None:
    """An FAQ answer or safety callout stating an effect without any citation (information)."""
    containers: list[tuple[str, nodes.Element]] = []
    for node in document.findall(nodes.Element):
        kind = _kind(node)
        if kind is None:
            continue
        parent = node.parent
        nested = False
        while parent is not None:
            if isinstance(parent, nodes.Element) and _kind(parent) == kind:
                nested = True
                break
            parent = parent.parent
        if not nested:
            containers.append((kind, node))
    for kind, container in containers:
        if any(True for _ in container.findall(cite)):
            continue
        if any(True for _ in container.findall(needs_source)):
            continue  # already listed as needing a source
        claims = [s for p in _claim_paragraphs(container) for s in effect_sentences(p.astext())]
        if not claims:
            continue
        heading = _heading_text(container)
        ids: list[str] = container.get("ids", [])
        node_id = ids[0] if ids else ""
        lineno = _line_of(container)
        named = f" {heading!r}" if heading else ""
        report(
            env,
            "citation-unsupported-claim",
            f"{_LABEL[kind]}{named} states an effect without a citation: {claims[0]!r}; "
            "cite a source or mark the claim {needs-source}",
            docname=docname,
            lineno=lineno,
            level="info",
            target=node_id or slugify(claims[0]),
        )
        kb_domain(env).add_record(
            UNSUPPORTED,
            docname,
            {
                "kind": kind,
                "title": heading,
                "sentence": claims[0],
                "count": len(claims),
                "node_id": node_id,
                "lineno": lineno,
            },
        )


# -- source objects on the evidence hub ------------------------------------------------------
def _note_sources(app: Sphinx, doctree: nodes.document) -> None:
    placeholders = [n for n in doctree.findall(hub_placeholder) if n.get("kind") == HUB_KIND]
    if not placeholders:
        return
    env = app.env
    for source in sorted(sources(env).values(), key=lambda s: s.key):
        kb_domain(env).note_object(
            "source",
            source.key,
            docname=env.docname,
            node_id=source_id(source.key),
            title=source.short_ref(),
            lineno=placeholders[0].line,
        )


def _shown(env: BuildEnvironment, path: Path) -> str:
    """``path`` relative to the source directory when it is inside it."""
    try:
        return path.relative_to(env.srcdir).as_posix()
    except ValueError:
        return str(path)


# -- cross-document checks -----------------------------------------------------------------------
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


def _check_consistency(app: Sphinx, env: BuildEnvironment) -> None:
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
    known = sources(env)
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


# -- the evidence hub -----------------------------------------------------------------------------
def _link(app: Sphinx, fromdoc: str, todoc: str, node_id: str, text: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdoc, todoc)
    if node_id:
        uri += "#" + node_id
    return nodes.reference("", text, internal=True, refuri=uri)


def _page_title(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def _hub_section(title: str, section_id: str) -> nodes.section:
    section = nodes.section("", ids=[section_id], classes=["kb-evidence-section"])
    section += nodes.title(title, title)
    return section


def _places(
    app: Sphinx, hub: str, docname: str, records: list[dict[str, Any]], anchor_key: str
) -> nodes.paragraph:
    """``Page › Section, Section``: the page linked, each section linked in place.

    ``records`` hold one entry per section (the first occurrence in it); a record
    outside any subsection links the page itself in place.
    """
    env = app.env
    para = nodes.paragraph()
    top = [r for r in records if r.get("top") or not r.get("section_title")]
    inner = [r for r in records if r not in top]
    page_anchor = top[0][anchor_key] if top else ""
    para += _link(app, hub, docname, page_anchor, _page_title(env, docname))
    for i, record in enumerate(inner):
        para += nodes.Text(" › " if i == 0 else ", ")
        para += _link(app, hub, docname, record[anchor_key], record["section_title"])
    return para


def _plural(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _s(count: int) -> str:
    """The verb ending that agrees with ``count`` subjects."""
    return "s" if count == 1 else ""


def _citing(env: BuildEnvironment) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """key -> citing page -> the first citation record in each of its sections."""
    domain = kb_domain(env)
    citing: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    for citing_doc in sorted(domain.records(CITATIONS), key=lambda d: _page_title(env, d)):
        for record in domain.records(CITATIONS)[citing_doc]:
            if record["known"]:
                per_doc = citing[record["key"]].setdefault(citing_doc, [])
                if all(r["section_id"] != record["section_id"] for r in per_doc):
                    per_doc.append(record)
    return citing


def _render_sources(app: Sphinx, hub: str) -> list[nodes.Node]:
    """Every source, each with the pages and sections that cite it."""
    known = sources(app.env)
    citing = _citing(app.env)
    ordered = sorted(
        known.values(),
        key=lambda s: (s.first_author.last if s.first_author else s.key, s.year or "", s.key),
    )
    n_cited = sum(1 for s in ordered if citing.get(s.key))
    intro = nodes.paragraph(
        "",
        f"{_plural(len(ordered), 'source')} in the registry, {n_cited} of them cited by pages "
        "of this knowledge base. Each source lists the pages and sections that cite it.",
    )
    slist = nodes.bullet_list("", classes=["kb-evidence-sources"])
    for source in ordered:
        item = nodes.list_item("", ids=[source_id(source.key)], classes=["kb-evidence-source"])
        item += reference_paragraph(source)
        uses = citing.get(source.key, {})
        if uses:
            item += nodes.paragraph("", "Cited by:", classes=["kb-evidence-label"])
            cited_by = nodes.bullet_list("", classes=["kb-evidence-cited-by"])
            for citing_doc, records in uses.items():
                cited_by += nodes.list_item("", _places(app, hub, citing_doc, records, "marker_id"))
            item += cited_by
        else:
            item += nodes.paragraph("", "Not cited by any page yet.", classes=["kb-evidence-label"])
        slist += item
    return [intro, slist]


def _render_needs_source(app: Sphinx, hub: str) -> list[nodes.Node]:
    """Every claim marked {needs-source}, with its page and section."""
    env = app.env
    needs = kb_domain(env).records(NEEDS_SOURCE)
    count = sum(len(v) for v in needs.values())
    if not count:
        return [nodes.paragraph("", "No claim is waiting for a source.")]
    intro = nodes.paragraph(
        "",
        f"{_plural(count, 'claim')} name{_s(count)} a study without an identifier. Find the "
        "study (PubMed or DOI), add it to the registry and replace the marker with a citation.",
    )
    nlist = nodes.bullet_list("", classes=["kb-evidence-claims"])
    for page in sorted(needs, key=lambda d: _page_title(env, d)):
        for record in needs[page]:
            para = _places(app, hub, page, [record], "node_id")
            para.insert(0, nodes.Text(" — "))
            para.insert(0, nodes.inline("", f"“{record['claim']}”", classes=["kb-evidence-claim"]))
            nlist += nodes.list_item("", para)
    return [intro, nlist]


def _render_unsupported(app: Sphinx, hub: str) -> list[nodes.Node]:
    """FAQ answers and safety callouts that state an effect and cite nothing."""
    env = app.env
    unsupported = kb_domain(env).records(UNSUPPORTED)
    count = sum(len(v) for v in unsupported.values())
    if not count:
        return [
            nodes.paragraph(
                "", "Every effect claim in FAQ answers and safety callouts cites a source."
            )
        ]
    intro = nodes.paragraph(
        "",
        f"{_plural(count, 'FAQ answer or safety callout', 'FAQ answers and safety callouts')} "
        f"state{_s(count)} an effect (reduces, improves, increases, ...) and cite{_s(count)} "
        "nothing. Cite a source, mark the claim as needing one, or rephrase it.",
    )
    ulist = nodes.bullet_list("", classes=["kb-evidence-claims"])
    for page in sorted(unsupported, key=lambda d: _page_title(env, d)):
        for record in unsupported[page]:
            para = nodes.paragraph()
            label = _LABEL[record["kind"]][0].upper() + _LABEL[record["kind"]][1:]
            what = f"{label} “{record['title']}”" if record["title"] else label
            para += nodes.strong(what, what)
            para += nodes.Text(": ")
            para += nodes.inline("", f"“{record['sentence']}”", classes=["kb-evidence-claim"])
            para += nodes.Text(" — ")
            para += _link(app, hub, page, record["node_id"], _page_title(env, page))
            ulist += nodes.list_item("", para)
    return [intro, ulist]


#: The parts of the evidence hub: part -> (section title, renderer).
HUB_PARTS: dict[str, tuple[str, Any]] = {
    "sources": ("Sources", _render_sources),
    "needs-source": ("Claims that need a source", _render_needs_source),
    "unsupported": ("Effect claims without a citation", _render_unsupported),
}


def _split_evidence_hub(app: Sphinx, doctree: nodes.document) -> None:
    """At read time, give the hub its three sections, so they reach the page's contents.

    Each section holds a placeholder for its part; the lists are filled at write time.
    Only done when the hub ends its section (sections must follow body elements).
    """
    for node in list(doctree.findall(hub_placeholder)):
        parent = node.parent
        if node.get("kind") != HUB_KIND or node.get("part") or parent is None:
            continue
        if not isinstance(parent, nodes.section) or parent.children[-1] is not node:
            continue
        new: list[nodes.Node] = []
        for part, (title, _) in HUB_PARTS.items():
            section = _hub_section(title, _unique_id(doctree, slugify(title)))
            doctree.ids[section["ids"][0]] = section
            child = hub_placeholder(kind=HUB_KIND, part=part)
            child.source, child.line = node.source, node.line
            section += child
            new.append(section)
        node.replace_self(new)


def render_evidence_hub(
    app: Sphinx, docname: str, placeholder: hub_placeholder
) -> list[nodes.Node]:
    part = placeholder.get("part")
    if part in HUB_PARTS:
        content: list[nodes.Node] = HUB_PARTS[part][1](app, docname)
        return content
    out: list[nodes.Node] = []
    for title, render in HUB_PARTS.values():
        section = _hub_section(title, slugify(title))
        section.extend(render(app, docname))
        out.append(section)
    return out


# -- visitors --------------------------------------------------------------------------------
def visit_cite_html(self: Any, node: cite) -> None:
    self.body.append('<span class="kb-cite">')
    for child in node.children:
        if isinstance(child, cite_ref):
            refid = child["refid"]
            self.body.append(
                f'<a class="kb-cite-ref" id="{child["ids"][0]}" href="#{refid}" '
                f'aria-describedby="{refid}" data-kb-ref="{refid}">'
                f'<span class="kb-visually-hidden">Reference </span>{child["number"]}</a>'
            )
        elif isinstance(child, nodes.Text):
            text = self.encode(child.astext())
            self.body.append(f'<span class="kb-cite-punct" aria-hidden="true">{text}</span>')
        else:
            self.body.append(f'<span class="kb-cite-unknown">{self.encode(child.astext())}</span>')
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_needs_source_html(self: Any, node: needs_source) -> None:
    ids = " ".join(node.get("ids", []))
    id_attr = f' id="{ids}"' if ids else ""
    self.body.append(f'<span class="kb-needs-source"{id_attr}>')


def depart_needs_source_html(self: Any, node: needs_source) -> None:
    self.body.append("</span>")


def _pass(self: SphinxTranslator, node: nodes.Element) -> None:
    """Other builders render the children (brackets, numbers, claim text) as text."""


# -- setup -------------------------------------------------------------------------------------
def setup_citations(app: Sphinx) -> None:
    app.add_config_value("kb_bibfile", "references.bib", "env", types=[str])
    app.add_node(
        cite,
        html=(visit_cite_html, None),
        latex=(_pass, _pass),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
    app.add_node(
        cite_ref,
        html=(_pass, _pass),  # written by visit_cite_html
        latex=(_pass, _pass),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
    app.add_node(
        needs_source,
        html=(visit_needs_source_html, depart_needs_source_html),
        latex=(_pass, _pass),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
    app.add_role("cite", CiteRole())
    app.add_role("needs-source", NeedsSourceRole())
    app.add_transform(CitationTransform)
    register_hub(app, "kb-evidence-hub", HUB_KIND, render_evidence_hub)
    app.connect("env-get-outdated", _registry_outdated)
    app.connect("doctree-read", _note_sources)
    # Before the contents collector (priority 500) reads the page's sections.
    app.connect("doctree-read", _split_evidence_hub, priority=400)
    app.connect("env-check-consistency", _check_consistency)
    app.add_css_file("citations.css")
    app.add_js_file("citations.js", loading_method="defer")
