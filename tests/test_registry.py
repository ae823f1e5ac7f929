"""The source registry (docs/references.bib) read with pybtex: sources, formatting, problems."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthkb.citations import registry
from healthkb.citations.attribution import (
    Attribution,
    attribution_differences,
    journals_match,
    parse_attribution,
)
from healthkb.citations.bibtex import make_entry, to_bibtex
from healthkb.citations.model import canonical_key, key_problem
from healthkb.citations.registry import load_registry, parse_registry

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "docs" / "references.bib"

#: The five sources the four articles cite, as the articles name them.
ARTICLE_SOURCES = {
    "pmid:26618062": ("Cheatham SW", "International Journal of Sports Physical Therapy", "2015"),
    "pmid:26592233": ("Beardsley C", "Journal of Bodywork and Movement Therapies", "2015"),
    "pmid:25415413": ("Pearcey GE", "Journal of Athletic Training", "2015"),
    "pmid:34502387": ("Behm DG", "Sports Medicine", "2022"),
    "pmid:33786041": ("Cheatham SW", "Journal of Sports Rehabilitation", "2021"),
}


def _entry(key: str, body: str = "") -> str:
    fields = body or "author = {Doe, J.}, journal = {Journal of Tests}, year = {2020}"
    return f"@article{{{key},\n  {fields}\n}}\n"


# -- the project's registry ---------------------------------------------------------------
def test_project_registry_holds_the_articles_sources() -> None:
    reg = load_registry(BIB)
    assert reg.issues == []
    assert set(reg.sources) == set(ARTICLE_SOURCES)
    for key, (author, journal, year) in ARTICLE_SOURCES.items():
        source = reg.sources[key]
        assert source.first_author is not None and source.first_author.short == author
        assert (source.journal, source.year) == (journal, year)
        assert source.pmid == key.split(":")[1]
        assert source.url == f"https://pubmed.ncbi.nlm.nih.gov/{source.pmid}/"
        # Nothing is invented: the articles give no titles.
        assert source.title is None


def test_project_registry_formats_references() -> None:
    reg = load_registry(BIB)
    cheatham = reg.sources["pmid:26618062"]
    assert cheatham.author_text() == "Cheatham SW, et al."
    assert cheatham.short_ref() == (
        "Cheatham SW et al. (2015), International Journal of Sports Physical Therapy"
    )
    assert cheatham.reference_text() == (
        "Cheatham SW, et al. International Journal of Sports Physical Therapy. 2015. PMID 26618062"
    )
    beardsley = reg.sources["pmid:26592233"]
    assert beardsley.author_text() == "Beardsley C, Skarabot J"
    assert beardsley.short_ref().startswith("Beardsley C and Skarabot J (2015)")
    assert reg.sources["pmid:33786041"].author_text() == "Cheatham SW"


def test_entry_lines_are_recorded() -> None:
    reg = load_registry(BIB)
    lines = BIB.read_text(encoding="utf-8").splitlines()
    for key, source in reg.sources.items():
        assert lines[source.lineno - 1].startswith(f"@article{{{key},")


def test_registry_module_does_not_import_sphinx() -> None:
    tree = ast.parse(Path(registry.__file__).read_text(encoding="utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for name in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
    }
    assert not any(name.startswith(("sphinx", "docutils")) for name in imported)


# -- identifiers ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "key", ["pmid:25415413", "PMID:25415413", "doi:10.1123/jsr.2020-0181", "doi:10.1000/a(b)c"]
)
def test_valid_keys(key: str) -> None:
    assert key_problem(key) is None


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("pmid:2541541a", "malformed PMID"),
        ("pmid:", "malformed PMID"),
        ("pmid:1234567890", "malformed PMID"),
        ("doi:11.1000/abc", "malformed DOI"),
        ("doi:10.12/abc", "malformed DOI"),
        ("isbn:978", "not a citation key"),
        ("25415413", "not a citation key"),
    ],
)
def test_malformed_keys(key: str, says: str) -> None:
    problem = key_problem(key)
    assert problem is not None and says in problem


def test_canonical_keys() -> None:
    assert canonical_key("PMID:123") == "pmid:123"
    assert canonical_key("doi:10.1000/ABC") == "doi:10.1000/abc"


# -- problems in the registry, each with a line ---------------------------------------------
def test_syntax_error_is_reported_with_its_line_and_other_entries_survive() -> None:
    text = _entry("pmid:1") + "@article{pmid:2,\n  author = {Doe, J.,\n  year = 2020\n" + "\n"
    reg = parse_registry(text, "refs.bib")
    [issue] = [i for i in reg.issues if i.code == "citation-registry"]
    assert issue.level == "error"
    # The unclosed brace is on line 5, in the entry that starts on line 4.
    assert issue.lineno == 5
    assert "premature end of file" in issue.message
    assert "entry that starts at line 4" in issue.message
    assert "pmid:1" in reg.sources


def test_missing_comma_between_fields_is_a_syntax_error() -> None:
    reg = parse_registry("@article{pmid:1,\n  author = {Doe, J.}\n  year = {2020}\n}\n")
    [issue] = [i for i in reg.issues if i.code == "citation-registry"]
    assert issue.lineno == 3 and "'}' expected" in issue.message


def test_malformed_pmid_in_the_registry() -> None:
    reg = parse_registry(_entry("pmid:1") + _entry("pmid:12x"))
    [issue] = reg.issues
    assert (issue.code, issue.lineno, issue.target) == ("citation-malformed", 4, "pmid:12x")
    assert set(reg.sources) == {"pmid:1"}


def test_pmid_field_and_url_must_match_the_key() -> None:
    body = (
        "author = {Doe, J.}, journal = {J}, year = {2020}, pmid = {2}, "
        "url = {https://pubmed.ncbi.nlm.nih.gov/3/}"
    )
    reg = parse_registry(_entry("pmid:1", body))
    messages = [i.message for i in reg.issues]
    assert any("pmid field 2 does not match" in m for m in messages)
    assert any("url points at PMID 3" in m for m in messages)
    assert reg.sources["pmid:1"].pmid == "1"


def test_malformed_doi_field() -> None:
    body = "author = {Doe, J.}, journal = {J}, year = {2020}, doi = {doi.org/10.1}"
    reg = parse_registry(_entry("pmid:1", body))
    [issue] = reg.issues
    assert issue.code == "citation-malformed" and "not a DOI" in issue.message


def test_incomplete_entries() -> None:
    reg = parse_registry(_entry("pmid:1", "author = {Doe, J.}, year = {20}"))
    codes = sorted((i.code, i.message) for i in reg.issues)
    assert codes == [
        ("citation-incomplete", "pmid:1 has no journal"),
        ("citation-incomplete", "pmid:1: year '20' is not a four-digit year"),
    ]


def test_one_key_twice_is_a_conflict_with_both_lines() -> None:
    reg = parse_registry(_entry("pmid:1") + _entry("pmid:1", "year = {2021}"))
    [issue] = reg.issues
    assert issue.code == "citation-conflict"
    assert issue.lineno == 4
    assert "lines 1 and 4" in issue.message


def test_one_pmid_under_two_keys_with_different_metadata() -> None:
    other = "author = {Doe, J.}, journal = {Other Journal}, year = {2020}, pmid = {1}"
    reg = parse_registry(_entry("pmid:1") + _entry("doi:10.1000/x", other))
    [issue] = reg.issues
    assert issue.code == "citation-conflict"
    assert "pmid:1 is recorded twice" in issue.message and "journal" in issue.message


def test_missing_file_is_an_empty_registry() -> None:
    reg = load_registry(ROOT / "no-such-file.bib")
    assert reg.exists is False and reg.sources == {} and reg.issues == []


def test_latex_in_fields_becomes_text() -> None:
    body = r"author = {{\v{S}}karabot, J.}, journal = {Sports {\&} Health}, year = {2020}"
    source = parse_registry(_entry("pmid:1", body)).sources["pmid:1"]
    assert source.author_text() == "Škarabot J"
    assert source.journal == "Sports & Health"


# -- digests (what decides which pages are re-read) ---------------------------------------------
def test_digest_changes_with_content_not_with_position() -> None:
    one = parse_registry(_entry("pmid:1")).sources["pmid:1"]
    moved = parse_registry("\n\n% a comment\n" + _entry("pmid:1")).sources["pmid:1"]
    edited = parse_registry(
        _entry("pmid:1", "author = {Doe, J.}, journal = {Journal of Tests}, year = {2021}")
    ).sources["pmid:1"]
    assert one.lineno != moved.lineno
    assert one.digest() == moved.digest()
    assert one.digest() != edited.digest()


def test_sources_survive_plain_storage() -> None:
    source = load_registry(BIB).sources["pmid:26592233"]
    assert registry.Source.from_dict(source.as_dict()) == source


# -- attributions in article text -----------------------------------------------------------------
def test_parse_attribution() -> None:
    assert parse_attribution(
        "Cheatham SW, International Journal of Sports Physical Therapy, 2015"
    ) == Attribution("Cheatham SW", "International Journal of Sports Physical Therapy", "2015")
    assert parse_attribution("Pearcey et al., 2015") == Attribution("Pearcey", None, "2015")
    assert parse_attribution("Behm DG") == Attribution("Behm DG", None, None)


def test_article_attributions_match_the_registry() -> None:
    reg = load_registry(BIB)
    for key, (author, journal, year) in ARTICLE_SOURCES.items():
        written = parse_attribution(f"{author}, {journal}, {year}")
        assert attribution_differences(written, reg.sources[key]) == []


def test_conflicting_attributions() -> None:
    source = load_registry(BIB).sources["pmid:25415413"]
    wrong = parse_attribution("Pearcy GE, Journal of Sports Rehabilitation, 2016")
    assert attribution_differences(wrong, source) == [
        "author 'Pearcy GE' vs 'Pearcey GE'",
        "journal 'Journal of Sports Rehabilitation' vs 'Journal of Athletic Training'",
        "year 2016 vs 2015",
    ]


def test_journal_abbreviations_match() -> None:
    assert journals_match("J Athl Train", "Journal of Athletic Training")
    assert journals_match(
        "Int J Sports Phys Ther", "International Journal of Sports Physical Therapy"
    )
    assert not journals_match("Sports Med", "Journal of Sports Rehabilitation")


# -- writing entries (for the importer) ---------------------------------------------------------
def test_make_entry_round_trips_through_pybtex() -> None:
    entry = make_entry(
        ["Pearcey GE"],
        et_al=True,
        journal="Journal of Athletic Training",
        year="2015",
        pmid="25415413",
    )
    reg = parse_registry(to_bibtex({"pmid:25415413": entry}))
    assert reg.issues == []
    source = reg.sources["pmid:25415413"]
    assert source.author_text() == "Pearcey GE, et al."
    assert source.url == "https://pubmed.ncbi.nlm.nih.gov/25415413/"
    assert source.title is None


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('@{}(),="#% \nabpmid:0123456789.\\')), max_size=200))
def test_any_text_gives_a_registry_never_an_exception(text: str) -> None:
    reg = parse_registry(text)
    assert all(issue.lineno >= 1 for issue in reg.issues)


@given(st.text(max_size=40))
def test_key_problem_never_raises(key: str) -> None:
    problem = key_problem(key)
    assert problem is None or isinstance(problem, str)
