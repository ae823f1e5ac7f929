"""Curation a maintainer declares once (conf/import-curation.toml) and every import applies.

Re-importing an article must give the published page again, so the curation decisions
live in a file rather than in hand edits of the page:

``[[split_faq]]``
    Move the FAQ items of one section of an article to a page of their own, with its own
    title, summary and tags (``from`` = the article's page name, ``section`` = the heading,
    ``FAQ`` by default); ``source_tags`` replaces the tags of the article they came from.
``[[add_safety]]``
    Put a safety card right after the block that starts with ``after`` on page ``page``.
``[[acknowledge]]``
    Write a ``kb_acknowledge`` entry (check, target, reason) into a page's front matter.
``[[review]]``
    Record a maintainer's review in a page's front matter: ``reviewed`` and ``review_due``
    (dates) and ``reviewed_by``.

Every value is a maintainer's words: the importer never guesses them.
"""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthkb.importer.inline import plain
from healthkb.importer.model import (
    FAQ,
    SAFETY_LEVELS,
    Article,
    Block,
    Cite,
    Emph,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Report,
    Safety,
    SafetyLevel,
    Strong,
    Text,
)
from healthkb.importer.structure import all_inlines, assign_names


class CurationError(Exception):
    """The curation file is malformed (the message names the file and the entry)."""


@dataclass
class SplitFAQ:
    source: str
    slug: str
    title: str
    section: str = "FAQ"
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    source_tags: list[str] | None = None


@dataclass
class AddSafety:
    page: str
    after: str
    title: str
    level: SafetyLevel
    text: str
    rule: str = ""
    name: str = ""


@dataclass
class Acknowledge:
    page: str
    check: str
    target: str
    reason: str


@dataclass
class Review:
    page: str
    reviewed: str
    review_due: str
    reviewed_by: str


@dataclass
class Curation:
    path: str = ""
    split_faq: list[SplitFAQ] = field(default_factory=list)
    add_safety: list[AddSafety] = field(default_factory=list)
    acknowledge: list[Acknowledge] = field(default_factory=list)
    review: list[Review] = field(default_factory=list)


def load(path: Path) -> Curation:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise CurationError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(f"{path}: not valid TOML ({exc})") from None
    curation = Curation(str(path))
    unknown = set(data) - {"split_faq", "add_safety", "acknowledge", "review"}
    if unknown:
        raise CurationError(f"{path}: unknown table(s) {sorted(unknown)}")
    for n, entry in enumerate(_tables(data, "split_faq", path), 1):
        where = f"{path}: [[split_faq]] #{n}"
        curation.split_faq.append(
            SplitFAQ(
                source=_text(entry, "from", where),
                slug=_text(entry, "slug", where),
                title=_text(entry, "title", where),
                section=_text(entry, "section", where, default="FAQ"),
                summary=_text(entry, "summary", where, default=""),
                tags=_list(entry, "tags", where) or [],
                source_tags=_list(entry, "source_tags", where),
            )
        )
    for n, entry in enumerate(_tables(data, "add_safety", path), 1):
        where = f"{path}: [[add_safety]] #{n}"
        level = _text(entry, "level", where)
        if level not in SAFETY_LEVELS:
            raise CurationError(f"{where}: level {level!r} is not one of {list(SAFETY_LEVELS)}")
        curation.add_safety.append(
            AddSafety(
                page=_text(entry, "page", where),
                after=_text(entry, "after", where),
                title=_text(entry, "title", where),
                level=level,  # type: ignore[arg-type]
                text=_text(entry, "text", where),
                rule=_text(entry, "rule", where, default=""),
                name=_text(entry, "name", where, default=""),
            )
        )
    for n, entry in enumerate(_tables(data, "acknowledge", path), 1):
        where = f"{path}: [[acknowledge]] #{n}"
        curation.acknowledge.append(
            Acknowledge(
                page=_text(entry, "page", where),
                check=_text(entry, "check", where),
                target=_text(entry, "target", where),
                reason=_text(entry, "reason", where),
            )
        )
    for n, entry in enumerate(_tables(data, "review", path), 1):
        where = f"{path}: [[review]] #{n}"
        curation.review.append(
            Review(
                page=_text(entry, "page", where),
                reviewed=_date(entry, "reviewed", where),
                review_due=_date(entry, "review_due", where),
                reviewed_by=_text(entry, "reviewed_by", where),
            )
        )
    return curation


def _date(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise CurationError(f"{where}: {key!r} must be a date (YYYY-MM-DD)")


def _tables(data: dict[str, Any], name: str, path: Path) -> list[dict[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CurationError(f"{path}: {name} must be an array of tables ([[{name}]])")
    return value


def _text(entry: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = entry.get(key, default)
    if value is None:
        raise CurationError(f"{where}: {key!r} is missing")
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise CurationError(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


def _list(entry: dict[str, Any], key: str, where: str) -> list[str] | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CurationError(f"{where}: {key!r} must be a list of strings")
    return [v.strip() for v in value]


# -- applying ---------------------------------------------------------------------------


def apply(curation: Curation, slug: str, article: Article) -> list[tuple[str, Article]]:
    """Apply the curation of page ``slug`` to ``article``; returns the pages split off it."""
    report = article.report
    where = Path(curation.path).name or "curation"
    extra: list[tuple[str, Article]] = []
    for split in curation.split_faq:
        if split.source == slug:
            page = _split_faq(split, article, report, where)
            if page is not None:
                extra.append((split.slug, page))
    for card in curation.add_safety:
        if card.page == slug:
            _add_safety(card, article, report, where)
    for ack in curation.acknowledge:
        if ack.page == slug:
            article.acknowledge.append(
                {"check": ack.check, "target": ack.target, "reason": ack.reason}
            )
            report.note(None, f"kb_acknowledge {ack.check}: {ack.target!r} ({where})")
    for review in curation.review:
        if review.page == slug:
            article.extra.update(
                reviewed=review.reviewed,
                review_due=review.review_due,
                reviewed_by=review.reviewed_by,
            )
            article.report.unknown = article.missing_fields()
            report.note(None, f"review metadata set by curation ({where})")
    assign_names(article.blocks, report)
    return extra


def _split_faq(split: SplitFAQ, article: Article, report: Report, where: str) -> Article | None:
    blocks = article.blocks
    start = next(
        (
            i
            for i, b in enumerate(blocks)
            if isinstance(b, Heading) and plain(b.children).strip().lower() == split.section.lower()
        ),
        None,
    )
    if start is None:
        report.warn(None, f"{where}: no section {split.section!r} to split off; nothing moved")
        return None
    heading = blocks[start]
    assert isinstance(heading, Heading)
    end = start + 1
    while end < len(blocks):
        following = blocks[end]
        if isinstance(following, Heading) and following.level <= heading.level:
            break
        end += 1
    moved = [b for b in blocks[start + 1 : end] if isinstance(b, FAQ)]
    if not moved:
        report.warn(heading.line, f"{where}: section {split.section!r} holds no FAQ items")
        return None
    kept = [b for b in blocks[start + 1 : end] if not isinstance(b, FAQ)]
    section = [heading, *kept] if kept else []
    article.blocks = blocks[:start] + section + blocks[end:]
    report.note(
        heading.line,
        f"{len(moved)} FAQ items of {split.section!r} moved to articles/{split.slug}.md ({where})",
    )
    if split.source_tags is not None:
        article.tags = list(split.source_tags)
        report.note(None, f"tags set by curation ({where})")
    page = Article(
        article.shape if article.shape != "answers" else "blog",
        split.title,
        blocks=[copy.deepcopy(b) for b in moved],
        summary=split.summary,
        source_url=article.source_url,
        published=article.published,
        tags=list(split.tags),
        line=heading.line,
    )
    cited = {s.key for spans, _l, _c in all_inlines(page.blocks) for s in _cites(spans)}
    page.sources = [s for s in article.sources if s.key in cited]
    page.report.note(
        heading.line,
        f"{len(moved)} FAQ items moved here from the {split.section!r} section of "
        f"{article.title!r} ({where})",
    )
    assign_names(page.blocks, page.report)
    page.report.unknown = page.missing_fields()
    return page


def _cites(spans: list[Inline]) -> list[Cite]:
    out: list[Cite] = []
    for span in spans:
        if isinstance(span, Cite):
            out.append(span)
        elif isinstance(span, Strong | Emph | Link):
            out.extend(_cites(span.children))
    return out


def _add_safety(card: AddSafety, article: Article, report: Report, where: str) -> None:
    needle = " ".join(card.after.split()).lower()

    def starts(block: Block) -> bool:
        if isinstance(block, ListBlock):
            return any(plain(item).strip().lower().startswith(needle) for item in block.items)
        if isinstance(block, Paragraph | Heading):
            return plain(block.children).strip().lower().startswith(needle)
        return False

    for index, block in enumerate(article.blocks):
        if starts(block):
            body: list[Block] = [
                Paragraph([Text(" ".join(part.split()))], block.line)
                for part in card.text.split("\n\n")
                if part.strip()
            ]
            safety = Safety(card.title, card.level, card.rule, body, card.name, line=block.line)
            article.blocks.insert(index + 1, safety)
            report.note(
                block.line, f"{card.level} safety card {card.title!r} added after it ({where})"
            )
            return
    report.warn(
        None, f"{where}: no block starts with {card.after!r}; card {card.title!r} not added"
    )
