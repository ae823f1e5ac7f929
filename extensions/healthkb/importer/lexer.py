"""Split source lines into raw blocks (headings, paragraphs, lists, quotes) with line numbers.

Only a small, explicit subset of Markdown is recognised; anything else (code fences,
HTML, directive syntax) stays paragraph text, to be shown as text in the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["heading", "para", "list", "quote", "rule"]


@dataclass
class RawItem:
    line: int
    text: str


@dataclass
class RawBlock:
    kind: Kind
    line: int
    #: Heading or paragraph text; paragraph lines are joined with "\n".
    text: str = ""
    level: int = 0
    items: list[RawItem] = field(default_factory=list)
    ordered: bool = False
    start: int = 1
    #: How many blank lines came before this block (plain text uses two as a separator).
    blank_before: int = 0


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_EMPTY_HEADING = re.compile(r"^(#{1,6})[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?(.*)$")
_MD_BULLET = re.compile(r"^(\s*)[-*+][ \t]+(.*)$")
_MD_ORDERED = re.compile(r"^(\s*)(\d{1,9})[.)][ \t]+(.*)$")
_PLAIN_BULLET = re.compile(r"^(\s*)[•◦▪‣●○■□][ \t]*(.+)$")


def lex(lines: list[tuple[int, str | None]], *, markdown: bool) -> list[RawBlock]:
    """Blocks of ``lines`` ((line number, text or None when removed as furniture)).

    With ``markdown`` false (plain-text posts) only bullets (``•``) are recognised:
    ``#`` or ``1.`` at the start of a line is text.
    """
    blocks: list[RawBlock] = []
    blank = 0
    current: RawBlock | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            blocks.append(current)
        current = None

    for number, raw in lines:
        if raw is None:
            continue
        line = raw.rstrip()
        if not line.strip():
            if current is not None and current.kind != "list":
                close()
            blank += 1
            continue
        bullet = ordered = None
        if markdown:
            heading = _HEADING.match(line)
            if heading or _EMPTY_HEADING.match(line):
                close()
                level = len((heading or _EMPTY_HEADING.match(line)).group(1))  # type: ignore[union-attr]
                text = heading.group(2).strip() if heading else ""
                blocks.append(RawBlock("heading", number, text, level, blank_before=blank))
                blank = 0
                continue
            if _RULE.match(line):
                close()
                blocks.append(RawBlock("rule", number, blank_before=blank))
                blank = 0
                continue
            quote = _QUOTE.match(line)
            if quote:
                if current is None or current.kind != "quote":
                    close()
                    current = RawBlock("quote", number, quote.group(1), blank_before=blank)
                else:
                    current.text += "\n" + quote.group(1)
                blank = 0
                continue
            bullet = _MD_BULLET.match(line)
            ordered = _MD_ORDERED.match(line)
        else:
            bullet = _PLAIN_BULLET.match(line)
        if bullet or ordered:
            is_ordered = ordered is not None and bullet is None
            text = (ordered.group(3) if is_ordered else bullet.group(2)).strip()  # type: ignore[union-attr]
            if (
                current is None
                or current.kind != "list"
                or current.ordered != is_ordered
                or blank > 1
            ):
                close()
                current = RawBlock("list", number, blank_before=blank, ordered=is_ordered)
                if is_ordered:
                    current.start = int(ordered.group(2))  # type: ignore[union-attr]
            current.items.append(RawItem(number, text))
            blank = 0
            continue
        # A plain line: continues an indented list item or a paragraph, or starts one.
        if current is not None and current.kind == "list":
            if blank == 0 and markdown and raw.startswith("  "):
                current.items[-1].text += "\n" + line.strip()
                continue
            close()
        if current is not None and current.kind == "para" and blank == 0:
            current.text += "\n" + line.strip()
            continue
        close()
        current = RawBlock("para", number, line.strip(), blank_before=blank)
        blank = 0
    close()
    return blocks
