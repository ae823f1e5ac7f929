"""Topic pages, related lists, review notices and JSON-LD in parallel, incremental and
non-HTML builds."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.trust_site import (
    DOES_IT_HELP,
    FOREARMS,
    WHAT_WORKS,
    assert_same_pages,
    bodies,
    build,
    building,
    copy_root,
)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    # Sphinx compares modification times; make sure the edit is seen as newer.
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))


def test_parallel_build_gives_the_same_html(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path)
    with building(srcdir, tmp_path / "j1", parallel=1) as serial:
        serial_pages = bodies(Path(serial.outdir))
        serial_warnings = serial.warning.getvalue()
    with building(srcdir, tmp_path / "j2", parallel=2) as parallel:
        assert parallel.is_parallel_allowed("read")
        assert parallel.is_parallel_allowed("write")
        parallel_pages = bodies(Path(parallel.outdir))
        parallel_warnings = parallel.warning.getvalue()
    assert "topics/condition-tightness.html" in serial_pages
    assert_same_pages(parallel_pages, serial_pages)
    assert sorted(parallel_warnings.splitlines()) == sorted(serial_warnings.splitlines())


def _topic_articles(html: str) -> list[str]:
    section = html.split('<section id="articles">', 1)[1].split("</section>", 1)[0]
    return re.findall(r">([^<]+)</a>", section)


def test_editing_tags_updates_topic_pages_and_related_lists(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path / "incremental")
    builddir = tmp_path / "incremental" / "build"
    first = build(srcdir, builddir, freshenv=True)
    outdir = first.outdir
    before = bodies(outdir)
    assert "Foam Roller and Lower Back Pain: What Actually Works" in _topic_articles(
        before["topics/condition-tightness.html"]
    )
    assert not (outdir / "topics" / "body-part-lower-back.html").exists()

    # The maintainer fixes 002's tags as the importer's curation does: the forearm tags go.
    _edit(
        srcdir / f"{WHAT_WORKS}.md",
        'tags: ["body-part:feet", climbing recovery, "condition:soreness", "condition:tightness", '
        "foam rolling, forearm recovery, grip strength, hand fatigue, myofascial release, "
        '"product:5-in-1-set", typing fatigue, "use-case:mobility", wrist health]',
        'tags: [back pain, foam rolling, myofascial release, "body-part:lower-back", '
        '"condition:soreness", "use-case:mobility", "product:foam-massage-roller"]',
    )
    second = build(srcdir, builddir)
    assert "0 added, 1 changed, 0 removed" in second.status
    after = bodies(outdir)

    # Topic pages follow: a new one, one gone, one without the article.
    assert _topic_articles(after["topics/body-part-lower-back.html"]) == [
        "Foam Roller and Lower Back Pain: What Actually Works"
    ]
    assert "topics/body-part-feet.html" not in after
    assert "Foam Roller and Lower Back Pain: What Actually Works" not in _topic_articles(
        after["topics/condition-tightness.html"]
    )
    assert "body-part-lower-back" in after["topics.html"]
    # The landing page's lower-back entry point now leads to the topic page.
    assert "Everything about lower back" in after["index.html"]
    # The forearm page's related list changed, so it was rewritten; the other articles'
    # lists show the same pages, so they were not. A hub is rewritten when what it shows
    # changed: the topic index is, the safety hub (which lists no tags) is not.
    assert after[f"{FOREARMS}.html"] != before[f"{FOREARMS}.html"]
    written = set(re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", second.status))
    assert written == {WHAT_WORKS, FOREARMS, "index", "topics"}

    # The incremental result is exactly what a clean build of the edited sources gives.
    clean = build(srcdir, tmp_path / "clean", freshenv=True)
    assert_same_pages(after, bodies(clean.outdir))


def test_topic_pages_are_written_only_when_what_they_show_changed(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path)
    builddir = tmp_path / "build"
    outdir = build(srcdir, builddir, freshenv=True).outdir
    topics = sorted((outdir / "topics").glob("*.html"))
    assert len(topics) >= 3

    def written() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in topics if p.exists()}

    before = written()
    # A sentence added to an article's prose: no topic page shows it.
    _edit(
        srcdir / f"{DOES_IT_HELP}.md",
        "quietly takes away.",
        "quietly takes away. One more sentence of prose.",
    )
    second = build(srcdir, builddir)
    assert "0 added, 1 changed, 0 removed" in second.status
    assert written() == before
    # A topic page whose file is gone is written again, and only that one.
    topics[0].unlink()
    build(srcdir, builddir)
    after = written()
    assert after.keys() == before.keys()
    assert {name for name in after if after[name] != before[name]} == {topics[0].name}
    clean = build(srcdir, tmp_path / "clean", freshenv=True)
    assert_same_pages(bodies(outdir), bodies(clean.outdir))


def test_touch_and_rebuild_changes_nothing(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path)
    builddir = tmp_path / "build"
    first = build(srcdir, builddir, freshenv=True)
    before = bodies(first.outdir)
    _edit(srcdir / f"{DOES_IT_HELP}.md", "---", "---")  # newer, same content
    second = build(srcdir, builddir)
    assert "0 added, 1 changed, 0 removed" in second.status
    assert second.warnings == ""
    assert bodies(second.outdir) == before


@pytest.mark.parametrize(
    ("builder", "output"),
    [
        ("latex", "kbtrusttest.tex"),
        ("man", "kbtrusttest.1"),
        ("texinfo", "kbtrusttest.texi"),
    ],
)
def test_every_builder_renders_the_trust_nodes(tmp_path: Path, builder: str, output: str) -> None:
    built = build(copy_root(tmp_path), tmp_path / "build", builder, freshenv=True)
    assert built.warnings == ""
    text = (built.outdir / output).read_text(encoding="utf-8")
    flat = " ".join(text.split())
    assert "Page last reviewed:" in flat
    assert "1 July 2026" in flat
    assert "Reviewed by Dr Amira Haddad, Physiotherapist" in flat
    assert "Related articles" in flat
    assert "Topics:" in flat and "Foam massage roller" in flat
