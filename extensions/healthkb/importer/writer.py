"""Article -> MyST page text. Deterministic: the same article always gives the same bytes.

The page uses the knowledge base's shared syntax: YAML front matter, ``{faq}`` and
``{safety}`` directives, ``{cite}`` and ``{needs-source}`` roles. Source text only ever
reaches the page through :mod:`healthkb.importer.escape`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from healthkb.importer import escape
from healthkb.importer.inline import plain
from healthkb.importer.model import (
    FAQ,
    Article,
    Block,
    Cite,
    DoDont,
    Emph,
    Heading,
    Inline,
    Link,
    ListBlock,
    NeedsSource,
    Paragraph,
    Quote,
    Safety,
    Strong,
    Text,
)

HASH_KEY = "import_sha256"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HASH_LINE = re.compile(rf"^{HASH_KEY}:[^\n]*\n", re.MULTILINE)

#: Front matter keys from the trust and review metadata, in the order they are written.
EXTRA_KEYS = ("reviewed", "review_due", "reviewed_by")


def render(article: Article) -> str:
    """The MyST page of ``article`` (front matter with its ``import_sha256``, then the body)."""
    body = _Body().render(article)
    page = _front_matter(article) + "\n" + body
    return with_hash(page)


def page_hash(page: str) -> str:
    """The hash a page records: of its text without the ``import_sha256`` line."""
    return hashlib.sha256(_HASH_LINE.sub("", page, count=1).encode("utf-8")).hexdigest()


def recorded_hash(page: str) -> str | None:
    """The ``import_sha256`` recorded in ``page``'s front matter, if any."""
    if not page.startswith("---\n"):
        return None
    end = page.find("\n---\n", 4)
    front = page[: end + 1] if end != -1 else ""
    match = re.search(rf"^{HASH_KEY}:\s*([0-9a-f]{{64}})\s*$", front, re.MULTILINE)
    return match.group(1) if match else None


def with_hash(page: str) -> str:
    digest = page_hash(page)
    end = page.find("\n---\n", 4)
    return page[: end + 1] + f"{HASH_KEY}: {digest}\n" + page[end + 1 :]


def _front_matter(article: Article) -> str:
    lines = ["---", f"title: {escape.yaml_string(escape.one_line(article.title))}"]
    if article.summary:
        lines.append(f"summary: {escape.yaml_string(escape.one_line(article.summary))}")
    if article.source_url:
        lines.append(f"source_url: {escape.yaml_string(article.source_url)}")
    if article.published is not None:
        lines.append(f"published: {article.published.isoformat()}")
    for key in EXTRA_KEYS:
        value = article.extra.get(key)
        if value and _ISO_DATE.match(value):
            lines.append(f"{key}: {value}")
        elif value:
            lines.append(f"{key}: {escape.yaml_string(escape.one_line(value))}")
    if article.tags:
        tags = ", ".join(escape.yaml_string(tag, flow=True) for tag in article.tags)
        lines.append(f"tags: [{tags}]")
    if article.acknowledge:
        lines.append("kb_acknowledge:")
        for ack in article.acknowledge:
            lines.append(f"  - check: {escape.yaml_string(ack['check'])}")
            lines.append(f"    target: {escape.yaml_string(escape.one_line(ack['target']))}")
            lines.append(f"    reason: {escape.yaml_string(escape.one_line(ack['reason']))}")
    lines.append("---")
    return "\n".join(lines) + "\n"


class _Body:
    def __init__(self) -> None:
        self.level = 1

    def render(self, article: Article) -> str:
        chunks = [f"# {escape.heading(escape.one_line(article.title))}"]
        chunks.extend(self.blocks(article.blocks, top=True))
        return "\n\n".join(chunk for chunk in chunks if chunk) + "\n"

    # -- blocks -------------------------------------------------------------------
    def blocks(self, blocks: Iterable[Block], *, top: bool = False) -> list[str]:
        out: list[str] = []
        for block in blocks:
            chunk = self.block(block, top=top)
            if chunk:
                out.append(chunk)
        return out

    def block(self, block: Block, *, top: bool) -> str:
        if isinstance(block, Heading):
            if not top:
                # No sections inside a directive: a heading there is a bold line.
                return self.block(Paragraph([Strong(block.children)], block.line), top=top)
            level = max(2, min(block.level, self.level + 1, 6))
            self.level = level
            text = escape.one_line(inline_text(block.children))
            if not text:
                return ""
            return "#" * level + " " + self.inline(block.children, heading=True)
        if isinstance(block, Paragraph):
            return self.inline(block.children)
        if isinstance(block, Quote):
            text = self.inline(block.children)
            return f"> {text}" if text else ""
        if isinstance(block, ListBlock):
            return self.list_items(block.items, ordered=block.ordered, start=block.start)
        if isinstance(block, DoDont):
            return self.do_dont(block)
        if isinstance(block, FAQ):
            options = {"name": block.name} if block.name else {}
            return self.directive("faq", block.question, options, block.answer)
        if isinstance(block, Safety):
            options = {"level": block.level}
            if block.rule:
                options["rule"] = block.rule
            if block.name:
                options["name"] = block.name
            return self.directive("safety", block.title, options, block.body)
        raise TypeError(f"unknown block {block!r}")  # pragma: no cover

    def list_items(self, items: list[list[Inline]], *, ordered: bool, start: int = 1) -> str:
        lines = []
        for offset, item in enumerate(items):
            text = self.inline(item)
            if not text:
                continue
            marker = f"{start + offset}." if ordered else "-"
            lines.append(f"{marker} {text}")
        return "\n".join(lines)

    def directive(
        self, name: str, argument: str, options: dict[str, str], body: list[Block]
    ) -> str:
        inner = "\n\n".join(self.blocks(body))
        runs = [len(m) for m in re.findall(r"^(`{3,})", inner, re.MULTILINE)]
        fence = "`" * max(3, max(runs, default=0) + 1)
        head = f"{fence}{{{name}}} {escape.inline(escape.one_line(argument))}".rstrip()
        lines = [head, *(f":{key}: {value}" for key, value in options.items())]
        if inner:
            lines.append(inner)
        lines.append(fence)
        return "\n".join(lines)

    def do_dont(self, block: DoDont) -> str:
        """Two headed lists in two cards, side by side on wide screens (sphinx-design).

        The "Do" / "Don't" labels are real headings (rubrics with a heading level, so they
        do not open sections of the page), each followed by a real list.
        """
        level = min(self.level + 1, 6)
        parts = ["::::{grid} 1 1 2 2", ":gutter: 3", ":class-container: kb-do-dont", ""]
        for label, css, outline, items in (
            ("Do", "kb-do", "sd-outline-success", block.do),
            ("Don't", "kb-dont", "sd-outline-danger", block.dont),
        ):
            parts += [
                ":::{grid-item-card}",
                f":class-card: {css} {outline}",
                f"```{{rubric}} {label}",
                f":heading-level: {level}",
                "```",
                "",
                self.list_items(items, ordered=False),
                ":::",
                "",
            ]
        parts[-1] = "::::"
        return "\n".join(parts)

    # -- inline -------------------------------------------------------------------
    def inline(self, spans: list[Inline], *, heading: bool = False) -> str:
        # Heading text is inline only: no block syntax to escape at its start.
        text = self._spans(spans, at_start=not heading).strip()
        if heading and text.endswith("#"):
            text = text[:-1] + "\\#"
        return text

    def _spans(self, spans: list[Inline], *, at_start: bool) -> str:
        out: list[str] = []
        started = not at_start
        for span in spans:
            first = not started
            if isinstance(span, Text):
                text = escape.inline(escape.one_line(span.text) if span.text.strip() else " ")
                if span.text[:1].isspace() and not text.startswith(" "):
                    text = " " + text
                if span.text[-1:].isspace() and not text.endswith(" "):
                    text += " "
                if first:
                    text = escape.line_start(text.lstrip())
                    started = bool(text)
                out.append(text)
            elif isinstance(span, Strong | Emph):
                mark = "**" if isinstance(span, Strong) else "*"
                inner = self._spans(span.children, at_start=False)
                core = inner.strip()
                if not core:
                    out.append(inner)
                    continue
                lead = " " if inner[:1].isspace() else ""
                trail = " " if inner[-1:].isspace() else ""
                out.append(f"{lead}{mark}{core}{mark}{trail}")
                started = True
            elif isinstance(span, Link):
                inner = self._spans(span.children, at_start=False).strip()
                target = span.internal or span.url
                if not inner:
                    inner = escape.inline(target)
                out.append(f"[{inner}]({target})")
                started = True
            elif isinstance(span, Cite):
                label = escape.role_content(span.label)
                content = f"{label} <{span.key}>" if label else span.key
                out.append(f"{{cite}}`{content}`")
                started = True
            elif isinstance(span, NeedsSource):
                out.append(f"{{needs-source}}`{escape.role_content(span.phrase)}`")
                started = True
        return re.sub(r" {2,}", " ", "".join(out))


def inline_text(spans: list[Inline]) -> str:
    return plain(spans)
