"""The speed layer (healthkb/perf): switchable, guarded, and the only place of private API.

- ``kb_fast_build = False`` installs none of its speed patches, and the site is
  byte-identical to the one built with them (serial and ``-j 2``);
- a patch whose Sphinx internals are missing is not installed: the build logs one line
  naming it and writes the same site;
- no module outside ``perf/`` reaches for an underscored attribute of another package's
  objects (a scan of the package's source).
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

from healthkb.perf.tocs import LazyTocs
from tests.scale_builds import Built, build, copy_root, differences, output_files

PACKAGE = Path(__file__).resolve().parent.parent / "extensions" / "healthkb"

#: The start of the one line a guard logs for a patch it leaves out.
GUARD_LINE = "kb_fast_build: "


def _layer_off(src: Path) -> None:
    conf = src / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\nkb_fast_build = False\n")


def _guard_lines(built: Built) -> list[str]:
    return [line for line in built.status.splitlines() if GUARD_LINE in line]


def _same_site(left: Path, right: Path) -> None:
    # output_files compares every file byte for byte (the search index included), except
    # Sphinx's .buildinfo, compared here on its own, below.
    problems = differences(output_files(left), output_files(right))
    assert not problems, "\n".join(problems)
    # kb_fast_build rebuilds nothing, so it is not part of the configuration's hash.
    assert (left / ".buildinfo").read_bytes() == (right / ".buildinfo").read_bytes()


def test_the_site_is_the_same_with_the_layer_on_or_off(tmp_path: Path) -> None:
    src = copy_root(tmp_path)
    fast = build(src, tmp_path / "fast", freshenv=True)
    tocs: list[type] = []
    plain = copy_root(tmp_path / "plain")
    _layer_off(plain)

    def note_tocs(app: Any) -> None:
        tocs.append(type(app.env.tocs))
        assert "_write_parallel" not in vars(app.builder)  # Sphinx's own writing

    slow = build(plain, tmp_path / "slow", freshenv=True, before=note_tocs)
    slow_j2 = build(plain, tmp_path / "slow-j2", parallel=2, freshenv=True, before=note_tocs)
    assert tocs == [dict, dict]
    assert fast.warnings == slow.warnings == slow_j2.warnings == ""
    assert not _guard_lines(fast) and not _guard_lines(slow) and not _guard_lines(slow_j2)
    # Sphinx indexes the pages itself when the layer is off; its index is not published.
    assert not (slow.outdir / "searchindex.js").exists()
    _same_site(fast.outdir, slow.outdir)
    _same_site(fast.outdir, slow_j2.outdir)


def test_an_environment_saved_by_a_fast_build_is_plain_again_with_the_layer_off(
    tmp_path: Path,
) -> None:
    src = copy_root(tmp_path)
    seen: list[type] = []
    build(
        src, tmp_path / "build", freshenv=True, before=lambda app: seen.append(type(app.env.tocs))
    )
    _layer_off(src)
    again = build(src, tmp_path / "build", before=lambda app: seen.append(type(app.env.tocs)))
    assert seen == [LazyTocs, dict]
    assert "0 added, 0 changed, 0 removed" in again.status


class _OtherTocs(dict[str, Any]):
    """A table of contents store of another type than the plain dict the patch swaps."""


def _tocs_of_another_type(monkeypatch: pytest.MonkeyPatch) -> None:
    init = BuildEnvironment.__init__

    def made(self: BuildEnvironment, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.tocs = _OtherTocs()

    monkeypatch.setattr(BuildEnvironment, "__init__", made)


def _write_parallel_with_another_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    write_parallel = Builder._write_parallel

    def changed(self: Builder, docnames: Sequence[str], nproc: int, chunk: int = 0) -> None:
        write_parallel(self, docnames, nproc)

    monkeypatch.setattr(Builder, "_write_parallel", changed)


GONE: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], str]] = {
    "tables of contents kept pickled": (_tocs_of_another_type, "env.tocs"),
    "parallel writing": (
        _write_parallel_with_another_signature,
        "Builder._write_parallel(docnames, nproc)",
    ),
}


@pytest.mark.parametrize("patch", list(GONE))
def test_a_patch_whose_internals_are_gone_leaves_sphinx_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patch: str
) -> None:
    src = copy_root(tmp_path)
    normal = build(src, tmp_path / "normal", parallel=2, freshenv=True)
    take_away, missing = GONE[patch]
    take_away(monkeypatch)
    fallback = build(src, tmp_path / "fallback", parallel=2, freshenv=True)
    (line,) = _guard_lines(fallback)
    assert f"{patch} not installed (missing: {missing})" in line
    assert fallback.warnings == ""
    _same_site(normal.outdir, fallback.outdir)


# -- private API only in perf/ --------------------------------------------------------------
#: Underscored names that are public API or our own: namedtuple's ``_replace``, and the
#: ``_kb_*`` attributes our modules set for themselves.
ALLOWED = {"_replace"}
OWN_PREFIX = "_kb_"
SELF = {"self", "cls"}


def _private(name: str) -> bool:
    return (
        name.startswith("_")
        and not (name.startswith("__") and name.endswith("__"))
        and name not in ALLOWED
        and not name.startswith(OWN_PREFIX)
    )


def private_uses(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of each use of an underscored attribute of an object other than
    ``self``/``cls``: ``x._name``, ``getattr(x, "_name")`` (and set/has/delattr), and
    ``from package import _name`` or ``package._module`` of a package not ours."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in SELF):
                yield node.lineno, ast.unparse(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"getattr", "setattr", "hasattr", "delattr"} and len(node.args) > 1:
                name = node.args[1]
                if isinstance(name, ast.Constant) and _private(str(name.value)):
                    yield node.lineno, ast.unparse(node)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "healthkb":
                continue
            parts = [*node.module.split("."), *(alias.name for alias in node.names)]
            if any(_private(part) for part in parts):
                yield node.lineno, f"from {node.module} import ..."


def test_the_scan_finds_private_attributes_of_other_objects() -> None:
    source = inspect.cleandoc(
        """
        from sphinx.builders.html._build_info import BuildInfo
        def f(app, self):
            app.builder._foo = 1
            self._mine = 2
            getattr(app.env, "_pickled_doctree_cache")
            app._kb_state = 3
            parts._replace(query="")
            app.__dict__
        """
    )
    assert [text for _, text in sorted(private_uses(source))] == [
        "from sphinx.builders.html._build_info import ...",
        "app.builder._foo",
        "getattr(app.env, '_pickled_doctree_cache')",
    ]


def test_private_api_is_used_only_in_the_speed_layer() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "perf" not in path.relative_to(PACKAGE).parts
        for line, text in private_uses(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)
