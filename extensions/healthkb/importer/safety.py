"""Safety advice -> ``{safety}`` cards with a level and, where it is clear, a rule.

Three conversions, all keeping every word:

- a "When to Stop and See a Doctor" section -> a *professional* card with the rule about
  nerve symptoms (the section keeps its heading, the card takes its text as title and
  ``<slug>-card`` as id);
- a "Who Should Avoid Foam Rolling?" section -> a *professional* card with the rule about
  conditions to check first;
- a paragraph that is a standalone "Do not roll directly over the lumbar spine" warning
  (``**Lower back:** Do not roll directly ...``) -> a *caution* card with the rule about the
  lumbar spine: the warning is the title, the rest of the paragraph the body.

The rule ids are the rules file's (conf/safety-concepts.toml with the vocabulary it refers
to, read by :func:`healthkb.language.rules.load_concept_rules`, as the Sphinx extension reads
them): each conversion names what its card is about, and the rule of that level whose
``topic`` concepts it names is the card's rule (no rule when the file has none).

Other safety advice left in prose is listed in the report for a maintainer to review.
"""

from __future__ import annotations

import re
from pathlib import Path

from healthkb.core.ids import slugify
from healthkb.importer.inline import plain
from healthkb.importer.model import (
    Block,
    Heading,
    Inline,
    Paragraph,
    Report,
    Safety,
    SafetyLevel,
    Strong,
    Text,
)
from healthkb.importer.structure import all_inlines
from healthkb.language.matcher import SafetyMatcher
from healthkb.language.rules import ConceptRules, load_concept_rules
from healthkb.language.vocabulary import Vocabulary

#: The rules file of a checkout and the vocabulary it refers to (conf.py's
#: ``kb_safety_rules`` and ``kb_vocabulary``).
RULES_FILE = Path("conf") / "safety-concepts.toml"
VOCABULARY_FILE = Path("conf") / "vocabulary.toml"

#: Section headings that are safety advice: (heading, the card's level, what it is about).
SECTION_RULES: list[tuple[re.Pattern[str], SafetyLevel, str]] = [
    (
        re.compile(
            r"^when to (?:stop|see|call|get help)\b.*\b(?:doctor|gp|physician|professional|"
            r"physio(?:therapist)?|specialist)s?\b|^(?:stop|when to stop)\b.*\bsee\b",
            re.IGNORECASE,
        ),
        "professional",
        "numbness",
    ),
    (
        re.compile(
            r"^who (?:should|shouldn.t|must not|should not) (?:avoid|skip|not|be careful)\b|"
            r"^(?:who|when) (?:should not|shouldn.t) (?:use|try|do)\b.*\broll",
            re.IGNORECASE,
        ),
        "professional",
        "disc herniation",
    ),
]
#: What a standalone do-not-roll-the-lower-back warning is about.
LUMBAR = "lumbar spine"

_LUMBAR_WARNING = re.compile(
    r"^\s*(?P<warning>(?:Do not|Don['’]t|Never|Avoid)\s+(?:foam[ -])?roll(?:ing)?\s+"
    r"(?:directly\s+)?(?:over|on)\s+(?:the\s+|your\s+)?"
    r"(?:lumbar\s+(?:spine|vertebrae)|lower\s+(?:back|spine))\b[^.!?]{0,200})(?P<end>[.!])"
    r"(?P<rest>\s+\S.*)$",
    re.DOTALL,
)

_LUMBAR_ALONE = re.compile(
    r"^\s*(?:\*\*[^*]*\*\*\s*)?(?:Do not|Don['’]t|Never|Avoid)\s+(?:foam[ -])?roll(?:ing)?\s+"
    r"(?:directly\s+)?(?:over|on)\s+(?:the\s+|your\s+)?(?:lumbar|lower\s+(?:back|spine))[^.!?]*[.!]?\s*$"
)
_PROFESSIONAL_ADVICE = re.compile(
    r"\b(?:see|check with|consult|talk to|speak (?:to|with)|seek)\s+(?:a|your|an)?\s*"
    r"(?:doctor|gp|physician|healthcare provider|health professional|physio\w*|"
    r"physical therapist|spine specialist|medical (?:evaluation|attention|advice))|"
    r"\bprofessional (?:evaluation|care)\b",
    re.IGNORECASE,
)
_RED_FLAG = re.compile(
    r"\b(?:radiat\w+ (?:down|into) (?:the |one or both |your )?legs?|numbness|tingling|"
    r"bladder|bowel|saddle)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]?")


def project_rules(start: Path | None = None) -> SafetyMatcher:
    """The safety rules of the checkout around ``start`` (default: the current folder), else
    of the checkout around this package, ready to match; no rules when neither has a rules
    file. A problem in either file is a :class:`~healthkb.language.source.ConfigError`."""
    for base in (start or Path.cwd(), Path(__file__).resolve()):
        for folder in (base, *base.parents):
            if (folder / RULES_FILE).is_file():
                return SafetyMatcher(
                    load_concept_rules(folder / RULES_FILE, folder / VOCABULARY_FILE)
                )
    return SafetyMatcher(ConceptRules((), Vocabulary({})))


def rule_for(rules: SafetyMatcher, level: str, about: str) -> str:
    """The id of the first rule of ``level`` that ``about`` names the topic of ("" for none)."""
    return next((rule.id for rule in rules.about(about) if rule.level == level), "")


def _named(rule_id: str) -> str:
    return f" ({rule_id})" if rule_id else ""


def convert_sections(blocks: list[Block], report: Report, rules: SafetyMatcher) -> list[Block]:
    """Turn stop-and-see-a-doctor and who-should-avoid sections into professional cards."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        rule = _section_rule(block, rules)
        if rule is None:
            out.append(block)
            i += 1
            continue
        assert isinstance(block, Heading)
        level, rule_id = rule
        j = i + 1
        while j < len(blocks):
            nxt = blocks[j]
            if isinstance(nxt, Heading) and nxt.level <= block.level:
                break
            j += 1
        body = blocks[i + 1 : j]
        title = plain(block.children).strip()
        if not body or any(isinstance(b, Heading) for b in body):
            report.warn(
                block.line,
                f"section {title!r} reads as safety advice but has "
                f"{'no text' if not body else 'sub-sections'}: left as it is, "
                "consider a {safety} card",
            )
            out.append(block)
            i += 1
            continue
        # The heading stays (the page's outline, links to the section); the card under it
        # gets an id of its own.
        out.append(block)
        name = f"{slugify(title)}-card"
        out.append(Safety(title, level, rule_id, list(body), name=name, line=block.line))
        report.note(block.line, f"section {title!r} -> {level} safety card{_named(rule_id)}")
        i = j
    return out


def _section_rule(block: Block, rules: SafetyMatcher) -> tuple[SafetyLevel, str] | None:
    if not isinstance(block, Heading):
        return None
    title = plain(block.children).strip()
    for pattern, level, about in SECTION_RULES:
        if pattern.search(title):
            return level, rule_for(rules, level, about)
    return None


def convert_statements(blocks: list[Block], report: Report, rules: SafetyMatcher) -> list[Block]:
    """A standalone do-not-roll-the-lumbar-spine paragraph -> a caution card."""
    lumbar = rule_for(rules, "caution", LUMBAR)
    out: list[Block] = []
    for block in blocks:
        card = _lumbar_card(block, lumbar) if isinstance(block, Paragraph) else None
        if card is None:
            if isinstance(block, Paragraph) and _LUMBAR_ALONE.match(plain(block.children)):
                report.note(
                    block.line,
                    "a do-not-roll-the-lumbar-spine warning without explanation stays in prose; "
                    f"consider a caution card{_named(lumbar)}",
                )
            out.append(block)
            continue
        report.note(block.line, f"warning {card.title!r} -> caution safety card{_named(lumbar)}")
        out.append(card)
    return out


def _lumbar_card(block: Paragraph, rule_id: str) -> Safety | None:
    spans = list(block.children)
    lead: list[Inline] = []
    # An optional bold lead-in ("**Lower back:**").
    if spans and isinstance(spans[0], Strong) and plain(spans[0].children).strip().endswith(":"):
        lead = [spans.pop(0)]
    if not spans or not isinstance(spans[0], Text):
        return None
    match = _LUMBAR_WARNING.match(spans[0].text)
    if match is None:
        return None
    title = " ".join(match.group("warning").split())
    rest = match.group("rest").strip()
    body: list[Inline] = [*lead, Text((" " if lead else "") + rest + " "), *spans[1:]]
    return Safety(title, "caution", rule_id, [Paragraph(body, block.line)], line=block.line)


def hints(blocks: list[Block], report: Report) -> None:
    """List safety advice and red-flag symptoms that stay in prose, for a maintainer."""
    for spans, line, in_card in all_inlines(blocks):
        if in_card:
            continue
        text = plain(spans)
        for sentence in _SENTENCE.findall(text):
            sentence = sentence.strip()
            if not sentence:
                continue
            if _RED_FLAG.search(sentence):
                report.note(
                    line,
                    f"red-flag symptoms in prose (consider a professional card): {sentence!r}",
                )
            elif _PROFESSIONAL_ADVICE.search(sentence):
                report.note(
                    line,
                    f"see-a-professional advice in prose (consider a card): {sentence!r}",
                )
