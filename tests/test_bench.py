"""The site benchmark (kb bench) runs end to end and reports what it measured."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from healthkb.cli.bench import site
from healthkb.cli.main import DEFAULT_SPHINXOPTS
from tests.conftest import ROOT


def test_make_html_and_kb_build_share_the_default_parallelism() -> None:
    dry_run = subprocess.run(
        ["make", "-n", "-s", "html"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    command = next(line for line in dry_run.splitlines() if "-m healthkb.perf.build" in line)
    assert command.split()[-len(DEFAULT_SPHINXOPTS) - 2 : -2] == DEFAULT_SPHINXOPTS
    jobs = DEFAULT_SPHINXOPTS[DEFAULT_SPHINXOPTS.index("-j") + 1]
    assert jobs == str((os.cpu_count() or 1) + 1) == site.default_jobs()
    assert "-W" not in site.build_options() and "-j" not in site.build_options()


def test_the_environment_and_caches_stay_out_of_the_published_site() -> None:
    """`make html` and `kb build` keep Sphinx's environment and the extension's caches
    (search documents included) in build/doctrees, not in build/html/.doctrees."""
    from healthkb.cli.main import DOCTREES

    dry_run = subprocess.run(
        ["make", "-n", "-s", "html"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    command = next(
        line for line in dry_run.splitlines() if "-m healthkb.perf.build" in line
    ).split()
    assert command[command.index("-d") + 1] == DOCTREES == "build/doctrees"


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
    # Search is Pagefind's bundle; Sphinx's searchindex.js is not built.
    assert ours.pagefind_kib > 0 and ours.search_index_kib == 0
    assert "search_index_kib" in result.ratios()
    assert plain.article_page_kib > 0
    # Pages are the site's: not the search documents kept in the doctree folder.
    out = tmp_path / "n4" / "ours" / "out"
    site_pages = [p for p in out.rglob("*.html") if not {"_static", ".doctrees"} & set(p.parts)]
    assert list((out / ".doctrees").rglob("*.html")) and ours.pages == len(site_pages)
    # The incremental build re-read only the edited article (and the pages that list it).
    log = (tmp_path / "n4" / "logs" / "ours-incremental.log").read_text()
    assert "0 added, 1 changed, 0 removed" in log, log
    path = site.write_results(result, tmp_path)
    data = json.loads(path.read_text())
    assert data["articles"] == 4 and "build -j 1 wall" in data["ratios"]
    assert (tmp_path / "results-4.json").is_file()
    table = site.table(result)
    assert "ratios ours / plain" in table and "ours: no-op" in table


def test_a_stopped_plain_build_gives_bounds_not_figures(tmp_path: Path) -> None:
    # A process tree: a shell whose child shell would write a file after 2 s.
    done = tmp_path / "done"
    cmd = ["sh", "-c", f"sh -c 'sleep 2; touch {done}' & wait"]
    run = site.measure("plain: build -j 1", cmd, cwd=tmp_path, log=tmp_path / "log", timeout=0.5)
    assert run.stopped and 0.5 <= run.wall_s < 2
    time.sleep(2.5)
    assert not done.exists()  # the whole tree was stopped, not only the shell
    result = site.Result(4, 0, "3", 2)
    result.runs["ours: build -j 1"] = site.Run("ours: build -j 1", 1.0, 1.0, 1, 1, 0)
    result.runs["plain: build -j 1"] = run
    assert result.bounds() == ["build -j 1 wall", "build -j 1 cpu"]
    assert "build -j 1 wall" in result.ratios()
    assert "<=" in site.table(result) and "(stopped)" in site.table(result)
