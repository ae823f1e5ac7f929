"""Reading level in the editorial report: what the build measures per page and section, the
reading-level findings, and what `kb report` shows (tests/roots/test-reading)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

from healthkb.checks.reading import RECORD_KIND, Target, load_target
from healthkb.cli import main as cli
from healthkb.cli.report import collect, render_text
from healthkb.core.domain import kb_domain
from healthkb.core.findings import all_findings
from healthkb.language.readability import measure, sentences, total
from tests.conftest import ROOT

ROOTS = Path(__file__).resolve().parent / "roots"
POLICY = {"kb_policy_dir": str(ROOT / "conf")}

#: The prose of each section of guide.md as a reader reads it: no headings, no code block,
#: no inline code; the FAQ answer and the card's body with the section that holds them.
PROSE = {
    "reading-levels": [("The dog ran to the park. The cat sat on the mat.", 7)],
    "plain-words": [
        (
            "We roll the back. It can help a lot. Roll slow and keep your breath calm. Stop if "
            "it hurts.\nAsk a nurse or a GP if you are not sure what to do next.",
            11,
        )
    ],
    "hard-words": [
        (
            "Self-myofascial release demonstrably ameliorates musculoskeletal discomfort through\n"
            "neuromuscular desensitisation, consequently facilitating considerably improved "
            "physiological\nfunctionality. Practitioners occasionally recommend supplementary "
            "interventions, particularly\nindividualised progressive mobilisation programmes. "
            "Such approaches reportedly necessitate\nmeticulous individualised assessment, "
            "appropriately calibrated pressure and comprehensive\nunderstanding of anatomical "
            "relationships.",
            16,
        )
    ],
    "hard-words-short-and-hard": [
        ("Physiotherapeutic interventions necessitate individualised considerations.", 29)
    ],
    "answers-and-cards": [
        ("Roll for one or two minutes a day. Rest the  on the piriformis.", 34),
        ("Roll the muscles next to the spine, not the bones.", 39),
    ],
}
LINES = {
    "reading-levels": 5,
    "plain-words": 9,
    "hard-words": 14,
    "hard-words-short-and-hard": 27,
    "answers-and-cards": 31,
}
#: Heading levels: the page's title is 1.
LEVELS = {"reading-levels": 1, "hard-words-short-and-hard": 3}
#: The medical words of guide.md (conf/medical-words.toml), none with a glossary entry in
#: this site: the line of the paragraph that first uses each, and its section.
UNEXPLAINED = [
    {"word": "mobilization", "line": 16, "section": "hard-words"},
    {"word": "self-myofascial release", "line": 16, "section": "hard-words"},
    {"word": "piriformis", "line": 34, "section": "answers-and-cards"},
]


def _reading_page(report: dict[str, Any], path_end: str) -> dict[str, Any]:
    (page,) = [p for p in report["reading"]["pages"] if p["path"].endswith(path_end)]
    return page


@pytest.mark.sphinx("html", testroot="reading", confoverrides=POLICY, freshenv=True)
def test_sections_are_measured_from_their_prose(app: SphinxTestApp) -> None:
    app.build()
    records = kb_domain(app.env).records(RECORD_KIND)
    assert "index" not in records  # a page without prose has no reading level
    guide = records["guide"]
    assert [(r["id"], r["line"], r["level"]) for r in guide] == [
        (section, LINES[section], LEVELS.get(section, 2)) for section in PROSE
    ]
    for record in guide:
        expected = total(sentences(PROSE[record["id"]]))
        counts = record["counts"]
        assert counts == [
            expected.sentences,
            expected.words,
            expected.syllables,
            expected.polysyllables,
        ], record["id"]
    answers = guide[-1]
    # The longest sentences with the line each starts on (the FAQ answer's, the card's).
    assert answers["longest"] == [
        {"line": 39, "words": 10, "text": "Roll the muscles next to the spine, not the bones."},
        {"line": 34, "words": 8, "text": "Roll for one or two minutes a day."},
        {"line": 34, "words": 5, "text": "Rest the on the piriformis."},
    ]
    hard = guide[2]
    assert [(s["line"], s["words"]) for s in hard["longest"]] == [(19, 16), (16, 15), (18, 10)]


@pytest.mark.sphinx("html", testroot="reading", confoverrides=POLICY, freshenv=True)
def test_sections_above_the_target_are_information_findings(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""  # information: never a warning, never fails -W
    status = app.status.getvalue()
    assert "[kb.reading-level]" not in status
    assert "1 section above the target reading grade (reading-level)" in status
    (finding,) = [f for f in all_findings(app.env) if f["code"] == "reading-level"]
    assert (finding["docname"], finding["lineno"], finding["level"]) == ("guide", 14, "info")
    assert finding["target"] == "hard-words"
    assert finding["message"].startswith("section 'Hard words' reads at grade ")
    assert "above the target of grade 8: 41 words in 3 sentences" in finding["message"]
    # "Short and hard" reads higher still, but five words are too few to judge.
    short = measure(PROSE["hard-words-short-and-hard"][0][0])
    assert short.grade is not None and short.grade > 20 and short.words < Target().min_words


@pytest.mark.sphinx("html", testroot="reading", confoverrides=POLICY, freshenv=True)
def test_report_json_has_page_and_section_grades(app: SphinxTestApp) -> None:
    app.build()
    # The site has no glossary page: every medical word of conf/medical-words.toml that it
    # uses is unexplained (the glossary check's glossary-missing findings).
    report = json.loads(json.dumps(collect(app.env, Path(app.srcdir))))
    reading = report["reading"]
    assert reading["target_grade"] == 8 and reading["min_words"] == 30
    assert (reading["pages_above_target"], reading["sections_above_target"]) == (1, 1)
    assert [p["path"] for p in reading["pages"]] == ["guide.md"]
    page = _reading_page(report, "guide.md")
    assert page["title"] == "Reading levels"
    whole = total(sentences([block for blocks in PROSE.values() for block in blocks]))
    assert (page["words"], page["sentences"]) == (whole.words, whole.sentences)
    assert page["grade"] == round(whole.grade or 0, 1)
    assert page["reading_ease"] == round(whole.reading_ease or 0, 1)
    assert page["smog"] == round(whole.smog or 0, 1)
    assert page["above_target"] is (page["grade"] > 8)
    assert page["longest_sentences"][0] == {
        "line": 19,
        "words": 16,
        "text": "Such approaches reportedly necessitate meticulous individualised assessment, "
        "appropriately calibrated pressure and comprehensive understanding of anatomical "
        "relationships.",
        "section": "hard-words",
    }
    assert [(s["line"], s["words"]) for s in page["longest_sentences"]] == [
        (19, 16),
        (12, 15),  # of equal length, the first
        (16, 15),
    ]
    assert page["unexplained_words"] == UNEXPLAINED
    sections = {s["id"]: s for s in page["sections"]}
    assert list(sections) == list(PROSE)
    for section_id, section in sections.items():
        expected = total(sentences(PROSE[section_id]))
        assert (
            section["title"]
            == {
                "reading-levels": "Reading levels",
                "plain-words": "Plain words",
                "hard-words": "Hard words",
                "hard-words-short-and-hard": "Short and hard",
                "answers-and-cards": "Answers and cards",
            }[section_id]
        )
        assert section["line"] == LINES[section_id]
        assert section["grade"] == round(expected.grade or 0, 1)
        assert section["reading_ease"] == round(expected.reading_ease or 0, 1)
        assert section["smog"] == round(expected.smog or 0, 1)
        assert section["above_target"] is (section_id == "hard-words")
        assert section["unexplained_words"] == [
            word for word in UNEXPLAINED if word["section"] == section_id
        ]
    assert sections["plain-words"]["grade"] < 4 < 16 < sections["hard-words"]["grade"]
    # The finding, with file and line, is in the page's findings too.
    (item,) = _page(report, "guide.md")["findings"]["reading-level"]
    assert (item["line"], item["level"], item["target"]) == (14, "info", "hard-words")
    assert report["summary"]["open_findings"]["reading-level"] == 1

    text = render_text(report)
    assert "  reading level (target: grade 8): pages above it 1 of 1, sections 1" in text
    block = text.split("\nguide.md  Reading levels\n  grade ", 1)[1]
    assert "    line 14   grade " in block and "#hard-words Hard words  [above target]" in block
    assert (
        "  medical words without explanation: mobilization (line 16), self-myofascial release"
        " (line 16), piriformis (line 34)"
    ) in block
    assert "    line 19 (16 words): Such approaches reportedly necessitate" in block


def _page(report: dict[str, Any], path_end: str) -> dict[str, Any]:
    (page,) = [p for p in report["pages"] if p["path"].endswith(path_end)]
    return page


def test_the_target_comes_from_the_plain_language_file(tmp_path: Path) -> None:
    assert load_target(tmp_path / "missing.toml") == Target(8.0, 30)
    assert load_target(ROOT / "conf" / "plain-language.toml") == Target(8.0, 30)
    path = tmp_path / "plain-language.toml"
    path.write_text("[reading]\ntarget_grade = 6.5\nmin_words = 0\n", encoding="utf-8")
    assert load_target(path) == Target(6.5, 0)
    for bad in ("target_grade = 'eight'", "target_grade = 0", "min_words = -1", "min_words = 2.5"):
        path.write_text(f"[reading]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ValueError, match=r"plain-language\.toml:2: (target_grade|min_words)"):
            load_target(path)
    path.write_text("[reading\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"plain-language\.toml:1: invalid TOML"):
        load_target(path)
    # a file saved in another encoding is a problem with its line, not a traceback
    path.write_bytes(b"[reading]\ntarget_grade = 8 # caf\xe9\n")
    with pytest.raises(ValueError, match=r"plain-language\.toml:2: .*UTF-8"):
        load_target(path)


def test_a_new_target_needs_no_page_read_again(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-reading", srcdir)
    settings = tmp_path / "plain-language.toml"
    settings.write_text("[reading]\ntarget_grade = 4\nmin_words = 0\n", encoding="utf-8")
    overrides = {**POLICY, "kb_plain_language": str(settings)}
    app = make_app("html", srcdir=srcdir, confoverrides=overrides, freshenv=True)
    app.build()
    flagged = sorted(f["target"] for f in all_findings(app.env) if f["code"] == "reading-level")
    assert flagged == ["hard-words", "hard-words-short-and-hard"]
    report = collect(app.env, srcdir)
    assert report["reading"]["target_grade"] == 4 and report["reading"]["min_words"] == 0

    settings.write_text("[reading]\ntarget_grade = 'hard'\n", encoding="utf-8")
    again = make_app("html", srcdir=srcdir, confoverrides=overrides)
    again.build()
    assert "0 added, 0 changed, 0 removed" in again.status.getvalue()  # no page read again
    warnings = again.warning.getvalue()
    assert "target_grade must be a grade from 1 to 20, not 'hard'; using the defaults" in warnings
    assert "[kb.config]" in warnings
    flagged = [f["target"] for f in all_findings(again.env) if f["code"] == "reading-level"]
    assert flagged == ["hard-words"]


def test_parallel_and_serial_builds_measure_alike(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    records = []
    for jobs in (1, 2):
        srcdir = tmp_path / f"src-{jobs}"
        shutil.copytree(rootdir / "test-reading", srcdir)
        app = make_app(
            "html",
            srcdir=srcdir,
            confoverrides={**POLICY, "kb_parallel_read_min": 0},
            parallel=jobs,
            freshenv=True,
        )
        app.build()
        records.append(kb_domain(app.env).records(RECORD_KIND))
    assert records[0] == records[1] and records[0]["guide"]


def test_kb_report_writes_the_reading_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOTS / "test-reading", project / "docs")
    shutil.copytree(ROOT / "conf", project / "conf", ignore=lambda *_: ["conf.py"])
    (project / "docs" / "conf.py").rename(project / "conf" / "conf.py")
    monkeypatch.chdir(project)
    assert cli.main(["report", "-j", "1"]) == 0
    data = json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))
    page = _reading_page(data, "docs/guide.md")
    assert page["path"] == "docs/guide.md"
    assert [s["id"] for s in page["sections"] if s["above_target"]] == ["hard-words"]
    (item,) = _page(data, "docs/guide.md")["findings"]["reading-level"]
    assert item["line"] == 14
