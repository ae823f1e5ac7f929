"""One source file -> one :class:`Article`: decode, detect the shape, parse, finish."""

from __future__ import annotations

import re
from collections.abc import Callable

from healthkb.importer import answers, blog, legacy, safety
from healthkb.importer.clean import decode, normalise
from healthkb.importer.detect import detect
from healthkb.importer.inline import mark_named_studies
from healthkb.importer.model import (
    Article,
    Heading,
    ImportRefused,
    NeedsSource,
    Report,
)
from healthkb.importer.structure import all_inlines, assign_names, drop_duplicates, merge_faqs
from healthkb.language.matcher import SafetyMatcher

DEFAULT_ORIGIN = "https://321strong.com"

Parser = Callable[..., Article]
PARSERS: dict[str, Parser] = {
    "blog": blog.parse,
    "answers": answers.parse,
    "legacy": legacy.parse,
}


def convert(
    data: bytes | str,
    *,
    path: str = "<input>",
    origin: str = DEFAULT_ORIGIN,
    rules: SafetyMatcher | None = None,
) -> Article:
    """The article in ``data``, or :class:`ImportRefused` naming ``path`` (and the line).

    ``rules`` are the safety rules whose ids the safety cards take (default: the project's,
    :func:`healthkb.importer.safety.project_rules`).
    """
    if rules is None:
        rules = safety.project_rules()
    report = Report()
    try:
        text = decode(data, report) if isinstance(data, bytes) else data
        if not text.strip():
            raise ImportRefused("the file is empty")
        text = normalise(text, report)
        lines = text.split("\n")
        shape = detect(lines)
        article = PARSERS[shape](lines, report, origin=origin)
        article.report = report
        finish(article, rules)
    except ImportRefused as exc:
        exc.path = path
        raise
    except RecursionError:
        raise ImportRefused("markup nested too deeply to read", path=path) from None
    return article


def finish(article: Article, rules: SafetyMatcher) -> None:
    """The passes every shape shares, in order."""
    report = article.report
    blocks = drop_duplicates(article.blocks, report)
    blocks = merge_faqs(blocks, report)
    blocks = safety.convert_sections(blocks, report, rules)
    blocks = safety.convert_statements(blocks, report, rules)
    article.blocks = blocks
    for spans, line, _in_card in all_inlines(blocks):
        marked = mark_named_studies(spans, report, line)
        spans[:] = marked
    _resemblances(article)
    assign_names(article.blocks, report)
    safety.hints(article.blocks, report)
    if not any(not isinstance(b, Heading) for b in article.blocks):
        report.warn(article.line, "the article has no text under its title")
    report.unknown = article.missing_fields()


def _resemblances(article: Article) -> None:
    """Say when a study named without an identifier looks like a source the article cites.

    The importer never makes that match itself: a maintainer confirms it and replaces the
    ``{needs-source}`` with a ``{cite}``.
    """
    if not article.sources:
        return
    for spans, line, _in_card in all_inlines(article.blocks):
        for span in spans:
            if not isinstance(span, NeedsSource):
                continue
            words = set(re.findall(r"\w+", span.phrase.lower()))
            for source in article.sources:
                surname = source.author.split(" ")[0].lower() if source.author else ""
                if surname and surname in words and (not source.year or source.year in words):
                    article.report.note(
                        line,
                        f"{span.phrase!r} resembles {source.key} ({source.author}, "
                        f"{source.journal}, {source.year}); it is left as needs-source: "
                        "confirm and cite it by hand",
                    )
