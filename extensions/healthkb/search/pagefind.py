"""Index the search records with Pagefind at the end of an HTML build.

Each record becomes one Pagefind entry (a tiny HTML document, so Pagefind's
heading weights apply: the section title, question or card title counts far
more than the body, the page title a little more):

    <h1>Section title</h1> <p data-pagefind-weight="2">Page title</p> <p>text</p>

with ``page.html#id`` as its ``link``, ``title`` ("Page › Section"), ``page``,
``section`` and ``kind`` as metadata, and the page's ``body-part:``,
``condition:`` and ``use-case:`` tags as filters. The index is rebuilt from the
environment on every build, so it always covers every page, also after an
incremental build that rewrote only some of them.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

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


def record_html(page_title: str, record: dict[str, Any], filters: dict[str, list[str]]) -> str:
    """The document Pagefind indexes for one record."""
    esc = html.escape
    kind = record["kind"]
    title = record["title"] if kind != "page" else page_title
    full = title if kind == "page" else f"{page_title} › {title}"
    spans = "".join(
        f'<span hidden data-pagefind-filter="{esc(facet)}[data-v]" data-v="{esc(value)}"></span>'
        for facet, values in sorted(filters.items())
        for value in values
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(full)}</title></head>"
        f"<body data-pagefind-body>{spans}"
        f'<span hidden data-pagefind-meta="title[data-v]" data-v="{esc(full)}"></span>'
        f'<span hidden data-pagefind-meta="page[data-v]" data-v="{esc(page_title)}"></span>'
        f'<span hidden data-pagefind-meta="section[data-v]" data-v="{esc(title)}"></span>'
        f'<span hidden data-pagefind-meta="kind[data-v]" data-v="{esc(kind)}"></span>'
        f"<h1>{esc(title)}</h1>"
        + (f'<p data-pagefind-weight="2">{esc(page_title)}</p>' if kind != "page" else "")
        + f"<p>{esc(record['text'])}</p></body></html>"
    )


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TAG = re.compile(r"<[^>]*>")


def common_words(texts: list[str]) -> list[str]:
    """Lower-case words found in more than COMMON_SHARE of ``texts`` (sorted)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(_WORD.findall(_TAG.sub(" ", text).lower())))
    limit = COMMON_SHARE * max(len(texts), 1)
    return sorted(w for w, n in counts.items() if n > limit and len(texts) >= 20)


def index_documents(app: Sphinx) -> list[tuple[str, str]]:
    """(url, html) of every record of every page, in a stable order."""
    env = app.env
    builder = app.builder
    per_doc = kb_domain(env).records(RECORD_KIND)
    out: list[tuple[str, str]] = []
    for docname in sorted(per_doc):
        if docname in EXCLUDED or docname not in env.all_docs:
            continue
        meta = env.metadata.get(docname, {})
        if str(meta.get("kb_search", "")).lower() in ("false", "no", "off"):
            continue
        page_title = env.titles[docname].astext() if docname in env.titles else docname
        filters = facet_filters(page_tags(env, docname))
        uri = builder.get_target_uri(docname)
        for record in per_doc[docname]:
            if record["kind"] == "section" and not record["text"]:
                continue  # only groups records of its own (FAQ items, a card)
            url = uri if record["kind"] == "page" else f"{uri}#{record['id']}"
            out.append((url, record_html(page_title, record, filters)))
    return out


def _build(documents: list[tuple[str, str]], outdir: Path, language: str) -> str | None:
    """Run the Pagefind binary (from the ``pagefind[extended]`` wheel) over one small HTML
    file per record; returns an error message, or None. The binary indexes a folder in
    parallel; its Python API answers one record per 0.1 s, far too slow for 1,000 pages."""
    with tempfile.TemporaryDirectory(prefix="kb-pagefind-") as tmp:
        for n, (url, content) in enumerate(documents):
            link = f'<span hidden data-pagefind-meta="link[data-v]" data-v="{html.escape(url)}">'
            Path(tmp, f"r{n:06d}.html").write_text(
                content.replace(
                    "<body data-pagefind-body>", f"<body data-pagefind-body>{link}</span>", 1
                ),
                encoding="utf-8",
            )
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


def write_index(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    if app.config.kb_search_engine != "pagefind":
        return
    outdir = Path(app.outdir)
    documents = index_documents(app)
    shutil.rmtree(outdir / OUTPUT, ignore_errors=True)
    language = (app.config.language or "en").split("_")[0]
    # On a busy machine Pagefind has been seen to return before pagefind-entry.json held
    # its JSON. A bundle without a readable entry file is written again (twice at most),
    # never published half-written.
    for _attempt in range(3):
        error = _build(documents, outdir, language)
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
    common = common_words([html_text for _, html_text in documents])
    (outdir / OUTPUT / COMMON).write_text(json.dumps(common) + "\n", encoding="utf-8")
    logger.info("pagefind: indexed %d search records", len(documents))
