"""The articles index: ``{kb-article-index}`` (in ``docs/articles/index.md``).

It puts every page of the article folders (``kb_article_dirs``) in a hidden toctree
(in file-name order, so Sphinx's previous/next links walk through them) and renders
an A-Z list of all of them with a jump bar, so every article is two clicks from the
landing page. The list is a hub, rendered from the site tree of the build
(:mod:`healthkb.site.sitetree`), so it follows every added, removed or renamed article.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from healthkb.core.anchors import slugify
from healthkb.core.hubs import HubDirective, hub_placeholder, register_hub
from healthkb.site.sitetree import site_nav

HUB_KIND = "articles"


class ArticleIndexDirective(HubDirective):
    """``{kb-article-index}``: every article in a hidden toctree, and the A-Z list."""

    kind = HUB_KIND

    def run(self) -> list[nodes.Node]:
        env = self.env
        docnames = list(article_docnames(env, self.config.kb_article_dirs, env.docname))
        toctree = addnodes.toctree()
        toctree["parent"] = env.docname
        toctree["entries"] = [(None, docname) for docname in docnames]
        toctree["includefiles"] = docnames
        toctree["maxdepth"] = 1
        toctree["caption"] = None
        # glob: Sphinx re-reads this page whenever a page is added or removed.
        toctree["glob"] = True
        toctree["hidden"] = True
        toctree["includehidden"] = False
        toctree["numbered"] = 0
        toctree["titlesonly"] = True
        self.set_source_info(toctree)
        wrapper = nodes.compound(classes=["toctree-wrapper"])
        wrapper += toctree
        placeholders = super().run()
        for node in placeholders:
            assert isinstance(node, hub_placeholder)
            # Single-file builders (LaTeX, man, Texinfo) fill hubs in the assembled
            # document: the placeholder remembers the page whose toctree it lists.
            node["docname"] = env.docname
        return [wrapper, *placeholders]


def article_docnames(env: BuildEnvironment, folders: list[str], exclude: str) -> Iterator[str]:
    """The pages of the article folders, ordered by file name (then folder)."""
    prefixes = tuple(f"{folder.strip('/')}/" for folder in folders if folder.strip("/"))
    found = [d for d in env.found_docs if d.startswith(prefixes) and d != exclude]
    yield from sorted(found, key=lambda d: (posixpath.basename(d), d))


def _initial(title: str) -> str:
    first = slugify(title)[:1].upper()
    return first if first.isalpha() else "#"


def render_article_index(
    app: Sphinx, docname: str, placeholder: hub_placeholder
) -> list[nodes.Node]:
    env = app.env
    nav = site_nav(env)
    index = str(placeholder.get("docname") or docname)
    articles = [ref for _, ref in nav.children.get(index, [])]
    if not articles:
        return [nodes.paragraph("", "No articles have been published yet.")]
    items = sorted(
        ((nav.title(env, ref), ref) for ref in articles), key=lambda i: (i[0].lower(), i[1])
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for title, ref in items:
        groups.setdefault(_initial(title), []).append((title, ref))
    out: list[nodes.Node] = []
    count = len(items)
    intro = nodes.paragraph(
        "", f"{count} article{'s' if count != 1 else ''}.", classes=["kb-articles-summary"]
    )
    if app.builder.format == "html":
        intro += nodes.Text(" Jump to a letter:")
        jump = nodes.paragraph("", "", classes=["kb-articles-jump"])
        for n, letter in enumerate(groups):
            if n:
                jump += nodes.Text(" ")
            jump += nodes.reference(
                letter, letter, internal=True, refuri=f"#letter-{_anchor(letter)}"
            )
        out.extend([intro, jump])
    else:
        out.append(intro)
    level = 2
    for letter, entries in groups.items():
        heading = nodes.rubric(
            letter, letter, ids=[f"letter-{_anchor(letter)}"], classes=["kb-articles-letter"]
        )
        heading["heading-level"] = level
        out.append(heading)
        listing = nodes.bullet_list(classes=["kb-articles-list"])
        for title, ref in entries:
            uri = app.builder.get_relative_uri(docname, ref)
            para = nodes.paragraph("", "", nodes.reference(title, title, internal=True, refuri=uri))
            listing += nodes.list_item("", para)
        out.append(listing)
    return out


def _anchor(letter: str) -> str:
    return letter.lower() if letter.isalpha() else "other"


def setup_article_index(app: Sphinx) -> None:
    register_hub(app, "kb-article-index", HUB_KIND, render_article_index)
    app.add_directive("kb-article-index", ArticleIndexDirective, override=True)
