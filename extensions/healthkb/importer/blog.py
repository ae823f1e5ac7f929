"""Blog exports (Markdown).

``# Title``, ``> summary``, ``**URL:**``, ``**Published:**`` and ``**Tags:**`` lines,
``---``, then the body with ``##`` sections, lists, citations and a ``## FAQ`` block.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from healthkb.importer.clean import remove_furniture, unescape
from healthkb.importer.inline import InlineParser, collapse
from healthkb.importer.lexer import RawBlock, lex
from healthkb.importer.links import resolve_url
from healthkb.importer.model import Article, ImportRefused, Report
from healthkb.importer.structure import Builder

_TITLE = re.compile(r"^#[ \t]+(?P<title>.+?)[ \t]*#*[ \t]*$")
_FIELD = re.compile(r"^\*\*(?P<key>[^*:]{1,40}):\*\*[ \t]*(?P<value>.*)$")
_FIELD_ALT = re.compile(r"^\*\*(?P<key>[^*:]{1,40})\*\*:[ \t]*(?P<value>.*)$")
_SEPARATOR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")

#: Header fields -> front matter keys (trust and review metadata of the design).
EXTRA_FIELDS = {"reviewed": "reviewed", "review due": "review_due", "reviewed by": "reviewed_by"}
DATE_FIELDS = ("published", "reviewed", "review due")


@dataclass
class Header:
    title: str
    title_line: int
    summary: str = ""
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: Index (0-based) of the first body line.
    body_start: int = 0


def parse_header(lines: list[str], report: Report) -> Header:
    first = next(i for i, line in enumerate(lines) if line.strip())
    match = _TITLE.match(lines[first].strip())
    if match is None or not match.group("title").strip("# "):
        raise ImportRefused("missing title: expected '# Title' on the first line", line=first + 1)
    title = collapse(unescape(match.group("title"))).strip()
    header = Header(title, first + 1)
    summary: list[str] = []
    i = first + 1
    body_start: int | None = None
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if _SEPARATOR.match(line):
            body_start = i + 1
            break
        if line.startswith(">"):
            summary.append(line.lstrip(">").strip())
            i += 1
            continue
        field_match = _FIELD.match(line) or _FIELD_ALT.match(line)
        if field_match:
            key = " ".join(field_match.group("key").lower().split())
            if key in header.fields:
                report.warn(i + 1, f"header field {key!r} given twice; the first is used")
            else:
                header.fields[key] = (field_match.group("value").strip(), i + 1)
            i += 1
            continue
        # No separator: the body starts at the first line that is not header.
        body_start = i
        break
    header.body_start = body_start if body_start is not None else len(lines)
    header.summary = collapse(unescape(" ".join(summary))).strip()
    return header


def parse_date(value: str, line: int, key: str) -> dt.date:
    value = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ImportRefused(
        f"**{key.capitalize()}:** {value!r} is not a real date (expected YYYY-MM-DD)", line=line
    )


def apply_header(article: Article, header: Header, report: Report, *, origin: str) -> None:
    """Front matter values from the header; what it lacks is listed as unknown."""
    article.summary = header.summary
    fields = dict(header.fields)
    url = fields.pop("url", None)
    if url is not None and url[0]:
        link = re.match(r"^\[[^\]]*\]\((\S+)\)$|^<(\S+)>$", url[0])
        if link:
            url = (link.group(1) or link.group(2), url[1])
        resolved = resolve_url(url[0], origin=origin)
        if resolved.dropped or not resolved.url.startswith(("https://", "http://")):
            report.warn(url[1], f"**URL:** {url[0]!r} is not a web address; source_url left out")
        else:
            article.source_url = resolved.url
            if resolved.note:
                report.note(url[1], f"source URL: {resolved.note}")
    published = fields.pop("published", None)
    if published is not None and published[0]:
        article.published = parse_date(published[0], published[1], "published")
    tags = fields.pop("tags", None)
    if tags is not None:
        seen: set[str] = set()
        for tag in tags[0].split(","):
            tag = collapse(unescape(tag)).strip().strip("\"'")
            if tag and tag.lower() in seen:
                report.note(tags[1], f"tag {tag!r} given twice; kept once")
            elif tag:
                seen.add(tag.lower())
                article.tags.append(tag)
    for key, front_key in EXTRA_FIELDS.items():
        given = fields.pop(key, None)
        if given is not None and given[0]:
            if key in DATE_FIELDS:
                article.extra[front_key] = parse_date(given[0], given[1], key).isoformat()
            else:
                article.extra[front_key] = collapse(given[0]).strip()
    for key, (text, line) in fields.items():
        report.warn(line, f"header field {key!r} ({text!r}) is not part of the page's metadata")


def parse(lines: list[str], report: Report, *, origin: str) -> Article:
    header = parse_header(lines, report)
    article = Article("blog", header.title, line=header.title_line)
    apply_header(article, header, report, origin=origin)
    body = [(n, line) for n, line in enumerate(lines, 1) if n > header.body_start]
    parser = InlineParser(report)
    raw = lex(remove_furniture(body, report), markdown=True)
    _demote_titles(raw, report)
    article.blocks = Builder(raw, parser, answers=False).run()
    article.sources = list(parser.sources.values())
    return article


def _demote_titles(raw: list[RawBlock], report: Report) -> None:
    """A second ``# Title`` in the body would be a second page title: it becomes ``##``."""
    for block in raw:
        if block.kind == "heading" and block.level == 1:
            block.level = 2
            report.note(block.line, f"level-1 heading {block.text!r} in the body made level 2")
