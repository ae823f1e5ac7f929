"""Builds of tests/roots/test-trust: the real articles' titles, front matter and tags."""

from __future__ import annotations

import difflib
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from sphinx.environment import BuildEnvironment
from sphinx.testing.util import SphinxTestApp

ROOT = Path(__file__).resolve().parent.parent
TRUST_ROOT = Path(__file__).resolve().parent / "roots" / "test-trust"
#: The project's policy files (safety rules) for the test roots.
POLICY = {"kb_policy_dir": str(ROOT / "conf")}

DOES_IT_HELP = "articles/foam-rolling-for-back-pain-does-it-actually-help"
ARE_GOOD = "articles/are-foam-rollers-good-for-your-back"
WHAT_WORKS = "articles/foam-roller-and-lower-back-pain-what-actually-works"
HEALTHY = "answers/is-it-healthy-to-foam-roll-your-back"
FOREARMS = "articles/foam-rolling-forearms-and-hands"
ARTICLES = (DOES_IT_HELP, ARE_GOOD, WHAT_WORKS, HEALTHY, FOREARMS)


@dataclass
class Built:
    outdir: Path
    env: BuildEnvironment
    warnings: str
    status: str

    def soup(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.outdir / page).read_text(encoding="utf-8"), "html.parser")

    def html(self, page: str) -> str:
        return (self.outdir / page).read_text(encoding="utf-8")


def copy_root(dest: Path, root: Path = TRUST_ROOT) -> Path:
    srcdir = dest / "src"
    shutil.copytree(root, srcdir)
    return srcdir


@contextmanager
def building(
    srcdir: Path, builddir: Path, builder: str = "html", **kwargs: Any
) -> Iterator[SphinxTestApp]:
    # kb_parallel_read_min 0: with -j, read in worker processes however few pages there are.
    confoverrides = {**POLICY, "kb_parallel_read_min": 0, **kwargs.pop("confoverrides", {})}
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=builddir,
        confoverrides=confoverrides,
        **kwargs,
    )
    try:
        app.build()
        yield app
    finally:
        app.cleanup()


def build(srcdir: Path, builddir: Path, builder: str = "html", **kwargs: Any) -> Built:
    with building(srcdir, builddir, builder, **kwargs) as app:
        return Built(
            Path(app.outdir),
            app.env,
            strip_colours(app.warning.getvalue()),
            strip_colours(app.status.getvalue()),
        )


def strip_colours(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def body(path: Path) -> str:
    """The page's <body>, and its JSON-LD (everything our extension writes)."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"<body.*</body>", text, re.S)
    assert match, path
    jsonld = re.findall(r'<script type="application/ld\+json">.*?</script>', text)
    return "\n".join([*jsonld, match.group(0)])


def bodies(outdir: Path) -> dict[str, str]:
    return {
        p.relative_to(outdir).as_posix(): body(p)
        for p in sorted(outdir.rglob("*.html"))
        if not p.relative_to(outdir).as_posix().startswith(("_static/", "_sources/"))
    }


def assert_same_pages(got: dict[str, str], expected: dict[str, str]) -> None:
    """Equal page sets and contents; on a difference, show the differing lines."""
    assert got.keys() == expected.keys()
    for page, text in expected.items():
        if got[page] != text:
            diff = difflib.unified_diff(
                text.splitlines(), got[page].splitlines(), "expected", "got", n=1, lineterm=""
            )
            raise AssertionError(f"{page} differs:\n" + "\n".join(list(diff)[:40]))
