"""The source registry in the build environment, and the citation records.

The registry file (``kb_bibfile``, default ``references.bib`` in the source
directory) is read with :mod:`healthkb.citations.registry` when the build starts
(``env-get-outdated``) and kept in the kb domain's data as plain dicts, with a
digest of each entry. Editing the file re-reads exactly the pages that cite the
entries whose digest changed, and the evidence hub pages (they hold the source
objects). Consumers turn the dicts they need back into
:class:`~healthkb.citations.model.Source` objects: :func:`find_source` for one key,
:func:`all_sources` for the whole registry.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from healthkb.citations.model import Source
from healthkb.citations.registry import load_registry
from healthkb.core.domain import kb_data, kb_domain

REGISTRY = "citation_registry"  # key of the loaded registry in the kb domain's data
HUB_KIND = "evidence"  # the evidence hub's kind (see healthkb.core.hubs)

# Record kinds in the kb domain (per document).
CITATIONS = "citations"
NEEDS_SOURCE = "needs-source"
UNSUPPORTED = "unsupported-claims"

#: The kinds of an unsupported-claims record: what holds the claim, as the hub names it.
CLAIM_HOLDERS = {"faq": "FAQ answer", "safety": "safety callout"}


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
    """The loaded registry: path, whether it exists, sources and issues as plain data."""
    data = kb_data(env)
    if data[REGISTRY] is None:
        data[REGISTRY] = _load(env)
    stored: dict[str, Any] = data[REGISTRY]
    return stored


def is_known(env: BuildEnvironment, key: str) -> bool:
    """Whether the canonical ``key`` is in the registry."""
    return key in registry_data(env)["sources"]


def find_source(env: BuildEnvironment, key: str) -> Source | None:
    """The registry's source for the canonical ``key``, or None."""
    raw = registry_data(env)["sources"].get(key)
    return Source.from_dict(raw) if raw is not None else None


def all_sources(env: BuildEnvironment) -> dict[str, Source]:
    """Every source of the registry by canonical key."""
    return {k: Source.from_dict(v) for k, v in registry_data(env)["sources"].items()}


def _evidence_hubs(env: BuildEnvironment) -> set[str]:
    return {
        docname
        for docname, records in kb_domain(env).records("hubs").items()
        if any(r.get("kind") == HUB_KIND for r in records)
    }


def registry_outdated(
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
