"""The importer's building blocks: no Sphinx, links, the registry, shapes, page hashes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from healthkb.core.ids import page_slug
from healthkb.importer import references
from healthkb.importer.detect import detect
from healthkb.importer.links import canonical_path, resolve_url, strip_tracking
from healthkb.importer.model import ImportRefused, Source
from healthkb.importer.pipeline import render_file
from healthkb.importer.writer import page_hash, recorded_hash
from healthkb.language.matcher import SafetyMatcher
from healthkb.language.rules import ConceptRules, load_concept_rules, parse_concept_rules
from healthkb.language.vocabulary import Vocabulary
from tests.conftest import ROOT

ORIGIN = "https://321strong.com"


def test_importer_does_not_import_sphinx() -> None:
    code = (
        "import sys, healthkb.importer.pipeline, healthkb.importer.curation, "
        "healthkb.importer.synthetic; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.amazon.com/stores/x?maas=a&ref_=b&tag=c&321src=d&utm_source=e&keep=1",
            "https://www.amazon.com/stores/x?keep=1",
        ),
        ("https://321strong.com/blog/x?utm_campaign=a", "https://321strong.com/blog/x"),
        ("https://321strong.com/blog/x?page=2", "https://321strong.com/blog/x?page=2"),
    ],
)
def test_strip_tracking(url: str, expected: str) -> None:
    assert strip_tracking(url)[0] == expected


@pytest.mark.parametrize(
    ("raw", "url", "page", "dropped"),
    [
        ("/blog/a", "https://321strong.com/blog/a", "", False),
        ("https://localhost/answers/a", "https://321strong.com/answers/a", "", False),
        ("http://127.0.0.1:8000/blog/a?utm_source=x", "https://321strong.com/blog/a", "", False),
        ("http://www.321strong.com/blog/a", "https://321strong.com/blog/a", "", False),
        ("/blog/known/", "https://321strong.com/blog/known/", "articles/known.md", False),
        (
            "https://321strong.com/blog/known#part",
            "https://321strong.com/blog/known#part",
            "articles/known.md",
            False,
        ),
        ("https://pubmed.ncbi.nlm.nih.gov/1/", "https://pubmed.ncbi.nlm.nih.gov/1/", "", False),
        ("mailto:a@b.example", "mailto:a@b.example", "", False),
        ("javascript:alert(1)", "", "", True),
        ("data:text/html,x", "", "", True),
        ("#top", "", "", True),
        ("", "", "", True),
        ("https://example.com/a b(c)", "https://example.com/a%20b%28c%29", "", False),
    ],
)
def test_resolve_url(raw: str, url: str, page: str, dropped: bool) -> None:
    known = {canonical_path("/blog/known"): "articles/known.md"}
    resolved = resolve_url(raw, origin=ORIGIN, known=known)
    assert (resolved.url, resolved.page, resolved.dropped) == (url, page, dropped)


def test_page_slug() -> None:
    assert page_slug("https://321strong.com/blog/foam-rolling-101/", "T") == "foam-rolling-101"
    assert page_slug("https://321strong.com/blog/page.html", "T") == "page"
    assert page_slug("", "Are Foam Rollers Good for Your Back?") == (
        "are-foam-rollers-good-for-your-back"
    )
    assert page_slug("https://321strong.com/", "Fallback Title") == "fallback-title"


def test_detect_shapes() -> None:
    assert detect(["# T", "", "**URL:** https://321strong.com/blog/t", "---"]) == "blog"
    assert detect(["# T | 321 STRONG Answers", "", "---"]) == "answers"
    assert detect(["# T", "", "**URL:** https://localhost/answers/t", "---"]) == "answers"
    assert detect(["Title", "", "Text."]) == "legacy"
    with pytest.raises(ImportRefused, match="followed by a blank line"):
        detect(["Title", "Text right under it."])


def test_page_hash_ignores_its_own_line() -> None:
    page = "---\ntitle: T\nimport_sha256: {}\n---\n\n# T\n"
    digest = page_hash(page.format("0" * 64))
    stamped = page.format(digest)
    assert recorded_hash(stamped) == digest == page_hash(stamped)
    assert page_hash(stamped + "edit\n") != digest
    assert recorded_hash("# no front matter\n") is None


# -- the source registry ------------------------------------------------------------------------

CHEATHAM = Source(
    "pmid:26618062",
    author="Cheatham SW",
    journal="International Journal of Sports Physical Therapy",
    year="2015",
    pmid="26618062",
    url="https://pubmed.ncbi.nlm.nih.gov/26618062",
)


def test_registry_entry_has_no_title() -> None:
    """The registry's writer (pybtex) writes the entry: the article's fields, no title."""
    entry = references.format_entry(CHEATHAM)
    assert entry == (
        "@article{pmid:26618062,\n"
        '    author = "Cheatham, S. W.",\n'
        '    journal = "International Journal of Sports Physical Therapy",\n'
        '    year = "2015",\n'
        '    pmid = "26618062",\n'
        '    url = "https://pubmed.ncbi.nlm.nih.gov/26618062"\n'
        "}\n"
    )
    assert "title" not in entry


def test_registry_merge_appends_and_keeps_order() -> None:
    existing = "@misc{doi:10.1/b,\n  doi = {10.1/b},\n}\n@misc{pmid:9, note={x}}"
    merged = references.merge(existing, [CHEATHAM, Source("doi:10.1/B", doi="10.1/B")])
    assert merged.text.startswith(existing + "\n")
    assert merged.added == ["pmid:26618062"]  # the DOI key is there already (keys ignore case)
    again = references.merge(merged.text, [CHEATHAM])
    assert again.text == merged.text and again.added == []


def test_registry_hostile_values_stay_bibtex() -> None:
    source = Source("pmid:1", author="Evil } @misc{x, A", journal="J {\\x}", year="2020", pmid="1")
    merged = references.merge("", [source])
    assert merged.added == ["pmid:1"] and merged.errors == []
    assert "@misc{x" not in merged.text.replace("Evil  misc{x", "")


def test_registry_that_does_not_parse() -> None:
    with pytest.raises(references.RegistryError):
        references.merge("@article{a,\n  author = {x\n", [CHEATHAM])


# -- safety rules -------------------------------------------------------------------------------

LUMBAR_ARTICLE = (
    "# Rolling\n\n> Summary.\n\n**URL:** https://321strong.com/blog/rolling\n"
    "**Published:** 2026-01-01\n**Tags:** a\n\n---\n\n## Safety\n\n"
    "**Lower back:** Do not roll directly over the lumbar spine. Roll the glutes instead.\n\n"
    "## When to Stop and See a Doctor\n\nIf your legs go numb, stop and see a doctor.\n"
)


def test_safety_cards_take_their_rule_ids_from_the_rules_file() -> None:
    """The importer names no rule id itself: each card takes the id of the rules file's rule
    of its level whose topic matches what the card is about."""
    rules_file = ROOT / "conf" / "safety-concepts.toml"
    vocabulary = load_concept_rules(rules_file, ROOT / "conf" / "vocabulary.toml").vocabulary
    text = rules_file.read_text(encoding="utf-8")

    def rules(text: str) -> SafetyMatcher:
        return SafetyMatcher(parse_concept_rules(text, vocabulary))

    _article, _page, page = render_file(LUMBAR_ARTICLE, rules=rules(text))
    assert ":rule: no-direct-lumbar-rolling" in page and ":rule: stop-nerve-symptoms" in page
    renamed = text.replace('"no-direct-lumbar-rolling"', '"lumbar-spine"').replace(
        '"stop-nerve-symptoms"', '"nerve-symptoms"'
    )
    _article, _page, page = render_file(LUMBAR_ARTICLE, rules=rules(renamed))
    assert ":rule: lumbar-spine" in page and ":rule: nerve-symptoms" in page
    # Without a rules file the cards are still made, without a rule.
    _article, _page, page = render_file(
        LUMBAR_ARTICLE, rules=SafetyMatcher(ConceptRules((), Vocabulary({})))
    )
    assert "```{safety} Do not roll directly over the lumbar spine" in page
    assert ":rule:" not in page
