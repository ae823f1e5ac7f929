"""The bundles of the Pagefind index: which pages each holds, and what it was made from.

Pagefind has no incremental mode, and it holds about 0.45 MB of memory per page while
it indexes. A site of more than ``kb_search_shard_pages`` pages (256) is therefore
indexed as several bundles (a power of two of them; a page's bundle is chosen by a
hash of its address, so adding a page moves no other page until the number of bundles
doubles): the first in ``pagefind/``, the others in ``pagefind/shard-<n>/``, listed in
``pagefind/kb-shards.json``; the search page merges them into the first (Pagefind's
``mergeIndex``).

Each bundle is rebuilt only when the pages fed to it changed: a digest per bundle in
the doctree folder (STAMPS), made from a digest per page (:func:`page_digests`) that is
made again only for the pages read since. A digest of the whole site
(:func:`site_digest`) tells a build that read nothing that every bundle is kept.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from sphinx.application import Sphinx

from healthkb.core.domain import kb_domain
from healthkb.core.files import write_atomic
from healthkb.search.documents import IndexPage, index_page
from healthkb.search.records import RECORD_KIND

#: In the doctree folder: per shard, the digest of what its published bundle was built from.
STAMPS = "kb-pagefind"
#: In the doctree folder (STAMPS): each searchable page's PageDigest, with when it was read.
PAGES_STAMP = "pages.json"
#: In the doctree folder: what the last complete indexing was made from (see site_digest).
SITE_STAMP = "site.sha256"
#: The list of the bundles merged into the first one, read by the search page.
MANIFEST = "kb-shards.json"
SHARD_PREFIX = "shard-"
#: A bundle being written (inside the output folder: it is moved into place).
TMP_PREFIX = "kb-tmp-"
ENTRY = "pagefind-entry.json"
#: Files of Pagefind's own UI bundles, which this site does not use.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")


class PageDigest(NamedTuple):
    """What a bundle's digest needs of one page, kept between builds (see page_digests)."""

    docname: str
    url: str
    #: sha256 of the page's Pagefind document.
    digest: str
    #: How many search records it has.
    records: int


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
        write_atomic(cache, json.dumps(fresh, sort_keys=True))
    return out


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


def bundle_dir(root: Path, shard: int) -> Path:
    return root if shard == 0 else root / f"{SHARD_PREFIX}{shard}"


@functools.cache
def pagefind_version() -> str:
    """The installed Pagefind's version ("" when it is not installed as a distribution:
    then no index is ever reused)."""
    try:
        return metadata.version("pagefind")
    except Exception:
        return ""


def index_digest(pages: list[PageDigest], language: str, shard: int, count: int) -> str:
    """What a bundle is made of: every page fed to Pagefind, the language, the Pagefind
    version, its place among the bundles."""
    version = pagefind_version()
    if not version:
        return ""
    h = hashlib.sha256(f"{version}\0{language}\0{shard}/{count}".encode())
    for page in pages:
        h.update(f"\0{page.digest}".encode())
    return h.hexdigest()


def site_digest(app: Sphinx, language: str) -> str:
    """When each page was read, and the settings of the index: equal to the last complete
    indexing's, nothing fed to Pagefind can have changed (every page's records, title,
    tags and address are made when it is read, or by a setting that makes Sphinx read
    every page again)."""
    version = pagefind_version()
    if not version:
        return ""
    env = app.env
    h = hashlib.sha256(
        repr(
            (
                version,
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


def entry_ok(path: Path) -> bool:
    """The bundle's entry file exists and holds Pagefind's JSON."""
    try:
        return "languages" in json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def unchanged(bundle: Path, stamp: Path, digest: str) -> bool:
    """The published bundle is whole and was built from exactly these pages."""
    try:
        recorded = stamp.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return bool(digest) and recorded == digest and entry_ok(bundle / ENTRY)


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


def publish(tmp_bundle: Path, bundle: Path, shard: int) -> None:
    """Replace a bundle by a freshly written one."""
    _clear_bundle(bundle, keep_shards=shard == 0)
    bundle.mkdir(parents=True, exist_ok=True)
    for path in tmp_bundle.iterdir():
        if not path.name.startswith(UNUSED):
            path.replace(bundle / path.name)
    shutil.rmtree(tmp_bundle, ignore_errors=True)


def remove_unused(parent: Path, prefix: str, used: set[int]) -> None:
    """Remove the folders ``<prefix><n>`` of ``parent`` whose number is not in ``used``."""
    for path in parent.glob(f"{prefix}*"):
        number = path.name[len(prefix) :]
        if not (number.isdigit() and int(number) in used):
            shutil.rmtree(path, ignore_errors=True)
