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

The index is rebuilt from the environment on every build, so it always covers
every page, also after an incremental build that rewrote only some of them.
With 1,000 synthetic articles this is 1,012 Pagefind pages instead of 15,801
(one per record, as before): this step takes 4.5–5.8 s instead of about 12 s,
and the bundle is 5.9 MB (8 MB on disk) instead of 11.5 MB (66 MB on disk).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from sphinx.application import Sphinx
from sphinx.util import logging

from healthkb.domain import kb_domain
from healthkb.pages import page_tags
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


def common_words(texts: list[str]) -> list[str]:
    """Lower-case words found in more than COMMON_SHARE of ``texts`` (sorted)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(_WORD.findall(text.lower())))
    limit = COMMON_SHARE * max(len(texts), 1)
    return sorted(w for w, n in counts.items() if n > limit and len(texts) >= 20)


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


def index_documents(app: Sphinx) -> list[IndexPage]:
    """Every searchable page with its records, in a stable order."""
    env = app.env
    builder = app.builder
    per_doc = kb_domain(env).records(RECORD_KIND)
    out: list[IndexPage] = []
    for docname in sorted(per_doc):
        if docname in EXCLUDED or docname not in env.all_docs:
            continue
        meta = env.metadata.get(docname, {})
        if str(meta.get("kb_search", "")).lower() in ("false", "no", "off"):
            continue
        page_title = env.titles[docname].astext() if docname in env.titles else docname
        # A section with no text of its own only groups records (FAQ items, a card).
        records = [r for r in per_doc[docname] if r["kind"] != "section" or r["text"]]
        if not records:
            continue
        filters = facet_filters(page_tags(env, docname))
        uri = builder.get_target_uri(docname)
        texts = [_record_text(page_title, r) for r in records]
        out.append(IndexPage(uri, page_html(page_title, uri, records, filters), texts))
    return out


def _build(pages: list[IndexPage], outdir: Path, language: str) -> str | None:
    """Run the Pagefind binary (from the ``pagefind[extended]`` wheel) over one HTML file per
    page; returns an error message, or None. The binary indexes a folder in parallel; its
    Python API answers one document per 0.1 s, far too slow for 1,000 pages."""
    with tempfile.TemporaryDirectory(prefix="kb-pagefind-") as tmp:
        for n, page in enumerate(pages):
            Path(tmp, f"p{n:06d}.html").write_text(page.html, encoding="utf-8")
        cmd = [sys.executable, "-m", "pagefind", "--site", ".", "--output-path"]
        cmd += [str((outdir / OUTPUT).resolve()), "--force-language", language, "--silent"]
        try:
            # cwd: Pagefind reads a pagefind.json/.toml/.yml of its working directory.
            done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, check=False)
        except OSError as err:
            return str(err)
        if done.returncode != 0:
            return (done.stderr or done.stdout).strip()[-500:] or f"exit status {done.returncode}"
    return None


def _entry_ok(path: Path) -> bool:
    """The bundle's entry file exists and holds Pagefind's JSON."""
    try:
        return "languages" in json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


#: In the doctree folder: the digest of what the published index was built from.
STAMP = "kb-pagefind.sha256"


def _index_digest(pages: list[IndexPage], language: str) -> str:
    """What the bundle is made of: every page fed to Pagefind, the language, the Pagefind
    version and the common-words share."""
    try:
        from importlib.metadata import version

        pagefind_version = version("pagefind")
    except Exception:  # not installed as a distribution: never reuse an index
        return ""
    h = hashlib.sha256(f"{pagefind_version}\0{language}\0{COMMON_SHARE}".encode())
    for page in pages:
        h.update(b"\0" + page.html.encode("utf-8"))
    return h.hexdigest()


def _unchanged(outdir: Path, stamp: Path, digest: str) -> bool:
    """The published bundle is whole and was built from exactly these pages."""
    try:
        recorded = stamp.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return (
        bool(digest)
        and recorded == digest
        and _entry_ok(outdir / OUTPUT / "pagefind-entry.json")
        and (outdir / OUTPUT / COMMON).is_file()
    )


def write_index(app: Sphinx, exception: Exception | None) -> None:
    """Index the site with Pagefind, unless the bundle already holds exactly these pages
    (a no-op build, or an edit no search record shows, costs no indexing)."""
    if exception is not None or app.builder.name != "html":
        return
    if app.config.kb_search_engine != "pagefind":
        return
    outdir = Path(app.outdir)
    start = time.perf_counter()
    pages = index_documents(app)
    language = (app.config.language or "en").split("_")[0]
    digest = _index_digest(pages, language)
    stamp = Path(app.doctreedir) / STAMP
    if _unchanged(outdir, stamp, digest):
        logger.info("pagefind: %d pages, nothing changed; the index is kept", len(pages))
        return
    stamp.unlink(missing_ok=True)
    shutil.rmtree(outdir / OUTPUT, ignore_errors=True)
    # On a busy machine Pagefind has been seen to return before pagefind-entry.json held
    # its JSON. A bundle without a readable entry file is written again (twice at most),
    # never published half-written.
    for _attempt in range(3):
        error = _build(pages, outdir, language)
        if error is not None:
            logger.warning(
                "Pagefind could not index the site: %s", error, type="kb", subtype="search-index"
            )
            return
        if _entry_ok(outdir / OUTPUT / "pagefind-entry.json"):
            break
        shutil.rmtree(outdir / OUTPUT, ignore_errors=True)
    else:
        logger.warning(
            "Pagefind wrote an unreadable pagefind-entry.json three times; search is off",
            type="kb",
            subtype="search-index",
        )
        return
    for path in (outdir / OUTPUT).iterdir():
        if path.name.startswith(UNUSED):
            path.unlink()
    texts = [text for page in pages for text in page.records]
    common = common_words(texts)
    (outdir / OUTPUT / COMMON).write_text(json.dumps(common) + "\n", encoding="utf-8")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest + "\n", encoding="utf-8")
    logger.info(
        "pagefind: indexed %d pages (%d search records) in %.1f s",
        len(pages),
        len(texts),
        time.perf_counter() - start,
    )
