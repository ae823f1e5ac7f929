"""Builds you can trust: parallel, incremental and repeated builds write the same site.

On a small knowledge base (tests/roots/test-scale: hubs, an articles index, articles and
answers pages with FAQs, safety cards, citations, tags and cross-references):

- a ``-j 2`` (and ``-j 3``: two writer processes) build writes byte-identical files to a
  ``-j 1`` build;
- after any single edit, an incremental build writes the same files as a clean build of
  the edited sources, and it re-reads only what the edit touched;
- two clean builds with ``SOURCE_DATE_EPOCH`` set are byte-identical (every file,
  ``sitemap.xml``, ``objects.inv`` and the search index, ``kb-index/``, included;
  Sphinx's ``.buildinfo`` is not part of the site).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sphinx.util.console import strip_escape_sequences

import healthkb
from healthkb.core import hubs as hubs_module
from healthkb.core.domain import report_duplicate_ids
from healthkb.perf import parallel as parallel_module
from tests.scale_builds import build, bump, copy_root, differences, edit, output_files

Edit = Callable[[Path], None]


def _article_text(src: Path) -> None:
    edit(src / "articles/hip-flexors.md", "Roll slowly", "Roll very slowly")


def _new_paragraph(src: Path) -> None:
    # The FAQ item and the card below it move down two lines.
    edit(
        src / "articles/hip-flexors.md",
        "## Technique",
        "Warm up with a short walk.\n\n## Technique",
    )


def _faq_answer(src: Path) -> None:
    edit(
        src / "articles/hip-flexors.md",
        "Tight hip flexors tilt the pelvis",
        "Short, tight hip flexors tilt the pelvis",
    )


def _faq_question(src: Path) -> None:
    # glute-release links to this item with {kb:faq} and shows its question.
    edit(
        src / "articles/hip-flexors.md",
        "Can tight hip flexors cause back pain?",
        "Do tight hip flexors cause back pain?",
    )


def _safety_card(src: Path) -> None:
    # morning-routine links to this card with {kb:safety} and shows its title.
    path = src / "articles/lower-back-basics.md"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.partition("```{safety} Do not roll directly over the lumbar spine")
    path.write_text(head + "```{safety} Never roll over the lumbar spine itself" + tail)
    bump(path)


def _citation(src: Path) -> None:
    edit(src / "articles/calf-rolling.md", "{cite}`pmid:26618062`", "{cite}`pmid:25415413`")


def _bib_entry(src: Path) -> None:
    edit(
        src / "references.bib",
        "year    = {2015},\n  pmid    = {26592233}",
        "year    = {2016},\n  pmid    = {26592233}",
    )


def _tags(src: Path) -> None:
    edit(src / "articles/upper-back-desk.md", '"body-part:upper-back"', '"body-part:neck"')


def _title(src: Path) -> None:
    # Shown in the sidebar of its neighbours and in their previous/next links.
    edit(src / "articles/hip-flexors.md", "# Hip flexors and the lower back", "# Hip flexors")


def _add_article(src: Path) -> None:
    (src / "articles/foot-rolling.md").write_text(
        '---\nsummary: Rolling the soles of the feet.\ntags: ["body-part:feet"]\n---\n\n'
        "# Foot rolling with a small ball\n\nRoll the sole of each foot for a minute.\n",
        encoding="utf-8",
    )


def _remove_article(src: Path) -> None:
    (src / "articles/morning-routine.md").unlink()
    # upper-back-desk's FAQ was linked from it; nothing else refers to the page.


def _add_pages(src: Path, pages: dict[str, str]) -> None:
    """Write top-level pages (name -> text) and list them in the index's table of contents."""
    for name, text in pages.items():
        (src / f"{name}.md").write_text(text, encoding="utf-8")
    index = src / "index.md"
    listed = "".join(f"{name}\n" for name in pages)
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("\nevidence\n", "\nevidence\n" + listed, 1), encoding="utf-8")


EDITS: dict[str, tuple[Edit, str]] = {
    "article text": (_article_text, "0 added, 1 changed, 0 removed"),
    "new paragraph": (_new_paragraph, "0 added, 1 changed, 0 removed"),
    "FAQ answer": (_faq_answer, "0 added, 1 changed, 0 removed"),
    "FAQ question": (_faq_question, "0 added, 1 changed, 0 removed"),
    "safety card": (_safety_card, "0 added, 1 changed, 0 removed"),
    "citation": (_citation, "0 added, 1 changed, 0 removed"),
    # The pages citing the changed entry, and the evidence hub, are re-read.
    "references.bib entry": (_bib_entry, "0 added, 4 changed, 0 removed"),
    "tags": (_tags, "0 added, 1 changed, 0 removed"),
    "title": (_title, "0 added, 1 changed, 0 removed"),
    # The articles index (it lists the folder) is re-read too.
    "added article": (_add_article, "1 added, 1 changed, 0 removed"),
    "removed article": (_remove_article, "0 added, 1 changed, 1 removed"),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_incremental_build_writes_what_a_clean_build_writes(tmp_path: Path, kind: str) -> None:
    change, read = EDITS[kind]
    src = copy_root(tmp_path)
    build(src, tmp_path / "incremental", freshenv=True)
    change(src)
    incremental = build(src, tmp_path / "incremental")
    clean = build(src, tmp_path / "clean", freshenv=True)
    # Only what the edit touched was read again.
    assert read in incremental.status, incremental.status
    problems = differences(output_files(clean.outdir), output_files(incremental.outdir))
    assert not problems, "\n".join(problems)
    assert sorted(incremental.warnings.splitlines()) == sorted(clean.warnings.splitlines())


@pytest.mark.parametrize("parallel", [2, 3])
def test_parallel_build_writes_the_same_files(tmp_path: Path, parallel: int) -> None:
    src = copy_root(tmp_path)
    serial = build(src, tmp_path / "j1", freshenv=True)
    parallel_build = build(src, tmp_path / f"j{parallel}", parallel=parallel, freshenv=True)
    assert parallel_build.parallel_safe
    problems = differences(output_files(serial.outdir), output_files(parallel_build.outdir))
    assert not problems, "\n".join(problems)
    assert serial.warnings == "" and parallel_build.warnings == ""


def _stored(doctrees: Path) -> dict[str, Any]:
    """What the report, the hubs and the search index read from a built environment."""
    with (doctrees / "environment.pickle").open("rb") as f:
        env = pickle.load(f)
    kb = env.domaindata["kb"]
    return {
        "records": {kind: per_doc for kind, per_doc in kb["records"].items() if per_doc},
        "findings": kb["findings"],
        "objects": kb["objects"],
        "metadata": env.metadata,
        "tocs": {docname: toc.pformat() for docname, toc in env.tocs.items()},
    }


def test_parallel_build_stores_what_a_serial_build_stores(tmp_path: Path) -> None:
    # Worker processes send back only the pages they read; the merged environment holds
    # every page's records, findings (the report's), tables of contents and metadata.
    src = copy_root(tmp_path)
    _add_article(src)
    with (src / "articles/foot-rolling.md").open("a", encoding="utf-8") as page:
        page.write("\n## FAQ\n\n```{faq} How long should I roll my feet?\n```\n")  # no answer
    serial = build(src, tmp_path / "j1", freshenv=True)
    parallel_build = build(src, tmp_path / "j2", parallel=2, freshenv=True)
    assert "faq-empty" in serial.warnings
    stored = _stored(tmp_path / "j2" / "doctrees")
    assert stored == _stored(tmp_path / "j1" / "doctrees")
    assert "articles/foot-rolling" in stored["findings"]
    assert len(stored["tocs"]) == len(stored["metadata"]) >= 8
    assert sorted(parallel_build.warnings.splitlines()) == sorted(serial.warnings.splitlines())


def test_parallel_build_stores_a_duplicate_id_found_while_merging(tmp_path: Path) -> None:
    # The first and the last page read claim the same FAQ id. With -j 2 they are read by
    # two workers at once, so the clash is found only when the second one is merged; the
    # finding is stored for the report with the page's own (not overwritten by them).
    src = copy_root(tmp_path)
    # Each page also has a finding of its own, found while it is read (an empty FAQ item).
    faq = (
        "# {title}\n\n## FAQ\n\n```{{faq}} How long should I roll?\n:name: faq-shared\n"
        "{answer}\n```\n\n```{{faq}} And after {title}?\n```\n"
    )
    _add_pages(
        src,
        {
            "aaa-first": faq.format(title="First", answer="A minute."),
            "zzz-last": faq.format(title="Last", answer="Two minutes."),
        },
    )
    for parallel in (1, 2):
        built = build(src, tmp_path / f"j{parallel}", parallel=parallel, freshenv=True)
        assert "faq-shared" in built.warnings and "duplicate-id" in built.warnings
        findings = _stored(tmp_path / f"j{parallel}" / "doctrees")["findings"]
        codes = sorted(f["code"] for per_doc in findings.values() for f in per_doc)
        assert [c for c in codes if c != "review-missing"] == [
            "duplicate-id",
            "faq-empty",
            "faq-empty",
        ]
    # Whichever reader is merged first, the page whose name sorts first keeps the id,
    # as in a serial build: the same objects and the same findings.
    in_j1, in_j2 = (_stored(tmp_path / f"j{n}" / "doctrees") for n in (1, 2))
    for stored in (in_j1, in_j2):
        stored["findings"] = {k: sorted(v, key=repr) for k, v in stored["findings"].items()}
    assert in_j1 == in_j2
    apps: list[Any] = []
    build(src, tmp_path / "j1", before=apps.append)
    domain = apps[0].env.get_domain("kb")
    assert domain.objects[("faq", "faq-shared")]["docname"] == "aaa-first"
    pages = ["aaa-first", "zzz-last"]
    key = ("faq", "faq-shared")
    # What each page's reader sends back, read apart: neither saw the other's id.
    read: dict[str, Any] = {}
    for page in pages:
        data: dict[str, Any] = pickle.loads(pickle.dumps(domain.data))
        read[page] = data
        data["claims"] = {key: {page: data["claims"][key][page]}}
        data["objects"] = {key: data["claims"][key][page]}
        data["findings"][page] = [f for f in data["findings"][page] if f["code"] != "duplicate-id"]
    for page in pages:
        domain.clear_doc(page)
    for page in reversed(pages):  # the last page's reader is merged first
        domain.merge_domaindata([page], read[page])
    assert domain.objects[key]["docname"] == "aaa-first"
    report_duplicate_ids(apps[0], apps[0].env)  # after every reader is merged
    duplicates = [
        (page, f["message"])
        for page, per_doc in domain.data["findings"].items()
        for f in per_doc
        if f["code"] == "duplicate-id"
    ]
    assert duplicates == [
        (
            "zzz-last",
            "FAQ id 'faq-shared' is already used in aaa-first (line 5); give "
            "one of them a different :name:",
        )
    ]


def test_a_shared_id_is_reported_once_per_page_against_its_keeper_at_any_parallelism(
    tmp_path: Path,
) -> None:
    # Forty pages give one FAQ the same id. Pages are not read in the order of their names,
    # and a parallel reader started after other readers were merged sees an id kept, for
    # now, by a page that loses it in the end: each page is still reported once, against
    # the page that keeps it, in a serial and in a parallel build.
    src = copy_root(tmp_path)
    pages = [f"p{n:02d}" for n in range(40)]
    faq = "# Page {}\n\n## FAQ\n\n```{{faq}} How long should I roll?\n:name: faq-shared\n"
    faq += "A minute.\n```\n"
    _add_pages(src, {page: faq.format(page) for page in pages})
    message = (
        "FAQ id 'faq-shared' is already used in p00 (line 5); give one of them a different :name:"
    )
    logs = {}
    for parallel in (1, 3):
        built = build(src, tmp_path / f"j{parallel}", parallel=parallel, freshenv=True)
        logs[parallel] = sorted(
            line for line in built.warnings.splitlines() if "faq-shared" in line
        )
        findings = _stored(tmp_path / f"j{parallel}" / "doctrees")["findings"]
        reported = sorted(
            (page, f["message"])
            for page, per_doc in findings.items()
            for f in per_doc
            if f["code"] == "duplicate-id"
        )
        assert reported == [(page, message) for page in pages[1:]]
    assert len(logs[1]) == len(pages) - 1
    assert all(message in line for line in logs[1])
    assert logs[3] == logs[1]


def test_renaming_a_shared_id_on_the_page_that_keeps_it_ends_the_finding(tmp_path: Path) -> None:
    # An editor fixes a duplicate id on the page that keeps it: the next build reads only
    # that page, yet the other page's finding goes, and the id is now that page's to link to.
    src = copy_root(tmp_path)
    faq = (
        "# {title}\n\n## FAQ\n\n```{{faq}} How long should I roll?\n:name: {name}\nA minute.\n```\n"
    )
    _add_pages(
        src,
        {
            "aaa-first": faq.format(title="First", name="faq-shared"),
            "zzz-last": faq.format(title="Last", name="faq-shared"),
        },
    )
    first = build(src, tmp_path / "out", freshenv=True)
    assert "duplicate-id" in first.warnings
    edit(src / "aaa-first.md", ":name: faq-shared", ":name: faq-first")
    second = build(src, tmp_path / "out")
    assert "duplicate-id" not in second.warnings
    stored = _stored(tmp_path / "out" / "doctrees")
    codes = [f["code"] for per_doc in stored["findings"].values() for f in per_doc]
    assert "duplicate-id" not in codes
    assert stored["objects"][("faq", "faq-shared")]["docname"] == "zzz-last"
    assert stored["objects"][("faq", "faq-first")]["docname"] == "aaa-first"


def test_two_clean_builds_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    src = copy_root(tmp_path)
    first = build(src, tmp_path / "first", freshenv=True)
    second = build(src, tmp_path / "second", parallel=2, freshenv=True)
    files = output_files(first.outdir)
    for name in ("sitemap.xml", "objects.inv", "index.html", "kb-index/meta.json"):
        assert name in files
    # The answer index serves search: Sphinx's own index is not built, nor Pagefind's.
    assert not [name for name in files if name.startswith("pagefind/")]
    assert "searchindex.js" not in files
    problems = differences(files, output_files(second.outdir))
    assert not problems, "\n".join(problems)


def test_noop_build_rewrites_no_page(tmp_path: Path) -> None:
    src = copy_root(tmp_path)
    first = build(src, tmp_path / "build", freshenv=True)
    pages = sorted(first.outdir.rglob("*.html"))
    before = {p: p.stat().st_mtime_ns for p in pages}
    sitemap = (first.outdir / "sitemap.xml").read_text(encoding="utf-8")
    assert any(p.parent.name == "topics" for p in pages)  # generated pages, not documents
    second = build(src, tmp_path / "build")
    assert "0 added, 0 changed, 0 removed" in second.status
    # The sitemap still lists every page, those this build did not write included.
    assert (first.outdir / "sitemap.xml").read_text(encoding="utf-8") == sitemap
    assert "topics/" in sitemap
    rewritten = sorted(
        p.relative_to(first.outdir).as_posix() for p in pages if p.stat().st_mtime_ns != before[p]
    )
    # Only the pages Sphinx generates on every build (index, search); no hub, no article.
    assert rewritten == ["genindex.html", "search.html"]


def test_incremental_build_rewrites_only_the_hubs_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = copy_root(tmp_path)
    first = build(src, tmp_path / "build", freshenv=True)
    hubs = ["faq.html", "safety.html", "evidence.html"]

    def mtimes() -> dict[str, int]:
        return {hub: (first.outdir / hub).stat().st_mtime_ns for hub in hubs}

    before = mtimes()
    _article_text(src)  # no hub lists anything of this sentence
    rendered: list[str] = []
    render = hubs_module._render

    def counting(app: Any, docname: str, node: Any) -> Any:
        rendered.append(docname)
        return render(app, docname, node)

    monkeypatch.setattr(hubs_module, "_render", counting)
    build(src, tmp_path / "build")
    assert mtimes() == before
    # Not even rendered: nothing a hub shows changed. (Sphinx itself rewrites the page
    # whose toctree holds the edited article, the articles index, so that one is.)
    assert rendered in ([], ["articles/index"])
    _new_paragraph(src)  # moves an FAQ item and a card, which hubs list, down the page
    build(src, tmp_path / "build")
    assert mtimes() == before
    assert rendered in ([], ["articles/index"], ["articles/index"] * 2)
    _faq_question(src)  # the FAQ hub lists the question; the others do not
    build(src, tmp_path / "build")
    after = mtimes()
    assert [hub for hub in hubs if after[hub] != before[hub]] == ["faq.html"]
    text = (first.outdir / "faq.html").read_text(encoding="utf-8")
    assert "Do tight hip flexors cause back pain?" in text


def test_a_build_stopped_before_writing_a_changed_hub_leaves_it_to_the_next(
    tmp_path: Path,
) -> None:
    src = copy_root(tmp_path)
    first = build(src, tmp_path / "build", freshenv=True)
    digests = sorted(p.name for p in (tmp_path / "build" / "doctrees" / "kb-hubs").rglob("*"))
    assert "faq.sha256" in digests and not [d for d in digests if d.endswith(".new")]
    _faq_question(src)

    def stop_at_the_faq_hub(app: Any) -> None:
        def handler(app: Any, pagename: str, *args: Any) -> None:
            if pagename == "faq":
                raise KeyboardInterrupt  # Ctrl-C: Sphinx keeps the environment it saved

        app.connect("html-page-context", handler)

    with pytest.raises(KeyboardInterrupt):
        build(src, tmp_path / "build", before=stop_at_the_faq_hub)
    faq = first.outdir / "faq.html"
    assert "Do tight hip flexors cause back pain?" not in faq.read_text(encoding="utf-8")
    # The page was read, and the environment saved, before the stop: what the FAQ hub
    # shows is unchanged since, but not what it last wrote.
    second = build(src, tmp_path / "build")
    assert "Do tight hip flexors cause back pain?" in faq.read_text(encoding="utf-8")
    clean = build(src, tmp_path / "clean", freshenv=True)
    problems = differences(output_files(clean.outdir), output_files(second.outdir))
    assert not problems, "\n".join(problems)


def test_a_search_index_left_half_written_leaves_the_site(tmp_path: Path) -> None:
    """A build stopped by Ctrl-C gets no build-finished event, so it may leave the search
    index it was writing (``kb-index.tmp/``, beside the published ``kb-index/``) in the
    output: the next build removes it, whether or not it writes the index again."""
    src = copy_root(tmp_path)
    first = build(src, tmp_path / "build", freshenv=True)
    left = first.outdir / "kb-index.tmp"
    _faq_question(src)

    def a_stopped_index(app: Any) -> None:
        def handler(app: Any, pagename: str, *args: Any) -> None:
            if pagename == "faq":  # while this build writes its pages
                (left / "w").mkdir(parents=True, exist_ok=True)
                (left / "w" / "ro.json").write_text("{", encoding="utf-8")

        app.connect("html-page-context", handler)

    second = build(src, tmp_path / "build", before=a_stopped_index)
    assert not left.exists()
    clean = build(src, tmp_path / "clean", freshenv=True)
    problems = differences(output_files(clean.outdir), output_files(second.outdir))
    assert not problems, "\n".join(problems)
    # A build with nothing to index again removes one too.
    (left / "w").mkdir(parents=True)
    noop = build(src, tmp_path / "build")
    assert "nothing changed; the index is kept" in noop.status
    assert not left.exists()


def test_hubs_stay_right_when_builders_share_an_environment(tmp_path: Path) -> None:
    src = copy_root(tmp_path)
    build(src, tmp_path / "build", freshenv=True)
    text = build(src, tmp_path / "build", buildername="text")
    assert "Can tight hip flexors cause back pain?" in (text.outdir / "faq.txt").read_text()
    _faq_question(src)
    build(src, tmp_path / "build")  # the HTML build reads the page
    text = build(src, tmp_path / "build", buildername="text")  # nothing left to read
    hub = (text.outdir / "faq.txt").read_text()
    assert "Do tight hip flexors cause back pain?" in hub
    assert "Can tight hip flexors cause back pain?" not in hub


@pytest.mark.parametrize("read_min", [20, 0])
def test_parallel_incremental_build(
    tmp_path: Path, read_min: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kb_parallel_read_min 20: the one changed page is read in the main process;
    # 0: Sphinx reads it in a worker. Both write what a clean build writes. The pages to
    # write after an edit of prose (the page, whose related list may change others') are
    # few: written without forking writers.
    pools: list[int] = []

    class CountedWriters(parallel_module._Writers):
        def __init__(self, nproc: int) -> None:
            pools.append(nproc)
            super().__init__(nproc)

    monkeypatch.setattr(parallel_module, "_Writers", CountedWriters)
    src = copy_root(tmp_path)
    conf = src / "conf.py"
    conf.write_text(conf.read_text() + f"\nkb_parallel_read_min = {read_min}\n")
    build(src, tmp_path / "incremental", parallel=2, freshenv=True, parallel_read_min=None)
    assert pools  # a clean build writes its pages with writer processes
    pools.clear()
    calf = src / "articles/calf-rolling.md"  # written now: newer than the last build
    calf.write_text(calf.read_text().replace("eases tightness", "eases tightness a little"))
    prose = build(src, tmp_path / "incremental", parallel=2, parallel_read_min=None)
    assert "0 added, 1 changed, 0 removed" in prose.status
    assert not pools
    _faq_question(src)
    os.utime(src / "articles/hip-flexors.md")  # newer than the build just made
    incremental = build(src, tmp_path / "incremental", parallel=2, parallel_read_min=None)
    assert "0 added, 1 changed, 0 removed" in incremental.status
    assert pools  # the page, its neighbours, the pages that link to the item, the hubs
    clean = build(src, tmp_path / "clean", freshenv=True)
    problems = differences(output_files(clean.outdir), output_files(incremental.outdir))
    assert not problems, "\n".join(problems)


def test_a_build_after_the_code_changed_reads_every_page_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The environment keeps what the code found on each page (the checks' findings): after
    an update of the checks, an incremental build must not show the old code's findings."""
    src = copy_root(tmp_path)
    pages = len(list(src.rglob("*.md")))

    def updated() -> str:
        status = strip_escape_sequences(build(src, tmp_path / "build").status)
        return next(line for line in status.splitlines() if "updating environment" in line)

    assert updated().endswith(f": [new config] {pages} added, 0 changed, 0 removed")
    assert updated().endswith(": 0 added, 0 changed, 0 removed")
    changed = healthkb.env_version() + 1
    monkeypatch.setattr(healthkb, "env_version", lambda: changed)
    assert updated().endswith(f": [new config] {pages} added, 0 changed, 0 removed")


def test_the_source_digest_follows_the_code_not_its_bytecode(tmp_path: Path) -> None:
    (tmp_path / "checks.py").write_text("LIMIT = 90\n", encoding="utf-8")
    first = healthkb.source_digest(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__/checks.cpython-311.pyc").write_bytes(b"\x00compiled")
    assert healthkb.source_digest(tmp_path) == first
    (tmp_path / "checks.py").write_text("LIMIT = 60\n", encoding="utf-8")
    assert healthkb.source_digest(tmp_path) != first
