"""healthkb: the Sphinx extension and tools of the back-pain knowledge base.

Each feature lives in its own module with a ``setup_<feature>(app)`` function;
:func:`setup` calls them all from one place.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the importer and the bench use this package without Sphinx
    from sphinx.application import Sphinx

__version__ = "0.1.0"

# Bump when the shape of data stored in the environment changes.
ENV_VERSION = 10


@cache
def env_version() -> int:
    """:data:`ENV_VERSION` with a digest of this package's source. The environment keeps what
    the code found on each page (the checks' findings, FAQ and citation data), so a build
    after the code changed, a newer release of the checks say, reads every page again instead
    of showing the old code's findings for the pages that did not change."""
    return ENV_VERSION * 10**12 + source_digest(Path(__file__).parent)


def source_digest(folder: Path) -> int:
    """A number that changes when any Python source file under ``folder`` does."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return int(digest.hexdigest()[:10], 16)


def setup(app: Sphinx) -> dict[str, Any]:
    from healthkb.checks.citations import setup_citation_checks
    from healthkb.checks.faq import setup_faq_checks
    from healthkb.checks.glossary import setup_glossary_checks
    from healthkb.checks.reading import setup_reading_checks
    from healthkb.checks.review import setup_review_checks
    from healthkb.checks.safety import setup_safety_checks
    from healthkb.citations.extension import setup_citations
    from healthkb.core.anchors import setup_anchors
    from healthkb.core.config import setup_config
    from healthkb.core.domain import setup_domain
    from healthkb.core.findings import setup_findings
    from healthkb.core.hubs import setup_hubs
    from healthkb.core.jsonld import setup_jsonld
    from healthkb.core.pages import setup_pages
    from healthkb.faq.extension import setup_faq
    from healthkb.perf.setup import setup_perf
    from healthkb.review.extension import setup_review
    from healthkb.safety.extension import setup_safety
    from healthkb.search.extension import setup_search
    from healthkb.site.assets import setup_site
    from healthkb.site.definitions import setup_definitions
    from healthkb.site.glossary import setup_glossary
    from healthkb.site.jsonld import setup_webpage_jsonld
    from healthkb.site.landing import setup_landing
    from healthkb.site.links import setup_links
    from healthkb.site.navigation import setup_navigation
    from healthkb.site.related import setup_related
    from healthkb.site.reproducible import setup_reproducible
    from healthkb.site.topics import setup_topics

    setup_config(app)
    setup_findings(app)
    setup_domain(app)
    setup_anchors(app)
    setup_hubs(app)
    setup_jsonld(app)
    setup_links(app)
    setup_site(app)
    setup_safety(app)
    setup_faq(app)
    setup_citations(app)
    setup_citation_checks(app)
    setup_pages(app)
    setup_review(app)
    setup_topics(app)
    setup_related(app)
    setup_webpage_jsonld(app)
    setup_landing(app)
    setup_search(app)
    setup_navigation(app)
    setup_glossary(app)
    setup_definitions(app)
    setup_reproducible(app)
    # The content checks, after the features whose data they read.
    setup_safety_checks(app)
    setup_faq_checks(app)
    setup_review_checks(app)
    setup_glossary_checks(app)
    setup_reading_checks(app)
    # Last: the speed layer patches what the features set up (kb_fast_build switches it).
    setup_perf(app)
    return {
        "version": __version__,
        "env_version": env_version(),
        # All data our extension stores in the environment lives in the kb
        # domain, which implements clear_doc and merge_domaindata.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
