"""Input/expected pairs per shape: tests/fixtures/importer/<case>/input.txt gives
expected.md (the page) and expected-report.json, or expected-error.txt (a refusal)."""

from __future__ import annotations

import pytest

from healthkb.importer import ImportRefused
from healthkb.importer.pipeline import render_file
from tests.importer.conftest import IMPORTER, REGENERATE, check_json, check_text
from tests.importer.myst import doctree, markup_problems

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:myst_parser.*")

CASES = sorted(p.name for p in IMPORTER.iterdir() if p.is_dir() and (p / "input.txt").is_file())


def test_there_are_cases_for_every_shape() -> None:
    for prefix in ("blog-", "legacy-", "answers-", "hostile-", "refused-"):
        assert any(case.startswith(prefix) for case in CASES), prefix


@pytest.mark.parametrize("case", CASES)
def test_case(case: str) -> None:
    folder = IMPORTER / case
    data = (folder / "input.txt").read_bytes()
    error = folder / "expected-error.txt"
    if case.startswith("refused-"):
        with pytest.raises(ImportRefused) as info:
            render_file(data, path=f"{case}/input.txt")
        check_text(error, str(info.value) + "\n")
        return
    article, page, text = render_file(data, path=f"{case}/input.txt")
    check_text(folder / "expected.md", text)
    check_json(
        folder / "expected-report.json",
        {"page": page, "shape": article.shape, **article.report.as_dict()},
    )


@pytest.mark.parametrize("case", [c for c in CASES if not c.startswith("refused-")])
def test_expected_page_is_plain_myst(case: str) -> None:
    """The reviewed page parses with MyST without a warning, and its text stays text."""
    if REGENERATE:
        pytest.skip("regenerating")
    page = (IMPORTER / case / "expected.md").read_text(encoding="utf-8")
    doc, warnings = doctree(page)
    assert warnings == ""
    assert markup_problems(doc) == []


def test_refusals_name_the_file() -> None:
    for case in CASES:
        if case.startswith("refused-"):
            message = (IMPORTER / case / "expected-error.txt").read_text(encoding="utf-8")
            assert message.startswith(f"{case}/input.txt"), case
            assert "Traceback" not in message
