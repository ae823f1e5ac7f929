"""What the trust and navigation features know about a page: is it an article, its
front matter values (MyST stores lists and dicts as JSON text), its tags and facets.

An *article* is a page under one of ``kb_article_dirs`` (default ``articles/`` and
``answers/``, where ``kb import`` writes pages; their ``index`` pages excepted) or a page
whose front matter has a ``source_url``. Articles carry review metadata, topic tags,
related articles and MedicalWebPage structured data; hubs, the landing page and "about"
pages do not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from healthkb.core.ids import slugify

#: Tag facets, in the order pages and hubs list them: prefix -> label.
FACETS: dict[str, str] = {
    "body-part": "Body part",
    "condition": "Condition",
    "use-case": "Use",
    "product": "Product",
}


def meta_value(env: BuildEnvironment, docname: str, key: str) -> Any:
    """A front matter value; JSON text (MyST's form of lists and dicts) decoded."""
    raw: Any = env.metadata.get(docname, {}).get(key)
    if isinstance(raw, str):
        text = raw.strip()
        if text[:1] in "[{":
            try:
                return json.loads(text)
            except ValueError:
                return raw
    return raw


def meta_text(env: BuildEnvironment, docname: str, key: str) -> str:
    value = env.metadata.get(docname, {}).get(key)
    return " ".join(value.split()) if isinstance(value, str) else ""


def is_article(env: BuildEnvironment, docname: str) -> bool:
    """True for articles; the index page of an article folder lists them and is not one."""
    dirs = [str(d).strip("/") for d in env.config.kb_article_dirs]
    if docname.rsplit("/", 1)[-1] == "index" and not meta_text(env, docname, "source_url"):
        return False
    if any(docname.startswith(d + "/") for d in dirs if d):
        return True
    return bool(meta_text(env, docname, "source_url"))


def page_tags(env: BuildEnvironment, docname: str) -> list[str]:
    """The page's ``tags`` (a list, or comma-separated text), stripped, in order, unique."""
    raw = meta_value(env, docname, "tags")
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list):
        return []
    out: list[str] = []
    for tag in raw:
        text = " ".join(str(tag).split())
        if text and text not in out:
            out.append(text)
    return out


@dataclass(frozen=True)
class Facet:
    """One facet tag such as ``body-part:lower-back``."""

    facet: str  # "body-part"
    value: str  # "lower-back"

    @property
    def tag(self) -> str:
        return f"{self.facet}:{self.value}"

    @property
    def slug(self) -> str:
        """The topic page's name below ``topics/``: ``body-part-lower-back``."""
        return slugify(f"{self.facet} {self.value}", max_words=24)

    @property
    def facet_label(self) -> str:
        return FACETS[self.facet]


def parse_facet(tag: str) -> Facet | None:
    """The facet of a ``facet:value`` tag, or None for a plain tag or an unknown facet."""
    facet, sep, value = tag.partition(":")
    facet = facet.strip().lower()
    value = " ".join(value.split()).strip().lower()
    if not sep or facet not in FACETS or not value:
        return None
    return Facet(facet, value)


def page_facets(env: BuildEnvironment, docname: str) -> list[Facet]:
    """The page's facet tags, ordered by facet (body part first), then as written."""
    found: list[Facet] = []
    for tag in page_tags(env, docname):
        facet = parse_facet(tag)
        if facet is not None and facet.slug and facet not in found:
            found.append(facet)
    order = list(FACETS)
    return sorted(found, key=lambda f: order.index(f.facet))


def value_label(value: str) -> str:
    """``lower-back`` -> ``Lower back``."""
    words = " ".join(value.replace("-", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:]


def topic_label(app: Sphinx, facet: Facet) -> str:
    """The reader-facing name of a topic; ``kb_topic_labels`` can override it."""
    labels: dict[str, str] = app.config.kb_topic_labels
    return str(labels.get(facet.tag) or value_label(facet.value))


def page_title(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def html_links_ok(app: Sphinx) -> bool:
    """True for the builders that write topic pages (one HTML file per page)."""
    return app.builder.format == "html" and app.builder.name in {"html", "dirhtml"}


def setup_pages(app: Sphinx) -> None:
    # Reader-facing names of topics: {"product:5-in-1-set": "5-in-1 Foam Roller Set"}.
    app.add_config_value("kb_topic_labels", {}, "env", types=[dict])
