"""Raw blocks -> model blocks, shared by the Markdown shapes (blog export, answers page).

Recovers what the exports flatten: ``## FAQ`` sections with ``**Q: ...**`` / ``A: ...``
pairs, question sections and glued "Related Questions" of answers pages, glued labels,
decorated list items and duplicated blocks. Each change is recorded in the report.
"""

from __future__ import annotations

import re

from healthkb.core.ids import slugify
from healthkb.importer.clean import fingerprint, split_glued_label, strip_decoration
from healthkb.importer.inline import InlineParser, plain
from healthkb.importer.lexer import RawBlock
from healthkb.importer.model import (
    FAQ,
    Block,
    DoDont,
    Heading,
    Inline,
    ListBlock,
    Paragraph,
    Quote,
    Report,
    Safety,
    Strong,
    Text,
)

FAQ_HEADING = re.compile(
    r"^(?:FAQs?|Frequently Asked Questions|Common Questions|Questions and Answers|Q\s*&\s*A)$",
    re.IGNORECASE,
)
RELATED_HEADING = re.compile(r"^(?:Related|Similar)\s+Questions$", re.IGNORECASE)
_Q_LINE = re.compile(r"^(?:\*\*\s*Q\s*[:.]\s*(?P<a>.+?)\s*\*\*|Q\s*[:.]\s*(?P<b>.+))\s*$")
_BOLD_QUESTION = re.compile(r"^\*\*\s*(?P<q>[^*]{3,300}\?)\s*\*\*\s*$")
_A_LINE = re.compile(r"^(?:\*\*\s*A\s*[:.]\s*\*\*|A\s*[:.])\s*(?P<a>.*)$")
_GLUED_QUESTION = re.compile(r"^(?P<q>[^?\n]{6,300}\?)\s*(?P<a>[A-Z0-9\"“'‘(].*)$", re.DOTALL)


class Builder:
    """Turns the raw blocks of one Markdown article into model blocks."""

    def __init__(self, raw: list[RawBlock], parser: InlineParser, *, answers: bool) -> None:
        self.raw = raw
        self.parser = parser
        self.report: Report = parser.report
        self.answers = answers

    def run(self) -> list[Block]:
        out: list[Block] = []
        i = 0
        while i < len(self.raw):
            rb = self.raw[i]
            if rb.kind != "heading":
                out.extend(self.plain_block(rb))
                i += 1
                continue
            text = rb.text.strip()
            if FAQ_HEADING.match(_unbold(text)):
                out.append(self.heading(rb))
                i = self.faq_section(i + 1, rb.level, out)
            elif self.answers and RELATED_HEADING.match(_unbold(text)):
                out.append(self.heading(rb))
                i = self.related_questions(i + 1, rb.level, out)
            elif self.answers and rb.level <= 3 and _unbold(text).endswith("?"):
                i = self.question_section(i, out)
            else:
                out.append(self.heading(rb))
                i += 1
        return out

    # -- plain blocks -------------------------------------------------------------
    def heading(self, rb: RawBlock) -> Heading:
        return Heading(rb.level, self.parser.parse(rb.text, rb.line), rb.line)

    def plain_block(self, rb: RawBlock) -> list[Block]:
        if rb.kind == "para":
            label, text = split_glued_label(rb.text)
            if label:
                self.report.remove("glued label", rb.line, label)
            spans = self.parser.parse(text, rb.line)
            return [Paragraph(spans, rb.line)] if plain(spans).strip() else []
        if rb.kind == "list":
            items: list[list[Inline]] = []
            for item in rb.items:
                mark, text = strip_decoration(item.text)
                if mark:
                    self.report.remove("decoration", item.line, mark)
                spans = self.parser.parse(text, item.line)
                if plain(spans).strip():
                    items.append(spans)
            return [ListBlock(items, rb.ordered, rb.start, rb.line)] if items else []
        if rb.kind == "quote":
            spans = self.parser.parse(rb.text, rb.line)
            return [Quote(spans, rb.line)] if plain(spans).strip() else []
        if rb.kind == "rule":
            self.report.note(rb.line, "horizontal rule dropped (sections separate the page)")
            return []
        if rb.kind == "heading":
            return [Paragraph([Strong(self.parser.parse(rb.text, rb.line))], rb.line)]
        return []  # pragma: no cover

    # -- FAQ sections ---------------------------------------------------------------
    def faq_section(self, i: int, level: int, out: list[Block]) -> int:
        """``**Q: ...**`` / ``A: ...`` pairs (or ``### Question?`` headings) -> FAQ items."""
        current: FAQ | None = None

        def close() -> None:
            nonlocal current
            if current is not None:
                out.append(self.finish_faq(current))
            current = None

        while i < len(self.raw):
            rb = self.raw[i]
            if rb.kind == "heading" and rb.level <= level:
                break
            if rb.kind == "heading" and _unbold(rb.text).endswith("?"):
                close()
                current = FAQ(self.question(rb.text, rb.line), [], line=rb.line)
                i += 1
                continue
            if rb.kind == "para":
                answer_lines: list[str] = []
                answer_line = rb.line
                for offset, line in enumerate(rb.text.split("\n")):
                    question = _Q_LINE.match(line) or _BOLD_QUESTION.match(line)
                    if question:
                        if current is not None and answer_lines:
                            current.answer.extend(self.answer_para(answer_lines, answer_line))
                        answer_lines = []
                        close()
                        q = next(g for g in question.groupdict().values() if g is not None)
                        current = FAQ(self.question(q, rb.line + offset), [], line=rb.line + offset)
                        continue
                    answer = _A_LINE.match(line)
                    if answer and current is not None and not answer_lines:
                        answer_lines.append(answer.group("a"))
                        answer_line = rb.line + offset
                        continue
                    if not answer_lines:
                        answer_line = rb.line + offset
                    answer_lines.append(line)
                if answer_lines:
                    if current is not None:
                        current.answer.extend(self.answer_para(answer_lines, answer_line))
                    else:
                        out.extend(self.answer_para(answer_lines, answer_line))
                i += 1
                continue
            blocks = self.plain_block(rb)
            if current is not None:
                current.answer.extend(blocks)
            else:
                out.extend(blocks)
            i += 1
        close()
        return i

    def question(self, text: str, line: int) -> str:
        """A question as text (markup in it is read, and kept as its text)."""
        spans = self.parser.parse(_unbold(text), line)
        if any(not isinstance(span, Text) for span in spans):
            self.report.note(line, "markup in a question (links, emphasis) kept as its text")
        return " ".join(plain(spans).split())

    def answer_para(self, lines: list[str], line: int) -> list[Block]:
        text = "\n".join(lines).strip()
        if not text:
            return []
        spans = self.parser.parse(text, line)
        return [Paragraph(spans, line)] if plain(spans).strip() else []

    def finish_faq(self, faq: FAQ) -> Block:
        if faq.answer:
            return faq
        self.report.warn(faq.line, f"FAQ question without an answer kept as text: {faq.question!r}")
        return Paragraph([Strong([Text(faq.question)])], faq.line)

    # -- answers pages ----------------------------------------------------------------
    def question_section(self, i: int, out: list[Block]) -> int:
        """A ``## Question?`` section of an answers page -> one FAQ item."""
        head = self.raw[i]
        faq = FAQ(self.question(head.text, head.line), [], line=head.line)
        i += 1
        while i < len(self.raw):
            rb = self.raw[i]
            if rb.kind == "heading" and rb.level <= head.level:
                break
            if rb.kind == "heading":
                self.report.note(rb.line, f"sub-heading {rb.text!r} inside an FAQ answer kept bold")
            faq.answer.extend(self.plain_block(rb))
            i += 1
        out.append(self.finish_faq(faq))
        return i

    def related_questions(self, i: int, level: int, out: list[Block]) -> int:
        """ "Related Questions" with each question glued to its answer -> FAQ items."""
        while i < len(self.raw):
            rb = self.raw[i]
            if rb.kind == "heading" and rb.level <= level:
                break
            if rb.kind == "heading" and _unbold(rb.text).endswith("?"):
                i = self.question_section(i, out)
                continue
            if rb.kind == "para":
                glued = _GLUED_QUESTION.match(rb.text)
                if glued:
                    question = self.question(glued.group("q"), rb.line)
                    spans = self.parser.parse(glued.group("a"), rb.line)
                    self.report.note(
                        rb.line, f"related question split from its answer: {question!r}"
                    )
                    out.append(FAQ(question, [Paragraph(spans, rb.line)], line=rb.line))
                    i += 1
                    continue
                self.report.warn(rb.line, "a paragraph under Related Questions is not a question")
            out.extend(self.plain_block(rb))
            i += 1
        return i


def _unbold(text: str) -> str:
    text = text.strip()
    while text.startswith("**") and text.endswith("**") and len(text) > 4:
        text = text[2:-2].strip()
    return text


# -- passes over the model ----------------------------------------------------------------


def drop_duplicates(blocks: list[Block], report: Report) -> list[Block]:
    """Drop a paragraph or list that repeats an earlier one word for word (and its heading)."""
    seen: set[str] = set()
    seen_headings: set[str] = set()
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph | ListBlock):
            text = _block_text(block)
            key = fingerprint(text)
            if len(key) >= 30 and key in seen:
                report.remove("duplicate block", block.line, text)
                # A heading left with nothing under it that repeats an earlier one goes too.
                if (
                    out
                    and isinstance(out[-1], Heading)
                    and fingerprint(plain(out[-1].children)) in seen_headings
                ):
                    heading = out.pop()
                    assert isinstance(heading, Heading)
                    report.remove("duplicate block", heading.line, plain(heading.children))
                continue
            seen.add(key)
        elif isinstance(block, Heading):
            key = fingerprint(plain(block.children))
            out.append(block)
            seen_headings.add(key)
            continue
        out.append(block)
    return out


def _block_text(block: Paragraph | ListBlock) -> str:
    if isinstance(block, Paragraph):
        return plain(block.children)
    return "\n".join(plain(item) for item in block.items)


def merge_faqs(blocks: list[Block], report: Report) -> list[Block]:
    """One FAQ item per question: a repeated question's answer joins the first one."""
    first: dict[str, FAQ] = {}
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, FAQ):
            key = slugify(block.question)
            earlier = first.get(key)
            if earlier is not None:
                earlier.answer.extend(block.answer)
                report.note(
                    block.line,
                    f"question {block.question!r} repeats the one on line {earlier.line}: "
                    "its answer was added to that FAQ item",
                )
                continue
            first[key] = block
        out.append(block)
    # A heading left without content (e.g. "Related Questions" after merging) goes.
    cleaned: list[Block] = []
    for index, block in enumerate(out):
        if isinstance(block, Heading):
            following = out[index + 1] if index + 1 < len(out) else None
            if following is None or (
                isinstance(following, Heading) and following.level <= block.level
            ):
                report.remove("heading left without content", block.line, plain(block.children))
                continue
        cleaned.append(block)
    return cleaned


def assign_names(blocks: list[Block], report: Report) -> None:
    """Give every FAQ item and safety card a unique, explicit id (``:name:``)."""
    taken: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, Heading):
            taken.setdefault(slugify(plain(block.children), max_words=10_000), block.line)
    for block in _walk(blocks):
        if not isinstance(block, FAQ | Safety):
            continue
        text = block.question if isinstance(block, FAQ) else block.title
        base = block.name or slugify(text) or ("faq" if isinstance(block, FAQ) else "safety")
        name = base
        n = 2
        while name in taken:
            name = f"{base}-{n}"
            n += 1
        if name != base:
            report.warn(
                block.line,
                f"id {base!r} is already used on line {taken[base]}; this one is {name!r}",
            )
        taken[name] = block.line
        block.name = name


def _walk(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        if isinstance(block, FAQ):
            out.extend(_walk(block.answer))
        elif isinstance(block, Safety):
            out.extend(_walk(block.body))
    return out


def all_inlines(blocks: list[Block]) -> list[tuple[list[Inline], int, bool]]:
    """(spans, line, inside a safety card) of every run of body text (not headings)."""
    out: list[tuple[list[Inline], int, bool]] = []

    def visit(items: list[Block], in_card: bool) -> None:
        for block in items:
            if isinstance(block, Paragraph | Quote):
                out.append((block.children, block.line, in_card))
            elif isinstance(block, ListBlock):
                out.extend((item, block.line, in_card) for item in block.items)
            elif isinstance(block, DoDont):
                out.extend((item, block.line, in_card) for item in block.do + block.dont)
            elif isinstance(block, FAQ):
                visit(block.answer, in_card)
            elif isinstance(block, Safety):
                visit(block.body, True)

    visit(blocks, False)
    return out
