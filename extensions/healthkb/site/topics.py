"""Topic pages: one page per facet value of the articles' tags.

Tags with a facet prefix (``body-part:``, ``condition:``, ``use-case:``,
``product:``; see :data:`healthkb.core.pages.FACETS`) are topics. Each topic gets a
page ``topics/<facet>-<value>.html`` (``topics/body-part-lower-back.html``)
listing its articles, the questions they answer and their safety cards, each
linking to the item in place. An article shows its topics under its title, each
linking to the topic page. ``{kb-topic-index}`` (a hub) lists every topic by facet.

Topic pages are not source documents: they are generated with
``html-collect-pages`` from the kb domain's data and rendered by the template
``kb-topic.html``, which extends the site's ``page.html`` (furo's, with the
disclaimer), so they look like every other page. A topic page is written when what
it shows changed (a digest of its data, the top of the sidebar, the templates and the
settings, kept in the doctree folder), so it never goes stale and an edit of an
article's prose rewrites none; the topic map is computed once per build
(``env-updated``) and each page costs only its own topic's items.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.hubs import hub_placeholder, plain_digest, register_hub
from healthkb.core.nodes import add_node
from healthkb.core.pages import (
    FACETS,
    html_links_ok,
    is_article,
    page_facets,
    page_title,
    parse_facet,
    topic_label,
)
from healthkb.site.assets import page_summary
from healthkb.site.links import site_redirects
from healthkb.site.sitetree import SNAPSHOT

TOPICS_KEY = "topics"  # the topic map in the kb domain's data
GONE_KEY = "topics_gone"  # topics whose pages an earlier build wrote
TOPIC_DIR = "topics"
HUB_KIND = "topic-index"
TEMPLATE = "kb-topic.html"
LEVEL_ORDER = ("urgent", "professional", "caution")
LEVEL_LABELS = {
    "urgent": "Urgent",
    "professional": "See a health professional",
    "caution": "Caution",
}


def topic_page(slug: str) -> str:
    """The page name of a topic (``topics/body-part-lower-back``)."""
    return f"{TOPIC_DIR}/{slug}"


# -- tags on an article -------------------------------------------------------------------
class topic_tags(nodes.General, nodes.Element):
    """The topics of an article, shown under its title."""


class topic_tag(nodes.Inline, nodes.TextElement):
    """One topic; ``slug`` names its page. A link in HTML, text elsewhere."""


def _insert_tags(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    if not is_article(env, docname):
        return
    facets = page_facets(env, docname)
    if not facets:
        return
    box = topic_tags(classes=["kb-topic-tags"])
    box += nodes.inline("", "Topics: ", classes=["kb-topic-tags__label"])
    for n, facet in enumerate(facets):
        if n:
            # Read by screen readers and shown by text builders; chips need no commas.
            box += nodes.inline("", ", ", classes=["kb-topic-tags__sep"])
        label = topic_label(app, facet)
        box += topic_tag("", label, slug=facet.slug, facet=facet.facet_label)
    box.source, box.line = doctree.get("source"), 1
    section = next((c for c in doctree.children if isinstance(c, nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, box)
    else:
        doctree.insert(0, box)


def visit_tags_html(self: Any, node: topic_tags) -> None:
    self.body.append(self.starttag(node, "div", ""))


def depart_tags_html(self: Any, node: topic_tags) -> None:
    self.body.append("</div>\n")


def visit_tag_html(self: Any, node: topic_tag) -> None:
    builder = self.builder
    label = f"{node['facet']}: {node.astext()}"
    if builder.name in {"html", "dirhtml"}:
        uri = builder.get_relative_uri(builder.current_docname, topic_page(node["slug"]))
        self.body.append(
            f'<a class="kb-topic-tag" href="{self.attval(uri)}" aria-label="{self.attval(label)}">'
        )
    else:
        self.body.append('<span class="kb-topic-tag">')


def depart_tag_html(self: Any, node: topic_tag) -> None:
    self.body.append("</a>" if self.builder.name in {"html", "dirhtml"} else "</span>")


# -- the topic map (once per build) ----------------------------------------------------------
def _build_topics(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Topic -> its articles, from every article's tags; stored in the kb domain's data."""
    topics: dict[str, dict[str, Any]] = {}
    for docname in sorted(env.found_docs):
        if not is_article(env, docname):
            continue
        for facet in page_facets(env, docname):
            entry = topics.setdefault(
                facet.slug,
                {
                    "slug": facet.slug,
                    "facet": facet.facet,
                    "value": facet.value,
                    "tag": facet.tag,
                    "label": topic_label(app, facet),
                    "facet_label": facet.facet_label,
                    "articles": [],
                },
            )
            entry["articles"].append(docname)
    for entry in topics.values():
        entry["articles"].sort(key=lambda d: (page_title(env, d).lower(), d))
    data = kb_data(env)
    # Topics that disappeared since the last build: their pages are deleted when written.
    gone = set(data.get(TOPICS_KEY, {})) - set(topics)
    data[GONE_KEY] = sorted(gone | (set(data.get(GONE_KEY, [])) - set(topics)))
    data[TOPICS_KEY] = dict(sorted(topics.items()))
    return []


def topic_map(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    stored: dict[str, dict[str, Any]] = kb_data(env).get(TOPICS_KEY, {})
    return stored


def topics_by_facet(env: BuildEnvironment) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """[(facet, facet label, topics sorted by label)] in facet order, non-empty only."""
    out = []
    topics = topic_map(env).values()
    for facet, label in FACETS.items():
        members = sorted(
            (t for t in topics if t["facet"] == facet),
            key=lambda t: (t["label"].lower(), t["slug"]),
        )
        if members:
            out.append((facet, label, members))
    return out


def find_topic(env: BuildEnvironment, tag: str) -> dict[str, Any] | None:
    """The topic of a ``facet:value`` tag, when some article has it."""
    facet = parse_facet(tag)
    return topic_map(env).get(facet.slug) if facet is not None else None


def topic_index_docname(env: BuildEnvironment) -> str | None:
    """The page that holds ``{kb-topic-index}`` (the first, when several do)."""
    pages = sorted(
        docname
        for docname, records in kb_domain(env).records("hubs").items()
        if any(r.get("kind") == HUB_KIND for r in records)
    )
    return pages[0] if pages else None


# -- topic pages ------------------------------------------------------------------------------
def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def topic_context(app: Sphinx, topic: dict[str, Any]) -> dict[str, Any]:
    """Everything ``kb-topic.html`` shows for one topic (plain data, relative URLs)."""
    env = app.env
    builder = app.builder
    pagename = topic_page(topic["slug"])
    domain = kb_domain(env)
    faqs = domain.records("faq")
    cards = domain.records("safety")

    def url(docname: str, anchor: str = "") -> str:
        uri = builder.get_relative_uri(pagename, docname)
        return f"{uri}#{anchor}" if anchor else uri

    articles, questions, safety = [], [], []
    for docname in topic["articles"]:
        title = page_title(env, docname)
        articles.append(
            {"title": title, "url": url(docname), "summary": page_summary(app, docname, None)}
        )
        for record in sorted(faqs.get(docname, []), key=lambda r: r["lineno"]):
            if record["id"] and record["question"] and record["answer"]:
                questions.append(
                    {"text": record["question"], "url": url(docname, record["id"]), "page": title}
                )
        for record in cards.get(docname, []):
            safety.append(
                {
                    "text": record["title"],
                    "url": url(docname, record["id"]),
                    "page": title,
                    "level": record["level"],
                    "level_label": LEVEL_LABELS.get(record["level"], record["level"]),
                    "order": (
                        LEVEL_ORDER.index(record["level"])
                        if record["level"] in LEVEL_ORDER
                        else len(LEVEL_ORDER)
                    ),
                    "lineno": record.get("lineno") or 0,
                }
            )
    safety.sort(key=lambda c: (c["order"], c["text"].lower(), c["page"], c["lineno"]))
    index = topic_index_docname(env)
    counts = [
        _count(n, one, many)
        for n, one, many in (
            (len(articles), "article", "articles"),
            (len(questions), "question", "questions"),
            (len(safety), "safety card", "safety cards"),
        )
        if n
    ]
    listed = counts[0] if len(counts) == 1 else ", ".join(counts[:-1]) + " and " + counts[-1]
    label = topic["label"]
    if topic["facet"] == "product":
        summary = f"{listed} that mention the {label}"
    else:
        summary = f"{listed} about {label[:1].lower() + label[1:]}"
    return {
        "slug": topic["slug"],
        "tag": topic["tag"],
        "label": topic["label"],
        "facet_label": topic["facet_label"],
        "summary": summary + ".",
        "articles": articles,
        "questions": questions,
        "safety": safety,
        "index_url": url(index) if index else "",
        "index_title": page_title(env, index) if index else "",
    }


#: Key of the kb domain's data: whether this build read or removed any document (topic
#: pages derive from them); set before the pages are read, so it is this build's
#: (None: not known, as if it did).
DOCS_CHANGED = "docs_changed"


def _note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Remember whether this build reads any document."""
    kb_data(env)[DOCS_CHANGED] = bool(docnames)


def _note_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    kb_data(env)[DOCS_CHANGED] = True


def generated_pages(app: Sphinx) -> list[str]:
    """The topic pages of this site (written by ``html-collect-pages``, not documents)."""
    if not html_links_ok(app):
        return []
    return [topic_page(slug) for slug in topic_map(app.env)]


#: In the doctree folder: per builder, the digest of what each topic page was written from.
DIGESTS = "kb-topics"


#: Event: what every HTML page is rendered with beyond its own data (the templates, the
#: settings that make Sphinx rewrite every page), as a value that changes when that does. The
#: speed layer answers it (:mod:`healthkb.perf.templates`); with no answer every topic page is
#: written, as Sphinx writes every page of ``html-collect-pages``.
RENDER_STAMP = "kb-render-stamp"


def _written_from(
    app: Sphinx, pagename: str, context: dict[str, Any], rendered_with: tuple[Any, ...]
) -> str:
    """A digest of everything a topic page shows: its own data, the top of the sidebar
    (the part of the navigation a generated page has), what every page is rendered with
    (``rendered_with``), the fragments the page forwards."""
    payload = (
        context,
        (kb_data(app.env)[SNAPSHOT] or {}).get(""),
        *rendered_with,
        sorted(site_redirects(app).fragments_from(app.builder.get_target_uri(pagename)).items()),
    )
    return plain_digest(payload)


def _collect_topic_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The topic pages to write: those whose digest changed since they were written (an
    edit of an article's prose rewrites none of them), or whose file is missing; every
    one when what pages are rendered with is not known (see ``RENDER_STAMP``)."""
    if not html_links_ok(app):
        return
    topics = topic_map(app.env)
    unchanged = kb_data(app.env)[DOCS_CHANGED] is False
    if unchanged and all(
        Path(app.builder.get_outfilename(page)).is_file()  # type: ignore[attr-defined]
        for page in generated_pages(app)
    ):
        return  # a no-op build: every topic page on disk is still what it would be
    for slug in kb_data(app.env).get(GONE_KEY, []):
        stale = Path(app.builder.get_outfilename(topic_page(slug)))  # type: ignore[attr-defined]
        if stale.is_file():
            stale.unlink()
    folder = Path(app.doctreedir) / DIGESTS / app.builder.name
    rendered_with = app.emit_firstresult(RENDER_STAMP)
    for slug, topic in topics.items():
        data = topic_context(app, topic)
        context = {
            "title": f"{topic['label']} ({topic['facet_label'].lower()})",
            "body": "",
            "kb_topic": data,
            "kb_summary": f"{topic['label']} ({topic['facet_label'].lower()}): {data['summary']}",
        }
        pagename = topic_page(slug)
        stamp = folder / f"{slug}.sha256"
        if rendered_with is None:
            stamp.unlink(missing_ok=True)
            yield pagename, context, TEMPLATE
            continue
        digest = _written_from(app, pagename, context, rendered_with)
        output = Path(app.builder.get_outfilename(pagename))  # type: ignore[attr-defined]
        try:
            if output.is_file() and stamp.read_text(encoding="ascii") == digest:
                continue  # the page on disk is what it would be
        except OSError:
            pass
        stamp.unlink(missing_ok=True)
        yield pagename, context, TEMPLATE
        # Sphinx has written the page when it asks for the next one.
        folder.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest, encoding="ascii")


# -- the topic index hub ----------------------------------------------------------------------
def render_topic_index(app: Sphinx, docname: str, placeholder: hub_placeholder) -> list[nodes.Node]:
    env = app.env
    groups = topics_by_facet(env)
    if not groups:
        return [nodes.paragraph("", "No article has topic tags yet.")]
    links = html_links_ok(app)
    out: list[nodes.Node] = []
    for _facet, label, members in groups:
        heading = nodes.rubric(label, label, classes=["kb-topic-index__facet"])
        heading["heading-level"] = 2
        out.append(heading)
        items = nodes.bullet_list(classes=["kb-topic-index"])
        for topic in members:
            para = nodes.paragraph()
            if links:
                uri = app.builder.get_relative_uri(docname, topic_page(topic["slug"]))
                para += nodes.reference(topic["label"], topic["label"], internal=True, refuri=uri)
            else:
                para += nodes.Text(topic["label"])
            count = len(topic["articles"])
            para += nodes.Text(f" ({_count(count, 'article', 'articles')})")
            item = nodes.list_item()
            item += para
            items += item
        out.append(items)
    return out


def setup_topics(app: Sphinx) -> None:
    add_node(app, topic_tags, (visit_tags_html, depart_tags_html))
    add_node(app, topic_tag, (visit_tag_html, depart_tag_html))
    app.connect("doctree-read", _insert_tags, priority=600)
    app.connect("env-updated", _build_topics)
    app.connect("env-before-read-docs", _note_reading)
    app.connect("env-purge-doc", _note_purge)
    app.connect("html-collect-pages", _collect_topic_pages)
    app.add_event(RENDER_STAMP)
    register_hub(app, "kb-topic-index", HUB_KIND, render_topic_index)
    app.add_css_file("trust.css")
