"""Captured answers pages: ``# Title | <Site> Answers``, a summary, a ``**URL:**`` (often on
``localhost``), ``---``, then the captured page: a glued "Direct Answer", Key Takeaways
(twice), ``## Question?`` sections, glued "Related Questions", and the site's furniture."""

from __future__ import annotations

import re

from healthkb.importer.blog import apply_header, parse_header
from healthkb.importer.clean import remove_furniture, split_captured_lines
from healthkb.importer.inline import InlineParser, plain
from healthkb.importer.lexer import lex
from healthkb.importer.model import FAQ, Article, Block, Heading, ImportRefused, Report, Text
from healthkb.importer.structure import FAQ_HEADING, RELATED_HEADING, Builder

_SITE_SUFFIX = re.compile(r"\s*\|\s*(?P<site>[^|]*\bAnswers?)\s*$", re.IGNORECASE)

#: The heading put over an answers page's question sections when they would otherwise
#: land in the section before them (they lose their own headings to become FAQ items).
QUESTIONS_HEADING = "Questions and answers"


def parse(lines: list[str], report: Report, *, origin: str) -> Article:
    header = parse_header(lines, report)
    title = header.title
    suffix = _SITE_SUFFIX.search(title)
    if suffix:
        report.remove("site name in the title", header.title_line, suffix.group(0).strip())
        title = title[: suffix.start()].strip()
        if not title:
            raise ImportRefused("missing title: only a site name", line=header.title_line)
    article = Article("answers", title, line=header.title_line)
    apply_header(article, header, report, origin=origin)
    pairs, cols = split_captured_lines(lines)
    keep = [i for i, pair in enumerate(pairs) if pair[0] > header.body_start]
    body = [pairs[i] for i in keep]
    parser = InlineParser(report)
    marked = remove_furniture(body, report, source=lines, cols=[cols[i] for i in keep])
    raw = lex(marked, markdown=True)
    for block in raw:
        if block.kind == "heading" and block.level == 1:
            block.level = 2
    blocks = Builder(raw, parser, answers=True).run()
    article.blocks = _group_questions(blocks, report)
    article.sources = list(parser.sources.values())
    return article


def _group_questions(blocks: list[Block], report: Report) -> list[Block]:
    """Put a heading over question FAQ items that would fall into the previous section."""
    out: list[Block] = []
    section: Heading | None = None
    for block in blocks:
        if isinstance(block, Heading):
            section = block
        elif (
            isinstance(block, FAQ)
            and section is not None
            and not _is_question_heading(section)
            and out
            and not isinstance(out[-1], FAQ)
        ):
            section = Heading(2, [Text(QUESTIONS_HEADING)], block.line)
            out.append(section)
            report.note(
                block.line,
                f"heading {QUESTIONS_HEADING!r} added over the question sections, which "
                "became FAQ items",
            )
        out.append(block)
    return out


def _is_question_heading(heading: Heading) -> bool:
    text = plain(heading.children).strip()
    return bool(FAQ_HEADING.match(text) or RELATED_HEADING.match(text)) or text == QUESTIONS_HEADING
