"""Recognise the shape of a source file, or say why it is refused.

Three shapes are known:

``blog``
    A blog export in Markdown: ``# Title``, a ``> summary`` line, ``**URL:**``,
    ``**Published:**`` and ``**Tags:**`` lines, then ``---`` and the body.
``answers``
    A captured answers page: ``# Title | <Site> Answers``, a summary line, ``**URL:**`` (an
    ``/answers/`` address), ``---``, then the captured body with its page furniture.
``legacy``
    A legacy plain-text post: the title alone on the first line, then paragraphs, bare-line
    headings and ``•`` bullets, without any Markdown.
"""

from __future__ import annotations

import re

from healthkb.importer.model import ImportRefused

SHAPES = ("blog", "answers", "legacy")
SHAPE_NAMES = {
    "blog": "blog export",
    "answers": "captured answers page",
    "legacy": "legacy plain-text post",
}

_TITLE = re.compile(r"^#[ \t]+\S")
_ANSWERS_TITLE = re.compile(r"\|\s*[^|]*\bAnswers?\s*$", re.IGNORECASE)
_HEADER_FIELD = re.compile(r"^\*\*(URL|Published|Tags|Updated|Author|Reviewed)[^*]*:\*\*", re.I)
_URL_FIELD = re.compile(r"^\*\*URL:\*\*\s*(\S+)", re.IGNORECASE)
_HEADER_LINES = 40
MAX_TITLE_CHARS = 200


def detect(lines: list[str]) -> str:
    """The shape of a file's ``lines`` ("blog", "answers" or "legacy"), or ImportRefused."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ImportRefused("the file is empty")
    head = lines[first].strip()
    number = first + 1
    if head == "---":
        raise ImportRefused(
            "the file starts with front matter: it is already a page, not a source article",
            line=number,
        )
    if head.startswith(("<!DOCTYPE", "<!doctype", "<html", "<HTML", "<?xml")):
        raise ImportRefused(
            "an HTML/XML document: export the article as Markdown or plain text", line=number
        )
    if head[0] in "{[" and (head[-1] in "}]" or len(head) == 1):
        raise ImportRefused("a JSON document is not an article shape", line=number)
    if _HEADER_FIELD.match(head):
        raise ImportRefused(
            "missing title: a blog export starts with '# Title' before its **URL:** lines",
            line=number,
        )
    if head.startswith("#"):
        if not _TITLE.match(head):
            level = len(head) - len(head.lstrip("#"))
            what = (
                "an empty '#' heading"
                if not head.lstrip("#").strip()
                else f"a level-{level} heading"
            )
            raise ImportRefused(
                f"missing title: the first line is {what}; a Markdown article starts with "
                "'# Title'",
                line=number,
            )
        header = lines[first + 1 : first + 1 + _HEADER_LINES]
        urls = [m.group(1) for m in (_URL_FIELD.match(line.strip()) for line in header) if m]
        if _ANSWERS_TITLE.search(head) or any("/answers/" in url for url in urls):
            return "answers"
        if any(_HEADER_FIELD.match(line.strip()) for line in header):
            return "blog"
        raise ImportRefused(
            "Markdown without the header of a known shape: a blog export has **URL:**, "
            "**Published:** or **Tags:** lines under its '# Title', a captured answers page "
            "a '# Title | ... Answers' title",
            line=number,
        )
    # Plain text: the title stands alone on the first line.
    if len(head) > MAX_TITLE_CHARS or len(head.split()) > 30 or head.endswith((".", ",", ";")):
        raise ImportRefused(
            "no title: a plain-text post starts with its title alone on the first line, "
            "and this line reads as a sentence",
            line=number,
        )
    if first + 1 < len(lines) and lines[first + 1].strip():
        raise ImportRefused(
            "no title: a plain-text post's title line is followed by a blank line",
            line=number,
        )
    if not any(line.strip() for line in lines[first + 1 :]):
        raise ImportRefused("a title without any text under it", line=number)
    return "legacy"
