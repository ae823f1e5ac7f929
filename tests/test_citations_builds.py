"""Citations stay correct in parallel and incremental builds.

* ``-j 2`` writes the same HTML as ``-j 1``.
* Editing one registry entry re-reads and re-writes exactly the pages that cite it
  (and the evidence hub), serially and in parallel, and they show the new data.
* Editing a page updates the evidence hub.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.testing.util import SphinxTestApp

CONTENT_PAGES = ("index", "research", "lower-back", "answers", "plain", "legacy", "evidence")


def _copy(rootdir: Path, dest: Path) -> Path:
    shutil.copytree(rootdir / "test-cite", dest)
    return dest


def _build(srcdir: Path, builddir: Path, parallel: int = 0) -> tuple[SphinxTestApp, list[str]]:
    """Build; return the app and the documents it read."""
    read: list[str] = []

    def note(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        read.extend(docnames)

    # kb_parallel_read_min 0: with -j, read in worker processes however few pages there are.
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        builddir=builddir,
        parallel=parallel,
        confoverrides={"kb_parallel_read_min": 0},
    )
    app.connect("env-before-read-docs", note)
    try:
        app.build()
    finally:
        app.cleanup()
    return app, sorted(read)


def _mtimes(outdir: Path) -> dict[str, int]:
    return {name: (outdir / f"{name}.html").stat().st_mtime_ns for name in CONTENT_PAGES}


def _pages(outdir: Path) -> dict[str, str]:
    return {
        path.relative_to(outdir).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(outdir.rglob("*.html"))
    }


def test_parallel_build_equals_serial_build(rootdir: Path, tmp_path: Path) -> None:
    src = _copy(rootdir, tmp_path / "src")
    serial, _ = _build(src, tmp_path / "serial", parallel=1)
    parallel, _ = _build(src, tmp_path / "parallel", parallel=2)
    assert parallel.parallel == 2 and parallel.builder.parallel_ok
    one, two = _pages(serial.outdir), _pages(parallel.outdir)
    assert one.keys() == two.keys()
    for page in one:
        assert one[page] == two[page], page
    assert (serial.outdir / "objects.inv").read_bytes() == (
        parallel.outdir / "objects.inv"
    ).read_bytes()


@pytest.mark.parametrize("parallel", [1, 2])
def test_registry_edit_rebuilds_exactly_the_citing_pages(
    rootdir: Path, tmp_path: Path, parallel: int
) -> None:
    src = _copy(rootdir, tmp_path / "src")
    build = tmp_path / "build"
    app, first = _build(src, build, parallel)
    assert first == sorted(CONTENT_PAGES)
    before = _mtimes(app.outdir)
    assert "Journal of Athletic Training</em>. 2015." in (app.outdir / "lower-back.html").read_text(
        encoding="utf-8"
    )

    # Pearcey 2015 is cited only by lower-back: change its year.
    bib = src / "references.bib"
    text = bib.read_text(encoding="utf-8")
    edited = re.sub(r"(pmid:25415413,.*?year\s*=\s*\{)2015", r"\g<1>2016", text, flags=re.DOTALL)
    assert edited != text
    bib.write_text(edited, encoding="utf-8")

    app, second = _build(src, build, parallel)
    assert second == ["evidence", "lower-back"]
    after = _mtimes(app.outdir)
    rewritten = {name for name in CONTENT_PAGES if after[name] != before[name]}
    # index holds the toctree of lower-back, so Sphinx rewrites it too; plain links to
    # the source with {kb:source}, and the link's title shows the year.
    assert rewritten - {"index"} == {"evidence", "lower-back", "plain"}
    assert "(2016), Journal of Athletic Training" in (app.outdir / "plain.html").read_text(
        encoding="utf-8"
    )
    lower = (app.outdir / "lower-back.html").read_text(encoding="utf-8")
    assert "Journal of Athletic Training</em>. 2016." in lower
    hub = (app.outdir / "evidence.html").read_text(encoding="utf-8")
    assert "Journal of Athletic Training</em>. 2016." in hub
    # The article still says 2015: the check now reports the conflict where it is written.
    assert re.search(
        r"lower-back\.md:6: WARNING: the text attributes pmid:25415413 .* year 2015 vs 2016",
        app.warning.getvalue(),
    )


@pytest.mark.parametrize("parallel", [1, 2])
def test_editing_a_page_updates_the_evidence_hub(
    rootdir: Path, tmp_path: Path, parallel: int
) -> None:
    src = _copy(rootdir, tmp_path / "src")
    build = tmp_path / "build"
    app, _ = _build(src, build, parallel)
    hub = (app.outdir / "evidence.html").read_text(encoding="utf-8")
    assert 'href="plain.html#cite-pmid-33786041"' not in hub

    plain = src / "plain.md"
    plain.write_text(
        plain.read_text(encoding="utf-8")
        + "\n## Effective?\n\nIt improves range of motion {cite}`pmid:33786041`.\n",
        encoding="utf-8",
    )
    app, read = _build(src, build, parallel)
    assert read == ["plain"]
    hub = (app.outdir / "evidence.html").read_text(encoding="utf-8")
    assert 'href="plain.html#cite-pmid-33786041">Effective?</a>' in hub

    # Remove the citation again: the hub forgets it.
    (src / "legacy.md").write_text("# Are foam rollers good for your back?\n\nNo claims.\n")
    app, read = _build(src, build, parallel)
    assert read == ["legacy"]
    hub = (app.outdir / "evidence.html").read_text(encoding="utf-8")
    assert "No claim is waiting for a source." in hub
    assert "needs-source-a-2015-study" not in hub
