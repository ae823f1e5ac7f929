"""Helpers for build-correctness tests: build a test root with Sphinx and compare outputs."""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "conf" / "safety-concepts.toml"
SCALE_ROOT = Path(__file__).resolve().parent / "roots" / "test-scale"
CONF = {"kb_safety_rules": str(RULES)}

#: Files whose bytes legitimately differ between builds (Sphinx's own build record).
IGNORED = {".buildinfo"}


@dataclass
class Built:
    outdir: Path
    status: str
    warnings: str
    #: Whether Sphinx allowed parallel reading and writing (every extension is parallel safe).
    parallel_safe: bool = True


def copy_root(tmp: Path, root: Path = SCALE_ROOT) -> Path:
    srcdir = tmp / "src"
    shutil.copytree(root, srcdir)
    return srcdir


def build(
    srcdir: Path,
    builddir: Path,
    *,
    parallel: int = 1,
    freshenv: bool = False,
    buildername: str = "html",
    parallel_read_min: int | None = 0,
    before: Callable[[SphinxTestApp], object] | None = None,
) -> Built:
    """Build ``srcdir`` into ``builddir/<builder>`` (doctrees kept for incremental builds).

    ``parallel_read_min`` 0 (the default here): with ``parallel`` above 1, pages are read
    in worker processes however few there are; None keeps the value of ``conf.py``.
    ``before`` is called with the application before it builds (to connect a handler)."""
    conf: dict[str, object] = dict(CONF)
    if parallel_read_min is not None:
        conf["kb_parallel_read_min"] = parallel_read_min
    app = SphinxTestApp(
        buildername,
        srcdir=srcdir,
        builddir=builddir,
        freshenv=freshenv,
        parallel=parallel,
        confoverrides=conf,
    )
    try:
        if before is not None:
            before(app)
        app.build()
        safe = app.is_parallel_allowed("read") and app.is_parallel_allowed("write")
        return Built(Path(app.outdir), app.status.getvalue(), app.warning.getvalue(), safe)
    finally:
        app.cleanup()


def output_files(outdir: Path) -> dict[str, bytes]:
    """Every file of a built site (relative path -> bytes), except Sphinx's build record."""
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        if path.is_file() and path.name not in IGNORED
    }


def differences(left: dict[str, bytes], right: dict[str, bytes], limit: int = 3) -> list[str]:
    """Readable differences between two built sites (file sets, then a few unified diffs)."""
    problems = []
    for name in sorted(left.keys() - right.keys()):
        problems.append(f"only in the first build: {name}")
    for name in sorted(right.keys() - left.keys()):
        problems.append(f"only in the second build: {name}")
    shown = 0
    for name in sorted(left.keys() & right.keys()):
        if left[name] == right[name]:
            continue
        problems.append(f"differs: {name}")
        if shown < limit:
            shown += 1
            diff = difflib.unified_diff(
                left[name].decode("utf-8", "replace").splitlines(),
                right[name].decode("utf-8", "replace").splitlines(),
                lineterm="",
                n=1,
            )
            problems.extend(list(diff)[2:40])
    return problems


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must occur) and make the file newer than the last build."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    bump(path)


def bump(path: Path) -> None:
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
