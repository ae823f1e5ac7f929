"""Make article text inert in MyST: whatever an article says is shown, never run.

Text from a source goes through :func:`inline` (everywhere) and :func:`line_start` (where it
begins a line), so HTML, MyST roles and directives, ``(label)=`` targets, ``$math$``,
``{{substitutions}}``, ``%`` comments, front-matter-like ``---`` lines, link syntax and
entities all reach the reader as the characters they are. The writer never puts source
text anywhere else (role contents go through :func:`role_content`).
"""

from __future__ import annotations

import re
import unicodedata

# Characters with an inline meaning in MyST (CommonMark + the enabled extensions).
_INLINE = re.compile(r"([\\`*_\[\]<>{}$|~])")
# "&name;" / "&#123;" would be decoded as an entity.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]{1,32};)")
# Characters that mean something at the start of a line (block syntax).
_LINE_START = frozenset("#>-+=:%(!^")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def inline(text: str) -> str:
    """``text`` with every character that MyST would read as markup escaped."""
    text = _INLINE.sub(r"\\\1", text)
    return _ENTITY.sub(r"\\&", text)


def line_start(escaped: str) -> str:
    """Escape what would start a block (heading, list, quote, fence, target, comment...).

    ``escaped`` is text already passed through :func:`inline`.
    """
    if not escaped:
        return escaped
    ordered = _ORDERED.match(escaped)
    if ordered:
        return ordered.group(1) + "\\" + escaped[ordered.end(1) :]
    if escaped[0] in _LINE_START:
        return "\\" + escaped
    return escaped


def heading(text: str) -> str:
    """Escaped heading text (a trailing ``#`` would be read as a closing sequence)."""
    escaped = inline(text)
    if escaped.endswith("#"):
        escaped = escaped[:-1] + "\\#"
    return escaped


def role_content(text: str) -> str:
    """Text that goes between the backticks of a role: no backticks, no ``<...>`` target."""
    text = text.replace("`", "'").replace("<", "‹").replace(">", "›")
    text = " ".join(text.split())
    return text


def one_line(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())


_PLAIN_URL = re.compile(
    r"^https?://[A-Za-z0-9._~/?&=%+@!$'()*,;-]+(?::[0-9]+)?[A-Za-z0-9._~/?&=%+@!$'()*,;-]*$"
)
_PLAIN_YAML = re.compile(r"^[A-Za-z][A-Za-z0-9 .,'’?!()/&+-]*$")
_PLAIN_YAML_FLOW = re.compile(r"^[A-Za-z][A-Za-z0-9 .'’?!()/&+-]*$")
_YAML_RESERVED = frozenset(
    {"y", "yes", "n", "no", "true", "false", "on", "off", "null", "none", "nan", "inf"}
)


def yaml_string(text: str, *, flow: bool = False) -> str:
    """``text`` as a YAML scalar: plain when unambiguous, else double-quoted."""
    pattern = _PLAIN_YAML_FLOW if flow else _PLAIN_YAML
    if not flow and _PLAIN_URL.match(text):
        return text
    if (
        pattern.match(text)
        and text == text.strip()
        and text.lower() not in _YAML_RESERVED
        and not text.endswith(":")
    ):
        return text
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
