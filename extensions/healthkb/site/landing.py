"""The landing page's building blocks: a search box and entry points by problem.

````md
```{kb-search} Search the knowledge base
:placeholder: For example: is it safe to roll my lower back?
```

::::{kb-entry-points}
:::{kb-entry-point} Lower back
:topic: body-part:lower-back
:match: lower back; lumbar; glute; hip flexor
Pain low in your back, above the hips.
:::
:::{kb-entry-point} When to stop and see a professional
:safety: urgent professional
:link: safety
Symptoms that mean you should stop and get advice.
:::
::::
````

An entry point lists, at write time, up to ``:limit:`` (default 4) answers that
fit it: FAQ questions, sections and safety cards whose text names one of the
``:match:`` terms (answers on pages tagged with ``:topic:`` first), or the safety
cards of the ``:safety:`` levels (strongest first). Its closing link goes to the
``:link:`` page, else the topic page when some article has the topic, else to the
search results for ``:search:`` (default: the title). Entry points are hubs, so
they follow the knowledge base on every build; an entry point that finds nothing
yet still offers the search.
"""

from __future__ import annotations

import functools
import re
from typing import Any, ClassVar
from urllib.parse import quote_plus

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from healthkb.core.domain import kb_domain
from healthkb.core.findings import report
from healthkb.core.hubs import HubDirective, hub_placeholder, register_hub
from healthkb.core.nodes import SKIP, add_node
from healthkb.core.pages import html_links_ok, page_title, parse_facet
from healthkb.site.topics import find_topic, topic_page

HUB_KIND = "entry-point"
SAFETY_LEVELS = ("urgent", "professional", "caution")


# -- search box -------------------------------------------------------------------------------
class search_box(nodes.General, nodes.Element):
    """A search form (HTML only); ``label`` and ``placeholder`` are its texts."""


class SearchDirective(SphinxDirective):
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {"placeholder": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        label = self.arguments[0].strip() if self.arguments else "Search the knowledge base"
        node = search_box(label=label, placeholder=self.options.get("placeholder", "").strip())
        self.set_source_info(node)
        return [node]


def visit_search_html(self: Any, node: search_box) -> None:
    builder = self.builder
    action = builder.get_relative_uri(builder.current_docname, "search")
    label = self.attval(node["label"])
    placeholder = node.get("placeholder", "")
    hint = f' placeholder="{self.attval(placeholder)}"' if placeholder else ""
    self.body.append(
        f'<form class="kb-search" role="search" method="get" action="{self.attval(action)}" '
        f'aria-label="{label}">'
        f'<label class="kb-search__label" for="kb-search-q">{label}</label>'
        '<div class="kb-search__row">'
        f'<input class="kb-search__input" id="kb-search-q" type="search" name="q"{hint} '
        'autocomplete="off" enterkeyhint="search" required>'
        '<input type="hidden" name="check_keywords" value="yes">'
        '<input type="hidden" name="area" value="default">'
        '<button class="kb-search__button" type="submit">Search</button>'
        "</div></form>\n"
    )
    raise nodes.SkipNode


# -- entry points -------------------------------------------------------------------------------
class EntryPointsDirective(SphinxDirective):
    """A grid of entry points: its body holds ``{kb-entry-point}`` directives."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        box = nodes.container(classes=["kb-entry-points"])
        self.set_source_info(box)
        box += self.parse_content_to_nodes()
        return [box]


def _terms(argument: str | None) -> list[str]:
    return [t.strip().lower() for t in re.split(r"[;,]", argument or "") if t.strip()]


def _levels(argument: str | None) -> list[str]:
    return [w.lower() for w in (argument or "").replace(",", " ").split()]


class EntryPointDirective(HubDirective):
    """``{kb-entry-point} Title`` with a short description as its body."""

    has_content = True
    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {
        "topic": directives.unchanged,
        "match": _terms,
        "safety": _levels,
        "link": directives.unchanged,
        "search": directives.unchanged,
        "limit": directives.positive_int,
    }

    def run(self) -> list[nodes.Node]:
        (node,) = super().run()
        assert isinstance(node, hub_placeholder)
        title = " ".join(self.arguments[0].split())
        topic = (self.options.get("topic") or "").strip()
        link = (self.options.get("link") or "").strip().removesuffix(".md")
        levels = self.options.get("safety", [])
        docname = self.env.docname

        def problem(message: str) -> None:
            report(
                self.env,
                "entry-point",
                f"entry point {title!r}: {message}",
                docname=docname,
                lineno=self.lineno,
                level="error",
                target=title,
            )

        if topic and parse_facet(topic) is None:
            problem(f":topic: {topic!r} is not a facet tag such as body-part:lower-back")
            topic = ""
        if link and link not in self.env.found_docs:
            problem(f":link: {link!r} is not a page of this site")
            link = ""
        unknown = [level for level in levels if level not in SAFETY_LEVELS]
        if unknown:
            problem(f":safety: {', '.join(unknown)} (levels: {', '.join(SAFETY_LEVELS)})")
        node["title"] = title
        node["topic"] = topic
        node["match"] = list(self.options.get("match", []))
        node["levels"] = [level for level in levels if level in SAFETY_LEVELS]
        node["link"] = link
        node["search"] = (self.options.get("search") or title).strip()
        node["limit"] = int(self.options.get("limit", 4))
        node += self.parse_content_to_nodes()
        return [node]


@functools.lru_cache(maxsize=64)
def _term_patterns(terms: tuple[str, ...]) -> tuple[re.Pattern[str], list[re.Pattern[str]]]:
    """One pattern that finds any of ``terms`` at a word start, and one per term."""
    each = [re.compile(r"\b" + re.escape(term)) for term in terms]
    return re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + ")"), each


def _matches(text: str, terms: list[str]) -> int:
    """How many of ``terms`` start a word of ``text`` (lower-cased)."""
    if not terms:
        return 0
    lowered = text.lower()
    anyone, each = _term_patterns(tuple(terms))
    if anyone.search(lowered) is None:  # most titles: one search instead of one per term
        return 0
    return sum(1 for pattern in each if pattern.search(lowered))


def _candidates(app: Sphinx, here: str, node: hub_placeholder) -> list[dict[str, Any]]:
    """The answers that fit the entry point, best first (plain dicts: docname, id, text)."""
    env = app.env
    domain = kb_domain(env)
    hubs = set(domain.records("hubs"))
    topic = find_topic(env, node["topic"]) if node["topic"] else None
    tagged = set(topic["articles"]) if topic else set()
    found: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    if node["levels"]:
        for docname, cards in domain.records("safety").items():
            if docname == here or docname in hubs:
                continue
            for card in cards:
                if card["level"] in node["levels"]:
                    key: tuple[Any, ...] = (
                        node["levels"].index(card["level"]),
                        docname not in tagged,
                    )
                    found.append(
                        ((*key, docname, card.get("lineno") or 0), _item(docname, card, "safety"))
                    )
    terms = node["match"]
    if terms:
        kinds = {"faq": 0, "section": 1, "safety": 2}
        for docname, records in domain.records("faq").items():
            if docname == here or docname in hubs:
                continue
            for record in records:
                hits = _matches(record["question"], terms) if record["id"] else 0
                if hits and record["answer"]:
                    key = (docname not in tagged, kinds["faq"], -hits, docname, record["lineno"])
                    found.append((key, _item(docname, record, "faq")))
        for (objtype, _), obj in domain.objects.items():
            if objtype != "section" or obj["docname"] in hubs or obj["docname"] == here:
                continue
            hits = _matches(obj["title"], terms)
            if hits:
                key = (
                    obj["docname"] not in tagged,
                    kinds["section"],
                    -hits,
                    obj["docname"],
                    obj.get("lineno") or 0,
                )
                found.append(
                    (key, {"docname": obj["docname"], "id": obj["node_id"], "text": obj["title"]})
                )
        for docname, cards in domain.records("safety").items():
            if docname == here or docname in hubs or node["levels"]:
                continue
            for card in cards:
                hits = _matches(card["title"], terms)
                if hits:
                    key = (docname not in tagged, kinds["safety"], -hits, docname, card["lineno"])
                    found.append((key, _item(docname, card, "safety")))
    found.sort(key=lambda kv: kv[0])
    seen: set[str] = set()
    out = []
    for _, item in found:
        norm = " ".join(re.findall(r"[a-z0-9]+", item["text"].lower()))
        if norm in seen:
            continue
        seen.add(norm)
        out.append(item)
        if len(out) >= node["limit"]:
            break
    return out


def _item(docname: str, record: dict[str, Any], kind: str) -> dict[str, Any]:
    text = record["question"] if kind == "faq" else record["title"]
    return {"docname": docname, "id": record["id"], "text": text}


def _heading_level(node: nodes.Element) -> int:
    depth, parent = 0, node.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            depth += 1
        parent = parent.parent
    return min(max(depth + 1, 2), 6)


def render_entry_point(app: Sphinx, docname: str, placeholder: hub_placeholder) -> list[nodes.Node]:
    env = app.env
    builder = app.builder
    box = nodes.container(classes=["kb-entry"])
    heading = nodes.rubric(placeholder["title"], placeholder["title"], classes=["kb-entry__title"])
    heading["heading-level"] = _heading_level(placeholder)
    box += heading
    box.extend(child.deepcopy() for child in placeholder.children)
    items = _candidates(app, docname, placeholder)
    if items:
        listing = nodes.bullet_list(classes=["kb-entry__links"])
        for item in items:
            para = nodes.paragraph()
            para += make_refnode(
                builder, docname, item["docname"], item["id"], nodes.Text(item["text"])
            )
            entry = nodes.list_item()
            entry += para
            listing += entry
        box += listing
    more = nodes.paragraph(classes=["kb-entry__more"])
    topic = find_topic(env, placeholder["topic"]) if placeholder["topic"] else None
    if placeholder["link"] and placeholder["link"] in env.all_docs:
        target = placeholder["link"]
        text = page_title(env, target)
        more += make_refnode(builder, docname, target, "", nodes.Text(text))
    elif topic is not None and html_links_ok(app):
        uri = builder.get_relative_uri(docname, topic_page(topic["slug"]))
        text = f"Everything about {topic['label'][:1].lower() + topic['label'][1:]}"
        more += nodes.reference(text, text, internal=True, refuri=uri)
    elif builder.format == "html":
        query = placeholder["search"]
        uri = builder.get_relative_uri(docname, "search") + "?q=" + quote_plus(query)
        text = f"Search for “{query}”"
        if not items:
            more += nodes.inline("", "Nothing published on this yet. ", classes=["kb-entry__empty"])
        more += nodes.reference(text, text, internal=True, refuri=uri)
    if more.children:
        box += more
    return [box]


def setup_landing(app: Sphinx) -> None:
    add_node(app, search_box, (visit_search_html, None), SKIP)
    app.add_directive("kb-search", SearchDirective)
    app.add_directive("kb-entry-points", EntryPointsDirective)
    register_hub(app, "kb-entry-point", HUB_KIND, render_entry_point, EntryPointDirective)
