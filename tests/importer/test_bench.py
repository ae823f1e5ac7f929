"""The synthetic corpus the benchmarks use: deterministic, all three shapes, importable."""

from __future__ import annotations

from pathlib import Path

from healthkb.bench import corpus
from healthkb.bench.importer import measure
from healthkb.importer.pipeline import run_import


def test_corpus_is_deterministic_and_varied() -> None:
    first = corpus.generate(12, seed=7)
    assert first == corpus.generate(12, seed=7)
    assert first != corpus.generate(12, seed=8)
    assert {name.split("_", 1)[1] for name, _ in first} == {"blog.txt", "legacy.txt", "answers.txt"}
    assert len({data for _, data in first}) == 12


def test_corpus_imports_without_refusals(tmp_path: Path) -> None:
    corpus.write(tmp_path / "in", 24, seed=3)
    run = run_import([tmp_path / "in"], into=tmp_path / "docs")
    assert [f.message for f in run.files if f.status != "created"] == []
    assert len(list((tmp_path / "docs").rglob("*.md"))) == 24


def test_measure_reports_the_figures() -> None:
    figures = measure(n=8, seed=1)
    assert figures["articles"] == 8 and figures["pages_written"] == 8
    assert figures["reimport_unchanged"] == 8
    assert figures["articles_per_second"] > 0 and figures["peak_traced_mib"] > 0
