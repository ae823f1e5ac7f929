"""Search records and the Pagefind index: what a reader's search can land on."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sphinx.errors import ExtensionError
from sphinx.testing.util import SphinxTestApp

from healthkb.core.domain import kb_domain
from healthkb.safety.levels import CARD_PREFIXES
from healthkb.search import bundles as bundles_module
from healthkb.search import runner as runner_module
from healthkb.search import staging as staging_module
from healthkb.search.bundles import MANIFEST, STAMPS, entry_ok, shard_count, shards
from healthkb.search.documents import IndexPage, facet_filters, index_documents, page_html
from healthkb.search.queryset import QueryResult, load_queries, parts, percentile
from healthkb.search.vocabulary import SYNONYMS, dictionary, load_synonyms
from healthkb.search.words import common_words, word_counts

ROOTS = Path(__file__).resolve().parent / "roots"
LOWER = "lower-back"


def _records(app: SphinxTestApp, docname: str = LOWER) -> list[dict[str, Any]]:
    return kb_domain(app.env).records("search")[docname]


def _by_id(app: SphinxTestApp, docname: str = LOWER) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in _records(app, docname)}


@pytest.mark.sphinx("html", testroot="search")
def test_records_are_sections_faq_items_and_cards(app: SphinxTestApp) -> None:
    app.build()
    records = _records(app)
    assert [(r["kind"], r["id"]) for r in records] == [
        ("page", "lower-back-rolling"),
        ("section", "how-often-to-roll"),
        ("section", "glutes"),
        ("safety", "do-not-roll-directly-over-the-lumbar-spine"),
        ("section", "questions"),
        ("faq", "faq-lower-back-safe"),
        ("faq", "what-if-my-back-pain-goes-numb-down-my-legs"),
    ]
    by_id = _by_id(app)
    assert by_id["faq-lower-back-safe"]["title"] == "Is it safe to foam roll the lower back?"
    assert by_id["faq-lower-back-safe"]["text"] == (
        "Roll the glutes and hips instead of the lumbar spine."
    )
    # A record holds its own text only: the card is not part of the Glutes section.
    assert "lumbar" not in by_id["glutes"]["text"]
    assert by_id["do-not-roll-directly-over-the-lumbar-spine"]["text"] == (
        "The lumbar vertebrae have no rib cage around them."
    )
    # Never front matter or furniture.
    for record in records:
        assert "Copy link" not in record["text"]
        assert "body-part" not in record["text"]
        assert f"{CARD_PREFIXES['caution']}:" not in record["text"]  # a card's hidden prefix


@pytest.mark.sphinx("html", testroot="search")
def test_pagefind_bundle_is_written(app: SphinxTestApp) -> None:
    # The test root is shared: index even when an earlier test left this very index.
    shutil.rmtree(Path(app.doctreedir) / STAMPS, ignore_errors=True)
    app.build()
    bundle = Path(app.outdir) / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert list(bundle.glob("pagefind.*.pf_meta"))
    assert list((bundle / "fragment").iterdir())
    assert list((bundle / "filter").iterdir())
    # Pagefind's own UI bundles are not shipped: the search page has its own.
    assert not list(bundle.glob("pagefind-ui.*"))
    assert "pagefind: indexed 3 pages (9 search records) in " in app.status.getvalue()
    # Too few records to call any word common.
    assert json.loads((bundle / "kb-common-words.json").read_text()) == []
    search = (Path(app.outdir) / "search.html").read_text(encoding="utf-8")
    assert "kb-search.js" in search
    assert 'id="kb-search-status"' in search and 'role="status"' in search
    assert "searchindex.js" not in search
    # Sphinx's own index is not built for nothing.
    assert not (Path(app.outdir) / "searchindex.js").exists()


def _pages(app: SphinxTestApp) -> dict[str, str]:
    return {page.url: page.html for page in index_documents(app)}


@pytest.mark.sphinx("html", testroot="search")
def test_index_entries(app: SphinxTestApp) -> None:
    app.build()
    pages = _pages(app)
    # One Pagefind page per site page; every record a heading with its id (a sub-result
    # that links to page.html#id), its kind told by the element.
    assert sorted(pages) == ["index.html", "lower-back.html", "upper-back.html"]
    entry = pages["lower-back.html"]
    assert '<h1 id="lower-back-rolling" data-pagefind-weight="7">Lower back rolling</h1>' in entry
    assert '<h2 id="glutes" data-pagefind-weight="7">Glutes</h2>' in entry
    assert (
        '<h3 id="faq-lower-back-safe" data-pagefind-weight="7">'
        "Is it safe to foam roll the lower back?</h3>"
        "<p>Roll the glutes and hips instead of the lumbar spine.</p>"
    ) in entry
    assert '<h4 id="do-not-roll-directly-over-the-lumbar-spine"' in entry
    assert 'id="questions"' not in entry  # a heading with nothing of its own
    # Records in document order.
    ids = ["lower-back-rolling", "how-often-to-roll", "glutes", "do-not-roll-directly-over"]
    positions = [entry.index(f'id="{i}') for i in ids]
    assert positions == sorted(positions)
    assert 'data-pagefind-meta="link[data-v]" data-v="lower-back.html"' in entry
    assert 'data-pagefind-meta="title[data-v]" data-v="Lower back rolling"' in entry
    assert 'data-pagefind-filter="body-part[data-v]" data-v="lower back"' in entry
    assert 'data-pagefind-filter="condition[data-v]" data-v="tightness"' in entry
    # Never front matter or furniture.
    assert "Copy link" not in entry and "body-part:" not in entry
    assert not any(url.startswith("search") for url in pages)


def test_common_words() -> None:
    texts = [f"foam roll text{i}" for i in range(30)] + ["rare"] * 5
    assert common_words(texts) == ["foam", "roll"]


def test_facets_from_tags() -> None:
    tags = ["foam rolling", "body-part:lower-back", "product:roller"]
    assert facet_filters(tags) == {"body-part": ["lower back"]}
    record = {"id": "q", "kind": "faq", "title": "Q & A", "text": "<b>x</b>"}
    html = page_html("A <page>", "a.html", [record], {"body-part": ["lower back"]})
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<h3 id="q" data-pagefind-weight="7">Q &amp; A</h3>' in html
    assert 'data-v="A &lt;page&gt;"' in html
    # Without an introduction the page title is still a heading (with no id: the page).
    assert '<h1 data-pagefind-weight="7">A &lt;page&gt;</h1>' in html


@pytest.mark.sphinx(
    "html", testroot="search", srcdir="search-sphinx", confoverrides={"kb_search_engine": "sphinx"}
)
def test_sphinx_engine_keeps_sphinx_search(app: SphinxTestApp) -> None:
    app.build()
    out = Path(app.outdir)
    assert not (out / "pagefind").exists()
    search = (out / "search.html").read_text(encoding="utf-8")
    assert "searchindex.js" in search and "kb-search.js" not in search
    assert "kb:faq" in (out / "searchindex.js").read_text(encoding="utf-8")


@pytest.mark.sphinx(
    "html", testroot="search", srcdir="search-lunr", confoverrides={"kb_search_engine": "lunr"}
)
def test_unknown_engine_warns(app: SphinxTestApp, warning: Any) -> None:
    app.build()
    assert "kb_search_engine must be one of pagefind, sphinx" in warning.getvalue()
    assert (Path(app.outdir) / "pagefind" / "pagefind.js").is_file()


@pytest.mark.parametrize("builder", ["text", "latex", "man", "texinfo"])
def test_other_builders(builder: str, make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = make_app(builder, srcdir=src)
    app.build()
    assert not (Path(app.outdir) / "pagefind").exists()
    assert kb_domain(app.env).records("search")[LOWER]


def _build(make_app: Any, src: Path, parallel: int) -> SphinxTestApp:
    app = make_app("html", srcdir=src, parallel=parallel, freshenv=True)
    app.build()
    return app


def test_parallel_build_gives_the_same_index(make_app: Any, tmp_path: Path) -> None:
    results = []
    for parallel in (1, 2):
        src = tmp_path / f"src{parallel}"
        shutil.copytree(ROOTS / "test-search", src)
        app = _build(make_app, src, parallel)
        results.append(
            (
                sorted(index_documents(app)),
                (Path(app.outdir) / "search.html").read_text(encoding="utf-8"),
            )
        )
    assert results[0] == results[1]


def test_incremental_rebuild_updates_the_index(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = _build(make_app, src, 1)
    before = (Path(app.outdir) / "pagefind" / "pagefind-entry.json").read_text()
    page = src / "upper-back.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n## Neck\n\nNever roll the neck itself.\n",
        encoding="utf-8",
    )
    app2 = make_app("html", srcdir=src)
    app2.build()
    pages = _pages(app2)
    assert '<h2 id="neck" data-pagefind-weight="7">Neck</h2>' in pages["upper-back.html"]
    assert 'id="faq-lower-back-safe"' in pages["lower-back.html"]  # pages not re-read stay
    after = (Path(app2.outdir) / "pagefind" / "pagefind-entry.json").read_text()
    assert before != after


def test_unchanged_index_is_kept(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = _build(make_app, src, 1)
    entry = Path(app.outdir) / "pagefind" / "pagefind-entry.json"
    written = entry.stat().st_mtime_ns
    # A no-op build, and an edit no search record shows (a comment), index nothing.
    page = src / "upper-back.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n% a note for maintainers\n")
    for kept in ("nothing changed; the index is kept", "no page read since the last indexing"):
        again = make_app("html", srcdir=src)
        again.build()
        assert kept in again.status.getvalue()  # the page read again; then a no-op build
        assert entry.stat().st_mtime_ns == written
    # A half-deleted bundle is written again, however unchanged the pages; a deleted
    # file of the site's own is written again without re-indexing.
    (Path(app.outdir) / "pagefind" / "kb-common-words.json").unlink()
    restored = make_app("html", srcdir=src)
    restored.build()
    assert "nothing changed; the index is kept" in restored.status.getvalue()
    assert (Path(app.outdir) / "pagefind" / "kb-common-words.json").is_file()
    entry.unlink()
    rebuilt = make_app("html", srcdir=src)
    rebuilt.build()
    assert "indexed" in rebuilt.status.getvalue()
    assert entry_ok(entry)


def test_page_digests_are_remade_only_for_pages_read(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundles' digests reuse each page's digest until the page is read again; a lost or
    damaged cache only costs the time to remake them."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = _build(make_app, src, 1)
    cache = Path(app.doctreedir) / STAMPS / bundles_module.PAGES_STAMP
    first = bundles_module.page_digests(app, cache)
    assert [p.url for p in first] == ["index.html", "lower-back.html", "upper-back.html"]
    for digest in first:
        document = bundles_module.index_page(app, digest.docname)
        assert document is not None
        assert digest.digest == hashlib.sha256(document.html.encode()).hexdigest()
        assert digest.records == len(document.records)
    made: list[str] = []
    original = bundles_module.index_page

    def counting(app: Any, docname: str) -> Any:
        made.append(docname)
        return original(app, docname)

    # The digests and the staging both make documents.
    monkeypatch.setattr(bundles_module, "index_page", counting)
    monkeypatch.setattr(staging_module, "index_page", counting)
    page = src / "upper-back.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n## Neck\n\nNever the neck.\n")
    again = make_app("html", srcdir=src)
    again.build()
    assert "indexed 3 pages" in again.status.getvalue()
    # The build made the edited page's document once (for its digest, then staged for
    # Pagefind); the other pages' staged documents were kept.
    assert made == ["upper-back"]
    made.clear()
    digests = {p.docname: p.digest for p in bundles_module.page_digests(again, cache)}
    assert made == []
    assert digests["lower-back"] == first[1].digest
    assert digests["upper-back"] != first[2].digest
    assert '<h2 id="neck"' in _pages(again)["upper-back.html"]
    cache.write_text("{not json", encoding="utf-8")
    made.clear()
    assert {p.docname: p.digest for p in bundles_module.page_digests(again, cache)} == digests
    assert sorted(made) == ["index", "lower-back", "upper-back"]
    assert json.loads(cache.read_text(encoding="utf-8"))["upper-back"][2] == digests["upper-back"]


def test_shards_are_stable_and_balanced() -> None:
    assert [shard_count(n, 256) for n in (0, 5, 256, 257, 1012, 2012)] == [1, 1, 1, 2, 4, 8]
    pages = [IndexPage(f"articles/page-{n}.html", "", []) for n in range(1000)]
    groups = shards(pages, 256)
    assert len(groups) == 4
    assert sorted(p.url for g in groups for p in g) == sorted(p.url for p in pages)
    assert all(200 <= len(g) <= 300 for g in groups)
    # Adding a page moves no other page while the number of bundles stays the same.
    grown = shards([*pages, IndexPage("articles/new.html", "", [])], 256)
    assert [[p.url for p in g if p.url != "articles/new.html"] for g in grown] == [
        [p.url for p in g] for g in groups
    ]
    assert shards(pages[:5], 256) == [pages[:5]]
    # The first bundle, which the search page loads, is never the empty one.
    for n in range(1, 8):
        assert shards(pages[:n], 1)[0]


def _bundles(outdir: Path) -> dict[str, int]:
    """Every published bundle (its folder) with its page count."""
    root = outdir / "pagefind"
    out = {}
    for entry in sorted(root.rglob("pagefind-entry.json")):
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
        out[entry.parent.relative_to(root).as_posix()] = sum(
            info["page_count"] for info in languages.values()
        )
    return out


def test_large_site_is_indexed_in_bundles(make_app: Any, tmp_path: Path) -> None:
    # One page per bundle at most: the three pages go to several bundles, merged by the
    # search page (kb-shards.json lists the others); an edit re-indexes its page's bundle.
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    conf = {"kb_search_shard_pages": 1}
    app = make_app("html", srcdir=src, freshenv=True, confoverrides=conf)
    app.build()
    root = Path(app.outdir) / "pagefind"
    bundles = _bundles(Path(app.outdir))
    assert sum(bundles.values()) == 3
    assert len(bundles) >= 2  # of 4: a bundle a hash left empty is not written
    merged = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(merged) == sorted(f"{name}/" for name in bundles if name != ".")
    assert f"({len(bundles)} of 4 bundles written)" in app.status.getvalue()
    assert not list(root.glob("kb-tmp-*"))
    before = {name: (root / name / "pagefind-entry.json").stat().st_mtime_ns for name in bundles}

    _add_neck_section(src)
    again = make_app("html", srcdir=src, confoverrides=conf)
    again.build()
    assert "(1 of 4 bundles written)" in again.status.getvalue()
    after = {name: (root / name / "pagefind-entry.json").stat().st_mtime_ns for name in bundles}
    assert sum(before[name] != after[name] for name in bundles) == 1
    assert _bundles(Path(app.outdir)) == bundles

    # Back to one bundle: the others go, and the manifest is empty.
    small = make_app("html", srcdir=src)
    small.build()
    assert _bundles(Path(app.outdir)) == {".": 3}
    assert json.loads((root / MANIFEST).read_text(encoding="utf-8")) == []


def test_shard_size_is_checked(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = make_app("html", srcdir=src, confoverrides={"kb_search_shard_pages": 0})
    assert "kb_search_shard_pages must be a whole number of pages above 0" in (
        app.warning.getvalue()
    )
    assert app.config.kb_search_shard_pages == 256


def _add_neck_section(src: Path) -> None:
    page = src / "upper-back.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n## Neck\n\nNever roll the neck.\n")


def _indexed_then_edited(make_app: Any, tmp_path: Path) -> tuple[Path, Path, str]:
    """A built and indexed copy of the search root, then a search record edited: its
    sources, the index's entry file and that file's published text."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = _build(make_app, src, 1)
    entry = Path(app.outdir) / "pagefind" / "pagefind-entry.json"
    published = entry.read_text(encoding="utf-8")
    _add_neck_section(src)
    return src, entry, published


def test_pagefind_failure_is_a_finding_and_keeps_the_last_index(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, entry, published = _indexed_then_edited(make_app, tmp_path)

    def failing(bundle: Path, language: str) -> list[str]:
        return [sys.executable, "-c", "import sys; sys.exit('pagefind: out of disk space')"]

    monkeypatch.setattr(runner_module, "pagefind_command", failing)
    failed = make_app("html", srcdir=src)
    failed.build()
    warning = failed.warning.getvalue()
    assert "Pagefind could not index the pages of search bundle 1 of 1" in warning
    assert "out of disk space" in warning and "[kb.search-index]" in warning
    assert entry.read_text(encoding="utf-8") == published  # the last index stays whole
    assert not list(entry.parent.glob("kb-tmp-*"))
    monkeypatch.undo()
    again = make_app("html", srcdir=src)
    again.build()
    assert "indexed 3 pages" in again.status.getvalue()  # the next build indexes it
    assert entry.read_text(encoding="utf-8") != published


def test_failed_build_publishes_no_index(make_app: Any, tmp_path: Path) -> None:
    src, entry, published = _indexed_then_edited(make_app, tmp_path)
    broken = make_app("html", srcdir=src)

    def fail(*args: Any) -> None:
        raise RuntimeError("a page could not be written")

    broken.connect("html-page-context", fail)
    with pytest.raises(ExtensionError, match="could not be written"):
        broken.build()
    # Pagefind started once the pages were read; the build failed while writing them:
    # nothing of the new index is published, nothing half-written is left.
    assert entry.read_text(encoding="utf-8") == published
    assert not list(entry.parent.glob("kb-tmp-*"))
    again = make_app("html", srcdir=src)
    again.build()
    assert "indexed 3 pages" in again.status.getvalue()


def test_pagefind_runs_from_its_binary_wheel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind is run as its binary, found in the installed wheel's file list (the
    ``python -m pagefind`` launcher costs 0.1 s of Python start-up per run)."""
    import subprocess
    from importlib import metadata

    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    runner_module.pagefind_executable.cache_clear()
    try:
        command = runner_module.pagefind_executable()
        assert len(command) == 1 and Path(command[0]).name.startswith("pagefind")
        shown = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True)
        assert shown.stdout.split() == ["pagefind", metadata.version("pagefind")]

        # Pagefind's own variable chooses another binary, as its launcher lets it.
        runner_module.pagefind_executable.cache_clear()
        monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/opt/pagefind/bin/pagefind")
        assert runner_module.pagefind_executable() == ["/opt/pagefind/bin/pagefind"]

        # No binary wheel: the launcher finds one elsewhere (or says it cannot).
        runner_module.pagefind_executable.cache_clear()
        monkeypatch.delenv("PAGEFIND_BINARY_PATH")

        def missing(name: str) -> Any:
            raise metadata.PackageNotFoundError(name)

        monkeypatch.setattr(runner_module.metadata, "distribution", missing)
        assert runner_module.pagefind_executable() == [sys.executable, "-m", "pagefind"]
    finally:
        monkeypatch.undo()
        runner_module.pagefind_executable.cache_clear()


def test_staged_documents_are_exactly_the_bundles_pages(make_app: Any, tmp_path: Path) -> None:
    """Pagefind indexes a folder kept between builds (one document per page, made again
    only when the page changed): a file that is not one of the bundle's pages is removed
    before Pagefind runs, never indexed; the staged word counts are those of the records."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = _build(make_app, src, 1)
    stage = Path(app.doctreedir) / STAMPS / f"{staging_module.STAGE_PREFIX}0"
    pages = {p.url: p for p in index_documents(app)}
    assert sorted(p.name for p in stage.glob("*.html")) == sorted(pages)
    for url, page in pages.items():
        assert (stage / url).read_text(encoding="utf-8") == page.html
    digests = bundles_module.page_digests(app, Path(app.doctreedir) / "digests.json")
    records = [text for page in pages.values() for text in page.records]
    assert staging_module.staged_words(app, stage, digests) == word_counts(records)
    # A missing or damaged word count is counted again from the page.
    (stage / f"lower-back{staging_module.WORDS_SUFFIX}").unlink()
    (stage / f"index{staging_module.WORDS_SUFFIX}").write_text("{", encoding="utf-8")
    assert staging_module.staged_words(app, stage, digests) == word_counts(records)

    stray = '<html lang="en"><body data-pagefind-body><h1>Stray</h1></body></html>'
    (stage / "stray.html").write_text(stray, encoding="utf-8")
    edited = src / "upper-back.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n## Neck\n\nNever the neck.\n")
    again = make_app("html", srcdir=src)
    again.build()
    assert not (stage / "stray.html").exists()
    entry = json.loads((Path(again.outdir) / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 3
    assert '<h2 id="neck"' in (stage / "upper-back.html").read_text(encoding="utf-8")


def test_query_sets() -> None:
    """Both query sets load; the readers' set has at least 60 questions, a fifth held out
    from tuning, and every target is a published address (conf/permalinks.lock)."""
    root = Path(__file__).resolve().parent.parent
    published = {
        line.strip().replace(".html", "")
        for line in (root / "conf" / "permalinks.lock").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    articles = load_queries(root / "tests" / "search" / "queries.toml")
    readers = load_queries(root / "tests" / "search" / "reader_queries.toml")
    assert len(articles) >= 30 and len(readers) >= 60
    assert {q.split for q in readers} == {"tune", "heldout"}
    assert sum(q.split == "heldout" for q in readers) >= len(readers) / 5
    for query in [*articles, *readers]:
        assert query.targets and all(t in published for t in query.targets), query.text


def test_figures_of_a_run() -> None:
    outcomes = [
        QueryResult("a", ["x#1", "x#2"], 1, 10.0, "tune", "symptom", "safety"),
        QueryResult("b", ["x#3", "x#1"], 2, 20.0, "tune", "urgent", "section"),
        QueryResult("c", [], None, 300.0, "heldout"),
    ]
    whole, tune, heldout = parts("all", outcomes)
    assert (whole.recall_at_1, whole.recall_at_3, whole.mrr) == (1 / 3, 2 / 3, 0.5)
    assert whole.no_results == 1 / 3 and whole.p95_ms == 300.0 and whole.median_ms == 20.0
    assert whole.safety_first == 0.5
    assert (tune.name, tune.queries, tune.no_results) == ("all/tune", 2, 0.0)
    assert (heldout.name, heldout.recall_at_3, heldout.safety_first) == ("all/heldout", 0, None)
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == 5.0


def test_synonyms_and_dictionary(tmp_path: Path) -> None:
    """conf/search-synonyms.toml loads (each concept once, with terms); the dictionary the
    search page corrects words with is the index's words, most frequent first."""
    conf = Path(__file__).resolve().parent.parent / "conf" / SYNONYMS
    concepts, help_table = load_synonyms(conf)
    names = [c["concept"] for c in concepts]
    assert len(names) == len(set(names)) and all(c["terms"] for c in concepts)
    by_name = {c["concept"]: c for c in concepts}
    assert "bulging disc" in by_name["disc-herniation"]["terms"]
    assert "squishy" in by_name["soft"]["reader"]
    assert by_name["bladder-bowel"]["kind"] == "urgent"
    assert help_table["symptom_card"].count("#") == 1
    assert load_synonyms(tmp_path / "missing.toml") == ([], {})
    other = tmp_path / "s.toml"
    other.write_text('[[synonym]]\nterms = ["Lower  Back", ""]\n[[synonym]]\nterms = []\n')
    assert load_synonyms(other)[0] == [
        {"concept": "lower back", "terms": ["lower back"], "reader": [], "kind": ""}
    ]
    counts = Counter({"roll": 9, "lumbar": 4, "spine": 4, "a": 50, "x2": 7, "of": 20})
    assert dictionary(counts) == ["roll", "lumbar", "spine"]


def test_card_levels_are_told_apart() -> None:
    records = [
        {"id": c, "kind": "safety", "title": c, "text": "", "level": level}
        for c, level in (("a", "caution"), ("b", "professional"), ("c", "urgent"))
    ]
    html = page_html("P", "p.html", records, {})
    assert '<h4 id="a"' in html and '<h5 id="b"' in html and '<h6 id="c"' in html
