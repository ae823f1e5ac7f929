"""Search records and the answer index: what a reader's search can land on."""

from __future__ import annotations

import errno
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sphinx.errors import ExtensionError
from sphinx.testing.util import SphinxTestApp

from healthkb.core.domain import kb_domain
from healthkb.safety.levels import CARD_PREFIXES
from healthkb.search.answerindex import build_index, dictionary, shard_key, stem
from healthkb.search.answerwrite import OUTPUT, STAMP
from healthkb.search.documents import FACETS, SearchPage, facet_filters
from healthkb.search.queryset import QueryResult, load_queries, parts, percentile
from healthkb.search.vocabulary import SYNONYMS, load_synonyms

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


def _meta(outdir: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((outdir / OUTPUT / "meta.json").read_text(encoding="utf-8"))
    return meta


def _shown(outdir: Path) -> list[dict[str, str]]:
    """What each record of the index shows, in the index's order: its link, kind, card
    level, title (the page's for its introduction), page title and snippet."""
    rows = []
    for n in range(len(_meta(outdir)["display"])):
        shard = json.loads((outdir / OUTPUT / "d" / f"{n}.json").read_text(encoding="utf-8"))
        for p, kind, level, title, rid, snippet in shard["records"]:
            page_title, url = shard["pages"][str(p)]
            rows.append(
                {
                    "link": f"{url}#{rid}",
                    "kind": kind,
                    "level": level,
                    "title": title or page_title,
                    "page": page_title,
                    "text": snippet,
                }
            )
    return rows


def _found(outdir: Path, word: str) -> set[str]:
    """The links of the records the index lists for ``word`` (as the search page looks a
    query's word up: its stem, in the shard of its first letters)."""
    term = stem(word)
    path = outdir / OUTPUT / "w" / f"{shard_key(term)}.json"
    if not path.is_file():
        return set()
    flat = json.loads(path.read_text(encoding="utf-8"))["p"].get(term, [])
    shown = _shown(outdir)
    record, links = 0, set()
    for i in range(0, len(flat), 3):
        record += flat[i]
        links.add(shown[record]["link"])
    return links


def _index_files(outdir: Path) -> dict[str, bytes]:
    root = outdir / OUTPUT
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.sphinx("html", testroot="search")
def test_answer_index_is_written(app: SphinxTestApp) -> None:
    # The test root is shared: index even when an earlier test left this very index.
    (Path(app.doctreedir) / STAMP).unlink(missing_ok=True)
    app.build()
    out = Path(app.outdir)
    index = out / OUTPUT
    meta = _meta(out)
    assert meta["records"] == len(_shown(out)) == 9
    assert list((index / "w").glob("*.json")) and (index / "filters.json").is_file()
    assert (index / "query.json").is_file() and list((index / "dict").glob("*.json"))
    assert "search index: 3 pages (9 records) in " in app.status.getvalue()
    # Too few records to call any word common.
    assert meta["common"] == []
    search = (out / "search.html").read_text(encoding="utf-8")
    assert "kb-search.js" in search
    assert 'id="kb-search-status"' in search and 'role="status"' in search
    assert "searchindex.js" not in search and "pagefind" not in search
    # Neither Sphinx's own index nor Pagefind's is built for nothing.
    assert not (out / "searchindex.js").exists()
    assert not (out / "pagefind").exists()
    assert not (Path(app.doctreedir) / "kb-pagefind").exists()


@pytest.mark.sphinx("html", testroot="search")
def test_index_entries(app: SphinxTestApp) -> None:
    app.build()
    out = Path(app.outdir)
    shown = _shown(out)
    # Every record is a result that links to page.html#id, with its kind and title.
    assert sorted({row["link"].partition("#")[0] for row in shown}) == [
        "index.html",
        "lower-back.html",
        "upper-back.html",
    ]
    by_link = {row["link"]: row for row in shown}
    intro = by_link["lower-back.html#lower-back-rolling"]
    assert (intro["kind"], intro["title"]) == ("page", "Lower back rolling")
    assert by_link["lower-back.html#glutes"]["kind"] == "section"
    faq = by_link["lower-back.html#faq-lower-back-safe"]
    assert (faq["kind"], faq["title"], faq["text"]) == (
        "faq",
        "Is it safe to foam roll the lower back?",
        "Roll the glutes and hips instead of the lumbar spine.",
    )
    card = by_link["lower-back.html#do-not-roll-directly-over-the-lumbar-spine"]
    assert (card["kind"], card["level"]) == ("safety", "caution")
    assert "lower-back.html#questions" not in by_link  # a heading with nothing of its own
    # Records in document order.
    links = [row["link"] for row in shown]
    ids = ["lower-back-rolling", "how-often-to-roll", "glutes", "do-not-roll-directly-over"]
    positions = [next(i for i, link in enumerate(links) if f"#{rid}" in link) for rid in ids]
    assert positions == sorted(positions)
    # A word finds the records that hold it, a title's word those under it too.
    assert "lower-back.html#faq-lower-back-safe" in _found(out, "glutes")
    assert "lower-back.html#glutes" in _found(out, "piriformis")
    assert _found(out, "thoracic") == {"upper-back.html#upper-back-rolling"}
    # The filters: each facet value's pages.
    filters = json.loads((out / OUTPUT / "filters.json").read_text(encoding="utf-8"))
    lower = _meta(out)["pages"].index(links.index("lower-back.html#lower-back-rolling"))
    assert lower in filters["body-part"]["lower back"]
    assert lower in filters["condition"]["tightness"]
    # Never front matter or furniture.
    for row in shown:
        assert "Copy link" not in row["text"] and "body-part" not in row["text"]
        assert f"{CARD_PREFIXES['caution']}:" not in row["text"]
    assert not _found(out, "copy") and not _found(out, "tags")
    assert not any(row["link"].startswith("search") for row in shown)


def test_common_words() -> None:
    pages = [
        SearchPage(f"p{i}", f"p{i}.html", "Page", [_record(f"r{i}", f"foam roll text{i}")], {})
        for i in range(30)
    ]
    pages += [SearchPage("rare", "rare.html", "Page", [_record("r", "rare")], {})] * 5
    # Words in more than 40% of the records: the page title's too.
    assert build_index(pages, FACETS)["meta.json"]["common"] == ["foam", "page", "roll"]


def _record(rid: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "kind": "page", "title": "Page", "text": text, "lineno": 1, **extra}


def test_facets_from_tags() -> None:
    tags = ["foam rolling", "body-part:lower-back", "product:roller"]
    assert facet_filters(tags) == {"body-part": ["lower back"]}
    # What a result shows is plain text (the search page writes it as text, never as HTML).
    record = {"id": "q", "kind": "faq", "title": "Q & A", "text": "<b>x</b>", "lineno": 1}
    page = SearchPage("a", "a.html", "A <page>", [record], {"body-part": ["lower back"]})
    files = build_index([page], FACETS)
    shown = files["d/0.json"]
    assert shown["pages"]["0"] == ["A <page>", "a.html"]
    assert ["faq", "", "Q & A", "q", "<b>x</b>"] in [row[1:] for row in shown["records"]]
    assert files["filters.json"]["body-part"] == {"lower back": [0]}


@pytest.mark.sphinx(
    "html", testroot="search", srcdir="search-sphinx", confoverrides={"kb_search_engine": "sphinx"}
)
def test_sphinx_engine_keeps_sphinx_search(app: SphinxTestApp) -> None:
    app.build()
    out = Path(app.outdir)
    assert not (out / OUTPUT).exists() and not (out / "pagefind").exists()
    search = (out / "search.html").read_text(encoding="utf-8")
    assert "searchindex.js" in search and "kb-search.js" not in search
    assert "kb:faq" in (out / "searchindex.js").read_text(encoding="utf-8")


@pytest.mark.sphinx(
    "html", testroot="search", srcdir="search-lunr", confoverrides={"kb_search_engine": "lunr"}
)
def test_unknown_engine_warns(app: SphinxTestApp, warning: Any) -> None:
    app.build()
    assert "kb_search_engine must be one of kb, sphinx, not 'lunr'" in warning.getvalue()
    assert "conf.py" in warning.getvalue()
    assert (Path(app.outdir) / OUTPUT / "meta.json").is_file()


@pytest.mark.sphinx(
    "html",
    testroot="search",
    srcdir="search-pagefind",
    confoverrides={"kb_search_engine": "pagefind"},
)
def test_pagefind_is_a_name_for_the_answer_index(app: SphinxTestApp, warning: Any) -> None:
    """A conf.py written when Pagefind indexed the site keeps working: it says so, in a
    warning that names conf.py, and the answer index serves search."""
    app.build()
    shown = warning.getvalue()
    assert "conf.py" in shown and "[kb.config]" in shown
    assert "Pagefind no longer indexes the site" in shown
    assert app.config.kb_search_engine == "kb"
    out = Path(app.outdir)
    assert (out / OUTPUT / "meta.json").is_file() and not (out / "pagefind").exists()
    assert "kb-search.js" in (out / "search.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("builder", ["text", "latex", "man", "texinfo"])
def test_other_builders(builder: str, make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = make_app(builder, srcdir=src)
    app.build()
    assert not (Path(app.outdir) / OUTPUT).exists()
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
        out = Path(app.outdir)
        results.append((_index_files(out), (out / "search.html").read_text(encoding="utf-8")))
    assert results[0][0] and results[0] == results[1]


def _add_collarbone_section(src: Path) -> None:
    page = src / "upper-back.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n## Collarbone\n\nNever roll over the collarbone.\n"
    )


def test_incremental_rebuild_updates_the_index(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = _build(make_app, src, 1)
    before = _index_files(Path(app.outdir))
    assert not _found(Path(app.outdir), "collarbone")
    _add_collarbone_section(src)
    app2 = make_app("html", srcdir=src)
    app2.build()
    out = Path(app2.outdir)
    assert "search index: 3 pages (10 records) in " in app2.status.getvalue()
    # The new words are found, on the new section; the pages not read again stay.
    assert "upper-back.html#collarbone" in _found(out, "collarbone")
    assert "lower-back.html#faq-lower-back-safe" in _found(out, "glutes")
    assert {row["link"]: row["title"] for row in _shown(out)}[
        "upper-back.html#collarbone"
    ] == "Collarbone"
    assert _index_files(out) != before


def test_unchanged_index_is_kept(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = _build(make_app, src, 1)
    meta = Path(app.outdir) / OUTPUT / "meta.json"
    written = meta.stat().st_mtime_ns
    # A no-op build, and an edit no search record shows (a comment), index nothing.
    page = src / "upper-back.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n% a note for maintainers\n")
    for _build_again in range(2):  # the page read again; then a no-op build
        again = make_app("html", srcdir=src)
        again.build()
        assert "search index: 3 pages, nothing changed; the index is kept" in (
            again.status.getvalue()
        )
        assert meta.stat().st_mtime_ns == written
    # A deleted index is written again, however unchanged the pages.
    shutil.rmtree(meta.parent)
    rebuilt = make_app("html", srcdir=src)
    rebuilt.build()
    assert "search index: 3 pages (9 records) in " in rebuilt.status.getvalue()
    assert "lower-back.html#glutes" in _found(Path(app.outdir), "piriformis")


def test_a_page_that_opts_out_is_not_searched(make_app: Any, tmp_path: Path) -> None:
    """``kb_search: false`` in a page's front matter keeps it out of the index; the index is
    written again when a page opts out or back in."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = _build(make_app, src, 1)
    out = Path(app.outdir)
    assert _found(out, "thoracic") == {"upper-back.html#upper-back-rolling"}
    page = src / "upper-back.md"
    source = page.read_text(encoding="utf-8")
    page.write_text(source.replace("---\n", "---\nkb_search: false\n", 1), encoding="utf-8")
    hidden = make_app("html", srcdir=src)
    hidden.build()
    assert "search index: 2 pages" in hidden.status.getvalue()
    assert not _found(out, "thoracic") and not _found(out, "posture")
    assert not [row for row in _shown(out) if row["link"].startswith("upper-back.html")]
    assert "lower-back.html#glutes" in _found(out, "piriformis")
    page.write_text(source, encoding="utf-8")
    shown = make_app("html", srcdir=src)
    shown.build()
    assert _found(out, "thoracic") == {"upper-back.html#upper-back-rolling"}


def _indexed_then_edited(make_app: Any, tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A built and indexed copy of the search root, then a search record edited: its
    sources, its output folder and the published index's files."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-search", src)
    app = _build(make_app, src, 1)
    out = Path(app.outdir)
    published = _index_files(out)
    _add_collarbone_section(src)
    return src, out, published


def test_index_write_failure_is_a_finding_and_keeps_the_last_index(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out, published = _indexed_then_edited(make_app, tmp_path)
    write_text = Path.write_text

    def disk_full(self: Path, *args: Any, **kwargs: Any) -> int:
        if f"{OUTPUT}.tmp" in self.parts and self.name == "meta.json":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", disk_full)
    failed = make_app("html", srcdir=src)
    failed.build()  # a finding, not a traceback
    warning = failed.warning.getvalue()
    assert "the search index could not be written" in warning
    assert "No space left on device" in warning and "[kb.search-index]" in warning
    assert f"{OUTPUT}.tmp/meta.json" in warning  # the file named
    assert _index_files(out) == published  # the last index stays whole
    assert not (out / f"{OUTPUT}.tmp").exists()
    monkeypatch.undo()
    again = make_app("html", srcdir=src)
    again.build()
    assert "search index: 3 pages (10 records) in " in again.status.getvalue()
    assert "upper-back.html#collarbone" in _found(out, "collarbone")


def test_failed_build_publishes_no_index(make_app: Any, tmp_path: Path) -> None:
    src, out, published = _indexed_then_edited(make_app, tmp_path)
    broken = make_app("html", srcdir=src)

    def fail(*args: Any) -> None:
        raise RuntimeError("a page could not be written")

    broken.connect("html-page-context", fail)
    with pytest.raises(ExtensionError, match="could not be written"):
        broken.build()
    # The build failed while writing its pages: nothing of the new index is published,
    # nothing half-written is left.
    assert _index_files(out) == published
    assert not (out / f"{OUTPUT}.tmp").exists()
    again = make_app("html", srcdir=src)
    again.build()
    assert "search index: 3 pages (10 records) in " in again.status.getvalue()


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
        {"id": c, "kind": "safety", "title": c, "text": "", "level": level, "lineno": 1}
        for c, level in (("a", "caution"), ("b", "professional"), ("c", "urgent"))
    ]
    files = build_index([SearchPage("p", "p.html", "P", records, {})], FACETS)
    levels = {row[4]: row[2] for row in files["d/0.json"]["records"]}
    assert (levels["a"], levels["b"], levels["c"]) == ("caution", "professional", "urgent")
    # Each level has its own letter in the kinds the search page ranks cards by.
    kinds = files["meta.json"]["kinds"]
    assert len(set(kinds[-3:])) == 3
