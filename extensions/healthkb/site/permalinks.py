"""The permalink lock: every published page URL and fragment, checked on every build.

Pure Python over the built HTML (no Sphinx import), used by ``kb lock`` and
``kb check``.  A page's linkable fragments are the ids that carry a copy-link
control (headings, FAQ items, safety cards), so the lock holds exactly what a
trainer can copy and share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from healthkb.core.files import write_atomic
from healthkb.language.source import ConfigError, Lines, read_toml

LOCK_HEADER = """\
# Published page URLs and fragments of the knowledge base (relative to the site root).
# `kb check` fails when one of them no longer resolves and no redirect is declared for it
# in conf/redirects.toml. Update this file on purpose with `kb lock`.
"""

# .doctrees/: Sphinx's doctree folder, inside the output by default (the search index keeps
# its documents there).
SKIP_PREFIXES = ("_static/", "_sources/", "_images/", "_modules/", ".doctrees/")
SKIP_PAGES = {"genindex.html", "search.html", "py-modindex.html"}


class RedirectError(ValueError):
    """conf/redirects.toml cannot be read: the message and ``path:line`` of the problem."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(message)
        self.location = location


@dataclass
class Redirects:
    #: old page path -> new page path (e.g. "articles/old.html" -> "articles/new.html")
    pages: dict[str, str]
    #: "page.html#old-id" -> "page.html#new-id" (the target may be on another page)
    fragments: dict[str, str]

    def fragments_from(self, page: str) -> dict[str, str]:
        prefix = page + "#"
        return {k[len(prefix) :]: v for k, v in self.fragments.items() if k.startswith(prefix)}

    def resolve(self, url: str) -> str | None:
        """Where a locked URL now lives according to the declared redirects, if anywhere."""
        if url in self.fragments:
            return self.fragments[url]
        page, _, fragment = url.partition("#")
        if page in self.pages:
            return self.pages[page] + (f"#{fragment}" if fragment else "")
        return None


def load_redirects(path: Path) -> Redirects:
    """The redirects of ``path`` (none when it is missing). Raises :class:`RedirectError`
    naming the file and line of the problem."""
    if not path.is_file():
        return Redirects({}, {})
    try:
        data, text = read_toml(path)
    except ConfigError as err:
        raise RedirectError(str(err.first), err.first.location) from None
    lines = Lines(text)

    def problem(key: str, message: str) -> RedirectError:
        line = lines.key(1, len(lines), key) or lines.table(key)
        return RedirectError(f"{path}:{line or 1}: {message}", f"{path}:{line or 1}")

    pages = data.get("pages", {})
    fragments = data.get("fragments", {})
    if not isinstance(pages, dict) or not isinstance(fragments, dict):
        key = "pages" if not isinstance(pages, dict) else "fragments"
        raise problem(key, "[pages] and [fragments] must be tables of old = new")
    for key, value in [*pages.items(), *fragments.items()]:
        if not isinstance(value, str) or not value:
            raise problem(f'"{key}"', f"redirect for {key!r} must be a non-empty string")
    for key in fragments:
        if "#" not in key:
            raise problem(f'"{key}"', f"fragment redirect {key!r} needs page.html#id")
    return Redirects(dict(pages), dict(fragments))


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.shared: list[str] = []
        self.redirect = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "button" and "kb-copy-link" in (values.get("class") or "").split():
            anchor = values.get("data-kb-anchor")
            if anchor and anchor not in self.shared:
                self.shared.append(anchor)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.redirect = True


@dataclass
class PageAnchors:
    ids: set[str] = field(default_factory=set)
    shared: list[str] = field(default_factory=list)
    redirect: bool = False


def scan_site(site: Path) -> dict[str, PageAnchors]:
    """Every content page of a built site with its ids and its shareable fragments."""
    pages: dict[str, PageAnchors] = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(SKIP_PREFIXES) or rel in SKIP_PAGES:
            continue
        parser = _AnchorParser()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[rel] = PageAnchors(parser.ids, parser.shared, parser.redirect)
    return pages


def published_urls(site: Path) -> list[str]:
    """Page URLs and page#fragment URLs a reader can share (redirect stubs excluded)."""
    urls: list[str] = []
    for page, anchors in scan_site(site).items():
        if anchors.redirect:
            continue
        urls.append(page)
        urls.extend(f"{page}#{fragment}" for fragment in anchors.shared)
    return sorted(urls)


def read_lock(path: Path) -> list[tuple[int, str]]:
    """(line number, url) of every entry of the lock file."""
    entries = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if text and not text.startswith("#"):
            entries.append((lineno, text))
    return entries


def write_lock(path: Path, urls: list[str]) -> None:
    write_atomic(path, LOCK_HEADER + "".join(f"{url}\n" for url in urls))


@dataclass
class CheckResult:
    broken: list[str]
    redirected: list[str]
    unlocked: list[str]


def _resolves(url: str, pages: dict[str, PageAnchors]) -> bool:
    page, _, fragment = url.partition("#")
    anchors = pages.get(page)
    if anchors is None or anchors.redirect:
        return False
    return not fragment or fragment in anchors.ids


def check_lock(site: Path, lock: Path, redirects: Redirects) -> CheckResult:
    pages = scan_site(site)
    broken: list[str] = []
    redirected: list[str] = []
    locked = set()
    for lineno, url in read_lock(lock):
        locked.add(url)
        if _resolves(url, pages):
            continue
        target = redirects.resolve(url)
        if target is not None and _resolves(target, pages):
            redirected.append(f"{url} -> {target}")
        elif target is not None:
            broken.append(
                f"{lock}:{lineno}: {url} is redirected to {target}, which does not resolve"
            )
        else:
            broken.append(
                f"{lock}:{lineno}: {url} no longer resolves; restore it, declare a "
                f"redirect in conf/redirects.toml, or run `kb lock` to retire it on purpose"
            )
    unlocked = [url for url in published_urls(site) if url not in locked]
    return CheckResult(broken, redirected, unlocked)
