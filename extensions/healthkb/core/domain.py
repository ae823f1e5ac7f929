"""The knowledge base's Sphinx domain.

FAQ items, safety cards and sources are objects of the ``kb`` domain, so they
reach ``objects.inv``, Sphinx's search index and cross-references (``{kb:faq}``
roles and MyST ``[](#id)`` links).  Everything the extension stores in the
environment lives in this domain's data, and every key of that data is declared
in :attr:`KBDomain.initial_data`:

- per-document data (objects, records, findings) is keyed by document, so
  ``clear_doc`` and ``merge_domaindata`` keep incremental and parallel builds
  correct;
- build-wide data (:data:`BUILD_WIDE`) is computed from every page after reading
  (``env-get-updated``, ``env-updated``, ``env-check-consistency``) in the main
  process, never by a parallel reader, so it is neither cleared nor merged.
  :data:`CACHES` names the build-wide keys that only keep a computation for the
  next build and that nothing shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from healthkb.core.findings import BUILD_FINDINGS, DOMAIN, PAGE_FINDINGS, report

logger = logging.getLogger(__name__)

#: objtype -> human label
OBJECT_LABELS = {
    "faq": "FAQ",
    "safety": "safety card",
    "source": "source",
    "section": "section",
}

#: Build-wide data: key -> its value in a fresh environment (None: not computed yet).
BUILD_WIDE: dict[str, Any] = {
    # findings of cross-document checks, recomputed on every build (healthkb.core.findings)
    BUILD_FINDINGS: [],
    # the source registry as last loaded (healthkb.citations)
    "citation_registry": None,
    # per builder: what each hub showed when last written (healthkb.core.hubs)
    "hub_digests": {},
    # the topic map, and topics whose pages an earlier build wrote (healthkb.site.topics)
    "topics": {},
    "topics_gone": [],
    # each article's related articles, and a digest of their inputs (healthkb.site.related)
    "related": {},
    "related_digest": None,
    # this build's site tree (healthkb.site.sitetree), declared redirects
    # (healthkb.site.links), and whether it read or removed any page (healthkb.site.topics)
    "site_tree": None,
    "redirects": None,
    "docs_changed": None,
    # the navigation and references each page shows, and the reads they were computed
    # from (healthkb.site.sitetree)
    "nav_snapshot": None,
    "references_snapshot": None,
    "reads_snapshot": None,
    # the safety rules loaded for this build (healthkb.safety.state)
    "safety_rules": None,
    # the FAQ questions' near-duplicate groups and the key they were computed for
    # (healthkb.faq.items)
    "faq_near_duplicates": None,
    # the grade the reading-level check compared sections with (healthkb.checks.reading)
    "reading_target": None,
    # the ids two pages give, as last reported: (docname, finding) (report_duplicate_ids)
    "duplicate_ids": [],
}

#: Build-wide keys that only keep a computation for the next build: nothing shows them,
#: so what a hub shows does not depend on them.
CACHES = frozenset({"nav_snapshot", "references_snapshot", "reads_snapshot", "faq_near_duplicates"})


class KBDomain(Domain):
    name = DOMAIN
    label = "Knowledge base"
    object_types = {
        objtype: ObjType(label, objtype, "any") for objtype, label in OBJECT_LABELS.items()
    }
    roles = {objtype: XRefRole() for objtype in OBJECT_LABELS}
    initial_data: ClassVar[dict[str, Any]] = {
        # (objtype, name) -> {"docname", "node_id", "title", "lineno", ...}
        "objects": {},
        # (objtype, name) -> docname -> the object as that page gives it: every page that
        # claims an id, the one that keeps it and the ones that lose it
        "claims": {},
        # docname -> keys the page claims (clearing a page is not a full scan)
        "object_keys": {},
        # kind -> docname -> list of plain records (FAQ items, cards, citations...)
        "records": {},
        # docname -> list of findings (dicts) raised while reading that document
        PAGE_FINDINGS: {},
        **BUILD_WIDE,
    }

    @property
    def objects(self) -> dict[tuple[str, str], dict[str, Any]]:
        return self.data["objects"]

    # -- registering ---------------------------------------------------------
    def note_object(
        self,
        objtype: str,
        name: str,
        *,
        docname: str,
        node_id: str,
        title: str,
        lineno: int | None = None,
        **extra: Any,
    ) -> bool:
        """Record an object; returns False when another page already keeps its id.

        Of the pages that give an object the same id, the page whose name sorts first
        keeps it, whichever is read first (a serial, parallel or incremental build). The
        others' claims are kept too: :func:`report_duplicate_ids` reports each of them once,
        against that page, after every page is read.
        """
        key = (objtype, name)
        value = {"docname": docname, "node_id": node_id, "title": title, "lineno": lineno}
        value.update(extra)
        self._claim(key, value)
        return self.objects[key]["docname"] == docname

    def _claim(self, key: tuple[str, str], value: dict[str, Any]) -> None:
        claims = self.data["claims"].setdefault(key, {})
        docname = value["docname"]
        # A page that gives one id twice keeps its first (the page's own check reports it).
        claims.setdefault(docname, value)
        self.data["object_keys"].setdefault(docname, {})[key] = None
        self._settle(key)

    def _settle(self, key: tuple[str, str]) -> None:
        """Give ``key`` to the claiming page whose name sorts first (none: no object)."""
        claims = self.data["claims"].get(key)
        if claims:
            self.objects[key] = claims[min(claims)]
        else:
            self.data["claims"].pop(key, None)
            self.objects.pop(key, None)

    def duplicate_ids(self) -> Iterator[tuple[tuple[str, str], dict[str, Any], dict[str, Any]]]:
        """(key, owner, loser) for every page that claims an id another page keeps, in
        the order of the ids and the pages."""
        # Run on every build: only the few ids claimed more than once are sorted.
        shared = [key for key, claims in self.data["claims"].items() if len(claims) > 1]
        for key in sorted(shared):
            claims = self.data["claims"][key]
            owner = self.objects[key]
            for docname in sorted(claims):
                if docname != owner["docname"]:
                    yield key, owner, claims[docname]

    def add_record(self, kind: str, docname: str, record: dict[str, Any]) -> None:
        self.data["records"].setdefault(kind, {}).setdefault(docname, []).append(record)

    def records(self, kind: str) -> dict[str, list[dict[str, Any]]]:
        return self.data["records"].get(kind, {})

    # -- incremental and parallel builds -------------------------------------
    def clear_doc(self, docname: str) -> None:
        for key in self.data["object_keys"].pop(docname, {}):
            self.data["claims"].get(key, {}).pop(docname, None)
            self._settle(key)
        for per_doc in self.data["records"].values():
            per_doc.pop(docname, None)
        self.data[PAGE_FINDINGS].pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        wanted = set(docnames)
        for docname, findings in otherdata[PAGE_FINDINGS].items():
            if docname in wanted:
                self.data[PAGE_FINDINGS][docname] = list(findings)
        for kind, per_doc in otherdata["records"].items():
            mine_records = self.data["records"].setdefault(kind, {})
            for docname, records in per_doc.items():
                if docname in wanted:
                    mine_records[docname] = records
        # Every page's claims, then who keeps each id: the page whose name sorts first,
        # whichever reader is merged first (see note_object).
        for key, per_doc in otherdata["claims"].items():
            for docname, value in per_doc.items():
                if docname in wanted:
                    self._claim(key, value)

    # -- resolving -----------------------------------------------------------
    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        obj = self.find(typ, target)
        if obj is None:
            return None
        return self._refnode(builder, fromdocname, obj, contnode)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        results: list[tuple[str, nodes.reference]] = []
        for objtype in OBJECT_LABELS:
            obj = self.find(objtype, target)
            if obj is not None:
                refnode = self._refnode(builder, fromdocname, obj, contnode)
                results.append((f"kb:{objtype}", refnode))
        return results

    def _refnode(
        self, builder: Builder, fromdocname: str, obj: dict[str, Any], contnode: Element
    ) -> nodes.reference:
        if not contnode.astext():
            contnode = nodes.inline(obj["title"], obj["title"])
        return make_refnode(
            builder, fromdocname, obj["docname"], obj["node_id"], contnode, obj["title"]
        )

    def find(self, objtype: str, target: str) -> dict[str, Any] | None:
        """The object ``target`` names: its id, or ``docname#id`` as in objects.inv."""
        obj = self.objects.get((objtype, target))
        if obj is None and "#" in target:
            docname, _, node_id = target.partition("#")
            obj = self.objects.get((objtype, node_id))
            if obj is not None and obj["docname"] != docname:
                obj = None
        return obj

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        """Objects for objects.inv and the search index.

        An object whose name equals its anchor (FAQ items, cards) is published as
        ``docname#id``: Sphinx's search index drops an anchor equal to the name and
        rebuilds it from the display name, which breaks the result's link.
        """
        for (objtype, name), obj in sorted(self.objects.items()):
            qualified = f"{obj['docname']}#{name}" if name == obj["node_id"] else name
            yield (qualified, obj["title"], objtype, obj["docname"], obj["node_id"], 1)

    def get_full_qualified_name(self, node: Element) -> str | None:
        return None


def kb_domain(env: BuildEnvironment) -> KBDomain:
    domain = env.get_domain("kb")
    assert isinstance(domain, KBDomain)
    return domain


def kb_data(env: BuildEnvironment) -> dict[str, Any]:
    return kb_domain(env).data


def _reset_global_findings(app: Sphinx, env: BuildEnvironment, *args: Any) -> None:
    kb_data(env)[BUILD_FINDINGS] = []


def report_duplicate_ids(app: Sphinx, env: BuildEnvironment) -> None:
    """Report every page that gives an object an id another page keeps, once, against the
    page that keeps it, on every build.

    Reported after every page is read, not while reading: a parallel reader sees only the
    pages merged before it started, so it would name a page that does not keep the id in
    the end, and the same page could be reported twice. The finding is the losing page's,
    for the report, and replaces the one of the last build."""
    domain = kb_domain(env)
    page_findings = domain.data[PAGE_FINDINGS]
    for docname, finding in domain.data["duplicate_ids"]:
        if finding in page_findings.get(docname, ()):
            page_findings[docname].remove(finding)
            if not page_findings[docname]:
                del page_findings[docname]
    reported = []
    for key, owner, loser in domain.duplicate_ids():
        finding = report(
            env,
            "duplicate-id",
            f"{OBJECT_LABELS[key[0]]} id {key[1]!r} is already used in {owner['docname']} "
            f"(line {owner.get('lineno')}); give one of them a different :name:",
            docname=loser["docname"],
            lineno=loser.get("lineno"),
            target=key[1],
        )
        reported.append((finding.docname, finding.as_dict()))
    domain.data["duplicate_ids"] = reported


def setup_domain(app: Sphinx) -> None:
    app.add_domain(KBDomain)
    app.connect("env-before-read-docs", _reset_global_findings)
    # Before the checks of the whole knowledge base (800) and the acknowledgments (900).
    app.connect("env-updated", report_duplicate_ids, priority=700)
