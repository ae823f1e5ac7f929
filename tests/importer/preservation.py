"""Every sentence of a source body, minus its declared furniture, is in the page's text."""

from __future__ import annotations

import html
import re

from healthkb.importer.model import Report
from tests.importer.myst import body_text, doctree, words

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")
_FRAGMENT_END = re.compile(r"(?<=[.!?:;])(?=\s|[A-Z]|$)|\n")


def source_body(text: str, shape: str) -> str:
    """The body of a source file: after the title (plain text) or the header's ``---``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    if shape == "legacy":
        return "\n".join(lines[first + 1 :])
    for i in range(first + 1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[i + 1 :])
    raise AssertionError("no header separator")


def strip_markdown(text: str) -> str:
    text = _IMAGE.sub(" ", text)
    for _ in range(3):
        text = _LINK.sub(r"\1", text)
    text = html.unescape(text)
    text = text.replace("**", "").replace("*", "")
    text = re.sub(r"(?m)^\s*(?:#{1,6}\s+|[-+•]\s+|>\s?|\d{1,2}[.)]\s+)", "", text)
    return re.sub(r"(?m)^\s*[QA]:\s*", "", text)


def fragments(text: str) -> list[str]:
    """Sentences (and their clause-sized parts) as lower-case word strings."""
    out = []
    for piece in _FRAGMENT_END.split(text):
        normalised = words(piece)
        if normalised:
            out.append(normalised)
    return out


def missing_sentences(source: str, shape: str, report: Report, pages: list[str]) -> list[str]:
    """Source fragments that are neither in the pages' text nor declared as removed."""
    body = source_body(source, shape)
    for removed in report.removed:
        if removed.kind != "duplicate block":
            assert removed.text in source, f"removed text not in the source: {removed.text!r}"
            body = body.replace(removed.text, "\n")
    page_words = " " + " ".join(words(body_text(doctree(page)[0])) for page in pages) + " "
    return [f for f in fragments(strip_markdown(body)) if f" {f} " not in page_words]
