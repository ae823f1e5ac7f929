"""``kb import``: what a maintainer sees and what ends up on disk."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from healthkb.citations.registry import load_registry
from healthkb.cli.main import main
from healthkb.core import files
from tests.importer.conftest import ARTICLES

BLOG = """# {title}

> A summary.

**URL:** https://321strong.com/blog/{slug}
**Published:** 2026-05-01
**Tags:** foam rolling

---

Some text about rolling. {extra}

## Section

More text.
"""


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout with conf/ (site origin, no curation) and an empty docs/."""
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "conf.py").write_text("")
    (tmp_path / "conf" / "site.toml").write_text('[site]\norigin = "https://321strong.com"\n')
    (tmp_path / "docs").mkdir()
    (tmp_path / "in").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _blog(project: Path, name: str, title: str, slug: str, extra: str = "") -> Path:
    path = project / "in" / name
    path.write_text(BLOG.format(title=title, slug=slug, extra=extra), encoding="utf-8")
    return path


def _kb(*args: str) -> int:
    return main(["import", *args])


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_import_writes_pages_and_sources(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in sorted(os.listdir(ARTICLES)):
        shutil.copy(ARTICLES / name, project / "in" / name)
    assert _kb("in") == 0
    out = capsys.readouterr().out
    assert "created   docs/articles/are-foam-rollers-good-for-your-back.md" in out
    assert "docs/answers/is-it-healthy-to-foam-roll-your-back.md" in out
    assert "removed (line 155, navigation link): Scroll to Top" in out
    assert "not in the source: summary, source_url, published, tags" in out
    assert "sources   docs/references.bib: 5 source(s) added (created)" in out
    assert "README" not in out  # the folder's README is not an article
    assert sorted(_files(project / "docs")) == [
        "answers/is-it-healthy-to-foam-roll-your-back.md",
        "articles/are-foam-rollers-good-for-your-back.md",
        "articles/foam-roller-and-lower-back-pain-what-actually-works.md",
        "articles/foam-rolling-for-back-pain-does-it-actually-help.md",
        "references.bib",
    ]


def test_reimport_is_byte_identical(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(ARTICLES / "003_4ba9b850a3692efe.txt", project / "in")
    assert _kb("in") == 0
    before = _files(project / "docs")
    capsys.readouterr()
    assert _kb("in") == 0
    assert _files(project / "docs") == before
    out = capsys.readouterr().out
    assert "unchanged docs/answers/is-it-healthy-to-foam-roll-your-back.md" in out
    assert "no new sources (unchanged)" in out


def test_dry_run_writes_nothing_and_shows_the_diff(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _blog(project, "a.md", "Alpha Article", "alpha")
    assert _kb("in", "--dry-run") == 0
    assert _files(project / "docs") == {}
    out = capsys.readouterr().out
    assert "would create docs/articles/alpha.md" in out
    assert "+++ b/docs/articles/alpha.md" in out
    assert "+# Alpha Article" in out
    assert out.rstrip().endswith("dry run: 1 would create")


def test_edited_page_is_skipped_unless_forced(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _blog(project, "a.md", "Alpha Article", "alpha")
    assert _kb("in") == 0
    page = project / "docs" / "articles" / "alpha.md"
    edited = page.read_text() + "\nA maintainer's note.\n"
    page.write_text(edited)
    _blog(project, "a.md", "Alpha Article", "alpha", extra="New sentence.")
    capsys.readouterr()
    assert _kb("in") == 0
    out = capsys.readouterr().out
    assert "skipped   docs/articles/alpha.md" in out
    assert "edited since it was imported" in out and "--force" in out
    assert page.read_text() == edited
    assert _kb("in", "--dry-run") == 0
    assert page.read_text() == edited
    assert _kb("in", "--force") == 0
    out = capsys.readouterr().out
    assert "updated   docs/articles/alpha.md" in out and "overwritten (--force)" in out
    assert "New sentence." in page.read_text() and "maintainer's note" not in page.read_text()


def test_hand_written_page_is_not_overwritten(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "docs" / "articles").mkdir()
    page = project / "docs" / "articles" / "alpha.md"
    page.write_text("# Written by hand\n")
    _blog(project, "a.md", "Alpha Article", "alpha")
    assert _kb("in") == 0
    assert "no import_sha256" in capsys.readouterr().out
    assert page.read_text() == "# Written by hand\n"


def test_json_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(ARTICLES / "001_fb326065ca147caf.txt", project / "in")
    (project / "in" / "empty.txt").write_text("")
    assert _kb("in", "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == 1
    by_source = {Path(f["source"]).name: f for f in data["files"]}
    legacy = by_source["001_fb326065ca147caf.txt"]
    assert legacy["status"] == "created"
    assert legacy["shape"] == "legacy"
    assert next(r["kind"] for r in legacy["report"]["removed"]) == "affiliate disclosure"
    assert "source_url" in legacy["report"]["unknown"]
    assert by_source["empty.txt"]["status"] == "refused"
    assert by_source["empty.txt"]["message"] == "in/empty.txt: the file is empty"
    assert data["registry"]["status"] == "unchanged"


def test_refused_files_fail_the_run_but_others_import(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _blog(project, "good.md", "Good Article", "good")
    (project / "in" / "bad.md").write_text("# Bad\n\n**Published:** 2026-13-01\n\n---\n\nText.\n")
    assert _kb("in") == 1
    out = capsys.readouterr().out
    assert "refused   in/bad.md:3: **Published:** '2026-13-01' is not a real date" in out
    assert (project / "docs" / "articles" / "good.md").is_file()
    assert not (project / "docs" / "articles" / "bad.md").exists()
    assert "Traceback" not in out


def test_two_articles_with_one_slug(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _blog(project, "a.md", "First Article", "same-name")
    _blog(project, "b.md", "Second Article", "same-name")
    assert _kb("in") == 1
    out = capsys.readouterr().out
    assert "refused   in/b.md: its page name 'same-name' is already taken by in/a.md" in out
    assert "First Article" in (project / "docs" / "articles" / "same-name.md").read_text()


def test_slug_taken_by_another_article_in_docs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _blog(project, "a.md", "First Article", "same-name")
    assert _kb("in/a.md") == 0
    (project / "other").mkdir()
    other = project / "other" / "b.md"
    other.write_text(BLOG.format(title="Other", slug="x/same-name", extra=""))
    capsys.readouterr()
    assert _kb("other/b.md") == 1
    out = capsys.readouterr().out
    assert "already holds the article from https://321strong.com/blog/same-name" in out


def test_links_between_imported_pages_are_internal(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _blog(
        project, "a.md", "Alpha", "alpha", extra="See [beta](/blog/beta/) and [gone](/blog/gone)."
    )
    _blog(
        project,
        "b.md",
        "Beta",
        "beta",
        extra="See [alpha](https://www.321strong.com/blog/alpha#x).",
    )
    assert _kb("in") == 0
    alpha = (project / "docs" / "articles" / "alpha.md").read_text()
    beta = (project / "docs" / "articles" / "beta.md").read_text()
    assert "[beta](beta.md)" in alpha
    assert "[gone](https://321strong.com/blog/gone)" in alpha
    assert "[alpha](alpha.md#x)" in beta
    # A page already in docs is known by its source URL too.
    _blog(project, "c.md", "Gamma", "gamma", extra="See [alpha](/blog/alpha).")
    assert _kb("in/c.md") == 0
    assert "[alpha](alpha.md)" in (project / "docs" / "articles" / "gamma.md").read_text()


def test_registry_keeps_existing_entries(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = (
        "% The registry.\n@article{pmid:26618062,\n  author = {Cheatham, Scott W.},\n"
        "  title = {A title a maintainer added},\n  year = {2014},\n}\n"
    )
    (project / "docs" / "references.bib").write_text(existing)
    shutil.copy(ARTICLES / "000_892ca5a493fdb46e.txt", project / "in")
    assert _kb("in") == 0
    text = (project / "docs" / "references.bib").read_text()
    assert text.startswith(existing)
    assert "@article{pmid:26592233," in text and text.count("pmid:26618062") == 1
    out = capsys.readouterr().out
    assert "pmid:26618062: the article says year 2015 (registry: 2014); the registry is kept" in out


def test_one_source_cited_two_ways(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cite = "([Smith J, *Spine*, {year}](https://pubmed.ncbi.nlm.nih.gov/123))"
    _blog(project, "a.md", "Alpha", "alpha", extra="A claim " + cite.format(year=2019) + ".")
    _blog(project, "b.md", "Beta", "beta", extra="A claim " + cite.format(year=2020) + ".")
    assert _kb("in") == 0
    out = capsys.readouterr().out
    assert "pmid:123: cited as Smith J, Spine, 2020 and as Smith J, Spine, 2019" in out
    recorded = load_registry(project / "docs" / "references.bib").get("pmid:123")
    assert recorded is not None and recorded.year == "2019"


def test_broken_registry_is_left_alone(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = "@article{pmid:1,\n  author = {Unclosed\n"
    (project / "docs" / "references.bib").write_text(broken)
    shutil.copy(ARTICLES / "000_892ca5a493fdb46e.txt", project / "in")
    assert _kb("in") == 1
    assert (project / "docs" / "references.bib").read_text() == broken
    assert "cannot be read, so it was left as it is" in capsys.readouterr().out


def test_failed_write_leaves_the_old_page(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _blog(project, "a.md", "Alpha", "alpha")
    assert _kb("in") == 0
    page = project / "docs" / "articles" / "alpha.md"
    before = page.read_bytes()
    _blog(project, "a.md", "Alpha", "alpha", extra="Changed.")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    assert _kb("in") == 1
    assert page.read_bytes() == before
    assert [p.name for p in page.parent.iterdir()] == ["alpha.md"]  # no temporary file left
    assert "cannot be written (No space left on device)" in capsys.readouterr().out


def test_curation_file_is_applied(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(ARTICLES / "002_97baadc0d585dc68.txt", project / "in")
    shutil.copy(Path(__file__).parents[2] / "conf" / "import-curation.toml", project / "conf")
    assert _kb("in") == 0
    out = capsys.readouterr().out
    assert "docs/articles/foam-rolling-forearms-and-hands.md" in out
    assert "(split by curation)" in out
    assert _kb("in", "--no-curation", "--dry-run") == 0
    assert "would update docs/articles/foam-roller-and-lower-back-pain" in capsys.readouterr().out


def test_bad_curation_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "conf" / "import-curation.toml").write_text("[[add_safety]]\npage = 'x'\n")
    _blog(project, "a.md", "Alpha", "alpha")
    assert _kb("in") == 2
    assert "[[add_safety]] #1: 'level' is missing" in capsys.readouterr().err
    assert _files(project / "docs") == {}


def test_localhost_origin_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "conf" / "site.toml").write_text('[site]\norigin = "http://localhost:8000"\n')
    _blog(project, "a.md", "Alpha", "alpha")
    assert _kb("in") == 2
    assert "is not a public web address" in capsys.readouterr().err


def test_missing_path(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _kb("nowhere.md") == 1
    assert "refused   nowhere.md: no such file or folder" in capsys.readouterr().out
