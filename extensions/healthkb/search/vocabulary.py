"""What the search page knows about readers' words: ``kb-index/query.json``.

Read with the index, on every search: the synonyms of ``conf/search-synonyms.toml``
(concepts whose terms are searched together; readers' words that lead to them, with the
shared vocabulary's words for symptoms and conditions, :mod:`healthkb.search.synonyms`;
which concepts are symptoms, and urgent ones), and the pages "no results" offers instead
(the topics, the questions and answers, and for a symptom-like query the card of
``[help] symptom_card``). The words a misspelled word is corrected with are the index's
own (:mod:`healthkb.search.answerindex`).

The synonyms are read on every HTML build (a cheap file, written only when it changed), so
an edit of the synonyms needs no page read again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from healthkb.core.domain import kb_domain
from healthkb.core.findings import log
from healthkb.safety.state import rules_state
from healthkb.search.synonyms import Synonyms, read_synonyms

#: The synonyms, in the configuration folder.
SYNONYMS = "search-synonyms.toml"
#: The file beside the index.
QUERY_DATA = "query.json"
#: The pages a search with no result offers (docnames), when the site has them.
HELP_PAGES = {"topics": "topics", "faq": "faq"}
#: Concept kinds the search page treats as symptoms.
SYMPTOM_KINDS = ("symptom", "urgent")


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
        log("config", f"invalid search synonyms: {problem.message}", "error", problem.location)


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
    if app.config.kb_search_engine != "kb":
        return
    text = json.dumps(query_data(app), sort_keys=True, ensure_ascii=False) + "\n"
    write_if_changed(Path(app.outdir) / "kb-index" / QUERY_DATA, text)
