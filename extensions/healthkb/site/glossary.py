"""The glossary: first mentions of medical words linked to their entry, with Sphinx's own terms.

The glossary page (``kb_glossary``, default ``glossary``) is written with Sphinx's
``glossary`` directive, so its entries are ``std:term`` objects (``objects.inv``,
``{term}`` roles, trainer links to ``glossary.html#term-…``). This module adds:

- **First-mention links.** When a page is read, the first mention of each word of
  ``conf/medical-words.toml`` (``kb_medical_words``) in its prose, list items, FAQ
  answers and card bodies becomes Sphinx's own term reference: a ``pending_xref``
  with ``reftype="term"``, resolved by the standard domain when the page is
  written. Headings, titles, links, code, literal text, citations and the glossary
  itself are left alone. A word without a glossary entry stays plain text, without
  a dangling-reference warning even in nitpicky builds (``kb report``):
  :mod:`healthkb.checks.glossary` reports it as ``glossary-missing``.
- **The glossary's data.** Each entry's plain definition is stored when the
  glossary is read (records of kind ``glossary``), for the definitions a page
  carries (:mod:`healthkb.site.definitions`) and for search (each entry is a
  search record of kind ``term``, see :mod:`healthkb.search.records`). Each entry
  gets a copy-link control, like headings, FAQ items and cards.
- **Dependencies.** Every page notes the words file; when the glossary page is
  added, changed or removed, every page that mentions a word is read again, so an
  incremental build writes what a clean build writes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from healthkb.citations.nodes import cite, cite_ref, needs_source
from healthkb.core.anchors import copy_link
from healthkb.core.config import policy_dir
from healthkb.core.domain import kb_domain
from healthkb.core.hubs import hub_placeholder
from healthkb.core.nodes import line_of
from healthkb.faq.nodes import faq_question
from healthkb.language.glossary import MedicalWords, WordsError, load_words
from healthkb.safety.nodes import safety_header, safety_title
from healthkb.site.landing import search_box

logger = logging.getLogger(__name__)

#: Records of the glossary page: {"id", "term", "text", "lineno"} per entry.
DEFINITIONS = "glossary"
#: Records of every other page: {"term", "lineno", "text"}, the first mention of each word.
MENTIONS = "glossary-mentions"
#: The class of a linked mention (the inline inside Sphinx's term reference).
TERM_CLASS = "kb-term"
#: The attribute that marks a term reference as one this module made.
AUTO_LINK = "kb_glossary"

#: Nodes whose text is never linked: headings and titles, links, code and literal
#: text, citations, controls, and what another page or the glossary itself shows.
_NOT_PROSE = (
    nodes.title,
    nodes.subtitle,
    nodes.rubric,
    nodes.term,
    nodes.field_name,
    nodes.reference,
    addnodes.pending_xref,
    nodes.literal,
    nodes.FixedTextElement,
    nodes.math,
    nodes.raw,
    nodes.comment,
    nodes.target,
    nodes.Invisible,
    nodes.image,
    nodes.abbreviation,
    addnodes.glossary,
    addnodes.toctree,
    addnodes.desc_signature,
    faq_question,
    safety_header,
    safety_title,
    copy_link,
    cite,
    cite_ref,
    needs_source,
    hub_placeholder,
    search_box,
)
#: Classes of sphinx-design titles and buttons: headings of a card, not its body.
_NOT_PROSE_CLASSES = frozenset({"sd-card-title", "sd-card-header", "sd-card-footer", "sd-btn"})


def words_path(app: Sphinx) -> Path:
    return policy_dir(app) / str(app.config.kb_medical_words)


@lru_cache(maxsize=4)
def _cached_words(path: str, stamp: tuple[int, int]) -> MedicalWords:
    # Keyed by the file's mtime and size, so an edit is read again; each reader
    # process parses the file once instead of once a page.
    return load_words(Path(path))


def medical_words(app: Sphinx) -> MedicalWords:
    """The words of ``kb_medical_words``; an unreadable file is a ``config`` error."""
    path = words_path(app)
    if not path.is_file():
        return MedicalWords(())
    stat = path.stat()
    try:
        return _cached_words(str(path), (stat.st_mtime_ns, stat.st_size))
    except WordsError as exc:
        logger.error(
            "invalid medical words file: %s",
            exc,
            type="kb",
            subtype="config",
            location=(str(path), exc.lineno) if exc.lineno else str(path),
        )
        return MedicalWords(())


def _is_prose(text: nodes.Text) -> bool:
    parent = text.parent
    while parent is not None:
        if isinstance(parent, _NOT_PROSE):
            return False
        if _NOT_PROSE_CLASSES.intersection(parent.get("classes", [])):
            return False
        parent = parent.parent
    return True


def term_reference(term: str, text: str, docname: str) -> addnodes.pending_xref:
    """Sphinx's own term reference (as the ``term`` role makes it), without the dangling
    warning: a word the glossary lacks stays plain text."""
    inner = nodes.inline(text, text, classes=["xref", "std", "std-term", TERM_CLASS])
    return addnodes.pending_xref(
        "",
        inner,
        refdomain="std",
        reftype="term",
        reftarget=term,
        refexplicit=True,
        refwarn=False,
        refdoc=docname,
        **{AUTO_LINK: True},
    )


def plain_when_missing(
    app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref, contnode: nodes.Element
) -> nodes.Node | None:
    """A first mention whose word has no entry: its text, as written (no link, no warning)."""
    if not node.get(AUTO_LINK):
        return None
    return nodes.Text(contnode.astext())


def link_first_mentions(
    doctree: nodes.document, words: MedicalWords, docname: str
) -> list[dict[str, Any]]:
    """Turn the first mention of each word in the page's prose into a term reference;
    return the mentions (term, line, the text as written) in document order."""
    seen: set[str] = set()
    mentions: list[dict[str, Any]] = []
    for text in list(doctree.findall(nodes.Text)):
        if not _is_prose(text):
            continue
        value = str(text)
        first = []
        for mention in words.find(value):
            if mention.word.term not in seen:
                seen.add(mention.word.term)
                first.append(mention)
        if not first:
            continue
        parts: list[nodes.Node] = []
        at = 0
        for mention in first:
            if mention.start > at:
                parts.append(nodes.Text(value[at : mention.start]))
            parts.append(term_reference(mention.word.term, mention.text, docname))
            at = mention.end
            mentions.append(
                {"term": mention.word.term, "lineno": line_of(text), "text": mention.text}
            )
        if at < len(value):
            parts.append(nodes.Text(value[at:]))
        parent = text.parent
        assert parent is not None
        parent.replace(text, parts)
    return mentions


def glossary_entries(doctree: nodes.document) -> list[dict[str, Any]]:
    """The glossary's entries: each term's id, name and definition text, in page order."""
    entries: list[dict[str, Any]] = []
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            definition = item.next_node(nodes.definition)
            text = " ".join(definition.astext().split()) if definition is not None else ""
            for term in item.findall(nodes.term):
                if not term["ids"]:
                    continue
                entries.append(
                    {
                        "id": term["ids"][0],
                        "term": " ".join(term.astext().split()),
                        "text": text,
                        "lineno": term.line or item.line,
                    }
                )
    return entries


def _add_copy_links(doctree: nodes.document) -> None:
    for glossary in doctree.findall(addnodes.glossary):
        for term in glossary.findall(nodes.term):
            if term["ids"] and not any(isinstance(c, copy_link) for c in term.children):
                label = f"the glossary entry “{' '.join(term.astext().split())}”"
                term += copy_link(refid=term["ids"][0], label=label)


def read_page(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    domain = kb_domain(env)
    path = words_path(app)
    if path.is_file():
        env.note_dependency(str(path))
    if docname == app.config.kb_glossary:
        for entry in glossary_entries(doctree):
            domain.add_record(DEFINITIONS, docname, entry)
        _add_copy_links(doctree)
        return
    words = medical_words(app)
    for mention in link_first_mentions(doctree, words, docname):
        domain.add_record(MENTIONS, docname, mention)


def relink_on_glossary_change(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages that mention a word are read again when the glossary page changes."""
    glossary = app.config.kb_glossary
    if glossary not in added | changed | removed:
        return []
    mentions = kb_domain(env).records(MENTIONS)
    return sorted(d for d in mentions if d in env.all_docs and d not in removed)


def definitions(env: BuildEnvironment, glossary: str) -> dict[str, dict[str, Any]]:
    """The glossary's entries by id (empty without a glossary page)."""
    return {entry["id"]: entry for entry in kb_domain(env).records(DEFINITIONS).get(glossary, [])}


def setup_glossary(app: Sphinx) -> None:
    # The medical words (conf/medical-words.toml), relative to the policy directory.
    app.add_config_value("kb_medical_words", "medical-words.toml", "env", types=[str])
    # The page written with the glossary directive.
    app.add_config_value("kb_glossary", "glossary", "env", types=[str])
    app.connect("doctree-read", read_page, priority=400)
    app.connect("env-get-outdated", relink_on_glossary_change)
    app.connect("missing-reference", plain_when_missing)
