"""conf/import-curation.toml: the curation every import applies, and its error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthkb.importer import convert
from healthkb.importer.curation import CurationError, apply, load
from healthkb.importer.model import FAQ, Safety
from healthkb.importer.writer import render

ARTICLE = """# Rolling Guide

> Summary.

**URL:** https://321strong.com/blog/rolling-guide
**Published:** 2026-01-01
**Tags:** back pain, forearms

---

Roll slowly.

## FAQ

**Q: How long for the forearms?**
A: Two minutes.

**Q: And the hands?**
A: One minute.
"""


def _curation(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "import-curation.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_split_add_and_acknowledge(tmp_path: Path) -> None:
    curation = load(
        _curation(
            tmp_path,
            """
[[split_faq]]
from = "rolling-guide"
slug = "forearm-questions"
title = "Forearm Questions"
tags = ["forearms"]
source_tags = ["back pain"]

[[add_safety]]
page = "rolling-guide"
after = "Roll slowly"
title = "Stop if it hurts"
level = "caution"
text = "Sharp pain means stop."

[[acknowledge]]
page = "rolling-guide"
check = "faq-off-topic"
target = "x"
reason = "Kept on purpose."
""",
        )
    )
    article = convert(ARTICLE, path="a.md")
    (slug, split), *rest = apply(curation, "rolling-guide", article)
    assert rest == [] and slug == "forearm-questions"
    assert [b.question for b in split.blocks if isinstance(b, FAQ)] == [
        "How long for the forearms?",
        "And the hands?",
    ]
    assert split.tags == ["forearms"] and split.source_url == article.source_url
    assert not any(isinstance(b, FAQ) for b in article.blocks)
    assert article.tags == ["back pain"]
    card = next(b for b in article.blocks if isinstance(b, Safety))
    assert (card.title, card.level, card.name) == (
        "Stop if it hurts",
        "caution",
        "stop-if-it-hurts",
    )
    page = render(article)
    assert (
        "kb_acknowledge:\n  - check: faq-off-topic\n    target: x\n    reason: Kept on purpose.\n"
        in page
    )
    assert page.index("Roll slowly.") < page.index("```{safety} Stop if it hurts")


def test_review_metadata(tmp_path: Path) -> None:
    curation = load(
        _curation(
            tmp_path,
            "[[review]]\npage = 'rolling-guide'\nreviewed = 2026-07-01\n"
            "review_due = '2027-07-01'\nreviewed_by = 'A. Physio, PT'\n",
        )
    )
    article = convert(ARTICLE, path="a.md")
    apply(curation, "rolling-guide", article)
    page = render(article)
    assert "reviewed: 2026-07-01\nreview_due: 2027-07-01\nreviewed_by: A. Physio, PT\n" in page
    assert article.report.unknown == []
    with pytest.raises(CurationError, match="'reviewed' must be a date"):
        load(_curation(tmp_path, "[[review]]\npage='a'\nreviewed='soon'\n"))


def test_curation_that_does_not_apply_is_reported(tmp_path: Path) -> None:
    curation = load(
        _curation(
            tmp_path,
            """
[[split_faq]]
from = "rolling-guide"
section = "Questions"
slug = "x"
title = "X"

[[add_safety]]
page = "rolling-guide"
after = "No such text"
title = "T"
level = "urgent"
text = "x"
""",
        )
    )
    article = convert(ARTICLE, path="a.md")
    assert apply(curation, "rolling-guide", article) == []
    warnings = [w.message for w in article.report.warnings]
    assert any("no section 'Questions' to split off" in w for w in warnings)
    assert any("no block starts with 'No such text'" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[split_faq]]\nfrom = 'a'\n", "[[split_faq]] #1: 'slug' is missing"),
        (
            "[[add_safety]]\npage='a'\nafter='b'\ntitle='t'\nlevel='loud'\ntext='x'\n",
            "level 'loud'",
        ),
        ("[[acknowledge]]\npage = 1\n", "'page' must be a non-empty string"),
        ("[[split_faq]]\nfrom='a'\nslug='b'\ntitle='c'\ntags='d'\n", "'tags' must be a list"),
        ("[other]\nx = 1\n", "unknown table(s) ['other']"),
        ("split_faq = 3\n", "split_faq must be an array of tables"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_bad_curation_files(tmp_path: Path, text: str, message: str) -> None:
    path = _curation(tmp_path, text)
    with pytest.raises(CurationError) as info:
        load(path)
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


def test_the_projects_curation_file_loads() -> None:
    curation = load(Path(__file__).resolve().parents[2] / "conf" / "import-curation.toml")
    assert [s.slug for s in curation.split_faq] == ["foam-rolling-forearms-and-hands"]
    assert [c.page for c in curation.add_safety] == ["are-foam-rollers-good-for-your-back"]
