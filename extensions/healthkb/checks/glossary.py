"""``glossary-missing``: a medical word used on a page that has no entry in the glossary.

The words are those of ``conf/medical-words.toml``; a page's mentions are stored when
it is read (:mod:`healthkb.site.glossary`), the glossary's entries are Sphinx's own
``std:term`` objects. The check runs on every build (``env-updated``), so adding an
entry clears the finding on every page without reading them again. It is ``info``:
the editorial backlog, listed by ``kb report`` with file and line (the word's first
mention on the page), counted in the build's summary line.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain
from sphinx.environment import BuildEnvironment

from healthkb.core.domain import kb_domain
from healthkb.core.findings import report, store_build_finding
from healthkb.site.glossary import MENTIONS


def glossary_terms(env: BuildEnvironment) -> set[str]:
    """The glossary's terms, lower case (as Sphinx resolves a term reference)."""
    std = env.get_domain("std")
    assert isinstance(std, StandardDomain)
    return {name.lower() for (objtype, name) in std.objects if objtype == "term"}


def check_missing(app: Sphinx, env: BuildEnvironment) -> list[str]:
    terms = glossary_terms(env)
    glossary = app.config.kb_glossary
    mentions = kb_domain(env).records(MENTIONS)
    for docname in sorted(mentions):
        for mention in mentions[docname]:
            if mention["term"].lower() in terms:
                continue
            finding = report(
                env,
                "glossary-missing",
                f"medical word {mention['text']!r} has no glossary entry: add {mention['term']!r} "
                f"with a plain definition to the glossary ({glossary})",
                docname=docname,
                lineno=mention["lineno"],
                level="info",
                target=mention["term"],
                store=False,
            )
            store_build_finding(env, finding)
    return []


def setup_glossary_checks(app: Sphinx) -> None:
    app.connect("env-updated", check_missing)
