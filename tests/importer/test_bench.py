"""The synthetic corpus the benchmarks use: deterministic, all three shapes, importable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from healthkb.cli.bench.importer import measure
from healthkb.importer import pipeline
from healthkb.importer import synthetic as corpus
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


def test_a_large_import_converts_in_worker_processes_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = pipeline.PARALLEL_FROM
    corpus.write(tmp_path / "in", n, seed=5)
    (tmp_path / "in" / "empty.txt").write_text("")  # refused, with its reason, in a worker
    parallel = run_import([tmp_path / "in"], into=tmp_path / "parallel")
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", n + 10)
    serial = run_import([tmp_path / "in"], into=tmp_path / "serial")

    def results(run: Any, into: str) -> list[str]:
        return [
            json.dumps(f.as_dict(), sort_keys=True).replace(f"/{into}/", "/DOCS/")
            for f in run.files
        ]

    assert results(parallel, "parallel") == results(serial, "serial")
    refused = [f for f in parallel.files if f.status == "refused"]
    assert len(refused) == 1 and "empty.txt" in refused[0].message

    def pages(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.md")}

    assert len(pages(tmp_path / "parallel")) == n
    assert pages(tmp_path / "parallel") == pages(tmp_path / "serial")


def test_a_page_that_fails_to_render_is_refused_and_the_others_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = pipeline.PARALLEL_FROM  # written in worker processes
    corpus.write(tmp_path / "in", n, seed=6)
    real_render = pipeline.render

    def render(article: Any) -> str:
        if article.source_url.endswith("-3"):  # the fourth file's article
            raise ValueError("boom")
        return real_render(article)

    monkeypatch.setattr(pipeline, "render", render)
    run = run_import([tmp_path / "in"], into=tmp_path / "docs")
    refused = [f for f in run.files if f.status == "refused"]
    written = [f for f in run.files if f.status == "created"]
    assert [f.source.rsplit("/", 1)[-1] for f in refused] == ["00003_answers.txt"]
    assert "internal error" in refused[0].message and "boom" in refused[0].message
    assert len(written) == n - 1
    assert len(list((tmp_path / "docs").rglob("*.md"))) == n - 1
    assert not list((tmp_path / "docs").rglob("*.tmp")), "no half-written page is left"
    assert run.exit_code == 1
