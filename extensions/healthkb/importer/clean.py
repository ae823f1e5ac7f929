"""Text hygiene: decoding, line endings, entities, glued labels, furniture, duplicates.

Everything this module leaves out of a page is recorded in the article's report with the
exact source text, so nothing disappears silently.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Callable

from healthkb.importer.model import ImportRefused, Report

# -- bytes to text --------------------------------------------------------------

_BOMS_REFUSED = {
    b"\xff\xfe": "UTF-16 (little endian)",
    b"\xfe\xff": "UTF-16 (big endian)",
}


def decode(data: bytes, report: Report) -> str:
    """UTF-8 text of ``data``; invalid bytes are replaced with U+FFFD and reported by line."""
    if not data.strip():
        raise ImportRefused("the file is empty")
    for bom, name in _BOMS_REFUSED.items():
        if data.startswith(bom):
            raise ImportRefused(f"the file is {name} text; save it as UTF-8 and import again")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportRefused("the file holds NUL bytes: it is not a text file", line=line)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    if not any(ord(ch) > 127 and ch != "\ufffd" for ch in text):
        # No UTF-8 at all, only single high bytes: an old Windows-1252 (Latin-1) export.
        try:
            legacy = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            lines = [i for i, line in enumerate(legacy.splitlines(), 1) if not line.isascii()]
            report.warn(
                lines[0] if lines else None,
                "not UTF-8: read as Windows-1252 text; check the accented characters on lines "
                + ", ".join(str(n) for n in lines[:10])
                + (" ..." if len(lines) > 10 else ""),
            )
            return legacy
    bad_lines = [i for i, line in enumerate(text.splitlines(), 1) if "\ufffd" in line]
    bad = text.count("\ufffd")
    if bad > max(16, len(text) // 50):
        raise ImportRefused(
            f"the file is not UTF-8 text ({bad} undecodable bytes); convert it to UTF-8",
            line=bad_lines[0] if bad_lines else None,
        )
    shown = ", ".join(str(n) for n in bad_lines[:10]) + (" ..." if len(bad_lines) > 10 else "")
    report.warn(
        bad_lines[0] if bad_lines else None,
        f"{bad} byte(s) that are not UTF-8 replaced with '\ufffd' (lines {shown}); "
        "fix the characters in the page or re-export the source as UTF-8",
    )
    return text


# Characters that have no business in article text: C0/C1 controls (tab and newline
# excepted), bidirectional overrides, and the Unicode line/paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def normalise(text: str, report: Report) -> str:
    """LF line endings, no control characters, tabs as spaces, non-breaking spaces as spaces."""
    if "\r" in text:
        report.note(None, "CRLF/CR line endings converted to LF")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = _CONTROL.findall(text)
    if controls:
        line = text[: _CONTROL.search(text).start()].count("\n") + 1  # type: ignore[union-attr]
        report.warn(line, f"{len(controls)} control or direction-override characters removed")
        text = _CONTROL.sub("", text)
    text = text.replace("\t", "    ")
    # NFC so that the same text always gives the same bytes (and the same ids).
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def unescape(text: str) -> str:
    """Decode HTML entities (``&#10003;``, ``&amp;``) into the characters they stand for."""
    if "&" not in text:
        return text
    return _CONTROL.sub("", html.unescape(text))


# -- glued labels -------------------------------------------------------------------

#: Labels that captured pages glue to the text that follows them ("Direct AnswerFoam ...").
GLUED_LABELS = (
    "Direct Answer",
    "Quick Answer",
    "Short Answer",
    "The Short Answer",
    "Answer",
    "Summary",
    "TL;DR",
    "Key Takeaway",
)
_GLUED = re.compile(
    r"^(" + "|".join(re.escape(label) for label in GLUED_LABELS) + r")(?=[A-Z0-9\"“'‘])"
)


def split_glued_label(text: str) -> tuple[str, str]:
    """``("Direct Answer", "Foam rolling ...")`` for a glued label, else ``("", text)``."""
    match = _GLUED.match(text)
    if not match:
        return "", text
    return match.group(1), text[match.end() :]


#: Decorations captured pages put in front of list items (check marks, arrows).
_DECORATION = re.compile(r"^[\u2713\u2714\u2705\u2611\u2192\u27a4\u25b6\u2022]\ufe0f?\s*")


_LEADING_ENTITY = re.compile(r"^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,10});")


def strip_decoration(text: str) -> tuple[str, str]:
    """``("&#10003;", "Foam ...")`` for a list item that starts with a check mark or arrow."""
    entity = _LEADING_ENTITY.match(text)
    if entity and _DECORATION.match(html.unescape(entity.group(0))):
        return entity.group(0), text[entity.end() :].lstrip()
    match = _DECORATION.match(text)
    if not match:
        return "", text
    return match.group(0).strip(), text[match.end() :]


# -- furniture ------------------------------------------------------------------------


def _rx(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern, re.IGNORECASE)
    return lambda line: bool(compiled.search(line))


_AFFILIATE = _rx(
    r"affiliate links?|amazon associate|earn (?:a |from )?(?:small )?commissions?|"
    r"qualifying purchases"
)
_SCROLL_TOP = _rx(r"^(?:↑\s*)?(?:scroll|back) to top\s*[↑^]?$")
_ABOUT_AUTHOR = _rx(r"^about (?:the )?author:?$")
_SHORTCODE = _rx(r"^\{\{\s*(?:video|youtube|vimeo|embed|gallery|audio|image|form)\b[^{}]*\}\}$")
_VIDEO_LEAD_IN = _rx(r"\bvideo\b.*:$")
_NEWSLETTER_HEADING = _rx(
    r"^#{1,6}\s+(?:get\b.*\b(?:tips|updates|advice)|(?:join )?(?:our )?newsletter|subscribe\b.*)$"
)
_NEWSLETTER_LINE = _rx(
    r"^(?:join [\d,.]+\s*\+?|subscribe|no spam|unsubscribe|you'?re in\b|you’re in\b|"
    r"something went wrong|check your inbox|sign up|enter your e-?mail|thanks for subscribing)"
)
_CTA_QUESTION = _rx(r"^ready to (?:start|try|get|begin)\b.*\?$")
_SHOP_LINK = _rx(r"^\[(?:shop|buy|view our|see our|get yours|order)\b[^\]]*\]\(")
_MORE_QUESTIONS = _rx(
    r"^#{1,6}\s+(?:more|related|other)\b.*\b(?:questions|answers|articles|posts)$"
)
_CARD_START = _rx(r"^\[#{1,6}\s")
_LINK_END = re.compile(r"\]\([^()\s]*\)\s*$")
_AUTHOR_IMAGE = _rx(
    r"^!\[[^\]]*\]\([^)]*(?:/team/|/authors?/|avatar|headshot)[^)]*\)$|"
    r"^!\[[^\]]*(?:founder|author|writer|editor)[^\]]*\]\([^)]*\)$"
)
_READ_MORE_AUTHOR = _rx(r"^\[read\b.*\b(?:story|bio|profile)\b.*\]\([^)]*\)$")
_DISCLAIMER_HEADING = _rx(r"^(?:#{1,6}\s+)?\W*(?:medical )?disclaimer:?$")
_DISCLAIMER_END = _rx(r"^\[(?:full|read (?:the|our)|see (?:the|our)) disclaimer\b")
_DISCLAIMER_TEXT = _rx(
    r"educational purposes|not (?:intended as )?medical advice|consult a (?:qualified )?"
    r"(?:healthcare|health care|medical)|qualified healthcare provider"
)
_ALL_QUESTIONS = _rx(r"^\[all (?:questions|answers|articles|posts)\]\([^)]*\)$")


_GLUE = re.compile(r"\s{3,}")
_GLUED_LINKS = re.compile(r"(?<=\))(?=!?\[)")


def split_captured_lines(lines: list[str]) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """(source line, text) pairs of a captured web page, glued parts on lines of their own.

    Captured pages glue page parts together: ``...](/a)[### B`` (two link cards),
    ``...)       ![Photo](/img.jpg)`` (a link and an image, 3+ spaces apart). Each part gets
    its own line so that furniture can be recognised part by part. Returns the pairs and,
    for each, its (start, end) columns in the source line.
    """
    pairs: list[tuple[int, str]] = []
    cols: list[tuple[int, int]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            pairs.append((number, ""))
            cols.append((0, 0))
            continue
        bounds = [0, *(x for m in _GLUE.finditer(line) for x in (m.start(), m.end())), len(line)]
        for start, end in zip(bounds[::2], bounds[1::2], strict=True):
            segment = line[start:end]
            if not segment.strip():
                continue
            cuts = [0, *(m.start() for m in _GLUED_LINKS.finditer(segment)), len(segment)]
            for a, b in itertools.pairwise(cuts):
                piece = segment[a:b]
                lead = len(piece) - len(piece.lstrip())
                pairs.append((number, piece.strip()))
                cols.append((start + a + lead, start + a + lead + len(piece.strip())))
    return pairs, cols


def remove_furniture(
    lines: list[tuple[int, str]],
    report: Report,
    *,
    source: list[str] | None = None,
    cols: list[tuple[int, int]] | None = None,
) -> list[tuple[int, str | None]]:
    """Mark page furniture in ``lines`` as removed (``None``) and list it in the report.

    Furniture is recognised by what it says, in small regions: a newsletter sign-up, a call
    to action with a shop link, "More ... Questions" link cards, an author card, a medical
    disclaimer, "All Questions", "About the author", "Scroll to Top", affiliate disclosures
    and broken shortcodes. Text that matches nothing here is kept.

    ``source`` and ``cols`` (from :func:`split_captured_lines`) let the report quote the
    exact source text of furniture that was glued to other parts of a line.
    """
    out: list[tuple[int, str | None]] = list(lines)
    n = len(out)

    def text(i: int) -> str:
        value = out[i][1]
        return value.strip() if value is not None else ""

    def take(kind: str, start: int, end: int) -> None:
        """Remove lines start..end-1 (blank ones included) as one furniture item."""
        taken = [i for i in range(start, end) if out[i][1]]
        if not taken:
            return
        first, last = taken[0], taken[-1]
        if source is not None and cols is not None:
            # The exact source text, from the first removed part to the last.
            n0, n1 = out[first][0], out[last][0]
            a, b = cols[first][0], cols[last][1]
            if n0 == n1:
                text = source[n0 - 1][a:b]
            else:
                middle = source[n0 : n1 - 1]
                text = "\n".join([source[n0 - 1][a:], *middle, source[n1 - 1][:b]])
        else:
            text = "\n".join(str(out[i][1]) for i in range(first, last + 1))
        report.remove(kind, out[taken[0]][0], text)
        for i in range(start, end):
            out[i] = (out[i][0], None)

    def next_nonblank(i: int) -> int:
        while i < n and not text(i):
            i += 1
        return i

    def paragraph_end(i: int) -> int:
        while i < n and text(i):
            i += 1
        return i

    i = 0
    while i < n:
        line = text(i)
        if not line:
            i += 1
            continue
        if _NEWSLETTER_HEADING(line):
            end = i + 1
            while True:
                j = next_nonblank(end)
                if j < n and _NEWSLETTER_LINE(text(j)):
                    end = j + 1
                else:
                    break
            if end > i + 1:
                take("newsletter sign-up", i, end)
                i = end
                continue
        if _CTA_QUESTION(line):
            j = next_nonblank(i + 1)
            if j < n and _SHOP_LINK(text(j)):
                take("call to action", i, j + 1)
                i = j + 1
                continue
        if _SHOP_LINK(line) and _LINK_END.search(line):
            take("call to action", i, i + 1)
            i += 1
            continue
        if _MORE_QUESTIONS(line):
            j = next_nonblank(i + 1)
            end = i + 1
            while j < n and _CARD_START(text(j)):
                k = j
                while k < n and text(k) and not _LINK_END.search(text(k)):
                    k += 1
                if k >= n or not text(k):
                    break  # not a complete link card: keep it as text
                end = k + 1
                j = next_nonblank(end)
            if end > i + 1:
                take("related-page link cards", i, end)
                i = end
                continue
        if _AUTHOR_IMAGE(line):
            # An author card: the photo, a name heading, a role line, a short bio and a
            # "read ... full story" link. Without that link only the photo goes.
            end = i + 1
            j = next_nonblank(end)
            for _ in range(5):
                if j >= n or _DISCLAIMER_HEADING(text(j)) or text(j).startswith("## "):
                    break
                if _READ_MORE_AUTHOR(text(j)):
                    end = j + 1
                    break
                j = next_nonblank(paragraph_end(j))
            take("author card" if end > i + 1 else "author photo", i, end)
            i = end
            continue
        if _DISCLAIMER_HEADING(line):
            end = i + 1
            j = next_nonblank(end)
            while j < n and (_DISCLAIMER_TEXT(text(j)) or _DISCLAIMER_END(text(j))):
                end = paragraph_end(j)
                j = next_nonblank(end)
            if end > i + 1:
                take("medical disclaimer (the site shows one on every page)", i, end)
                i = end
                continue
        if _ALL_QUESTIONS(line):
            take("navigation link", i, i + 1)
            i += 1
            continue
        if _SCROLL_TOP(line):
            take("navigation link", i, i + 1)
            i += 1
            continue
        if _ABOUT_AUTHOR(line):
            # The heading and a short bio under it, up to "Scroll to Top" or the end.
            end = i + 1
            j = next_nonblank(end)
            paragraphs = 0
            while j < n and not _SCROLL_TOP(text(j)) and not text(j).startswith("#"):
                paragraphs += 1
                end = paragraph_end(j)
                j = next_nonblank(end)
            if paragraphs > 3 or (j < n and text(j).startswith("#")):
                end = i + 1  # more than a bio follows: only the heading goes
            take("author card", i, end)
            i = end
            continue
        if _AFFILIATE(line):
            start = i
            end = paragraph_end(i)
            take("affiliate disclosure", start, end)
            i = end
            continue
        if _SHORTCODE(line):
            # A lead-in paragraph that only announces the embed goes with it.
            k = i - 1
            while k >= 0 and out[k][1] is not None and not text(k):
                k -= 1
            if k >= 0 and out[k][1] is not None and _VIDEO_LEAD_IN(text(k)):
                start = k
                while start > 0 and text(start - 1):
                    start -= 1
                take("video lead-in (its video is missing)", start, k + 1)
            take("broken shortcode", i, i + 1)
            i += 1
            continue
        i += 1
    return out


# -- duplicates -------------------------------------------------------------------------


def fingerprint(text: str) -> str:
    """Text reduced to lower-case words, for recognising the same block twice."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())
    return " ".join(words)
