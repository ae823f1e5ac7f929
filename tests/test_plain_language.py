"""The site's own words read at grade 6 or below (Flesch-Kincaid): the landing page, the
about page, the medical disclaimer, the safety cards' hidden prefixes, the search help and
the "no results" text. Computed from what a reader gets (the pages Sphinx read and wrote,
the search script's text), failing above the grade.

The imported articles keep the wording the brand published: their grades are in `kb
report`, not held to this.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from healthkb.checks.reading import RECORD_KIND, record_counts
from healthkb.core.domain import kb_domain
from healthkb.language.readability import Counts, measure
from healthkb.safety.levels import CARD_PREFIXES
from tests.trust_site import Built, build

ROOT = Path(__file__).resolve().parent.parent
#: DESIGN.md, "Plain language": the site's own text stays at grade 6 or below.
SITE_GRADE = 6.0
#: A reader's query in the "no results" text.
QUERY = "roll my neck"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """docs/index.md and docs/about.md built with the project's configuration."""
    tmp = tmp_path_factory.mktemp("plain")
    src = tmp / "src"
    src.mkdir()
    for page in ("index.md", "about.md"):
        shutil.copy(ROOT / "docs" / page, src / page)
    conf = ROOT / "conf" / "conf.py"
    (src / "conf.py").write_text(
        f"import runpy\nglobals().update(runpy.run_path({str(conf)!r}))\n", encoding="utf-8"
    )
    return build(src, tmp / "build")


def _grade(counts: Counts) -> float:
    assert counts.grade is not None and counts.words
    return counts.grade


def _text(node: object) -> str:
    return " ".join(str(getattr(node, "get_text", lambda: node)()).split())


@pytest.mark.parametrize("page", ["index", "about"])
def test_landing_and_about_pages(site: Built, page: str) -> None:
    records = kb_domain(site.env).records(RECORD_KIND)[page]
    whole = Counts()
    for record in records:
        counts = record_counts(record)
        whole = whole + counts
        # Every section too, not only the page as a whole.
        assert _grade(counts) <= SITE_GRADE, (page, record["id"], counts.grade)
    assert _grade(whole) <= SITE_GRADE, (page, whole.grade)
    assert whole.words > 150  # the pages' prose, not an empty read


def test_medical_disclaimer(site: Built) -> None:
    aside = site.soup("index.html").select_one(".kb-disclaimer")
    assert aside is not None
    text = _text(aside)
    assert text.startswith("Medical disclaimer.") and text.endswith("Read the full disclaimer.")
    assert _grade(measure(text)) <= SITE_GRADE, text


def test_card_prefixes(site: Built) -> None:
    # What screen readers hear before each card's title, all levels.
    assert _grade(measure("\n\n".join(f"{p}." for p in CARD_PREFIXES.values()))) <= SITE_GRADE
    shown = {
        _text(span).removesuffix(":")
        for page in ("index.html", "about.html")
        for span in site.soup(page).select(".kb-safety__title > .kb-visually-hidden")
    }
    assert shown == set(CARD_PREFIXES.values())


def test_search_help(site: Built) -> None:
    search = site.soup("search.html")
    parts = [
        search.select_one(".kb-search-label"),
        search.select_one("#kb-search-hint"),
        search.select_one("noscript"),
    ]
    assert all(part is not None for part in parts)
    box = site.soup("index.html").select_one("input.kb-search__input")
    assert box is not None
    blocks = [_text(part) for part in parts] + [str(box["placeholder"])]
    text = "\n\n".join(blocks)
    assert "Ask in your own words" in text
    assert _grade(measure(text)) <= SITE_GRADE, text


def test_no_results_text() -> None:
    script = (ROOT / "extensions" / "healthkb" / "site" / "static" / "kb-search.js").read_text(
        encoding="utf-8"
    )
    (template,) = re.findall(r'^const NO_RESULTS = "([^"]+)";$', script, flags=re.M)
    assert "NO_RESULTS.replace(" in script  # the text the status shows
    text = template.replace("{query}", QUERY)
    assert _grade(measure(text)) <= SITE_GRADE, text


def test_no_results_help() -> None:
    """What a search with no result offers: the symptom line and the browse line."""
    script = (ROOT / "extensions" / "healthkb" / "site" / "static" / "kb-search.js").read_text(
        encoding="utf-8"
    )
    lines = [
        re.findall(rf'^const {name} = "([^"]+)";$', script, flags=re.M)
        for name in ("HELP_SYMPTOM", "HELP_BROWSE")
    ]
    assert all(len(found) == 1 for found in lines), lines
    text = "\n\n".join(found[0] for found in lines)
    assert _grade(measure(text)) <= SITE_GRADE, text
