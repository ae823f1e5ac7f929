"""The glossary: first mentions linked to Sphinx's own terms, definitions on the page,
search records, ``glossary-missing`` findings, and builds that relink when it changes."""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from healthkb.core.findings import CHECKS, backlog_summary
from healthkb.language.glossary import MedicalWords, WordsError, load_words, parse_words
from tests.scale_builds import build, copy_root, differences, edit, output_files

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY_ROOT = Path(__file__).resolve().parent / "roots" / "test-glossary"

WORDS = """
[[word]]
term = "lumbar"
forms = ["lumbar spine"]
everyday = "lower back"

[[word]]
term = "hip flexors"
forms = ["hip flexor"]
everyday = "front-of-hip muscles"

[[word]]
term = "delayed-onset muscle soreness"
forms = ["DOMS"]
everyday = "sore muscles after exercise"
"""


def _found(words: MedicalWords, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.word.term) for m in words.find(text)]


# -- the word list (pure) -------------------------------------------------------------


def test_forms_match_whole_words_case_insensitive_longest_first() -> None:
    words = parse_words(WORDS)
    assert _found(words, "The Lumbar spine, lumbar, hip flexors and doms.") == [
        ("Lumbar spine", "lumbar"),
        ("lumbar", "lumbar"),
        ("hip flexors", "hip flexors"),
        ("doms", "delayed-onset muscle soreness"),
    ]
    # Part of another word, or of a hyphenated one: not a mention.
    assert _found(words, "lumbars non-lumbar lumbar-ish flexors DOMSes") == []
    assert words.word("Lumbar Spine") is not None
    assert words.word("LUMBAR") == words.word("lumbar")


def test_the_site_words_file_reads_and_every_word_has_an_everyday_name() -> None:
    words = load_words(ROOT / "conf" / "medical-words.toml")
    assert len(words.words) >= 40
    for word in words.words:
        assert word.everyday and word.term
    for needed in (
        "lumbar",
        "thoracic",
        "piriformis",
        "myofascial",
        "fascia",
        "DOMS",
        "spondylolisthesis",
        "herniation",
        "sciatica",
        "cauda equina",
    ):
        assert words.word(needed) is not None, needed


def test_a_broken_words_file_says_what_is_wrong() -> None:
    with pytest.raises(WordsError, match="everyday"):
        parse_words('[[word]]\nterm = "lumbar"\n')
    with pytest.raises(WordsError, match="already a form"):
        parse_words(WORDS + '\n[[word]]\nterm = "DOMS"\neveryday = "x"\n')
    with pytest.raises(WordsError) as caught:
        parse_words("[[word]]\nterm = \n")
    assert caught.value.lineno == 2
    assert load_words(ROOT / "no-such-file.toml").words == ()


# -- a built site ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("glossary")
    srcdir = copy_root(tmp, GLOSSARY_ROOT)
    built = build(srcdir, tmp / "build", freshenv=True)
    assert "ERROR" not in built.warnings and "WARNING" not in built.warnings, built.warnings
    return built.outdir


def _soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def _term_links(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [
        (a.get_text(), str(a["href"]))
        for a in soup.select("a.reference")
        if a.select_one("span.kb-term.std-term") is not None
    ]


def test_first_mention_in_prose_links_to_its_entry(site: Path) -> None:
    soup = _soup(site, "lower-back.html")
    assert _term_links(soup) == [
        # The heading "Lumbar care" is not linked; the first mention in prose is.
        ("Lumbar spine", "glossary.html#term-lumbar"),
        # Not the heading "Glutes first": the paragraph's form "glute".
        ("glute", "glossary.html#term-glutes"),
        ("piriformis", "glossary.html#term-piriformis"),
        # Not the card's title, nor the code: the card's body.
        ("vertebrae", "glossary.html#term-vertebrae"),
        # Not the link's text, nor the FAQ question: the FAQ answer.
        ("thoracic spine", "glossary.html#term-thoracic"),
    ]
    # The second mention stays text.
    assert "Never roll the lumbar spine itself." in soup.get_text()
    # Never inside a heading, a link, code, the card's title or the FAQ question.
    for selector in ("h1", "h2", "code", ".kb-faq-question", "a[href='#glutes-first']"):
        for element in soup.select(selector):
            assert element.select_one(".kb-term") is None, selector
    # Words without an entry stay plain text, without a dangling link.
    assert "Sciatica can come from" in soup.get_text()
    assert not soup.select("a[href*='term-sciatica']")
    assert [span.get_text() for span in soup.select(".kb-term")] == [
        text for text, _ in _term_links(soup)
    ]


def test_the_page_carries_the_definitions_it_links_to_and_no_others(site: Path) -> None:
    soup = _soup(site, "lower-back.html")
    tips = soup.select(".kb-term-defs > .kb-term-def[role=tooltip][hidden]")
    assert [t["id"] for t in tips] == [
        "kb-def-term-lumbar",
        "kb-def-term-glutes",
        "kb-def-term-piriformis",
        "kb-def-term-vertebrae",
        "kb-def-term-thoracic",
    ]
    assert tips[0].get_text() == "Your lower back. It is the part of your spine below your ribs."
    # No title attribute: the definition is shown by kb-glossary.js, read by screen readers.
    for a in soup.select("a.reference"):
        if a.select_one(".kb-term"):
            assert not a.get("title")
    assert soup.select_one("script[src*='kb-glossary.js']") is not None
    # A page without medical words carries no definitions.
    assert not _soup(site, "index.html").select(".kb-term-def")


def test_glossary_entries_are_terms_with_copy_links_and_search_records(site: Path) -> None:
    soup = _soup(site, "glossary.html")
    # Sphinx's own glossary: no links inside the glossary itself.
    assert not soup.select(".kb-term")
    entries = soup.select("dl.glossary > dt")
    assert [dt["id"] for dt in entries] == [
        "term-glutes",
        "term-lumbar",
        "term-piriformis",
        "term-thoracic",
        "term-vertebrae",
    ]
    for dt in entries:
        button = dt.select_one("button.kb-copy-link")
        assert button is not None and button["data-kb-anchor"] == dt["id"]
        assert "glossary entry" in button["aria-label"]
    # std:term objects in objects.inv (trainers and other projects can link to them).
    raw = (site / "objects.inv").read_bytes()
    body = zlib.decompress(raw.split(b"\n", 4)[4]).decode()
    assert re.search(r"^lumbar std:term -1 glossary.html#term-\$ -$", body, re.M), body


def test_definitions_are_search_records(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path, GLOSSARY_ROOT)
    captured: dict[str, list[dict[str, Any]]] = {}

    def keep(app: object) -> None:
        from sphinx.application import Sphinx

        assert isinstance(app, Sphinx)

        def grab(app: Sphinx, env: object) -> None:
            from healthkb.core.domain import kb_domain

            captured.update(kb_domain(app.env).records("search"))

        app.connect("env-updated", grab)

    build(srcdir, tmp_path / "build", freshenv=True, before=keep)
    records = {r["id"]: r for r in captured["glossary"]}
    assert records["term-lumbar"]["kind"] == "term"
    assert records["term-lumbar"]["title"] == "lumbar"
    assert records["term-lumbar"]["text"] == (
        "Your lower back. It is the part of your spine below your ribs."
    )
    # The article's records keep their words (the link changes no text).
    page = {r["id"]: r for r in captured["lower-back"]}
    assert "Rolling near the Lumbar spine needs care." in page["lumbar-care"]["text"]


def test_a_word_without_an_entry_is_an_info_finding_with_file_and_line(tmp_path: Path) -> None:
    from healthkb.core.findings import all_findings

    srcdir = copy_root(tmp_path, GLOSSARY_ROOT)
    findings: list[dict[str, object]] = []

    def keep(app: object) -> None:
        from sphinx.application import Sphinx

        assert isinstance(app, Sphinx)
        app.connect("build-finished", lambda app, exc: findings.extend(all_findings(app.env)))

    built = build(srcdir, tmp_path / "build", freshenv=True, before=keep)
    missing = [f for f in findings if f["code"] == "glossary-missing"]
    assert [(f["docname"], f["lineno"], f["target"], f["level"]) for f in missing] == [
        ("lower-back", 10, "sciatica", "info"),
        ("lower-back", 11, "fascia", "info"),
    ]
    assert "Sciatica" in str(missing[0]["message"])
    assert "glossary-missing" in CHECKS
    # Info: counted in the summary line, not logged one by one.
    assert "glossary-missing" not in built.warnings
    assert "2 medical words without a glossary entry (glossary-missing)" in (
        backlog_summary(findings) or ""
    )


def test_editing_the_glossary_relinks_pages_as_a_clean_build_does(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path, GLOSSARY_ROOT)
    build(srcdir, tmp_path / "incremental", freshenv=True)
    glossary = srcdir / "glossary.md"
    edit(
        glossary,
        "vertebrae\n",
        "sciatica\n  Nerve pain down the leg.\n\nvertebrae\n",
    )
    edit(glossary, "A deep buttock muscle.", "A deep muscle of the buttock.")
    incremental = build(srcdir, tmp_path / "incremental")
    assert "lower-back" in incremental.status
    clean = build(srcdir, tmp_path / "clean", freshenv=True)
    parallel = build(srcdir, tmp_path / "parallel", freshenv=True, parallel=2)
    files = output_files(incremental.outdir)
    assert differences(files, output_files(clean.outdir)) == []
    assert differences(files, output_files(parallel.outdir)) == []
    soup = _soup(incremental.outdir, "lower-back.html")
    assert ("Sciatica", "glossary.html#term-sciatica") in _term_links(soup)
    tip = soup.select_one("#kb-def-term-piriformis")
    assert tip is not None and tip.get_text() == "A deep muscle of the buttock."


def test_editing_the_words_file_relinks_pages(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path, GLOSSARY_ROOT)
    build(srcdir, tmp_path / "incremental", freshenv=True)
    edit(srcdir / "medical-words.toml", 'forms = ["glute"]', "forms = []")
    incremental = build(srcdir, tmp_path / "incremental")
    clean = build(srcdir, tmp_path / "clean", freshenv=True)
    assert differences(output_files(incremental.outdir), output_files(clean.outdir)) == []
    links = _term_links(_soup(incremental.outdir, "lower-back.html"))
    assert ("glute", "glossary.html#term-glutes") not in links


def test_the_site_glossary_defines_every_medical_word_in_two_short_sentences() -> None:
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    body = text.split(":::{glossary}", 1)[1].split("\n:::", 1)[0]
    entries = dict(
        (term, " ".join(definition.split()))
        for term, definition in re.findall(r"^(\S.*)\n((?:  .*\n?)+)", body, re.M)
    )
    words = load_words(ROOT / "conf" / "medical-words.toml")
    assert sorted(entries, key=str.lower) == sorted((w.term for w in words.words), key=str.lower)
    for term, definition in entries.items():
        sentences = re.split(r"(?<=[.!?])\s+", definition)
        assert 1 <= len(sentences) <= 2, term
        assert all(len(s.split()) <= 16 for s in sentences), term


def test_a_missing_entry_is_no_dangling_reference_warning_even_when_nitpicky(
    tmp_path: Path,
) -> None:
    srcdir = copy_root(tmp_path, GLOSSARY_ROOT)

    def nitpicky(app: Any) -> None:
        app.config.nitpicky = True  # as kb report builds

    built = build(srcdir, tmp_path / "build", freshenv=True, before=nitpicky)
    assert "term not in glossary" not in built.warnings
    soup = _soup(built.outdir, "lower-back.html")
    item = next(li for li in soup.select("li") if "Sciatica" in li.get_text())
    assert item.select_one("span, a") is None
