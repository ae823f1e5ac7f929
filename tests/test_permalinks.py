"""The permalink lock: `kb check` fails when a published URL disappears, unless a
redirect is declared; `kb lock` updates the lock on purpose."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from healthkb.site.permalinks import (
    RedirectError,
    check_lock,
    load_redirects,
    published_urls,
    write_lock,
)

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A checkout-shaped project (conf/ + docs/) around the links test root."""
    root = tmp_path / "kb"
    shutil.copytree(ROOTS / "test-links", root / "docs")
    (root / "conf").mkdir()
    shutil.move(root / "docs" / "conf.py", root / "conf" / "conf.py")
    (root / "conf" / "redirects.toml").write_text("", encoding="utf-8")
    (root / "docs" / "redirects.toml").unlink()
    return root


def _site(project: Path) -> Path:
    out = project / "build" / "html"
    subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-q", "-b", "html"),
            *("-c", str(project / "conf"), str(project / "docs"), str(out)),
        ],
        check=True,
        capture_output=True,
    )
    return out


def _kb(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "healthkb.cli.main", *args],
        cwd=project,
        capture_output=True,
        text=True,
    )


def test_lock_lists_pages_and_shareable_fragments(project: Path) -> None:
    site = _site(project)
    # An HTML file left in Sphinx's doctree folder (inside the output, as `make html` builds
    # it), as an earlier search indexer kept one per page there.
    stray = site / ".doctrees" / "kept" / "guide.html"
    stray.parent.mkdir(parents=True)
    stray.write_text('<html><body><h1 id="x">Guide</h1></body></html>', encoding="utf-8")
    urls = published_urls(site)
    assert "guide.html" in urls
    assert "guide.html#lower-back-technique" in urls
    assert "index.html#links-test" in urls
    # Only fragments with a copy-link control: no theme-internal ids.
    assert not any(url.endswith("#furo-main-content") for url in urls)
    # Sphinx's doctree folder is not published, whatever HTML it holds.
    assert list((site / ".doctrees").rglob("guide.html"))
    assert not any(url.startswith(".doctrees/") for url in urls)


def test_removed_heading_fails_check_until_redirected(project: Path) -> None:
    site = _site(project)
    lock = project / "conf" / "permalinks.lock"
    write_lock(lock, published_urls(site))
    assert check_lock(site, lock, load_redirects(project / "conf" / "nope.toml")).broken == []

    # An editor removes the "Stretch after rolling" heading.
    guide = project / "docs" / "guide.md"
    guide.write_text(
        guide.read_text(encoding="utf-8").replace("### Stretch after rolling\n", ""),
        encoding="utf-8",
    )
    _site(project)
    result = _kb(project, "check")
    assert result.returncode == 1
    assert "guide.html#lower-back-stretch-after-rolling no longer resolves" in result.stderr
    assert "permalinks.lock:" in result.stderr  # file and line of the entry

    # A declared redirect keeps the old link working.
    (project / "conf" / "redirects.toml").write_text(
        '[fragments]\n"guide.html#lower-back-stretch-after-rolling" = '
        '"guide.html#lower-back-technique"\n',
        encoding="utf-8",
    )
    _site(project)
    result = _kb(project, "check")
    assert result.returncode == 0, result.stderr
    assert "redirected: guide.html#lower-back-stretch-after-rolling" in result.stdout


def test_kb_lock_retires_urls_on_purpose(project: Path) -> None:
    _site(project)
    assert _kb(project, "lock").returncode == 0
    guide = project / "docs" / "guide.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("## Upper back", "## Neck"))
    _site(project)
    assert _kb(project, "check").returncode == 1
    locked = _kb(project, "lock")
    assert "holds" in locked.stdout
    assert _kb(project, "check").returncode == 0
    lock_text = (project / "conf" / "permalinks.lock").read_text(encoding="utf-8")
    assert "guide.html#neck" in lock_text
    assert "guide.html#upper-back\n" not in lock_text


def test_check_without_built_site_is_a_clear_message(project: Path) -> None:
    result = _kb(project, "check")
    assert result.returncode == 2
    assert "run `make html` first" in result.stderr


def test_bad_redirects_file(tmp_path: Path) -> None:
    bad = tmp_path / "redirects.toml"
    bad.write_text('[fragments]\n"no-fragment.html" = "x.html"\n', encoding="utf-8")
    with pytest.raises(RedirectError, match=r"redirects\.toml:2: .*needs page\.html#id"):
        load_redirects(bad)
    bad.write_text("[pages\n", encoding="utf-8")
    with pytest.raises(RedirectError, match=r"redirects\.toml:1: invalid TOML"):
        load_redirects(bad)
    # a file saved in another encoding is a problem with its line, not a traceback
    bad.write_bytes(b'[pages]\n"a.html" = "b\xe9.html"\n')
    with pytest.raises(RedirectError, match=r"redirects\.toml:2: .*UTF-8") as caught:
        load_redirects(bad)
    assert caught.value.location == f"{bad}:2"
