"""Citations: ``{cite}`` and ``{needs-source}``, per-page References lists, the evidence hub.

The feature's parts, each in its own module:

- :mod:`~healthkb.citations.roles`: the two roles (parsing only);
- :mod:`~healthkb.citations.nodes`: their nodes and visitors for every builder;
- :mod:`~healthkb.citations.store`: the source registry in the environment, and
  which pages an edit of it makes outdated;
- :mod:`~healthkb.citations.references`: numbering and the References list;
- :mod:`~healthkb.citations.hub`: the evidence hub and the source objects;
- :mod:`~healthkb.citations.jsonld`: the cited sources for a page's JSON-LD.

The registry itself is read without Sphinx (:mod:`healthkb.citations.registry`);
the checks of what pages cite are in :mod:`healthkb.checks.citations`.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from healthkb.citations.hub import setup_evidence_hub
from healthkb.citations.nodes import add_citation_nodes
from healthkb.citations.references import CitationTransform
from healthkb.citations.roles import CiteRole, NeedsSourceRole
from healthkb.citations.store import registry_outdated


def setup_citations(app: Sphinx) -> None:
    app.add_config_value("kb_bibfile", "references.bib", "env", types=[str])
    add_citation_nodes(app)
    app.add_role("cite", CiteRole())
    app.add_role("needs-source", NeedsSourceRole())
    app.add_transform(CitationTransform)
    setup_evidence_hub(app)
    app.connect("env-get-outdated", registry_outdated)
    app.add_css_file("citations.css")
    app.add_js_file("citations.js", loading_method="defer")
