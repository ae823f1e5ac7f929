"""Index the search records with Pagefind at the end of an HTML build.

Each site page becomes one Pagefind page: every record of the page (its
introduction, sections, FAQ items and safety cards, in document order) is a
heading with the record's id, its text after it::

    <h1 id="top" data-pagefind-weight="7">Page title</h1> <p>introduction</p>
    <h2 id="how-often" data-pagefind-weight="7">How often</h2> <p>text</p>
    <h3 id="faq-safe" data-pagefind-weight="7">Is it safe …?</h3> <p>answer</p>
    <h4 id="card" data-pagefind-weight="7">Card title</h4> <p>text</p>

The heading element tells the search page the record's kind (h1 the page's
introduction, h2 a section, h3 an FAQ item, h4 a safety card; Pagefind reports
it with each anchor); every title has the same explicit weight, so ranking does
not depend on the element. Pagefind ranks pages; the search page
(``static/kb-search.js``) then scores the sections, FAQ items and cards of the
best pages from Pagefind's word locations and links each to ``page.html#id``.
The page's ``link`` and ``title`` are metadata, its ``body-part:``,
``condition:`` and ``use-case:`` tags filters. ``kb-common-words.json`` lists
the words in more than COMMON_SHARE of the records, which the search page
leaves out of queries with rarer words.

**Bundles.** Pagefind has no incremental mode, and it holds about 0.45 MB of memory
per page while it indexes. A site of more than ``kb_search_shard_pages`` pages (256)
is therefore indexed as several bundles (a power of two of them; a page's bundle is
chosen by a hash of its address, so adding a page moves no other page until the
number of bundles doubles): the
first in ``pagefind/``, the others in ``pagefind/shard-<n>/``, listed in
``pagefind/kb-shards.json``; the search page merges them into the first
(Pagefind's ``mergeIndex``). Each bundle is rebuilt only when the pages fed to it
changed (a digest per bundle in the doctree folder, made from a digest per page that is
made again only for the pages read since), one Pagefind process per core. Pagefind indexes
a folder of one HTML document per page, kept for each bundle in the doctree folder
(``stage-<n>/``, with each page's record word counts): an edit writes the edited page's
files only.
A single bundle to write (an edit) is indexed as soon as every page is read (the index
is made from the environment, not from the written HTML), at a lower priority, beside
the writing of the pages; more bundles (a first build) are indexed once the pages are
written, when the writers' memory is free. The new bundles are published when the build
is done, and not at all if it fails.
At 1,000 articles (4 bundles) an edit of one article re-indexes about 250 pages
instead of 1,012, and no Pagefind process holds more than a quarter of the site.
The pages are taken from the environment on every build, so the index always
covers every page, also after an incremental build that rewrote only some of them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from sphinx.application import Sphinx
from sphinx.util import logging

from healthkb.core.domain import kb_domain
from healthkb.core.pages import page_tags
from healthkb.search.records import RECORD_KIND

logger = logging.getLogger(__name__)

OUTPUT = "pagefind"
#: Tag facets offered as search filters, in the order the search page shows them.
FACETS = ("body-part", "condition", "use-case")
#: Words in more than this share of the records are "common": the search page leaves them out
#: of a query that has rarer words (they barely rank, and at 1,000 articles a word in every
#: record costs Pagefind seconds to score).
COMMON_SHARE = 0.4
COMMON = "kb-common-words.json"
#: Files of Pagefind's own UI bundles, which this site does not use.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
#: Pages that are not searched: the search page and generated indexes.
EXCLUDED = {"search", "genindex"}


def facet_filters(tags: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for tag in tags:
        facet, sep, value = tag.partition(":")
        if sep and facet in FACETS and value.strip():
            label = value.strip().replace("-", " ")
            filters.setdefault(facet, [])
            if label not in filters[facet]:
                filters[facet].append(label)
    return filters


#: The heading element of each kind of record: the search page reads a result's kind from it
#: (Pagefind reports the element of every anchor). Every record title gets the same explicit
#: weight, so ranking does not depend on the element.
HEADINGS = {"page": "h1", "section": "h2", "faq": "h3", "safety": "h4"}
TITLE_WEIGHT = 7


def page_html(
    page_title: str, url: str, records: list[dict[str, Any]], filters: dict[str, list[str]]
) -> str:
    """The document Pagefind indexes for one page: every record's title as a heading with the
    record's id (Pagefind's anchors, so each record is a sub-result), its text after it."""
    esc = html.escape
    spans = "".join(
        f'<span hidden data-pagefind-filter="{esc(facet)}[data-v]" data-v="{esc(value)}"></span>'
        for facet, values in sorted(filters.items())
        for value in values
    )
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(page_title)}</title></head>"
        f"<body data-pagefind-body>{spans}"
        f'<span hidden data-pagefind-meta="title[data-v]" data-v="{esc(page_title)}"></span>'
        f'<span hidden data-pagefind-meta="link[data-v]" data-v="{esc(url)}"></span>'
    ]
    if not any(r["kind"] == "page" for r in records):
        # The page title is searchable (and known to the search page) without an introduction.
        parts.append(f'<h1 data-pagefind-weight="{TITLE_WEIGHT}">{esc(page_title)}</h1>')
    for record in records:
        kind = record["kind"]
        tag = HEADINGS.get(kind, "h2")
        title = page_title if kind == "page" else record["title"]
        parts.append(
            f'<{tag} id="{esc(record["id"])}" data-pagefind-weight="{TITLE_WEIGHT}">'
            f"{esc(title)}</{tag}>"
        )
        if record["text"]:
            parts.append(f"<p>{esc(record['text'])}</p>")
    parts.append("</body></html>")
    return "".join(parts)


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def word_counts(texts: list[str]) -> Counter[str]:
    """For each lower-case word: in how many of ``texts`` it is found."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(_WORD.findall(text.lower())))
    return counts


def common_from(counts: Counter[str], total: int) -> list[str]:
    """The words of ``counts`` found in more than COMMON_SHARE of ``total`` texts (sorted)."""
    limit = COMMON_SHARE * max(total, 1)
    return sorted(w for w, n in counts.items() if n > limit and total >= 20)


def common_words(texts: list[str]) -> list[str]:
    """Lower-case words found in more than COMMON_SHARE of ``texts`` (sorted)."""
    return common_from(word_counts(texts), len(texts))


class IndexPage(NamedTuple):
    """One Pagefind page: a site page with its search records."""

    url: str
    html: str
    #: Each record's words as the search page scores them: its title, the page title, its text.
    records: list[str]


def _record_text(page_title: str, record: dict[str, Any]) -> str:
    if record["kind"] == "page":
        return f"{page_title} {record['text']}"
    return f"{record['title']} {page_title} {record['text']}"


def index_page(app: Sphinx, docname: str) -> IndexPage | None:
    """The page's Pagefind document, or None when the page is not searched."""
    env = app.env
    per_doc = kb_domain(env).records(RECORD_KIND)
    if docname in EXCLUDED or docname not in env.all_docs or docname not in per_doc:
        return None
    meta = env.metadata.get(docname, {})
    if str(meta.get("kb_search", "")).lower() in ("false", "no", "off"):
        return None
    page_title = env.titles[docname].astext() if docname in env.titles else docname
    # A section with no text of its own only groups records (FAQ items, a card).
    records = [r for r in per_doc[docname] if r["kind"] != "section" or r["text"]]
    if not records:
        return None
    filters = facet_filters(page_tags(env, docname))
    uri = app.builder.get_target_uri(docname)
    texts = [_record_text(page_title, r) for r in records]
    return IndexPage(uri, page_html(page_title, uri, records, filters), texts)


def index_documents(app: Sphinx) -> list[IndexPage]:
    """Every searchable page with its records, in a stable order."""
    pages = (
        index_page(app, docname) for docname in sorted(kb_domain(app.env).records(RECORD_KIND))
    )
    return [page for page in pages if page is not None]


class PageDigest(NamedTuple):
    """What a bundle's digest needs of one page, kept between builds (see page_digests)."""

    docname: str
    url: str
    #: sha256 of the page's Pagefind document.
    digest: str
    #: How many search records it has.
    records: int


#: In the doctree folder (STAMPS): each searchable page's PageDigest, with when it was read.
PAGES_STAMP = "pages.json"


def _write_atomic(path: Path, text: str) -> None:
    """Write a cache file whole or not at all (its folder made if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def page_digests(
    app: Sphinx, cache: Path, made: dict[str, IndexPage] | None = None
) -> list[PageDigest]:
    """Every searchable page's digest, in a stable order. A page's Pagefind document is made
    again only when the page was read since the digests in ``cache`` were taken (everything
    in it is made when the page is read), or its address changed: at 1,000 articles that
    is 0.2 s a build the search index's digests no longer spend on unchanged pages. The
    documents made are added to ``made`` (docname -> document), for the bundle's staging."""
    env = app.env
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if not isinstance(kept, dict):
            kept = {}
    except (OSError, ValueError):
        kept = {}
    fresh: dict[str, list[Any]] = {}
    out: list[PageDigest] = []
    for docname in sorted(kb_domain(env).records(RECORD_KIND)):
        read = env.all_docs.get(docname)
        if read is None:
            continue
        url = app.builder.get_target_uri(docname)
        entry = kept.get(docname)
        if not (isinstance(entry, list) and len(entry) == 4 and entry[:2] == [read, url]):
            page = index_page(app, docname)
            if page is not None and made is not None:
                made[docname] = page
            digest = hashlib.sha256(page.html.encode("utf-8")).hexdigest() if page else ""
            entry = [read, url, digest, len(page.records) if page else 0]
        fresh[docname] = entry
        if entry[2]:
            out.append(PageDigest(docname, url, entry[2], entry[3]))
    if fresh != kept:
        _write_atomic(cache, json.dumps(fresh, sort_keys=True))
    return out


#: Pagefind runs beside the writing of the pages, at a lower priority: it takes the cores
#: the writers leave idle (the main process's serial steps, the last chunks).
NICENESS = 10


#: The distributions that ship the Pagefind binary, in the order Pagefind's own launcher
#: (``python -m pagefind``) prefers them, and the binary's names in them.
BINARY_DISTRIBUTIONS = ("pagefind_bin_extended", "pagefind_bin")
BINARY_NAMES = ("pagefind_extended", "pagefind", "pagefind_extended.exe", "pagefind.exe")


@functools.cache
def pagefind_executable() -> list[str]:
    """How to run Pagefind: its binary, found as Pagefind's launcher finds it (the
    ``PAGEFIND_BINARY_PATH`` variable, then the binary wheels), from the wheels' file lists
    rather than by importing them; ``python -m pagefind`` when none is found. The launcher
    costs 0.1 s of Python start-up before Pagefind runs, on the critical path of an
    incremental build."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        return [override]
    for name in BINARY_DISTRIBUTIONS:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        for file in files:
            if file.name in BINARY_NAMES:
                path = Path(str(file.locate()))
                if path.is_file() and os.access(path, os.X_OK):
                    return [str(path)]
    return [sys.executable, "-m", "pagefind"]


def pagefind_command(bundle: Path, language: str) -> list[str]:
    """The command that indexes the current folder into ``bundle``."""
    cmd = [*pagefind_executable(), "--site", ".", "--output-path", str(bundle.resolve())]
    return [*cmd, "--force-language", language, "--silent"]


def _build(
    folder: Path, bundle: Path, language: str, running: list[subprocess.Popen[str]]
) -> str | None:
    """Run the Pagefind binary (from the ``pagefind[extended]`` wheel) over ``folder``, one
    HTML file per page (see _stage), into ``bundle``; returns an error message, or None. The
    binary indexes a folder in parallel; its Python API answers one document per 0.1 s, far
    too slow for 1,000 pages. The process is listed in ``running`` while it runs (so that
    it can be stopped)."""
    try:
        # cwd: Pagefind reads a pagefind.json/.toml/.yml of its working directory (the
        # staging folder has none).
        proc = subprocess.Popen(
            pagefind_command(bundle, language),
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as err:
        return str(err)
    running.append(proc)
    with contextlib.suppress(AttributeError, OSError):  # not on this system, or gone
        os.setpriority(os.PRIO_PROCESS, proc.pid, NICENESS)
    out, errors = proc.communicate()
    running.remove(proc)
    if proc.returncode != 0:
        return (errors or out).strip()[-500:] or f"exit status {proc.returncode}"
    return None


#: In the doctree folder (STAMPS): each bundle's Pagefind documents, ``stage-<n>/``: one
#: HTML file per page, named after it, the word counts of its records beside it
#: (WORDS_SUFFIX), and which page digest each was made from (STAGED). An edit makes and
#: writes the edited pages' files only; Pagefind then indexes the folder as it is.
STAGE_PREFIX = "stage-"
STAGED = "kb-staged.json"
WORDS_SUFFIX = ".words.json"


def _words_file(folder: Path, docname: str) -> Path:
    return folder / f"{docname}{WORDS_SUFFIX}"


def _staged(folder: Path) -> dict[str, str]:
    """Docname -> the digest its staged files were made from (empty when unreadable)."""
    try:
        staged = json.loads((folder / STAGED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return staged if isinstance(staged, dict) else {}


def _stage(app: Sphinx, folder: Path, pages: list[PageDigest], made: dict[str, IndexPage]) -> None:
    """Make ``folder`` hold exactly the Pagefind documents of ``pages`` (see STAGE_PREFIX):
    the files of pages whose digest changed are made again, any other file goes. At 1,000
    articles an edit no longer makes the ~250 documents of its bundle (0.1 s before
    Pagefind can start) nor counts their words (0.2 s). ``made``: documents made already
    in this build (see page_digests)."""
    staged = _staged(folder)
    wanted = {page.docname for page in pages}
    keep = {STAGED} | {f"{d}.html" for d in wanted} | {f"{d}{WORDS_SUFFIX}" for d in wanted}
    if folder.is_dir():
        for path in [p for p in folder.rglob("*") if p.is_file()]:
            if path.relative_to(folder).as_posix() not in keep:
                path.unlink()
    fresh: dict[str, str] = {}
    for page in pages:
        html_file = folder / f"{page.docname}.html"
        words_file = _words_file(folder, page.docname)
        if staged.get(page.docname) != page.digest or not (
            html_file.is_file() and words_file.is_file()
        ):
            # The page's digest is that of this document (see page_digests).
            document = made.get(page.docname) or index_page(app, page.docname)
            if document is None:  # a page with a digest has a document; defensively
                continue
            _write_atomic(html_file, document.html)
            _write_atomic(words_file, json.dumps(word_counts(document.records), sort_keys=True))
        fresh[page.docname] = page.digest
    if fresh != staged:
        _write_atomic(folder / STAGED, json.dumps(fresh, sort_keys=True))


def _staged_words(app: Sphinx, folder: Path, pages: list[PageDigest]) -> Counter[str]:
    """The word counts of the records of ``pages``, from their staged files (a page whose
    file is missing, unreadable or of another digest is counted from its document)."""
    staged = _staged(folder)
    total: Counter[str] = Counter()
    for page in pages:
        if staged.get(page.docname) == page.digest:
            try:
                counts = json.loads(_words_file(folder, page.docname).read_text(encoding="utf-8"))
                if isinstance(counts, dict):
                    total.update(counts)
                    continue
            except (OSError, ValueError):
                pass
        document = index_page(app, page.docname)
        if document is not None:
            total.update(word_counts(document.records))
    return total


def _entry_ok(path: Path) -> bool:
    """The bundle's entry file exists and holds Pagefind's JSON."""
    try:
        return "languages" in json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


#: In the doctree folder: per shard, the digest of what its published bundle was built from.
STAMPS = "kb-pagefind"
#: The list of the bundles merged into the first one, read by the search page.
MANIFEST = "kb-shards.json"
SHARD_PREFIX = "shard-"
#: A bundle being written (inside the output folder: it is moved into place).
TMP_PREFIX = "kb-tmp-"
ENTRY = "pagefind-entry.json"


def shard_count(pages: int, per_shard: int) -> int:
    """Bundles for ``pages`` pages: a power of two, so that most pages keep their bundle
    when the site grows or shrinks a little."""
    count = 1
    while count * per_shard < pages:
        count *= 2
    return count


_Page = TypeVar("_Page", IndexPage, PageDigest)


def shards(pages: list[_Page], per_shard: int) -> list[list[_Page]]:
    """The pages of each bundle: by a hash of the page's address, so an edit of one page
    changes one bundle, and adding a page changes no other page's bundle."""
    count = shard_count(len(pages), max(per_shard, 1))
    groups: list[list[_Page]] = [[] for _ in range(count)]
    for page in pages:
        key = int(hashlib.sha1(page.url.encode("utf-8")).hexdigest()[:8], 16)
        groups[key % count if count > 1 else 0].append(page)
    if not groups[0]:
        # The first bundle is the one the search page loads: never left empty.
        first = next((k for k, group in enumerate(groups) if group), 0)
        groups[0], groups[first] = groups[first], groups[0]
    return groups


def _bundle_dir(root: Path, shard: int) -> Path:
    return root if shard == 0 else root / f"{SHARD_PREFIX}{shard}"


@functools.cache
def _pagefind_version() -> str:
    """The installed Pagefind's version ("" when it is not installed as a distribution:
    then no index is ever reused)."""
    try:
        return metadata.version("pagefind")
    except Exception:
        return ""


def _index_digest(pages: list[PageDigest], language: str, shard: int, count: int) -> str:
    """What a bundle is made of: every page fed to Pagefind, the language, the Pagefind
    version, its place among the bundles."""
    pagefind_version = _pagefind_version()
    if not pagefind_version:
        return ""
    h = hashlib.sha256(f"{pagefind_version}\0{language}\0{shard}/{count}".encode())
    for page in pages:
        h.update(f"\0{page.digest}".encode())
    return h.hexdigest()


#: In the doctree folder: what the last complete indexing was made from (see _site_digest).
SITE_STAMP = "site.sha256"


def _site_digest(app: Sphinx, language: str) -> str:
    """When each page was read, and the settings of the index: equal to the last complete
    indexing's, nothing fed to Pagefind can have changed (every page's records, title,
    tags and address are made when it is read, or by a setting that makes Sphinx read
    every page again)."""
    pagefind_version = _pagefind_version()
    if not pagefind_version:
        return ""
    env = app.env
    h = hashlib.sha256(
        repr(
            (
                pagefind_version,
                language,
                app.builder.name,
                str(Path(app.outdir).resolve()),
                int(app.config.kb_search_shard_pages),
            )
        ).encode("utf-8")
    )
    for docname in sorted(env.all_docs):
        h.update(f"\0{docname}\0{env.all_docs[docname]}".encode())
    return h.hexdigest()


def _unchanged(bundle: Path, stamp: Path, digest: str) -> bool:
    """The published bundle is whole and was built from exactly these pages."""
    try:
        recorded = stamp.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return bool(digest) and recorded == digest and _entry_ok(bundle / ENTRY)


def _clear_bundle(bundle: Path, *, keep_shards: bool) -> None:
    """Remove a bundle's files (the first bundle's folder also holds the others and the
    site's own files, which stay)."""
    if not bundle.is_dir():
        return
    for path in bundle.iterdir():
        if keep_shards and (path.name.startswith(SHARD_PREFIX) or path.name.startswith("kb-")):
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _publish(tmp_bundle: Path, bundle: Path, shard: int) -> None:
    """Replace a bundle by a freshly written one."""
    _clear_bundle(bundle, keep_shards=shard == 0)
    bundle.mkdir(parents=True, exist_ok=True)
    for path in tmp_bundle.iterdir():
        if not path.name.startswith(UNUSED):
            path.replace(bundle / path.name)
    shutil.rmtree(tmp_bundle, ignore_errors=True)


def _index_shard(
    folder: Path, tmp_bundle: Path, language: str, running: list[subprocess.Popen[str]]
) -> str | None:
    """Write one bundle into ``tmp_bundle``; returns an error message, or None. On a busy
    machine Pagefind has been seen to return before pagefind-entry.json held its JSON: a
    bundle without a readable entry file is written again (twice at most), never published
    half-written."""
    for _attempt in range(3):
        shutil.rmtree(tmp_bundle, ignore_errors=True)
        error = _build(folder, tmp_bundle, language, running)
        if error is not None:
            return error
        if _entry_ok(tmp_bundle / ENTRY):
            return None
    return "Pagefind wrote an unreadable pagefind-entry.json three times"


class _Indexing:
    """The indexing of one build: started once the pages are read (the index is made from
    the environment, not from the written HTML), finished when the build is."""

    def __init__(self, app: Sphinx) -> None:
        self.start = time.perf_counter()
        self.root = Path(app.outdir) / OUTPUT
        self.stamps = Path(app.doctreedir) / STAMPS
        self.language = (app.config.language or "en").split("_")[0]
        self.site = _site_digest(app, self.language)
        self.running: list[subprocess.Popen[str]] = []
        self.pool: ThreadPoolExecutor | None = None
        self.errors: list[Future[str | None]] = []
        self.kept = self._all_kept()
        if self.kept:  # nothing read since the last indexing (a no-op build)
            self.pages, self.groups, self.stale = [], [], []
            return
        (self.stamps / SITE_STAMP).unlink(missing_ok=True)
        self.app = app
        self.made: dict[str, IndexPage] = {}
        self.pages = page_digests(app, self.stamps / PAGES_STAMP, self.made)
        self.groups = shards(self.pages, int(app.config.kb_search_shard_pages))
        count = len(self.groups)
        self.digests = [
            _index_digest(group, self.language, k, count) for k, group in enumerate(self.groups)
        ]
        self.stale = [
            k
            for k, group in enumerate(self.groups)
            if (group or k == 0)
            and not _unchanged(self._bundle(k), self.stamps / f"{k}.sha256", self.digests[k])
        ]
        self.root.mkdir(parents=True, exist_ok=True)
        for path in self.root.glob(f"{TMP_PREFIX}*"):  # left by an interrupted build
            shutil.rmtree(path, ignore_errors=True)
        if len(self.stale) > BESIDE_WRITING:
            # Indexed after the writing (a first build): the documents are made again then,
            # rather than held in memory while the pages are written.
            self.made.clear()
        if not self.stale:
            return
        self.stamps.mkdir(parents=True, exist_ok=True)
        for k in self.stale:
            (self.stamps / f"{k}.sha256").unlink(missing_ok=True)

    def _all_kept(self) -> bool:
        """The last indexing was of exactly these pages as read, and its bundles are whole."""
        try:
            recorded = (self.stamps / SITE_STAMP).read_text(encoding="utf-8").strip()
            merged = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        bundles = [self.root, *(self.root / str(name) for name in merged)]
        return (
            bool(self.site)
            and recorded == self.site
            and (self.root / COMMON).is_file()
            and all(_entry_ok(bundle / ENTRY) for bundle in bundles)
        )

    def launch(self) -> None:
        """Start Pagefind on the bundles to write (once)."""
        if self.pool is not None or not self.stale:
            return
        # Bundles are written side by side, one per core.
        self.pool = ThreadPoolExecutor(
            max_workers=max(1, min(len(self.stale), os.cpu_count() or 1))
        )
        # Each bundle starts as soon as its documents are staged.
        for k in self.stale:
            _stage(self.app, self._stage(k), self.groups[k], self.made)
            self.errors.append(
                self.pool.submit(
                    _index_shard, self._stage(k), self._tmp(k), self.language, self.running
                )
            )

    def _stage(self, shard: int) -> Path:
        return self.stamps / f"{STAGE_PREFIX}{shard}"

    def _bundle(self, shard: int) -> Path:
        return _bundle_dir(self.root, shard)

    def _tmp(self, shard: int) -> Path:
        return self.root / f"{TMP_PREFIX}{shard}"

    def cancel(self) -> None:
        """The build failed: stop Pagefind and publish nothing (the last bundles stay)."""
        for proc in list(self.running):
            proc.kill()
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        for k in self.stale:
            shutil.rmtree(self._tmp(k), ignore_errors=True)

    def finish(self) -> None:
        """Publish the bundles written, then the site's own files."""
        if self.kept:
            logger.info("pagefind: no page read since the last indexing; the index is kept")
            return
        self.launch()
        count = len(self.groups)
        # While Pagefind runs: the words the search page leaves out of queries (from each
        # bundle's word counts, kept beside its digest).
        texts = sum(page.records for page in self.pages)
        common = None
        if self.stale or not (self.root / COMMON).is_file():
            total: Counter[str] = Counter()
            for k in range(count):
                cache = self.stamps / f"{k}.words.json"
                counts = partial(_staged_words, self.app, self._stage(k), self.groups[k])
                total.update(_bundle_words(counts, cache, k in self.stale))
            common = json.dumps(common_from(total, texts)) + "\n"
        failed = False
        for k, future in zip(self.stale, self.errors, strict=True):
            error = future.result()
            if error is None:
                _publish(self._tmp(k), self._bundle(k), k)
                (self.stamps / f"{k}.sha256").write_text(self.digests[k] + "\n", encoding="utf-8")
                continue
            failed = True
            shutil.rmtree(self._tmp(k), ignore_errors=True)
            logger.warning(
                "Pagefind could not index the pages of search bundle %d of %d: %s; "
                "search does not find them until a build indexes them",
                k + 1,
                count,
                error,
                type="kb",
                subtype="search-index",
            )
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        # Bundles (and their staged documents) of a larger site, or of shards left empty, go.
        used = {k for k, group in enumerate(self.groups) if group}
        _remove_unused(self.root, SHARD_PREFIX, used - {0})
        _remove_unused(self.stamps, STAGE_PREFIX, used)
        # The site's own files: the common words, the bundles merged into the first.
        merged = [
            f"{SHARD_PREFIX}{k}/" for k in range(1, count) if _entry_ok(self._bundle(k) / ENTRY)
        ]
        files = {MANIFEST: json.dumps(merged) + "\n"}
        if common is not None:
            files[COMMON] = common
        for name, text in files.items():
            if not _same(self.root / name, text):
                (self.root / name).write_text(text, encoding="utf-8")
        if not failed and self.site:
            self.stamps.mkdir(parents=True, exist_ok=True)
            (self.stamps / SITE_STAMP).write_text(self.site + "\n", encoding="utf-8")
        if not self.stale:
            logger.info("pagefind: %d pages, nothing changed; the index is kept", len(self.pages))
            return
        logger.info(
            "pagefind: indexed %d pages (%d search records) in %.1f s (%d of %d bundles written)",
            len(self.pages),
            texts,
            time.perf_counter() - self.start,
            len(self.stale),
            count,
        )


def _indexes(app: Sphinx) -> bool:
    return app.builder.name == "html" and app.config.kb_search_engine == "pagefind"


#: At most this many bundles to write are indexed beside the writing of the pages; more
#: (a first build, a large change) are indexed once the pages are written: on two cores
#: the writers leave Pagefind no idle time then, and memory would hold both at once.
BESIDE_WRITING = 1


def start_index(app: Sphinx, env: Any) -> None:
    """Once every page is read: find the bundles whose pages changed (a no-op build, or an
    edit no search record shows, indexes nothing) and, if they are few, start indexing
    them beside the writing of the pages."""
    if _indexes(app):
        indexing = app._kb_indexing = _Indexing(app)  # type: ignore[attr-defined]
        if len(indexing.stale) <= BESIDE_WRITING:
            indexing.launch()


def write_index(app: Sphinx, exception: Exception | None) -> None:
    """When the build is over: publish the new bundles (or, if the build failed, stop
    Pagefind and keep the published ones)."""
    indexing: _Indexing | None = app.__dict__.pop("_kb_indexing", None)
    if indexing is None:
        if exception is None and _indexes(app):  # the pages were never read: index now
            _Indexing(app).finish()
        return
    if exception is not None:
        indexing.cancel()
    else:
        indexing.finish()


def _bundle_words(counts: Callable[[], Counter[str]], cache: Path, stale: bool) -> Counter[str]:
    """The word counts of a bundle's records: kept from its last indexing unless it is
    written again (or the kept counts are unreadable)."""
    if not stale:
        try:
            return Counter(json.loads(cache.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            pass
    total = counts()
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(total, sort_keys=True), encoding="utf-8")
    return total


def _remove_unused(parent: Path, prefix: str, used: set[int]) -> None:
    """Remove the folders ``<prefix><n>`` of ``parent`` whose number is not in ``used``."""
    for path in parent.glob(f"{prefix}*"):
        number = path.name[len(prefix) :]
        if not (number.isdigit() and int(number) in used):
            shutil.rmtree(path, ignore_errors=True)


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except OSError:
        return False
