"""Legacy plain-text posts: no markup at all.

- the title is the first line;
- headings are bare lines: short, no final period, followed by a blank line, and in title
  case, a question, or numbered ("1. Alleviates Back Pain": a sub-heading under the previous
  heading). A short heading whose section is only a list, after a line ending in ":", is a
  sub-heading too ("Lower Back" under "Foam Rolling Exercises for the Back");
- ``•`` lines are bullets;
- the "dos and don'ts" list that lost its two headings (two groups of lines separated by a
  double blank line, after a line announcing "dos and don'ts") becomes a do/don't list.
"""

from __future__ import annotations

import re

from healthkb.importer.clean import remove_furniture, unescape
from healthkb.importer.inline import InlineParser, collapse
from healthkb.importer.lexer import RawBlock, lex
from healthkb.importer.model import (
    Article,
    Block,
    DoDont,
    Heading,
    ImportRefused,
    Inline,
    ListBlock,
    Paragraph,
    Report,
    Strong,
    Text,
)

MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 14
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "nor",
        "of",
        "on",
        "or",
        "per",
        "so",
        "the",
        "to",
        "up",
        "via",
        "vs",
        "with",
        "your",
        "you",
        "our",
        "its",
        "their",
    ]
)
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+\S")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_DOS_DONTS = re.compile(r"\bdo['’]?s and don['’]?t['’]?s\b", re.IGNORECASE)
_ITEM_LEAD = re.compile(r"^(?P<lead>[^–—:]{2,80}?)\s+(?P<sep>[–—]|-)\s+(?P<rest>\S.*)$")


def heading_kind(text: str) -> str | None:
    """ "numbered", "question" or "title" when ``text`` reads as a bare-line heading."""
    if "\n" in text:
        return None
    text = text.strip()
    if not text or len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS:
        return None
    if text[-1] in ".,;:!":
        return None
    if _NUMBERED.match(text):
        return "numbered"
    if text.endswith("?"):
        return "question"
    words = _WORD.findall(text)
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    if significant and all(w[0].isupper() for w in significant):
        return "title"
    return None


def parse(lines: list[str], report: Report, *, origin: str) -> Article:
    first = next(i for i, line in enumerate(lines) if line.strip())
    title = collapse(unescape(lines[first])).strip()
    if not title:
        raise ImportRefused("missing title", line=first + 1)
    article = Article("legacy", title, line=first + 1)
    article.report = report
    body = [(n, line) for n, line in enumerate(lines, 1) if n > first + 1]
    raw = lex(remove_furniture(body, report), markdown=False)
    parser = InlineParser(report, markdown=False)
    article.blocks = _structure(raw, parser, report)
    return article


def _structure(raw: list[RawBlock], parser: InlineParser, report: Report) -> list[Block]:
    out: list[Block] = []
    kinds = [heading_kind(b.text) if b.kind == "para" else None for b in raw]
    top_seen = False  # a level-2 heading exists
    last_level = 1
    i = 0
    while i < len(raw):
        rb = raw[i]
        kind = kinds[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        if kind is not None and nxt is not None:
            # Numbered lines one after the other are an ordered list, not headings.
            if kind == "numbered" and kinds[i + 1] == "numbered":
                j = i
                items: list[list[Inline]] = []
                start = int(re.match(r"\d+", rb.text.strip()).group(0))  # type: ignore[union-attr]
                while j < len(raw) and kinds[j] == "numbered":
                    text = re.sub(r"^\s*\d{1,2}[.)]\s+", "", raw[j].text)
                    items.append(parser.parse(text, raw[j].line))
                    j += 1
                out.append(ListBlock(items, ordered=True, start=start, line=rb.line))
                i = j
                continue
            prev = raw[i - 1] if i > 0 else None
            if kind == "numbered":
                level = 3 if top_seen else 2
            elif (
                top_seen
                and nxt.kind == "list"
                and len(rb.text.split()) <= 4
                and (
                    (prev is not None and prev.kind == "para" and prev.text.rstrip().endswith(":"))
                    or last_level == 3
                )
            ):
                level = 3
            else:
                level = 2
            top_seen = top_seen or level == 2
            last_level = level
            out.append(Heading(level, [Text(collapse(rb.text).strip())], rb.line))
            i += 1
            continue
        if rb.kind == "para" and _DOS_DONTS.search(rb.text) and rb.text.rstrip().endswith(":"):
            out.append(Paragraph(parser.parse(rb.text, rb.line), rb.line))
            i = _dos_and_donts(raw, kinds, i + 1, parser, report, out)
            continue
        if rb.kind == "list":
            items = [parser.parse(item.text, item.line) for item in rb.items]
            out.append(ListBlock(items, line=rb.line))
        else:
            out.append(Paragraph(parser.parse(rb.text, rb.line), rb.line))
        i += 1
    return out


def _dos_and_donts(
    raw: list[RawBlock],
    kinds: list[str | None],
    i: int,
    parser: InlineParser,
    report: Report,
    out: list[Block],
) -> int:
    """Two groups of one-line items separated by a double blank line -> a do/don't list."""
    start = i
    groups: list[list[RawBlock]] = []
    while i < len(raw) and kinds[i] is None and raw[i].kind == "para":
        if not groups or raw[i].blank_before >= 2:
            groups.append([])
        groups[-1].append(raw[i])
        i += 1
    if len(groups) == 2 and all("\n" not in b.text for g in groups for b in g):
        do, dont = ([_item(b, parser) for b in g] for g in groups)
        out.append(DoDont(do, dont, raw[start].line))
        report.note(
            raw[start].line,
            f"do/don't list recovered: {len(do)} dos, {len(dont)} don'ts "
            "(the two groups lost their headings)",
        )
        return i
    if groups:
        report.warn(
            raw[start].line,
            "a dos and don'ts list was announced but its two groups could not be told apart; "
            "kept as paragraphs",
        )
    for block in raw[start:i]:
        out.append(Paragraph(parser.parse(block.text, block.line), block.line))
    return i


def _item(block: RawBlock, parser: InlineParser) -> list[Inline]:
    """ "Roll slowly – Roll over the muscles ..." -> **Roll slowly** – Roll over ..."""
    text = collapse(block.text).strip()
    match = _ITEM_LEAD.match(text)
    if match is None:
        return parser.parse(text, block.line)
    rest = parser.parse(match.group("rest"), block.line)
    lead = collapse(unescape(match.group("lead")))
    return [Strong([Text(lead)]), Text(f" {match.group('sep')} "), *rest]
