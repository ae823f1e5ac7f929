"""What the search page knows about words: ``kb-index/query.json``, and Pagefind's
``kb-words.json``.

- ``query.json`` (read with the index, on every search): the synonyms of
  ``conf/search-synonyms.toml`` (concepts whose terms are searched together; readers'
  words that lead to them; which concepts are symptoms, and urgent ones), and the pages
  "no results" offers instead (the topics, the questions and answers, and for a
  symptom-like query the card of ``[help] symptom_card``).
- ``kb-words.json`` (read with the index): the words the index holds, most frequent
  first (by the number of search records that hold each); a query's word that is none of
  them, nor another ending of one, is corrected to the most frequent word one or two edits
  away, or else left out of the query.

The synonyms are read on every HTML build (a cheap file, written only when it changed), so
an edit of the synonyms needs no page read again; the words come with the index's word
counts (:mod:`healthkb.search.words`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from healthkb.core.domain import kb_domain
from healthkb.safety.state import rules_state
from healthkb.search.synonyms import Synonyms, read_synonyms

logger = logging.getLogger(__name__)

#: The synonyms, in the configuration folder.
SYNONYMS = "search-synonyms.toml"
#: The files beside the first bundle.
QUERY_DATA = "query.json"
WORDS = "kb-words.json"
#: The pages a search with no result offers (docnames), when the site has them.
HELP_PAGES = {"topics": "topics", "faq": "faq"}
#: The dictionary's words: letters only, at least this long, at most this many.
MIN_WORD = 3
MAX_WORDS = 20000
#: Concept kinds the search page treats as symptoms.
SYMPTOM_KINDS = ("symptom", "urgent")

_WORD = re.compile(r"^[^\W\d_]+$", re.UNICODE)


def load_synonyms(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The concepts of a synonyms file (``concept``, ``terms``, ``reader``, ``kind``) and its
    ``[help]`` table, without the vocabulary's words; a missing file has none. A concept
    without terms is left out (the build reports it: :func:`check_synonyms`)."""
    synonyms = read_synonyms(path)
    return synonyms.concepts, synonyms.help


def _synonyms(app: Sphinx) -> Synonyms:
    """This build's synonyms, with the words of the vocabulary the safety rules use."""
    state = rules_state(app.env)
    vocabulary = state.rules.vocabulary if state.loaded else None
    return read_synonyms(Path(app.confdir) / SYNONYMS, vocabulary)


def check_synonyms(app: Sphinx) -> None:
    """Every problem of the synonyms file, as an error with its file and line (when the
    search page uses it)."""
    if app.config.kb_search_engine == "sphinx":
        return
    for problem in _synonyms(app).problems:
        logger.error(
            "invalid search synonyms: %s",
            problem.message,
            type="kb",
            subtype="config",
            location=problem.location,
        )


def dictionary(counts: Counter[str]) -> list[str]:
    """The index's words for spelling correction, most frequent first (then alphabetical):
    words of letters only, at least MIN_WORD long, at most MAX_WORDS of them."""
    words = [(w, n) for w, n in counts.items() if len(w) >= MIN_WORD and _WORD.match(w)]
    words.sort(key=lambda item: (-item[1], item[0]))
    return [w for w, _ in words[:MAX_WORDS]]


def _card(app: Sphinx, target: str) -> dict[str, str] | None:
    """The link and title of a safety card given as ``docname#id``, if the site has it."""
    docname, _, node_id = target.partition("#")
    records = kb_domain(app.env).records("search").get(docname, [])
    for record in records:
        if record["id"] == node_id and record["kind"] == "safety":
            uri = app.builder.get_target_uri(docname)
            return {"link": f"{uri}#{node_id}", "title": record["title"]}
    return None


def query_data(app: Sphinx) -> dict[str, Any]:
    """The contents of ``kb-index/query.json`` for this build."""
    synonyms = _synonyms(app)
    concepts, help_table = synonyms.concepts, synonyms.help
    pages = {
        key: {"link": app.builder.get_target_uri(docname), "title": _title(app, docname)}
        for key, docname in HELP_PAGES.items()
        if docname in app.env.all_docs
    }
    card = _card(app, str(help_table.get("symptom_card", "")))
    if card is not None:
        pages["symptom_card"] = card
    return {"synonyms": concepts, "help": pages}


def _title(app: Sphinx, docname: str) -> str:
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname


def write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_query_data(app: Sphinx, exception: Exception | None) -> None:
    """At the end of an HTML build with the kb search page: ``kb-index/query.json`` (after
    the answer index is published)."""
    if exception is not None or app.builder.name != "html":
        return
    if app.config.kb_search_engine != "pagefind":
        return
    text = json.dumps(query_data(app), sort_keys=True, ensure_ascii=False) + "\n"
    write_if_changed(Path(app.outdir) / "kb-index" / QUERY_DATA, text)
