"""FAQ pages stay correct in parallel and incremental builds."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from healthkb.core.domain import kb_data, kb_domain


@contextmanager
def _built(srcdir: Path, builddir: Path, **kwargs: object) -> Iterator[SphinxTestApp]:
    # kb_parallel_read_min 0: with -j, read in worker processes however few pages there are.
    kwargs.setdefault("confoverrides", {"kb_parallel_read_min": 0})
    app = SphinxTestApp("html", srcdir=srcdir, builddir=builddir, **kwargs)  # type: ignore[arg-type]
    try:
        app.build()
        yield app
    finally:
        app.cleanup()


def _copy_root(rootdir: Path, tmp_path: Path, name: str = "test-faq") -> Path:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / name, srcdir)
    return srcdir


def _body(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    match = re.search(r"<body.*</body>", html, re.S)
    assert match, path
    return match.group(0)


def _bodies(outdir: Path) -> dict[str, str]:
    return {p.relative_to(outdir).as_posix(): _body(p) for p in sorted(outdir.glob("*.html"))}


def _hub_questions(outdir: Path) -> list[str]:
    soup = BeautifulSoup((outdir / "faq.html").read_text(encoding="utf-8"), "html.parser")
    return [a.get_text() for a in soup.select(".kb-faq-hub-item > p:first-child > a")]


def _hub_html(outdir: Path) -> str:
    soup = BeautifulSoup((outdir / "faq.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article")
    return str(article)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    # Sphinx compares modification times; make sure the edit is seen as newer.
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))


def test_parallel_build_gives_the_same_html(rootdir: Path, tmp_path: Path) -> None:
    for name in ("test-faq", "test-faq-calibration"):
        srcdir = _copy_root(rootdir, tmp_path / name, name)
        with _built(srcdir, tmp_path / name / "j1", parallel=1) as serial:
            serial_bodies = _bodies(Path(serial.outdir))
            serial_warnings = serial.warning.getvalue()
        with _built(srcdir, tmp_path / name / "j2", parallel=2) as parallel:
            assert parallel.is_parallel_allowed("read")
            assert parallel.is_parallel_allowed("write")
            parallel_bodies = _bodies(Path(parallel.outdir))
            parallel_warnings = parallel.warning.getvalue()
            objects = kb_domain(parallel.env).objects
        assert parallel_bodies.keys() == serial_bodies.keys()
        for page, body in serial_bodies.items():
            assert parallel_bodies[page] == body, page
        # The same findings, whatever their order.
        assert sorted(parallel_warnings.splitlines()) == sorted(serial_warnings.splitlines())
        assert objects


def test_hub_follows_added_edited_and_removed_items(rootdir: Path, tmp_path: Path) -> None:
    srcdir = _copy_root(rootdir, tmp_path)
    builddir = tmp_path / "build"
    upper = srcdir / "upper-back.md"
    with _built(srcdir, builddir, freshenv=True) as app:
        outdir = Path(app.outdir)
        before = _hub_questions(outdir)
        lower_back = _body(outdir / "lower-back.html")
    assert "Can I roll my neck as well?" not in before

    # Add an item to one page.
    _edit(
        upper,
        "```{faq} Can I roll my upper back directly?",
        "```{faq} Can I roll my neck as well?\nNo: roll the upper back and the shoulders, "
        "never the back of the neck.\n```\n\n```{faq} Can I roll my upper back directly?",
    )
    with _built(srcdir, builddir) as app:
        status = app.status.getvalue()
        assert "0 added, 1 changed, 0 removed" in status
        questions = _hub_questions(outdir)
        assert "Can I roll my neck as well?" in questions
        assert len(questions) == len(before) + 1
        assert 'id="can-i-roll-my-neck-as-well"' in (outdir / "upper-back.html").read_text()
        # Pages that did not change are not rewritten differently.
        assert _body(outdir / "lower-back.html") == lower_back

    # Edit its question.
    _edit(upper, "Can I roll my neck as well?", "Should I roll my neck too?")
    with _built(srcdir, builddir) as app:
        questions = _hub_questions(outdir)
        assert "Should I roll my neck too?" in questions
        assert "Can I roll my neck as well?" not in questions
        assert ("faq", "can-i-roll-my-neck-as-well") not in kb_domain(app.env).objects
        assert ("faq", "should-i-roll-my-neck-too") in kb_domain(app.env).objects

    # Remove it again.
    _edit(
        upper,
        "```{faq} Should I roll my neck too?\nNo: roll the upper back and the shoulders, "
        "never the back of the neck.\n```\n\n",
        "",
    )
    with _built(srcdir, builddir) as app:
        assert _hub_questions(outdir) == before
        assert ("faq", "should-i-roll-my-neck-too") not in kb_domain(app.env).objects

    # Remove the page that held a near-duplicate: the "Also answered in" link goes.
    assert "Also answered in" in _hub_html(outdir)
    upper.unlink()
    _edit(srcdir / "index.md", "upper-back\n", "")
    _edit(
        srcdir / "index.md",
        "{kb:faq}`how often to roll <how-often-should-i-foam-roll-my-back>`",
        "",
    )
    with _built(srcdir, builddir) as app:
        assert "Also answered in" not in _hub_html(outdir)
        assert "Can I roll my upper back directly?" not in _hub_questions(outdir)
        assert app.warning.getvalue() == ""


def test_touch_and_rebuild_keeps_hub_and_jsonld(rootdir: Path, tmp_path: Path) -> None:
    srcdir = _copy_root(rootdir, tmp_path)
    builddir = tmp_path / "build"
    with _built(srcdir, builddir, freshenv=True) as app:
        outdir = Path(app.outdir)
        hub = _hub_html(outdir)
        page = (outdir / "lower-back.html").read_text(encoding="utf-8")
    _edit(srcdir / "lower-back.md", "---", "---")  # touch: newer, same content
    with _built(srcdir, builddir) as app:
        status = app.status.getvalue()
        assert "0 added, 1 changed, 0 removed" in status
        # Counted in the summary line (information is not logged item by item).
        assert "[kb.faq-near-duplicate]" not in status
        assert "1 near-duplicate FAQ question (faq-near-duplicate)" in status
        assert _hub_html(outdir) == hub
        assert (outdir / "lower-back.html").read_text(encoding="utf-8") == page
        assert app.warning.getvalue() == ""
    # A page with no near-duplicate is read: the pair is kept for the report and still
    # counted in the summary line, never logged item by item (an incremental build of a
    # large site would repeat thousands of lines).
    lower = srcdir / "lower-back.md"
    os.utime(lower, (lower.stat().st_atime, lower.stat().st_mtime - 60))  # read already
    _edit(srcdir / "plain.md", "\n", "\n\n")
    with _built(srcdir, builddir) as app:
        status = app.status.getvalue()
        assert "0 added, 1 changed, 0 removed" in status
        assert "[kb.faq-near-duplicate]" not in status
        assert "1 near-duplicate FAQ question (faq-near-duplicate)" in status
        kept = kb_data(app.env)["global_findings"]
        assert [f["code"] for f in kept] == ["faq-near-duplicate"]
