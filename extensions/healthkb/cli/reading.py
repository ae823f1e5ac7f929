"""The reading level part of ``kb report``: each page's and each section's grade, its
longest sentences and the medical words it uses without explanation.

The grades come from the reading records the build stored per section
(:mod:`healthkb.checks.reading`); a page's grade is that of all its sentences together,
not an average of its sections'. The medical words without explanation are the page's
``glossary-missing`` findings (the glossary check's: a medical word used on a page that
has no glossary entry; its ``target`` is the word, its line where the page uses it): a
word with a glossary entry is linked to it at its first mention, so it counts as
explained. Each word is listed under the section whose text holds its line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sphinx.environment import BuildEnvironment

from healthkb.checks.reading import RECORD_KIND, Target, record_counts, stored_target
from healthkb.core.domain import kb_domain
from healthkb.language.readability import Counts

#: The glossary check whose findings are the words used without explanation.
GLOSSARY_CHECK = "glossary-missing"
#: Longest sentences listed per page.
LONGEST = 3
#: Characters of a sentence shown in the text report (the JSON has it whole).
SHOWN = 110


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _scores(counts: Counts, target: Target) -> dict[str, Any]:
    grade = counts.grade
    return {
        "grade": _round(grade),
        "reading_ease": _round(counts.reading_ease),
        "smog": _round(counts.smog),
        "words": counts.words,
        "sentences": counts.sentences,
        "above_target": target.missed_by(counts),
    }


def _section_of(sections: list[dict[str, Any]], line: int | None) -> int:
    """The index of the section whose text holds ``line`` (the last one starting at or
    before it; the first when the line is unknown)."""
    found = 0
    for i, section in enumerate(sections):
        if line is not None and section["line"] is not None and section["line"] <= line:
            found = i
    return found


def _unexplained(findings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """docname -> the glossary check's open findings, in line order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        if finding["code"] == GLOSSARY_CHECK and finding.get("acknowledged") is None:
            out.setdefault(finding["docname"], []).append(finding)
    for items in out.values():
        items.sort(key=lambda f: (f.get("lineno") or 0, f["target"]))
    return out


def collect_reading(
    env: BuildEnvironment, path_of: Callable[[str], str], findings: list[dict[str, Any]]
) -> dict[str, Any]:
    """Each page's reading level (pages sorted by path), with the target it was held to."""
    target = stored_target(env)
    records = kb_domain(env).records(RECORD_KIND)
    words_of = _unexplained(findings)
    pages = []
    for docname in sorted(records):
        if docname not in env.found_docs or not records[docname]:
            continue
        sections = []
        page_counts = Counts()
        candidates = []
        for record in records[docname]:
            counts = record_counts(record)
            page_counts = page_counts + counts
            longest = [{**s, "section": record["id"]} for s in record["longest"]]
            candidates.extend(longest)
            sections.append(
                {
                    "id": record["id"],
                    "title": record["title"],
                    "line": record["line"],
                    **_scores(counts, target),
                    "longest_sentences": longest,
                    "unexplained_words": [],
                }
            )
        unexplained = []
        seen: set[str] = set()
        for finding in words_of.get(docname, []):
            word = str(finding["target"])
            section = sections[_section_of(sections, finding.get("lineno"))]
            item = {"word": word, "line": finding.get("lineno"), "section": section["id"]}
            if word.lower() not in {w["word"].lower() for w in section["unexplained_words"]}:
                section["unexplained_words"].append(item)
            if word.lower() not in seen:
                seen.add(word.lower())
                unexplained.append(item)
        title = env.titles.get(docname)
        candidates.sort(key=lambda s: (-s["words"], s["line"] or 0))
        pages.append(
            {
                "path": path_of(docname),
                "page": docname,
                "title": title.astext() if title is not None else "",
                **_scores(page_counts, target),
                "sections_above_target": sum(1 for s in sections if s["above_target"]),
                "longest_sentences": candidates[:LONGEST],
                "unexplained_words": unexplained,
                "sections": sections,
            }
        )
    pages.sort(key=lambda p: p["path"])
    return {
        "target_grade": target.target_grade,
        "min_words": target.min_words,
        "pages_above_target": sum(1 for p in pages if p["above_target"]),
        "sections_above_target": sum(p["sections_above_target"] for p in pages),
        "pages": pages,
    }


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _sentence(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1].rstrip() + "…"


def _words(items: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{item['word']} (line {item['line']})" if item["line"] else item["word"] for item in items
    )


def render_reading(reading: dict[str, Any]) -> list[str]:
    """The reading level part of the text report, one block per page."""
    target = reading["target_grade"]
    lines = [
        "",
        f"reading level (Flesch-Kincaid grade, Flesch reading ease, SMOG; target: grade "
        f"{target:g} or below): {reading['pages_above_target']} of {len(reading['pages'])} "
        f"pages and {reading['sections_above_target']} sections above the target",
    ]
    for page in reading["pages"]:
        above = "  [above target]" if page["above_target"] else ""
        lines += [
            "",
            page["path"] + (f"  {page['title']}" if page["title"] else ""),
            f"  grade {_number(page['grade'])}, reading ease {_number(page['reading_ease'])}, "
            f"SMOG {_number(page['smog'])} ({page['words']} words, {page['sentences']} "
            f"sentences){above}",
        ]
        lines.append("  sections:")
        for section in page["sections"]:
            flag = "  [above target]" if section["above_target"] else ""
            where = f"line {section['line']}" if section["line"] else "-"
            lines.append(
                f"    {where:9} grade {_number(section['grade']):>5}  ease "
                f"{_number(section['reading_ease']):>5}  SMOG {_number(section['smog']):>5}"
                f"  #{section['id']} {section['title']}{flag}"
            )
        lines.append("  longest sentences:")
        for sentence in page["longest_sentences"]:
            where = f"line {sentence['line']}" if sentence["line"] else "-"
            lines.append(f"    {where} ({sentence['words']} words): {_sentence(sentence['text'])}")
        if page["unexplained_words"]:
            lines.append(
                f"  medical words without explanation: {_words(page['unexplained_words'])}"
            )
    return lines
