"""Citations in a built site: markers, References lists, needs-source flags, the evidence
hub, source objects, every builder, and the checks with their file and line."""

from __future__ import annotations

import os
import re
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from docutils import nodes
from sphinx.testing.util import SphinxTestApp

from healthkb.checks.claims import effect_sentences
from healthkb.citations.nodes import cite
from healthkb.citations.roles import parse_cite
from healthkb.core.findings import all_findings

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("KB_UPDATE_SNAPSHOTS") == "1"


def _soup(app: SphinxTestApp, page: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / page).read_text(encoding="utf-8"), "html.parser")


def _article(app: SphinxTestApp, page: str) -> Tag:
    article = _soup(app, page).find("article")
    assert isinstance(article, Tag)
    return article


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _markers(article: Tag) -> list[tuple[str, str, str]]:
    """(number, id, href) of every citation marker in reading order."""
    return [
        (" ".join(a.get_text().split()[1:]), str(a["id"]), str(a["href"]))
        for a in article.select("a.kb-cite-ref")
    ]


# -- parsing the role text -------------------------------------------------------------------
def test_parse_cite_forms() -> None:
    assert parse_cite("pmid:26618062") == ("", ["pmid:26618062"])
    assert parse_cite("pmid:1, pmid:2") == ("", ["pmid:1", "pmid:2"])
    assert parse_cite("Cheatham SW, International Journal, 2015 <pmid:26618062>") == (
        "Cheatham SW, International Journal, 2015",
        ["pmid:26618062"],
    )
    assert parse_cite("A, B, 2015 <pmid:1; doi:10.1000/x,y>") == (
        "A, B, 2015",
        ["pmid:1", "doi:10.1000/x,y"],
    )


def test_effect_sentences() -> None:
    text = "It reduces soreness. Does it improve posture? Breathe slowly. Rolling eased tension."
    assert effect_sentences(text) == ["It reduces soreness.", "Rolling eased tension."]


# -- markers and References ------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="cite")
def test_markers_numbered_per_page_in_order_of_first_citation(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    research = _markers(_article(app, "research.html"))
    assert [m[0] for m in research] == ["1", "2", "1", "2", "1", "1"]
    assert [m[1] for m in research] == [
        "cite-pmid-26618062",
        "cite-pmid-26592233",
        "cite-pmid-26618062-2",
        "cite-pmid-26592233-2",
        "cite-pmid-26618062-3",
        "cite-pmid-26618062-4",
    ]
    assert {m[2] for m in research} == {"#ref-pmid-26618062", "#ref-pmid-26592233"}
    # Another page starts again at 1, whatever the first page cited.
    lower = _markers(_article(app, "lower-back.html"))
    assert [(m[0], m[2]) for m in lower] == [
        ("1", "#ref-pmid-25415413"),
        ("2", "#ref-pmid-34502387"),
    ]


@pytest.mark.sphinx("html", testroot="cite")
def test_marker_is_an_accessible_link(app: SphinxTestApp) -> None:
    app.build()
    marker = _article(app, "research.html").select_one("a.kb-cite-ref")
    assert marker is not None
    assert marker.get_text() == "Reference 1"
    hidden = marker.select_one(".kb-visually-hidden")
    assert hidden is not None and hidden.get_text() == "Reference "
    # Without script, screen readers get the reference as the link's description.
    assert marker["aria-describedby"] == "ref-pmid-26618062"
    group = marker.parent
    assert isinstance(group, Tag) and "kb-cite" in group["class"]
    assert [s.get_text() for s in group.select('[aria-hidden="true"]')] == ["[", "]"]


@pytest.mark.sphinx("html", testroot="cite")
def test_references_list_at_the_end_of_citing_pages(app: SphinxTestApp) -> None:
    app.build()
    article = _article(app, "research.html")
    section = article.find("section", id="references")
    assert isinstance(section, Tag)
    # The last section of the page, a level-2 heading.
    assert section.find_next("section") is None
    heading = section.find("h2")
    assert heading is not None and heading.get_text().startswith("References")
    items = section.select("ol.kb-reference-list > li")
    assert [li["id"] for li in items] == ["ref-pmid-26618062", "ref-pmid-26592233"]
    assert _text(items[0]) == (
        "Cheatham SW, et al. International Journal of Sports Physical Therapy . 2015. "
        "PubMed 26618062"
    )
    link = items[0].find("a")
    assert isinstance(link, Tag)
    assert link["href"] == "https://pubmed.ncbi.nlm.nih.gov/26618062/"
    em = items[1].find("em")
    assert em is not None and em.get_text() == "Journal of Bodywork and Movement Therapies"
    # Pages that cite nothing get no References list.
    assert _article(app, "plain.html").find(id="references") is None
    assert _article(app, "legacy.html").find(id="references") is None


@pytest.mark.sphinx("html", testroot="cite", freshenv=True)
def test_needs_source_keeps_the_claim_visible(app: SphinxTestApp) -> None:
    app.build()
    claim = _article(app, "legacy.html").select_one(".kb-needs-source")
    assert claim is not None
    assert claim["id"] == "needs-source-a-2015-study-published-in-the-journal-of-athletic-training"
    assert _text(claim) == (
        "a 2015 study published in the Journal of Athletic Training ( source needed )"
    )
    flag = claim.select_one(".kb-needs-source-flag")
    assert flag is not None
    assert [s.get_text() for s in flag.select(".kb-visually-hidden")] == [" (", ")"]
    # Information: counted in the build's summary line, kept for kb report.
    status = app.status.getvalue()
    assert "[kb.citation-needs-source]" not in status
    needs = [f for f in all_findings(app.env) if f["code"] == "citation-needs-source"]
    assert (
        "legacy",
        5,
        "claim needs a source: 'a 2015 study published in the Journal of Athletic Training'",
    ) in [(f["docname"], f["lineno"], f["message"]) for f in needs]
    assert ("legacy", 10) in [(f["docname"], f["lineno"]) for f in needs]
    assert f"{len(needs)} claims needing a source (citation-needs-source)" in status


# -- the evidence hub ---------------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="cite")
def test_evidence_hub_lists_sources_with_where_they_are_cited(app: SphinxTestApp) -> None:
    app.build()
    article = _article(app, "evidence.html")
    sources = article.select("li.kb-evidence-source")
    assert [li["id"] for li in sources] == [
        "pmid-26592233",
        "pmid-34502387",
        "pmid-26618062",
        "pmid-33786041",
        "doi-10-1000-uncited-2020",
        "pmid-25415413",
    ]
    cheatham = article.find(id="pmid-26618062")
    assert isinstance(cheatham, Tag)
    cited_by = cheatham.select("ul.kb-evidence-cited-by a")
    assert [(a.get_text(), a["href"]) for a in cited_by] == [
        ("Does foam rolling help back pain?", "research.html"),
        ("What the research says", "research.html#cite-pmid-26618062"),
        ("Upper back and lower back", "research.html#cite-pmid-26618062-3"),
    ]
    # The hub's sections are in the page's contents.
    toc = _soup(app, "evidence.html").select(".toc-tree a")
    assert [a["href"] for a in toc] == [
        "#",
        "#sources",
        "#claims-that-need-a-source",
        "#effect-claims-without-a-citation",
    ]
    uncited = article.find(id="doi-10-1000-uncited-2020")
    assert isinstance(uncited, Tag)
    assert "Not cited by any page yet." in _text(uncited)
    assert "A study nobody cites" in _text(uncited)


@pytest.mark.sphinx("html", testroot="cite")
def test_evidence_hub_lists_claims_to_work_through(app: SphinxTestApp) -> None:
    app.build()
    article = _article(app, "evidence.html")
    needs = article.find("section", id="claims-that-need-a-source")
    assert isinstance(needs, Tag)
    assert _text(needs).startswith(
        "Claims that need a source ¶ Copy link 2 claims name a study without"
    )
    links = [(a.get_text(), a["href"]) for a in needs.select("li a")]
    assert links[:2] == [
        ("Are foam rollers good for your back?", "legacy.html"),
        (
            "Alleviates back pain",
            "legacy.html#needs-source-a-2015-study-published-in-the-journal-of-athletic-training",
        ),
    ]
    unsupported = article.find("section", id="effect-claims-without-a-citation")
    assert isinstance(unsupported, Tag)
    [item] = unsupported.select("li")
    assert " ".join(item.get_text().split()).startswith(
        "FAQ answer “Does foam rolling reduce back pain?”: “Daily sessions of 5 to 10 minutes "
        "reduce tightness within a week.”"
    )
    link = item.find("a")
    assert isinstance(link, Tag) and link["href"] == "research.html#faq-how-often"


@pytest.mark.sphinx("html", testroot="cite")
def test_every_hub_and_marker_link_resolves(app: SphinxTestApp) -> None:
    app.build()
    for page in ("evidence.html", "research.html", "lower-back.html", "legacy.html"):
        for a in _article(app, page).find_all("a", href=True):
            href = str(a["href"])
            if href.startswith(("http://", "https://")):
                continue
            target, _, fragment = href.partition("#")
            target_page = target or page
            if fragment:
                assert _soup(app, target_page).find(id=fragment) is not None, (page, href)


# -- sources are domain objects ------------------------------------------------------------------
def _inventory(app: SphinxTestApp) -> str:
    raw = (app.outdir / "objects.inv").read_bytes()
    return zlib.decompress(raw.split(b"\n", 4)[4]).decode()


@pytest.mark.sphinx(
    "html",
    testroot="cite",
    srcdir="cite-sphinx-search",
    confoverrides={"kb_search_engine": "sphinx"},
)
def test_sources_in_objects_inv_search_and_roles(app: SphinxTestApp) -> None:
    app.build()
    inventory = _inventory(app)
    assert (
        "pmid:26618062 kb:source 1 evidence.html#pmid-26618062 "
        "Cheatham SW et al. (2015), International Journal of Sports Physical Therapy"
    ) in inventory
    assert "doi:10.1000/uncited.2020 kb:source 1 evidence.html#doi-10-1000-uncited-2020" in (
        inventory
    )
    # Sphinx's search lists objects by their title, split at the last dot.
    search = (app.outdir / "searchindex.js").read_text(encoding="utf-8")
    assert (
        '"Pearcey GE et al":[[1,1,1,"pmid-25415413"," (2015), Journal of Athletic Training"]]'
        in (search)
    )
    xref = _article(app, "plain.html").select_one("a.reference.internal[href*='pmid-25415413']")
    assert xref is not None
    assert xref["href"] == "evidence.html#pmid-25415413"
    assert xref.get_text() == "pmid:25415413"
    assert xref["title"] == "Pearcey GE et al. (2015), Journal of Athletic Training"


# -- the checks -----------------------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="cite", freshenv=True)
def test_clean_root_reports_information_only(app: SphinxTestApp) -> None:
    app.build()
    status = app.status.getvalue()
    assert app.warning.getvalue() == ""
    # Information: counted in the build's summary line, kept for kb report.
    assert "[kb.citation-" not in status
    findings = all_findings(app.env)
    (uncited,) = [f for f in findings if f["code"] == "citation-uncited"]
    assert uncited["docname"].endswith("references.bib") and uncited["lineno"] == 43
    assert re.match(r"doi:10\.1000/uncited\.2020 .* no page cites it", uncited["message"])
    unsupported = [f for f in findings if f["code"] == "citation-unsupported-claim"]
    assert [f["docname"] for f in unsupported] == ["research"]
    assert re.match(
        r"FAQ answer 'Does foam rolling reduce back pain\?' states an effect without a citation",
        unsupported[0]["message"],
    )
    assert "1 uncited source (citation-uncited)" in status
    assert "1 unsupported claim (citation-unsupported-claim)" in status
    # The safety callout that cites its claim is not reported.
    assert not [f for f in findings if "Do not roll directly over the lumbar" in f["message"]]


def test_a_build_that_reads_nothing_keeps_the_registry_findings_for_the_report(
    make_app: Callable[..., SphinxTestApp], rootdir: Path, tmp_path: Path
) -> None:
    # kb report right after make html reads no page: the checks after reading still give
    # it the source nothing cites.
    src = _copy_root(rootdir, tmp_path)
    for _ in range(2):
        app = make_app("html", srcdir=src, builddir=tmp_path / "build")
        app.build()
        (uncited,) = [f for f in all_findings(app.env) if f["code"] == "citation-uncited"]
        assert uncited["docname"].endswith("references.bib") and uncited["lineno"] == 43
        assert "1 uncited source (citation-uncited)" in app.status.getvalue()
    assert "no targets are out of date" in app.status.getvalue()


@pytest.mark.sphinx("html", testroot="cite-errors", freshenv=True)
def test_checks_name_file_and_line(app: SphinxTestApp) -> None:
    app.build()
    warnings = app.warning.getvalue()
    expected = [
        r"index\.md:10: ERROR: citation key pmid:99999999 is not in the source registry "
        r"sources/registry\.bib: add the source there or fix the key \[kb\.citation-unknown\]",
        r"index\.md:11: WARNING: 'pmid:12x45' is a malformed PMID.*\[kb\.citation-malformed\]",
        r"index\.md:12: WARNING: 'doi:10\.12/short' is a malformed DOI.*\[kb\.citation-malformed\]",
        r"index\.md:13: WARNING: \{cite\} needs a key.*\[kb\.citation-malformed\]",
        r"first\.md:3: WARNING: the text attributes pmid:25415413 to 'Pearcey GE, Journal of "
        r"Sports Rehabilitation, 2016'.*journal 'Journal of Sports Rehabilitation' vs 'Journal "
        r"of Athletic Training'; year 2016 vs 2015 \[kb\.citation-conflict\]",
        r"second\.md:4: WARNING: pmid:11111111 is attributed to 'Partial P, Sports Medicine, "
        r"2018' here but to 'Partial P, International Journal of Sports Physical Therapy, 2018' "
        r"in first \(line 6\): different journal \[kb\.citation-conflict\]",
        r"sources/registry\.bib:24: ERROR: BibTeX error: syntax error in line 24: premature end "
        r"of file \(in the entry that starts at line 19\) \[kb\.citation-registry\]",
        r"sources/registry\.bib:8: WARNING: registry entry 'pmid:12ab' is a malformed PMID.*"
        r"\[kb\.citation-malformed\]",
        r"sources/registry\.bib:14: WARNING: pmid:11111111 has no journal "
        r"\[kb\.citation-incomplete\]",
        r"sources/registry\.bib:19: WARNING: pmid:22222222 has no journal or year "
        r"\[kb\.citation-incomplete\]",
    ]
    for pattern in expected:
        assert re.search(pattern, warnings), pattern
    # Nothing else fails the build, and there is no traceback.
    assert len([line for line in warnings.splitlines() if "[kb." in line]) == len(expected)
    assert "Traceback" not in warnings


@pytest.mark.sphinx("html", testroot="cite-errors")
def test_unknown_key_renders_visibly(app: SphinxTestApp) -> None:
    app.build()
    unknown = _article(app, "index.html").select_one(".kb-cite-unknown")
    assert unknown is not None and unknown.get_text() == "pmid:99999999"


@pytest.mark.sphinx("html", testroot="cite-errors", freshenv=True)
def test_unsupported_claims_in_safety_callouts_and_faq_answers(app: SphinxTestApp) -> None:
    app.build()
    # Information: counted in the build's summary line, kept for kb report.
    status = app.status.getvalue()
    assert "[kb.citation-unsupported-claim]" not in status
    reported = [f for f in all_findings(app.env) if f["code"] == "citation-unsupported-claim"]
    assert [(f["docname"], f["lineno"], f["message"]) for f in reported] == [
        (
            "claims",
            3,
            "safety callout 'Stop if pain spreads' states an effect without a citation: "
            "'Rolling through nerve pain increases irritation of the nerve.'; cite a source or "
            "mark the claim {needs-source}",
        )
    ]
    # Cited, marked as needing a source, or stating no effect: not reported. A question
    # ("How long until it improves?") is not a claim.
    assert "1 unsupported claim (citation-unsupported-claim)" in status


@pytest.mark.sphinx("html", testroot="cite-errors", freshenv=True)
def test_acknowledged_conflict_does_not_fail_the_build(app: SphinxTestApp) -> None:
    app.build()
    assert "acknowledged.md" not in app.warning.getvalue()
    # Not logged item by item: counted in the summary line, kept for kb report.
    assert "acknowledged [kb." not in app.status.getvalue()
    assert re.search(r"kb: editorial backlog: .*\b\d+ acknowledged;", app.status.getvalue())
    (ack,) = [f for f in all_findings(app.env) if f["docname"] == "acknowledged"]
    assert (ack["code"], ack["lineno"]) == ("citation-conflict", 10)
    assert re.search(r"year 2014 vs 2015", ack["message"])
    assert ack["acknowledged"] == "The article's year is checked with the editor."


# Its own source copy: sphinx.testing shares one doctree directory per source directory
# across builders, and a later builder would not rewrite pages this build wrote.
@pytest.mark.sphinx(
    "html",
    testroot="cite",
    srcdir="cite-missing-bib",
    confoverrides={"kb_bibfile": "missing.bib"},
    freshenv=True,
)
def test_missing_registry_makes_every_key_unknown(app: SphinxTestApp) -> None:
    app.build()
    assert re.search(
        r"research\.md:8: ERROR: citation key pmid:26618062 is not in the source registry "
        r"missing\.bib \(the file does not exist\)",
        app.warning.getvalue(),
    )


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_pages_without_citations_need_no_registry(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    assert "kb.citation" not in app.status.getvalue()


# -- every builder ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("builder", "page"),
    [
        ("text", "research.txt"),
        ("latex", "citationstest.tex"),
        ("man", "citationstest.1"),
        ("texinfo", "citationstest.texi"),
    ],
)
def test_every_builder_renders_citations(
    make_app: Callable[..., SphinxTestApp], rootdir: Path, tmp_path: Path, builder: str, page: str
) -> None:
    app = make_app(builder, srcdir=_copy_root(rootdir, tmp_path))
    app.build()
    assert app.warning.getvalue() == ""
    if builder == "text":
        text = "".join(p.read_text(encoding="utf-8") for p in sorted(app.outdir.glob("*.txt")))
    else:
        text = (app.outdir / page).read_text(encoding="utf-8")
    flat = " ".join(text.split())
    if builder == "latex":
        assert "{[}1{]}" in flat and "{[}1, 2{]}" in flat
    else:
        assert "[1]" in flat and "[1, 2]" in flat
    assert "References" in flat
    assert "Cheatham SW, et al." in flat and "PubMed 26618062" in flat
    assert "source needed" in flat


@pytest.mark.sphinx("text", testroot="cite")
def test_text_output_snapshot(app: SphinxTestApp) -> None:
    app.build()
    _check_snapshot("research.txt", (app.outdir / "research.txt").read_text(encoding="utf-8"))


# A fresh environment: the text build above shares this root's doctrees, and an HTML
# build that reuses them would not rewrite pages an earlier test wrote with another registry.
@pytest.mark.sphinx("html", testroot="cite", freshenv=True)
def test_html_snapshots(app: SphinxTestApp) -> None:
    app.build()
    for page in ("research.html", "legacy.html", "evidence.html"):
        body = str(_article(app, page))
        body = re.sub(r'<a class="headerlink"[^>]*>¶</a>', "", body)
        _check_snapshot(page, body)


@pytest.mark.sphinx("html", testroot="cite")
def test_doctree_snapshot(app: SphinxTestApp) -> None:
    app.build()
    doctree = app.env.get_doctree("research")
    parts = [node.pformat() for node in doctree.findall(cite)]
    parts += [
        node.pformat()
        for node in doctree.findall(nodes.section)
        if "kb-references" in node["classes"]
    ]
    _check_snapshot("research.doctree.txt", "\n".join(parts))


def _check_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / "citations" / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no snapshot {name}: run with KB_UPDATE_SNAPSHOTS=1 and review it"
    assert actual == path.read_text(encoding="utf-8"), f"snapshot {name} differs"


def _copy_root(rootdir: Path, tmp_path: Path, name: str = "cite") -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / f"test-{name}", src)
    return src
