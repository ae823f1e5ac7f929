"""Topic pages, related articles, structured data and the landing page, on a test site made
from the real articles' titles, front matter and tags (tests/roots/test-trust)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from healthkb.core.domain import kb_domain
from healthkb.core.jsonld import script_json
from healthkb.site.related import compute_related, related_to, scores_for
from tests.trust_site import (
    ARE_GOOD,
    ARTICLES,
    DOES_IT_HELP,
    FOREARMS,
    HEALTHY,
    WHAT_WORKS,
    Built,
    build,
    copy_root,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("trust")
    return build(copy_root(tmp), tmp / "build", freshenv=True)


def _links(tag: Tag | None) -> list[tuple[str, str]]:
    assert tag is not None
    return [(a.get_text(" ", strip=True), str(a["href"])) for a in tag.find_all("a")]


def _resolve(site: Built, page: str, href: str) -> tuple[Path, str]:
    """The file and fragment a relative link of ``page`` points to (asserting both exist)."""
    path, _, fragment = href.partition("#")
    target = (site.outdir / page).parent / path if path else site.outdir / page
    target = target.resolve()
    assert target.is_file(), f"{page}: {href} -> {target}"
    if fragment:
        soup = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
        assert soup.find(id=fragment) is not None, f"{page}: {href}: no #{fragment}"
    return target, fragment


def test_builds_without_warnings(site: Built) -> None:
    assert site.warnings == ""


# -- topics ----------------------------------------------------------------------------
TOPICS = {
    "body-part-feet": [WHAT_WORKS],
    "condition-soreness": [WHAT_WORKS],
    "condition-tightness": [WHAT_WORKS, FOREARMS],
    "product-5-in-1-set": [WHAT_WORKS, FOREARMS],
    "product-foam-massage-roller": [DOES_IT_HELP],
    "use-case-mobility": [WHAT_WORKS, DOES_IT_HELP],
}


def test_one_topic_page_per_facet_value(site: Built) -> None:
    pages = sorted(p.stem for p in (site.outdir / "topics").glob("*.html"))
    assert pages == sorted(TOPICS)
    for slug, articles in TOPICS.items():
        soup = site.soup(f"topics/{slug}.html")
        section = soup.select_one("#articles")
        listed = [Path(href).with_suffix("").as_posix()[3:] for _, href in _links(section)]
        assert sorted(listed) == sorted(articles), slug


def test_topic_page_lists_questions_and_cards_in_place(site: Built) -> None:
    page = "topics/condition-tightness.html"
    soup = site.soup(page)
    assert soup.h1 is not None and soup.h1.get_text() == "Tightness"
    assert soup.title is not None and soup.title.get_text().startswith("Tightness (condition)")
    summary = soup.select_one(".kb-topic__summary")
    assert summary is not None
    assert summary.get_text() == "2 articles, 5 questions and 2 safety cards about tightness."
    questions = _links(soup.select_one("#questions"))
    assert [q for q, _ in questions][:2] == [
        "How long should I foam roll my forearms before climbing or playing guitar?",
        "Can I use a regular foam roller on my forearms?",
    ]
    cards = soup.select("#safety-cards li")
    assert [c.select_one(".kb-topic__level").get_text() for c in cards] == [  # type: ignore[union-attr]
        "See a health professional",
        "Caution",
    ]
    for _, href in [*questions, *_links(soup.select_one("#safety-cards"))]:
        _resolve(site, page, href)
    # The page is a page of the site: furo's layout, navigation and the disclaimer.
    assert soup.select_one(".sidebar-drawer") is not None
    assert soup.select_one(".kb-disclaimer") is not None
    meta = soup.find("meta", attrs={"name": "description"})
    assert isinstance(meta, Tag)
    assert meta["content"] == f"Tightness (condition): {summary.get_text()}"
    breadcrumb = _links(soup.select_one(".kb-breadcrumb"))
    assert breadcrumb == [("Topics", "../topics.html")]


def test_topic_pages_are_in_the_sitemap_of_html_builds(site: Built) -> None:
    # Written with html-collect-pages: every HTML build writes them from the domain data.
    assert (site.outdir / "topics" / "product-foam-massage-roller.html").is_file()
    text = site.html("topics/product-foam-massage-roller.html")
    assert "1 article, 5 questions and 2 safety cards that mention the Foam massage roller." in (
        text
    )


def test_article_tags_link_to_their_topic_pages(site: Built) -> None:
    page = f"{WHAT_WORKS}.html"
    soup = site.soup(page)
    tags = soup.select_one("article .kb-topic-tags")
    assert tags is not None
    # Under the title, body parts first, then conditions, uses and products.
    assert tags.find_previous("h1") is not None
    links = _links(tags)
    assert [text for text, _ in links] == [
        "Feet",
        "Soreness",
        "Tightness",
        "Mobility",
        "5 in 1 set",
    ]
    for _, href in links:
        target, _ = _resolve(site, page, href)
        assert target.parent.name == "topics"
    assert tags.get_text(" ", strip=True).startswith("Topics:")
    # Screen readers hear the facet too; the visible text is part of the name.
    first = tags.find("a")
    assert isinstance(first, Tag)
    assert first["aria-label"] == "Body part: Feet"


def test_pages_without_facets_show_no_tags(site: Built) -> None:
    for page in (ARE_GOOD, HEALTHY, "index", "about", "topics"):
        assert site.soup(f"{page}.html").select_one(".kb-topic-tags") is None, page


def test_topic_index_lists_topics_by_facet(site: Built) -> None:
    soup = site.soup("topics.html")
    facets = [h.get_text() for h in soup.select("article h2.kb-topic-index__facet")]
    assert facets == ["Body part", "Condition", "Use", "Product"]
    items = [li.get_text(" ", strip=True) for li in soup.select("article .kb-topic-index li")]
    assert items == [
        "Feet (1 article)",
        "Soreness (1 article)",
        "Tightness (2 articles)",
        "Mobility (2 articles)",
        "5 in 1 set (2 articles)",
        "Foam massage roller (1 article)",
    ]
    for _, href in _links(soup.select_one("article")):
        if not href.startswith(("http", "#")):
            _resolve(site, "topics.html", href)


# -- related articles -----------------------------------------------------------------------
def _related(site: Built, docname: str) -> list[str]:
    soup = site.soup(f"{docname}.html")
    nav = soup.select_one("nav.kb-related")
    assert nav is not None, docname
    out = []
    for _, href in _links(nav):
        target, _ = _resolve(site, f"{docname}.html", href)
        out.append(target.relative_to(site.outdir.resolve()).with_suffix("").as_posix())
    return out


def test_every_article_ends_with_three_related_articles(site: Built) -> None:
    for docname in ARTICLES:
        related = _related(site, docname)
        assert len(related) == 3, docname
        assert docname not in related
        assert set(related) <= set(ARTICLES)


def test_related_lists_follow_text_and_tags(site: Built) -> None:
    # The back-pain articles are closest to each other; the forearm page is left out.
    assert _related(site, DOES_IT_HELP) == [WHAT_WORKS, HEALTHY, ARE_GOOD]
    assert _related(site, HEALTHY) == [DOES_IT_HELP, ARE_GOOD, WHAT_WORKS]
    # 001 has no tags at all: its list comes from its text alone.
    assert _related(site, ARE_GOOD) == [HEALTHY, DOES_IT_HELP, WHAT_WORKS]
    # 002 as exported carries the forearm page's tags (typing fatigue, grip strength...),
    # so the shared tags make the forearm page its closest article.
    assert _related(site, WHAT_WORKS)[0] == FOREARMS
    assert _related(site, FOREARMS)[0] == WHAT_WORKS
    # Scores are stored with the list, best first.
    scores = [entry["score"] for entry in related_to(site.env, DOES_IT_HELP)]
    assert scores == sorted(scores, reverse=True)


def test_related_list_is_navigation_after_the_review_notice(site: Built) -> None:
    soup = site.soup(f"{DOES_IT_HELP}.html")
    nav = soup.select_one("article nav.kb-related")
    assert nav is not None
    assert nav["aria-label"] == "Related articles"
    heading = nav.find("h2")
    assert heading is not None and heading.get_text() == "Related articles"
    review = soup.select_one("article .kb-review")
    assert review is not None
    assert review.find_next("nav") is nav
    # Each entry shows the article's summary when it has one.
    first = nav.select_one("li")
    assert first is not None
    assert "target glutes, hip flexors, and thoracic spine" in first.get_text()


def test_pages_that_are_no_articles_have_no_related_list(site: Built) -> None:
    for page in ("index", "about", "topics", "safety"):
        assert site.soup(f"{page}.html").select_one(".kb-related") is None, page


def test_related_ties_break_by_title_then_page() -> None:
    same = {"back": 3, "roll": 2}
    terms: dict[str, dict[str, int]] = {"c": dict(same), "a": dict(same), "b": dict(same)}
    result = compute_related(terms, {})
    assert [d for d, _ in result["c"]] == ["a", "b"]
    assert result["a"][0][1] == result["a"][1][1]
    # Pages that share nothing are not related at all.
    assert compute_related({"x": {"forearm": 2}, "y": {"lumbar": 3}}, {}) == {"x": [], "y": []}


def test_related_is_deterministic(site: Built) -> None:
    data = kb_domain(site.env).data["related"]
    again = scores_for(site.env, sorted(ARTICLES))
    for docname in ARTICLES:
        stored = [(e["docname"], e["score"]) for e in data[docname]]
        assert stored == sorted(again[docname], key=lambda e: -e[1])[:3]


# -- structured data ----------------------------------------------------------------------
def _jsonld(site: Built, page: str) -> list[dict[str, Any]]:
    soup = site.soup(page)
    assert soup.head is not None
    return [
        json.loads(s.string or "") for s in soup.head.find_all("script", type="application/ld+json")
    ]


def test_one_jsonld_block_per_article_matching_the_page(site: Built) -> None:
    for docname in ARTICLES:
        page = f"{docname}.html"
        soup = site.soup(page)
        (block,) = _jsonld(site, page)
        assert block["@context"] == "https://schema.org"
        webpage = block["@graph"][0]
        assert webpage["@type"] == "MedicalWebPage"
        h1 = soup.select_one("article h1")
        assert h1 is not None
        assert webpage["name"] == h1.get_text().rstrip("¶")
        assert webpage["url"] == f"https://kb.example.org/{page}"
        meta = soup.find("meta", attrs={"name": "description"})
        assert isinstance(meta, Tag)
        assert webpage["description"] == meta["content"]
        # lastReviewed and reviewedBy say what the review notice says.
        notice = soup.select_one(".kb-review")
        assert notice is not None
        first_time = notice.find("time")
        assert isinstance(first_time, Tag)
        assert webpage["lastReviewed"] == first_time["datetime"]
        reviewer = webpage["reviewedBy"]
        assert f"Reviewed by {reviewer['name']}, {reviewer['jobTitle']}" in notice.get_text()
        # citation: exactly the registry entries the page's References list.
        cited = {
            str(li["id"]).removeprefix("ref-pmid-") for li in soup.select(".kb-reference-list > li")
        }
        pmids = {
            ident["value"]
            for citation in webpage.get("citation", [])
            for ident in citation["identifier"]
        }
        assert pmids == cited, docname
        # FAQPage: exactly the questions on the page, in order.
        questions = [q.get_text() for q in soup.select(".kb-faq-question")]
        faq_nodes = [n for n in block["@graph"] if n["@type"] == "FAQPage"]
        if questions:
            (faq,) = faq_nodes
            assert [q["name"] for q in faq["mainEntity"]] == questions
            assert faq["@id"] == f"https://kb.example.org/{page}#faq"
        else:
            assert faq_nodes == []


def test_jsonld_details(site: Built) -> None:
    (block,) = _jsonld(site, f"{DOES_IT_HELP}.html")
    webpage = block["@graph"][0]
    assert webpage["datePublished"] == "2026-06-28"
    assert webpage["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr Amira Haddad",
        "jobTitle": "Physiotherapist",
    }
    first = webpage["citation"][0]
    assert first["isPartOf"] == {
        "@type": "Periodical",
        "name": "International Journal of Sports Physical Therapy",
    }
    assert first["url"] == "https://pubmed.ncbi.nlm.nih.gov/26618062/"
    assert {"@type": "Product", "name": "Foam massage roller"} in webpage["about"]
    assert {"@type": "Thing", "name": "Mobility"} in webpage["about"]
    assert {"@type": "Thing", "name": "back pain"} in webpage["about"]
    # Answers as the reader sees them, without citation markers.
    (block,) = _jsonld(site, f"{HEALTHY}.html")
    (faq,) = [n for n in block["@graph"] if n["@type"] == "FAQPage"]
    effective = faq["mainEntity"][-1]["acceptedAnswer"]["text"]
    assert effective.startswith(
        "Yes. Cheatham SW found foam rolling improves range of motion without compromising "
        "muscle performance. For back mobility"
    )
    (block,) = _jsonld(site, f"{WHAT_WORKS}.html")
    assert {"@type": "AnatomicalStructure", "name": "Feet"} in block["@graph"][0]["about"]
    assert {"@type": "MedicalCondition", "name": "Soreness"} in block["@graph"][0]["about"]


def test_no_medical_webpage_on_other_pages(site: Built) -> None:
    for page in ("index.html", "about.html", "topics.html", "safety.html"):
        assert _jsonld(site, page) == [], page
    assert _jsonld(site, "topics/condition-tightness.html") == []


def test_script_json_cannot_end_its_element() -> None:
    text = script_json({"name": "</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><!-- & -->"}


# -- the landing page -------------------------------------------------------------------------
def _entry(site: Built, title: str) -> Tag:
    for box in site.soup("index.html").select(".kb-entry"):
        heading = box.find("h3")
        if heading is not None and heading.get_text() == title:
            return box
    raise AssertionError(f"no entry point {title!r}")


def test_search_box(site: Built) -> None:
    form = site.soup("index.html").select_one("article form.kb-search")
    assert form is not None
    assert form["action"] == "search.html" and form["method"] == "get"
    assert form["role"] == "search"
    field = form.select_one("input[type=search]")
    assert field is not None and field["name"] == "q"
    label = form.find("label")
    assert isinstance(label, Tag)
    assert label["for"] == field["id"]
    assert label.get_text() == "Search the knowledge base"


def test_entry_points_answer_the_reader(site: Built) -> None:
    lower = _links(_entry(site, "Lower back"))
    assert lower[0] == (
        "Is it safe to foam roll directly on the lower back?",
        f"{DOES_IT_HELP}.html#is-it-safe-to-foam-roll-directly-on-the-lower-back",
    )
    for _, href in lower[:-1]:
        _resolve(site, "index.html", href)
    # No article has the tag body-part:lower-back yet: the entry point offers the search.
    assert lower[-1] == ("Search for “Lower back”", "search.html?q=Lower+back")
    upper = [text for text, _ in _links(_entry(site, "Upper back"))]
    assert "Upper Back vs. Lower Back: Two Completely Different Rules" in upper
    technique = _links(_entry(site, "Technique"))
    assert technique[-1] == ("Everything about mobility", "topics/use-case-mobility.html")
    assert "How often should I foam roll for back pain?" in [t for t, _ in technique]


def test_when_to_stop_lists_the_strongest_cards(site: Built) -> None:
    links = _links(_entry(site, "When to stop and see a professional"))
    assert links[-1] == ("Safety rules and cards", "safety.html")
    cards = links[:-1]
    assert cards
    domain = kb_domain(site.env)
    levels = {
        (f"{docname}.html#{card['id']}"): card["level"]
        for docname, records in domain.records("safety").items()
        for card in records
    }
    assert all(levels[href] in {"urgent", "professional"} for _, href in cards)


def test_entry_points_render_in_text(site: Built, tmp_path: Path) -> None:
    text_site = build(copy_root(tmp_path), tmp_path / "build", "text", freshenv=True)
    index = (text_site.outdir / "index.txt").read_text(encoding="utf-8")
    assert "Lower back" in index
    assert "Is it safe to foam roll directly on the lower back?" in index
    assert "Search the knowledge base" not in index  # the form is HTML only
    article = (text_site.outdir / f"{DOES_IT_HELP}.txt").read_text(encoding="utf-8")
    assert "Topics: Mobility, Foam massage roller" in article
    assert "Related articles" in article
    assert "Foam Roller and Lower Back Pain: What Actually Works" in article
    assert not (text_site.outdir / "topics").exists()
