"""``python -m healthkb.perf.build``: the Python process around Sphinx (healthkb/perf/build.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ROOTS = ROOT / "tests" / "roots"


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stdout.strip()


def test_a_build_never_imports_soupsieve(tmp_path: Path) -> None:
    """furo imports BeautifulSoup, which imports soupsieve (0.1-0.2 s of every build's
    start-up); the site's navigation needs neither, so a whole build goes without it."""
    out = tmp_path / "html"
    code = f"""
import sys
from healthkb.perf.build import main
status = main(["-b", "html", "-q", "-j", "1", {str(ROOTS / "test-search")!r}, {str(out)!r}])
print(status, "furo" in sys.modules, "bs4" in sys.modules, "soupsieve.css_parser" in sys.modules)
"""
    assert _python(code) == "0 True True False"
    assert (out / "index.html").is_file()


def test_a_deferred_module_is_imported_when_first_used() -> None:
    code = """
import sys
from healthkb.perf.build import _Deferred, defer_import
assert defer_import("soupsieve") and isinstance(sys.modules["soupsieve"], _Deferred)
assert not defer_import("soupsieve")  # already there
assert not defer_import("no_such_module_here")
from bs4 import BeautifulSoup  # holds the stand-in
assert "soupsieve.css_parser" not in sys.modules
soup = BeautifulSoup("<p class='a'>one</p><p>two</p>", "html.parser")
print([p.get_text() for p in soup.select("p.a")], type(sys.modules["soupsieve"]).__name__)
import soupsieve
print(soupsieve.match("p", soup.p), soupsieve is sys.modules["soupsieve"])
"""
    assert _python(code).splitlines() == ["['one'] module", "True True"]


def test_a_build_that_reads_no_page_never_imports_textstat(tmp_path: Path) -> None:
    """The reading-level measure imports textstat (about 50 ms with its dictionaries' packages)
    only when a page is read: a no-op build goes without it; a clean build uses it."""
    out = tmp_path / "html"
    doctrees = tmp_path / "doctrees"
    args = [
        "-b",
        "html",
        "-q",
        "-j",
        "1",
        "-d",
        str(doctrees),
        str(ROOTS / "test-search"),
        str(out),
    ]
    code = f"""
import sys
from healthkb.perf.build import main
status = main({args!r})
print(status, "textstat" in sys.modules)
"""
    assert _python(code) == "0 True"  # the clean build measured every page
    assert _python(code) == "0 False"  # the no-op build read none


def test_a_build_that_reads_no_page_never_loads_the_learned_reading(tmp_path: Path) -> None:
    """The learned reading's weights (conf/safety-model.json, about 60 ms to load) are loaded
    with the safety matcher, before the first page is read: a no-op build goes without."""
    out = tmp_path / "html"
    doctrees = tmp_path / "doctrees"
    rules = ROOT / "conf" / "safety-concepts.toml"
    args = ["-b", "html", "-q", "-j", "1", "-D", f"kb_safety_rules={rules}", "-d", str(doctrees)]
    args += [str(ROOTS / "test-safety-learned"), str(out)]
    code = f"""
import healthkb.safety.state as state
from healthkb.perf.build import main
loads = []
read = state.load_reading
state.load_reading = lambda path: loads.append(path) or read(path)
status = main({args!r})
print(status, len(loads))
"""
    assert _python(code) == "0 1"  # the clean build read the page, with the reading
    assert _python(code) == "0 0"  # the no-op build read none
