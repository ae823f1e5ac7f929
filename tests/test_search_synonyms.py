"""The search synonyms file: read with the shared vocabulary, every problem with file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from healthkb.language.vocabulary import load_vocabulary
from healthkb.search.synonyms import read_synonyms
from tests.conftest import ROOT

VOCABULARY = load_vocabulary(ROOT / "conf" / "vocabulary.toml")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "search-synonyms.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_project_file_reads_cleanly_with_the_vocabulary() -> None:
    synonyms = read_synonyms(ROOT / "conf" / "search-synonyms.toml", VOCABULARY)
    assert synonyms.problems == []
    by_name = {c["concept"]: c for c in synonyms.concepts}
    # Readers' words the safety rules know, written once in the vocabulary.
    assert {"dead leg", "lost feeling"} <= set(by_name["numbness"]["reader"])
    assert {"baby bump", "trimester"} <= set(by_name["pregnancy"]["reader"])
    assert "thin bone" in by_name["osteoporosis"]["reader"]
    # What the rules read in the context of rolling advice, a query does not take.
    assert "asleep" not in by_name["numbness"]["reader"]
    assert "expect a" not in by_name["pregnancy"]["reader"]


def test_vocabulary_words_join_the_reader_words_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[synonym]]\nconcept = "numbness"\nterms = ["numbness", "numb"]\n'
        'reader = ["dead leg"]\nvocabulary = ["symptoms.numbness"]\nskip = ["asleep"]\n',
    )
    (concept,) = read_synonyms(path, VOCABULARY).concepts
    reader = concept["reader"]
    assert reader[0] == "dead leg" and reader.count("dead leg") == 1
    assert "numb" not in reader and "asleep" not in reader
    assert "pins and needles" in reader
    # Gaps and prefixes are patterns, not words a reader types.
    assert not any("..." in phrase or "*" in phrase for phrase in reader)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[[synonym]]\nterms = ["a"\nkind = "x"\n', 3, "invalid TOML"),
        ('[[synonym]]\nconcept = "a"\nterms = ["a"]\ncolour = "red"\n', 4, "unknown key 'colour'"),
        (
            '[[synonym]]\nconcept = "a"\nterms = ["a"]\n\n[[synonym]]\nconcept = "b"\nterms = []\n',
            7,
            "no terms",
        ),
        (
            '[[synonym]]\nconcept = "a"\nterms = ["a"]\nvocabulary = ["symptoms.nope"]\n',
            4,
            "unknown vocabulary concept 'symptoms.nope'",
        ),
        ('[[synonym]]\nconcept = "a"\nterms = ["a"]\nvocabulary = "x"\n', 4, "must be a list"),
    ],
)
def test_problems_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = _write(tmp_path, text)
    synonyms = read_synonyms(path, VOCABULARY)
    problem = synonyms.problems[0]
    assert (problem.path, problem.line) == (str(path), line), problem
    assert message in problem.message


def test_a_concept_at_fault_is_left_out_the_others_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[synonym]]\nconcept = "a"\nterms = []\n\n[[synonym]]\nconcept = "b"\nterms = ["b"]\n',
    )
    synonyms = read_synonyms(path, VOCABULARY)
    assert [c["concept"] for c in synonyms.concepts] == ["b"]
    assert len(synonyms.problems) == 1


def test_a_broken_synonyms_file_is_a_build_error_with_file_and_line(
    make_app, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "tests" / "roots" / "test-search", src)
    (src / "search-synonyms.toml").write_text(
        '[[synonym]]\nconcept = "a"\nterms = ["a"]\nvocabulary = ["places.nowhere"]\n',
        encoding="utf-8",
    )
    rules = str(ROOT / "conf" / "safety-concepts.toml")
    app: SphinxTestApp = make_app(
        "html",
        srcdir=src,
        builddir=tmp_path / "_build",
        confoverrides={"kb_safety_rules": rules},
    )
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    assert re.search(
        r"search-synonyms\.toml:4: ERROR: invalid search synonyms: synonym 'a': unknown "
        r"vocabulary concept 'places\.nowhere' .*\[kb\.config\]",
        warnings,
    ), warnings
    assert "Traceback" not in warnings
    assert (Path(app.outdir) / "index.html").is_file()


def test_a_file_that_is_not_utf8_is_a_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "search-synonyms.toml"
    path.write_bytes(b'[[synonym]]\nconcept = "a"\nterms = ["caf\xe9"]\n')
    (problem,) = read_synonyms(path, VOCABULARY).problems
    assert (problem.path, problem.line) == (str(path), 3)
    assert "not valid UTF-8" in problem.message
