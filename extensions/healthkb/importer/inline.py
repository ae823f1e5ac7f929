"""Inline text of the sources -> spans: emphasis, links, citations, named studies.

The blog and answers shapes use a small Markdown subset (``**bold**``, ``*em*``,
``[text](url)``, ``![alt](src)``); everything else, including HTML and MyST syntax, stays
text. Plain-text posts have no inline markup at all.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from healthkb.importer.clean import unescape
from healthkb.importer.model import (
    Cite,
    Emph,
    Inline,
    Link,
    NeedsSource,
    Report,
    Source,
    Strong,
    Text,
)

_WS = re.compile(r"\s+")

# A PubMed or DOI address; the id is the part a citation key is made of.
_PUBMED = re.compile(
    r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?"
    r"(?:[?#][^\s]*)?$",
    re.IGNORECASE,
)
_DOI = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/[-._;()/:A-Za-z0-9]+)$", re.I)

_LINK_TEXT = r"((?:[^\[\]\\]|\\.|\[[^\[\]]{0,500}\]){0,2000})"
_LINK_DEST = (
    r"\(\s*<?([^\s()<>]{0,2000}(?:\([^\s()]{0,500}\)[^\s()<>]{0,2000})*)>?"
    r"(?:\s+\"[^\"]{0,500}\")?\s*\)"
)
_CITE_RE = re.compile(r"\(\s*\[" + _LINK_TEXT + r"\]" + _LINK_DEST + r"\s*\)")
_LINK_RE = re.compile(r"\[" + _LINK_TEXT + r"\]" + _LINK_DEST)
_IMAGE_RE = re.compile(r"!\[" + _LINK_TEXT + r"\]" + _LINK_DEST)
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^\s<>]{1,2000})>", re.IGNORECASE)
_STRONG_RE = re.compile(
    r"\*\*(?=\S)(.{1,2000}?)(?<=\S)\*\*|__(?=\S)(.{1,2000}?)(?<=\S)__(?!\w)", re.S
)
_EMPH_RE = re.compile(
    r"\*(?=[^\s*])(.{1,2000}?)(?<=[^\s*])\*(?!\*)|(?<!\w)_(?=[^\s_])(.{1,2000}?)(?<=[^\s_])_(?!\w)",
    re.S,
)
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SPECIAL = re.compile(r"[\\(\[!<*_]")

# "Author AB, *Journal*, 2015": what the blog exports put in a citation's link text.
_CITE_LABEL = re.compile(
    r"^\s*(?P<author>[^,*]{2,200}?)\s*,\s*\*?(?P<journal>[^*]{2,300}?)\*?\s*,\s*"
    r"(?P<year>(?:19|20)\d\d)\s*$"
)
_RAW_HTML = re.compile(
    r"<\s*/?\s*(?:script|iframe|object|embed|style|link|meta|form|input|img|svg|a|div|span|"
    r"button|base|frame|frameset)\b[^>]*>|\bon[a-z]{3,20}\s*=\s*[\"']",
    re.IGNORECASE,
)


def plain(spans: list[Inline]) -> str:
    """The text of ``spans`` as a reader sees it."""
    out: list[str] = []
    for span in spans:
        if isinstance(span, Text):
            out.append(span.text)
        elif isinstance(span, Strong | Emph | Link):
            out.append(plain(span.children))
        elif isinstance(span, Cite):
            out.append(span.label or span.key)
        elif isinstance(span, NeedsSource):
            out.append(span.phrase)
    return "".join(out)


def collapse(text: str) -> str:
    return _WS.sub(" ", text)


@dataclass
class InlineParser:
    """Parses inline text; collects the sources cited and reports what it changed."""

    report: Report
    markdown: bool = True
    sources: dict[str, Source] = field(default_factory=dict)

    # -- entry points ------------------------------------------------------------
    def parse(self, text: str, line: int) -> list[Inline]:
        if _RAW_HTML.search(text):
            self.report.warn(line, "HTML in the article is shown as text, never as markup")
        if not self.markdown:
            return _merge([Text(collapse(unescape(text)))])
        return _merge(self._parse(text, line))

    # -- markdown subset -----------------------------------------------------------
    def _parse(self, text: str, line: int) -> list[Inline]:
        spans: list[Inline] = []
        buf: list[str] = []
        pos = 0
        n = len(text)
        closers: _Closers | None = None

        def flush() -> None:
            if buf:
                spans.append(Text(collapse(unescape("".join(buf)))))
                buf.clear()

        while pos < n:
            special = _SPECIAL.search(text, pos)
            if special is None:
                buf.append(_ESCAPE_RE.sub(r"\1", text[pos:]))
                break
            start = special.start()
            if start > pos:
                buf.append(_ESCAPE_RE.sub(r"\1", text[pos:start]))
            pos = start
            ch = text[pos]
            if ch == "\\":
                esc = _ESCAPE_RE.match(text, pos)
                if esc:
                    buf.append(esc.group(1))
                    pos = esc.end()
                else:
                    buf.append("\\")
                    pos += 1
                continue
            if ch == "(":
                cite = _CITE_RE.match(text, pos)
                if cite:
                    made = self._citation(cite.group(1), cite.group(2), line)
                    if made is not None:
                        flush()
                        # The parentheses were the citation's; drop a space before them.
                        if spans and isinstance(spans[-1], Text):
                            spans[-1].text = spans[-1].text.rstrip() + " "
                        spans.append(made)
                        pos = cite.end()
                        continue
                buf.append(ch)
                pos += 1
                continue
            if ch == "!":
                image = _IMAGE_RE.match(text, pos)
                if image:
                    self.report.remove("image", line, image.group(0))
                    pos = image.end()
                    continue
                buf.append(ch)
                pos += 1
                continue
            if ch == "[":
                link = _LINK_RE.match(text, pos)
                if link:
                    flush()
                    made = self._citation(link.group(1), link.group(2), line)
                    if made is not None:
                        spans.append(made)
                    else:
                        children = self._parse(link.group(1), line) or [Text(link.group(2))]
                        spans.append(Link(children, link.group(2)))
                    pos = link.end()
                    continue
                buf.append(ch)
                pos += 1
                continue
            if ch == "<":
                auto = _AUTOLINK_RE.match(text, pos)
                if auto:
                    flush()
                    spans.append(Link([Text(auto.group(1))], auto.group(1)))
                    pos = auto.end()
                    continue
                buf.append(ch)
                pos += 1
                continue
            # "*" or "_": emphasis, when a closing delimiter follows.
            if ch == "*":
                if closers is None:
                    closers = _Closers(text)
                end = closers.strong(pos)
                if end is not None:
                    flush()
                    spans.append(Strong(self._parse(text[pos + 2 : end], line)))
                    pos = end + 2
                    continue
                end = closers.emph(pos)
                if end is not None:
                    flush()
                    spans.append(Emph(self._parse(text[pos + 1 : end], line)))
                    pos = end + 1
                    continue
                buf.append(ch)
                pos += 1
                continue
            strong = _STRONG_RE.match(text, pos)
            if strong and strong.group(2) is not None:
                flush()
                spans.append(Strong(self._parse(strong.group(2), line)))
                pos = strong.end()
                continue
            emph = _EMPH_RE.match(text, pos)
            if emph and emph.group(2) is not None and not (pos > 0 and text[pos - 1].isalnum()):
                flush()
                spans.append(Emph(self._parse(emph.group(2), line)))
                pos = emph.end()
                continue
            buf.append(ch)
            pos += 1
        flush()
        return spans

    # -- citations -----------------------------------------------------------------
    def _citation(self, label_md: str, url: str, line: int) -> Cite | None:
        """A :class:`Cite` for a PubMed or DOI link, recording its source; else None."""
        url = url.strip()
        pubmed = _PUBMED.match(url)
        doi = _DOI.match(url) if not pubmed else None
        if not pubmed and not doi:
            return None
        label = collapse(unescape(_ESCAPE_RE.sub(r"\1", label_md.replace("*", "")))).strip()
        label = label.replace("_", " ").strip() if label.startswith("_") else label
        if pubmed:
            key = f"pmid:{int(pubmed.group(1))}"
            source = Source(key, pmid=str(int(pubmed.group(1))), url=url, line=line)
        else:
            assert doi is not None
            ident = doi.group(1).rstrip(".,;")
            key = f"doi:{ident}"
            source = Source(key, doi=ident, url=url, line=line)
        parts = _CITE_LABEL.match(label)
        if parts:
            source.author = parts.group("author").strip()
            source.journal = parts.group("journal").strip()
            source.year = parts.group("year")
        known = self.sources.get(key)
        if known is None:
            self.sources[key] = source
            self.report.note(line, f"citation {key}: {label or url}")
        elif known.fields() != source.fields() and source.author:
            if not known.author:
                self.sources[key] = source
            else:
                self.report.warn(
                    line,
                    f"{key} is cited twice with different details: {label!r} here, "
                    f"{known.author}, {known.journal}, {known.year} on line {known.line}; "
                    "the first is recorded",
                )
        return Cite(label, key)


class _Closers:
    """Where ``**`` and ``*`` can close emphasis in a text (found once, then looked up).

    The same rules as ``**(?=\\S)(.+?)(?<=\\S)**`` and ``*(?=[^\\s*])(.+?)(?<=[^\\s*])*(?!*)``
    with spans of at most 2000 characters, without rescanning the text for every opener.
    """

    LIMIT = 2000

    def __init__(self, text: str) -> None:
        self.text = text
        self.double = [m.start() for m in re.finditer(r"(?<=\S)(?=\*\*)", text)]
        self.single = [m.start() for m in re.finditer(r"(?<=[^\s*])\*(?!\*)", text)]

    def strong(self, pos: int) -> int | None:
        text = self.text
        if not text.startswith("**", pos) or pos + 2 >= len(text) or text[pos + 2].isspace():
            return None
        return self._first(self.double, pos + 3, pos + 2 + self.LIMIT)

    def emph(self, pos: int) -> int | None:
        text = self.text
        if pos + 1 >= len(text) or text[pos + 1].isspace() or text[pos + 1] == "*":
            return None
        return self._first(self.single, pos + 2, pos + 1 + self.LIMIT)

    @staticmethod
    def _first(positions: list[int], low: int, high: int) -> int | None:
        index = bisect.bisect_left(positions, low)
        if index < len(positions) and positions[index] <= high:
            return positions[index]
        return None


def _merge(spans: list[Inline]) -> list[Inline]:
    """Join neighbouring text spans and drop empty ones."""
    out: list[Inline] = []
    for span in spans:
        if isinstance(span, Text):
            if not span.text:
                continue
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + span.text)
                continue
        out.append(span)
    return out


# -- named studies without an identifier ---------------------------------------------

_CAP = r"[A-Z][\w'’&-]*"
_CONNECTOR = r"(?:of|and|for|in|on|the|&)"
_NAME = rf"(?:the\s+)?{_CAP}(?:\s+(?:{_CONNECTOR}\s+)*{_CAP})*"
_JOURNAL_WORD = re.compile(
    r"\b(?:Journal|Reviews?|Archives|Annals|Medicine|Therap(?:y|ies)|Sciences?|Research|"
    r"Rehabilitation|Lancet|BMJ|JAMA|PLOS|Spine|Physiotherapy|Orthopaedics?|Orthopedics?)\b"
)
_STUDY_WORDS = r"(?:study|studies|review|trial|meta-analysis|analysis|survey|experiment|paper)"
_ADJECTIVES = (
    r"(?:(?:small|large|recent|systematic|randomi[sz]ed|controlled|clinical|pilot|follow-up|"
    r"new|older|cross-sectional|observational)\s+)*"
)
_NAMED_STUDY = [
    # "a 2015 study published in the Journal of Athletic Training", "One study"
    re.compile(
        rf"\b(?P<phrase>(?:[Aa]n?|[Oo]ne|[Aa]nother|[Tt]his|[Tt]he same)\s+"
        rf"(?:(?:19|20)\d\d\s+)?{_ADJECTIVES}{_STUDY_WORDS}\b"
        rf"(?P<journal>\s+(?:published\s+)?(?:in|from)\s+{_NAME})?)"
    ),
    # "Research in the Journal of Sports Rehabilitation" (only with a journal's name)
    re.compile(
        rf"\b(?P<phrase>(?:[Rr]esearch|[Ss]tudies|[Ee]vidence|[Dd]ata)"
        rf"(?P<journal>\s+(?:published\s+)?in\s+{_NAME}))"
    ),
    # "Studies have found", "Research has shown"
    re.compile(
        r"\b(?P<phrase>[Ss]tudies|[Rr]esearch(?:ers)?)\s+(?:have|has)\s+"
        r"(?:found|shown|demonstrated|suggested|proven|confirmed)\b"
    ),
    # "According to studies"
    re.compile(
        r"\b[Aa]ccording to\s+(?P<phrase>(?:some |recent |several )?(?:studies|research))\b"
    ),
    # "Cheatham SW (Journal of Sports Rehabilitation, 2021)", "Smith et al. (2019)"
    re.compile(
        r"\b(?P<phrase>[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+(?:[A-Z]{1,3}|et al\.?)\s+"
        r"\((?:[^()]{3,150},\s*)?(?:19|20)\d\d\))"
    ),
]
# The end of a sentence (not the period of "et al.", "e.g.", "i.e.", "Dr." or "vs.").
_SENTENCE_END = re.compile(r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)(?<!\bDr)(?<!\bvs)[.!?](?:\s|$)")


def mark_named_studies(spans: list[Inline], report: Report, line: int) -> list[Inline]:
    """Wrap studies named without an identifier in :class:`NeedsSource`.

    A sentence that already cites a source (a :class:`Cite` before its end) is left alone:
    its "study" is the cited one. Nothing is ever matched to a registry source.
    """
    out: list[Inline] = []
    for index, span in enumerate(spans):
        if not isinstance(span, Text):
            out.append(span)
            continue
        text = span.text
        pos = 0
        pieces: list[Inline] = []
        while True:
            found = _first_named_study(text, pos)
            if found is None:
                break
            start, end = found
            if _sentence_cites(text, end, spans[index + 1 :]):
                # Skip to the end of this sentence.
                stop = _SENTENCE_END.search(text, end)
                pos = stop.end() if stop else len(text)
                continue
            if start > pos:
                pieces.append(Text(text[pos:start]))
            phrase = text[start:end]
            pieces.append(NeedsSource(phrase))
            report.note(line, f"needs a source: {phrase!r} names a study without an identifier")
            stop = _SENTENCE_END.search(text, end)
            next_pos = stop.end() if stop else len(text)
            pieces.append(Text(text[end:next_pos]))
            pos = next_pos
        if pos < len(text):
            pieces.append(Text(text[pos:]))
        out.extend(pieces if pieces else [span])
    return _merge(out)


def _first_named_study(text: str, pos: int) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for pattern in _NAMED_STUDY:
        search_from = pos
        while True:
            match = pattern.search(text, search_from)
            if match is None:
                break
            end = match.end("phrase")
            journal = match.groupdict().get("journal")
            if journal is not None and not _JOURNAL_WORD.search(journal):
                if pattern is _NAMED_STUDY[1]:
                    search_from = match.end()
                    continue  # "research in the Back" names no journal
                end = match.start("journal")
            candidate = (match.start("phrase"), end)
            if (
                best is None
                or candidate[0] < best[0]
                or (candidate[0] == best[0] and candidate[1] > best[1])
            ):
                best = candidate
            break
    return best


def _sentence_cites(text: str, end: int, following: list[Inline]) -> bool:
    """True when the sentence around ``text[end]`` has a citation before it ends."""
    if _SENTENCE_END.search(text, end):
        return False
    for span in following:
        if isinstance(span, Cite):
            return True
        if _SENTENCE_END.search(plain([span])):
            return False
    return False
