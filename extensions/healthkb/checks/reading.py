"""``reading-level``: how hard each page and each section is to read.

When a page is read, the text Sphinx read is measured section by section
(:mod:`healthkb.language.readability`): paragraphs, list items, FAQ answers, safety card
bodies and the landing page's entry-point descriptions. Headings (titles, FAQ questions,
card titles), code, citation markers, the "source needed" flags, the References list, the
review notice and the front matter are not prose and are left out. Each section (its own
text, without its subsections; the page's introduction is the text under its title) is one
plain record of kind ``reading`` in the kb domain: its id, title, heading line, counts and
longest sentences. ``kb report`` adds them up per page.

On every build (``env-updated``), from those records, a section whose Flesch-Kincaid
grade is above the target set in ``conf/plain-language.toml`` (``target_grade``, default
8) is an ``info`` finding at the line of its heading: a backlog for the editors, like the
claims that need a source, which never fails the build. A section of fewer than
``min_words`` words (default 30) is graded but not a finding: the grade of a sentence or
two says little (the formulas were made for passages of 100 words and more). A changed
setting takes effect on the next build without reading a page again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from healthkb.citations.nodes import cite, cite_ref
from healthkb.core.anchors import copy_link
from healthkb.core.config import policy_dir
from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.findings import report, store_build_finding
from healthkb.core.nodes import line_of
from healthkb.faq.nodes import faq_question
from healthkb.language.readability import Counts, longest, sentences, total, warm_up
from healthkb.language.source import ConfigError, Lines, Problem, read_toml
from healthkb.review.notice import review_notice
from healthkb.safety.nodes import safety_header

logger = logging.getLogger(__name__)

RECORD_KIND = "reading"
#: Key of the kb domain's build-wide data: the settings this build checked against.
TARGET_KEY = "reading_target"
#: Longest sentences kept per section.
LONGEST = 3

#: Nodes whose text is not prose a reader reads as sentences.
_SKIP = (
    nodes.title,
    nodes.subtitle,
    nodes.rubric,
    nodes.caption,
    nodes.term,
    faq_question,
    safety_header,
    review_notice,
    copy_link,
    cite,
    cite_ref,
    nodes.footnote_reference,
    nodes.literal,
    nodes.literal_block,
    nodes.doctest_block,
    nodes.math,
    nodes.math_block,
    nodes.comment,
    nodes.raw,
    nodes.target,
    nodes.system_message,
    nodes.substitution_definition,
    nodes.meta,
)
#: Classes of generated furniture: the References list, the "source needed" flag.
_SKIP_CLASSES = frozenset({"kb-references", "kb-needs-source-flag"})


def _skipped(node: nodes.Element) -> bool:
    return isinstance(node, _SKIP) or not _SKIP_CLASSES.isdisjoint(node.get("classes", []))


def _text(node: nodes.Element) -> str:
    parts = []
    for child in node.children:
        if isinstance(child, nodes.Text):
            parts.append(child.astext())
        elif isinstance(child, nodes.Element) and not _skipped(child):
            parts.append(_text(child))
    return "".join(parts)


def prose_blocks(section: nodes.Element) -> list[tuple[str, int | None]]:
    """The paragraphs of ``section``'s own text (not of its subsections), with their lines."""
    blocks: list[tuple[str, int | None]] = []

    def walk(element: nodes.Element) -> None:
        for child in element.children:
            if not isinstance(child, nodes.Element) or isinstance(child, nodes.section):
                continue
            if _skipped(child):
                continue
            if isinstance(child, nodes.paragraph):
                text = _text(child)
                if text.strip():
                    blocks.append((text, line_of(child)))
                continue
            walk(child)

    walk(section)
    return blocks


def _record(section: nodes.Element, title: str, level: int) -> dict[str, Any] | None:
    found = sentences(prose_blocks(section))
    if not found:
        return None
    counts = total(found)
    ids: list[str] = section.get("ids", [])
    heading = section.next_node(nodes.title) if isinstance(section, nodes.section) else None
    line = section.line or (heading.line if heading is not None else None)
    return {
        "id": ids[0] if ids else "",
        "title": " ".join(title.split()),
        "line": line,
        "level": level,
        # sentences, words, syllables, words of three or more syllables
        "counts": [counts.sentences, counts.words, counts.syllables, counts.polysyllables],
        "longest": [
            {"line": s.line, "words": s.words, "text": s.text} for s in longest(found, LONGEST)
        ],
    }


def measure_page(app: Sphinx, doctree: nodes.document) -> None:
    """Store the reading records of the page just read, in document order."""
    env = app.env
    docname = env.docname
    domain = kb_domain(env)
    page_title = env.titles[docname].astext() if docname in env.titles else ""
    records: list[dict[str, Any]] = []
    lead = _record(doctree, page_title, 0)  # text outside any section
    if lead is not None:
        records.append(lead)

    def visit(section: nodes.section, level: int) -> None:
        heading = section.next_node(nodes.title)
        title = heading.astext() if heading is not None else ""
        record = _record(section, title, level)
        if record is not None and record["line"] is not None:
            records.append(record)
        for child in section.children:
            if isinstance(child, nodes.section):
                visit(child, level + 1)

    for child in doctree.children:
        if isinstance(child, nodes.section):
            visit(child, 1)
    for record in records:
        domain.add_record(RECORD_KIND, docname, record)


def record_counts(record: dict[str, Any]) -> Counts:
    return Counts(*record["counts"])


# -- the target and the check ---------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """What a section is held to (conf/plain-language.toml, ``[reading]``)."""

    #: The highest Flesch-Kincaid grade a section should read at.
    target_grade: float = 8.0
    #: Fewer words than this: graded, never a finding.
    min_words: int = 30

    def missed_by(self, counts: Counts) -> bool:
        """Whether text of these counts reads above the target (as shown, to one decimal:
        8.04 is grade 8.0) and is long enough to judge."""
        grade = counts.grade
        return (
            grade is not None
            and round(grade, 1) > self.target_grade
            and counts.words >= self.min_words
        )


def load_target(path: Path) -> Target:
    """The ``[reading]`` settings of a plain-language file (a missing file or value: the
    default). Raises :class:`ConfigError` (a ValueError) naming the file and line of each
    problem."""
    if not path.is_file():
        return Target()
    data, text = read_toml(path)
    lines = Lines(text)
    where = str(path)

    def problem(key: str, message: str) -> ConfigError:
        return ConfigError([Problem(where, lines.key(1, len(lines), key), message)])

    reading = data.get("reading", {})
    if not isinstance(reading, dict):
        raise problem("reading", "[reading] must be a table")
    grade = reading.get("target_grade", Target.target_grade)
    if isinstance(grade, bool) or not isinstance(grade, int | float) or not 1 <= grade <= 20:
        raise problem("target_grade", f"target_grade must be a grade from 1 to 20, not {grade!r}")
    words = reading.get("min_words", Target.min_words)
    if isinstance(words, bool) or not isinstance(words, int) or words < 0:
        raise problem("min_words", f"min_words must be a whole number of words, not {words!r}")
    return Target(float(grade), words)


def reading_target(app: Sphinx) -> Target:
    path = policy_dir(app) / str(app.config.kb_plain_language)
    try:
        return load_target(path)
    except ConfigError as err:
        for problem in err.problems:
            logger.warning(
                "%s; using the defaults",
                problem.message,
                type="kb",
                subtype="config",
                location=problem.location,
            )
        return Target()


def stored_target(env: BuildEnvironment) -> Target:
    """The settings the last build checked against (the defaults before any build)."""
    stored = kb_data(env).get(TARGET_KEY)
    return Target(**stored) if stored else Target()


def check_reading_level(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """reading-level, on every build, from the stored records and this build's target."""
    target = reading_target(app)
    kb_data(env)[TARGET_KEY] = asdict(target)
    records = kb_domain(env).records(RECORD_KIND)
    for docname in sorted(records):
        for record in records[docname]:
            counts = record_counts(record)
            grade = counts.grade
            if grade is None or not target.missed_by(counts):
                continue
            what = "the introduction" if record["level"] <= 1 else "section"
            top = record["longest"][0]
            finding = report(
                env,
                "reading-level",
                f"{what} {record['title']!r} reads at grade {grade:.1f} (Flesch-Kincaid), "
                f"above the target of grade {target.target_grade:g}: {counts.words} words in "
                f"{counts.sentences} sentence{'s' if counts.sentences != 1 else ''}, "
                f"the longest of {top['words']} words "
                f"(line {top['line']}); shorter sentences and everyday words bring it down",
                docname=docname,
                lineno=record["line"],
                level="info",
                target=record["id"] or docname,
                store=False,
            )
            store_build_finding(env, finding)
    return []


def _warm_up(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    # Parallel readers are forked after this event: loaded once here, the pronunciation
    # dictionary is shared by all of them instead of being loaded again by each.
    if docnames:
        warm_up()


def setup_reading_checks(app: Sphinx) -> None:
    # The plain-language policy file (conf/plain-language.toml), relative to kb_policy_dir;
    # read on every build, so a new target needs no page read again.
    app.add_config_value("kb_plain_language", "plain-language.toml", "", types=[str])
    app.connect("env-before-read-docs", _warm_up)
    app.connect("doctree-read", measure_page)
    app.connect("env-updated", check_reading_level)
