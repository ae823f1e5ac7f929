"""The site benchmark (kb bench) runs end to end and reports what it measured."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from healthkb.cli import options
from healthkb.cli.bench import measure, results, site
from tests.conftest import ROOT


def _kb_build(*args: str) -> list[str]:
    """The command `kb build` runs (its --dry-run prints it)."""
    out = subprocess.run(
        [sys.executable, "-m", "healthkb.cli.main", "build", "--dry-run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return shlex.split(out)


def test_make_html_and_kb_build_share_the_default_parallelism() -> None:
    dry_run = subprocess.run(
        ["make", "-n", "-s", "html"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    # make html runs kb build, without options of its own.
    assert dry_run.splitlines() == [".venv/bin/kb build"]
    command = _kb_build()
    default = options.sphinx_options()
    assert command[command.index("-m") + 1] == "healthkb.perf.build"
    assert command[-len(default) - 2 : -2] == default
    assert default == ["-W", "--keep-going", "-n", "-j", options.default_jobs()]
    assert options.default_jobs() == str((os.cpu_count() or 1) + 1)
    # kb bench builds "ours" with the same command, without -W, at the parallelism it measures.
    ours = site.ours_build(ROOT, ROOT / "docs", ROOT / "out", "1")
    assert ours[: ours.index("-d")] == command[: command.index("-d")]
    assert "-W" not in ours and "-n" in ours and ours[ours.index("-j") :][:2] == ["-j", "1"]


def test_kb_build_takes_the_output_folder_and_passes_sphinx_options_through(
    tmp_path: Path,
) -> None:
    command = _kb_build("--out", str(tmp_path), "-j", "1", "-E")
    assert command[-1] == str(tmp_path) and command[-2] == str(ROOT / "docs")
    assert command[command.index("-j") + 1] == "1" and "-E" in command


def test_the_environment_and_caches_stay_out_of_the_published_site() -> None:
    """`make html` and `kb build` keep Sphinx's environment and the extension's caches
    (search documents included) in build/doctrees, not in build/html/.doctrees."""
    command = _kb_build()
    assert options.DOCTREES == "build/doctrees"
    assert command[command.index("-d") + 1] == str(ROOT / options.DOCTREES)
    assert command[-1] == str(ROOT / options.OUT)
    # Read the Docs publishes its own output folder; the doctrees stay outside it.
    assert command == _kb_build("--out", str(ROOT / options.OUT))


def test_edit_one_changes_a_paragraph_not_the_front_matter(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: T\n---\n\n# T\n\nFirst paragraph.\n\nSecond.\n")
    site.edit_one(page)
    text = page.read_text()
    assert text.startswith("---\ntitle: T\n---\n\n# T\n\nFirst paragraph." + site.EDIT)
    assert text.endswith("Second.\n")


def test_bench_runs_end_to_end(tmp_path: Path) -> None:
    result = site.run_bench(ROOT, 4, 0, tmp_path, quiet=True)
    labels = list(result.runs)
    assert labels == [
        "ours: import",
        "ours: build -j 1",
        "ours: build -j default",
        "ours: incremental",
        "ours: no-op",
        "plain: build -j 1",
        "plain: build -j default",
        "plain: incremental",
        "plain: no-op",
    ]
    assert all(run.returncode == 0 for run in result.runs.values()), result.runs
    assert all(run.wall_s > 0 and run.peak_pss_mib > 0 for run in result.runs.values())
    ours, plain = result.sites["ours"], result.sites["plain"]
    assert ours.article_page and ours.article_page_kib > 0
    # Search is the answer index; Sphinx's searchindex.js is not built.
    assert ours.answer_index_kib > 0 and ours.search_index_kib == 0
    assert "search_index_kib" in result.ratios()
    assert plain.article_page_kib > 0
    # Pages are the site's: not files of the doctree folder (inside the output).
    out = tmp_path / "n4" / "ours" / "out"
    site_pages = [p for p in out.rglob("*.html") if not {"_static", ".doctrees"} & set(p.parts)]
    assert (out / ".doctrees").is_dir() and ours.pages == len(site_pages)
    # The incremental build re-read only the edited article (and the pages that list it).
    log = (tmp_path / "n4" / "logs" / "ours-incremental.log").read_text()
    assert "0 added, 1 changed, 0 removed" in log, log
    path = results.write_results(result, tmp_path)
    data = json.loads(path.read_text())
    assert data["articles"] == 4 and "build -j 1 wall" in data["ratios"]
    assert (tmp_path / "results-4.json").is_file()
    table = results.table(result)
    assert "ratios ours / plain" in table and "ours: no-op" in table
    # The clean builds of ours time the content checks per article (CPU time).
    for label in ("ours: build -j 1", "ours: build -j default"):
        phases = result.phases[label]
        assert set(phases) == {"safety checks", "FAQ topic check"}, phases
        assert phases["safety checks"] > 0
    assert data["phase_ms_per_article"]["ours: build -j 1"]["safety checks"] > 0
    assert "CPU ms per article in the checks (ours: build -j 1): " in table


def test_a_stopped_plain_build_gives_bounds_not_figures(tmp_path: Path) -> None:
    # A process tree: a shell whose child shell would write a file after 2 s.
    done = tmp_path / "done"
    cmd = ["sh", "-c", f"sh -c 'sleep 2; touch {done}' & wait"]
    run = measure.measure("plain: build -j 1", cmd, cwd=tmp_path, log=tmp_path / "log", timeout=0.5)
    assert run.stopped and 0.5 <= run.wall_s < 2
    time.sleep(2.5)
    assert not done.exists()  # the whole tree was stopped, not only the shell
    result = results.Result(4, 0, "3", 2)
    result.runs["ours: build -j 1"] = results.Run("ours: build -j 1", 1.0, 1.0, 1, 1, 0)
    result.runs["plain: build -j 1"] = run
    assert result.bounds() == ["build -j 1 wall", "build -j 1 cpu"]
    assert "build -j 1 wall" in result.ratios()
    assert "<=" in results.table(result) and "(stopped)" in results.table(result)


def test_bench_times_the_speed_layer_off_beside_each_build(tmp_path: Path) -> None:
    result = site.run_bench(ROOT, 3, 0, tmp_path, quiet=True, plain=False, layer_off=True)
    assert list(result.runs) == [
        "ours: import",
        "ours: build -j 1",
        "ours, layer off: build -j 1",
        "ours: build -j default",
        "ours, layer off: build -j default",
        "ours: incremental",
        "ours, layer off: incremental",
        "ours: no-op",
        "ours, layer off: no-op",
    ]
    assert all(run.returncode == 0 for run in result.runs.values()), result.runs
    ratios = result.layer_ratios()
    assert {"build -j 1 wall", "build -j default cpu", "incremental wall", "no-op wall"} <= set(
        ratios
    )
    assert all(value > 0 for value in ratios.values())
    assert "ratios ours with the speed layer on / off" in results.table(result)
    # Both builds wrote the same site.
    base = tmp_path / "n3" / "ours"
    on, off = base / "out", base / "out-layer-off"
    pages = sorted(p.relative_to(on) for p in on.rglob("*.html") if ".doctrees" not in p.parts)
    assert pages and pages == sorted(
        p.relative_to(off) for p in off.rglob("*.html") if ".doctrees" not in p.parts
    )
    assert all((on / p).read_bytes() == (off / p).read_bytes() for p in pages)
