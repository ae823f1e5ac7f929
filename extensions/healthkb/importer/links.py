"""Links: tracking parameters off, the origin's pages absolute or internal, unsafe links out.

- a link to a page that is in the knowledge base (known by its source URL) becomes an
  internal link to that page;
- anything else on the origin (site-relative ``/blog/...`` links, ``localhost`` captures)
  becomes an absolute https URL on the origin;
- tracking parameters (``utm_*`` and the shop's own) are removed;
- ``javascript:``, ``data:`` and other non-web links are dropped, their text kept.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from healthkb.importer.model import (
    FAQ,
    Article,
    Block,
    DoDont,
    Emph,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Report,
    Safety,
    Strong,
)

#: Query parameters that only track clicks (exact names, and prefixes).
TRACKING_PARAMS = frozenset(
    {
        "maas",
        "ref",
        "ref_",
        "tag",
        "321src",
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "srsltid",
        "_hsenc",
        "_hsmi",
        "linkcode",
        "linkid",
        "camp",
        "creative",
        "creativeasin",
        "ascsubtag",
        "psc",
        "smid",
        "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "aa_", "pd_rd_", "pf_rd_", "mkt_", "hsa_")

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"})
WEB_SCHEMES = frozenset({"http", "https"})


def strip_tracking(url: str) -> tuple[str, list[str]]:
    """``url`` without tracking parameters, and the names of those removed."""
    parts = urlsplit(url)
    if not parts.query:
        return url, []
    kept: list[tuple[str, str]] = []
    removed: list[str] = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        lower = name.lower()
        if lower in TRACKING_PARAMS or lower.startswith(TRACKING_PREFIXES):
            removed.append(name)
        else:
            kept.append((name, value))
    if not removed:
        return url, []
    return urlunsplit(parts._replace(query=urlencode(kept))), removed


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.split(":")[0]


def _is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.endswith((".localhost", ".local", ".test"))


def origin_parts(origin: str) -> tuple[str, str]:
    parts = urlsplit(origin)
    return parts.scheme or "https", parts.netloc


def canonical_path(path: str) -> str:
    """The form of a URL path used to recognise a page: no trailing slash, no index.html."""
    path = posixpath.normpath("/" + path.lstrip("/")) if path else "/"
    for suffix in ("/index.html", "/index.htm"):
        if path.endswith(suffix):
            path = path[: -len(suffix)] or "/"
    return path.rstrip("/") or "/"


@dataclass
class Resolved:
    #: The absolute URL, or "" when the link is dropped.
    url: str
    #: docs-relative page path (``articles/x.md``) when the URL is a knowledge-base page.
    page: str = ""
    fragment: str = ""
    #: Why the link changed (for the report), or "".
    note: str = ""
    dropped: bool = False


def resolve_url(
    raw: str,
    *,
    origin: str,
    base_url: str = "",
    known: Mapping[str, str] | None = None,
) -> Resolved:
    """Where the link ``raw`` of an article should point.

    ``base_url`` is the article's own source URL (for relative links); ``known`` maps
    :func:`canonical_path` of origin URLs to the docs-relative pages that hold them.
    """
    url = raw.strip().replace("\n", "")
    if not url:
        return Resolved("", note="empty link address; text kept", dropped=True)
    scheme_o, netloc_o = origin_parts(origin)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    notes: list[str] = []
    if scheme and scheme not in WEB_SCHEMES:
        if scheme == "mailto":
            return Resolved(url)
        return Resolved("", note=f"{scheme}: link dropped, its text kept", dropped=True)
    if not scheme and url.startswith("#"):
        return Resolved(
            "", note="link to a fragment of the source page dropped, its text kept", dropped=True
        )
    if not scheme:
        base = base_url or f"{scheme_o}://{netloc_o}/"
        url = urljoin(base, url)
        parts = urlsplit(url)
        if not raw.strip().startswith("//"):
            notes.append("site-relative link made absolute on the origin")
    host = _host(parts.netloc)
    origin_host = _host(netloc_o)
    on_origin = host in (origin_host, "www." + origin_host) or (
        origin_host.startswith("www.") and host == origin_host[4:]
    )
    if _is_local(host):
        notes.append(f"{host} link moved onto the origin {scheme_o}://{netloc_o}")
        on_origin = True
    if on_origin:
        if (parts.scheme, parts.netloc) != (scheme_o, netloc_o) and not _is_local(host):
            notes.append(f"moved onto the origin {scheme_o}://{netloc_o}")
        parts = parts._replace(scheme=scheme_o, netloc=netloc_o)
    url, removed = strip_tracking(urlunsplit(parts))
    if removed:
        notes.append("tracking parameters removed: " + ", ".join(sorted(set(removed))))
    parts = urlsplit(url)
    if on_origin and known is not None:
        page = known.get(canonical_path(parts.path))
        if page is not None and not parts.query:
            notes.append(f"link to a page of the knowledge base: {page}")
            return Resolved(url, page=page, fragment=parts.fragment, note="; ".join(notes))
    if not parts.netloc:
        return Resolved("", note="link without a host dropped, its text kept", dropped=True)
    return Resolved(safe_url(url), note="; ".join(notes))


def safe_url(url: str) -> str:
    """``url`` with the characters that would end a Markdown link destination encoded."""
    return quote(url, safe=":/?#@!$&'*+,;=%-._~[]")


def relative_page(from_page: str, to_page: str) -> str:
    """The link from docs page ``from_page`` to docs page ``to_page`` (both docs-relative)."""
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_page, start)


# -- the pass over an article ---------------------------------------------------------------


def resolve_links(
    article: Article,
    *,
    origin: str,
    page: str,
    known: Mapping[str, str] | None = None,
    report: Report | None = None,
) -> None:
    """Resolve every link of ``article`` in place (``page`` is its docs-relative path)."""
    report = report if report is not None else article.report

    def fix(spans: list[Inline], line: int) -> list[Inline]:
        out: list[Inline] = []
        for span in spans:
            if isinstance(span, Strong | Emph):
                span.children = fix(span.children, line)
                out.append(span)
            elif isinstance(span, Link):
                span.children = fix(span.children, line)
                resolved = resolve_url(
                    span.url, origin=origin, base_url=article.source_url, known=known
                )
                if resolved.note:
                    shown = span.url if len(span.url) < 120 else span.url[:117] + "..."
                    if resolved.dropped:
                        report.warn(line, f"link {shown!r}: {resolved.note}")
                    else:
                        report.note(line, f"link {shown!r}: {resolved.note}")
                if resolved.dropped:
                    out.extend(span.children)
                    continue
                span.url = resolved.url
                if resolved.page:
                    target = relative_page(page, resolved.page)
                    span.internal = target + (f"#{resolved.fragment}" if resolved.fragment else "")
                out.append(span)
            else:
                out.append(span)
        return out

    for block in walk(article.blocks):
        if isinstance(block, Heading | Paragraph | Quote):
            block.children = fix(block.children, block.line)
        elif isinstance(block, ListBlock):
            block.items = [fix(item, block.line) for item in block.items]
        elif isinstance(block, DoDont):
            block.do = [fix(item, block.line) for item in block.do]
            block.dont = [fix(item, block.line) for item in block.dont]


def walk(blocks: Iterable[Block]) -> Iterable[Block]:
    """Every block, depth first, FAQ answers and safety bodies included."""
    for block in blocks:
        yield block
        if isinstance(block, FAQ):
            yield from walk(block.answer)
        elif isinstance(block, Safety):
            yield from walk(block.body)
