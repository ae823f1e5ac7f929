"""The landing page's entry points: what they show on a small site, and bad options."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

from healthkb.site.landing import _matches
from tests.trust_site import build

CONF = (
    'extensions = ["myst_parser", "sphinx_design", "healthkb"]\nhtml_theme = "furo"\n'
    'myst_enable_extensions = ["colon_fence"]\n'
)

INDEX = """\
# Start here

```{safety} Get help now
:level: urgent
Call your local emergency number if you lose control of your bladder.
```

::::{kb-entry-points}
:::{kb-entry-point} Feet
:topic: body-part:feet
:match: plantar; arch of the foot
Pain under your feet.
:::

:::{kb-entry-point} Bad topic
:topic: lower back
:::

:::{kb-entry-point} Bad link
:link: nowhere
:::

:::{kb-entry-point} Bad level
:safety: urgent severe
:::
::::

```{toctree}
guide
```
"""

GUIDE = """\
# Guide

```{safety} See a doctor about numb legs
:level: professional
Stop rolling and see a doctor if your legs feel numb.
```
"""


def test_entry_points_on_a_small_site(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.md").write_text(INDEX, encoding="utf-8")
    (src / "guide.md").write_text(GUIDE, encoding="utf-8")
    built = build(src, tmp_path / "build", freshenv=True)

    errors = [line for line in built.warnings.splitlines() if "[kb.entry-point]" in line]
    # MyST gives a directive nested in another the line after its fence: here, the
    # line of the offending option.
    assert [line.split(": ", 1)[0].rsplit("/", 1)[-1] for line in errors] == [
        "index.md:16",
        "index.md:20",
        "index.md:24",
    ]
    assert "ERROR: entry point 'Bad topic': :topic: 'lower back' is not a facet tag" in errors[0]
    assert (
        "ERROR: entry point 'Bad link': :link: 'nowhere' is not a page of this site" in (errors[1])
    )
    assert (
        "ERROR: entry point 'Bad level': :safety: severe (levels: urgent, professional"
        in (errors[2])
    )

    soup = BeautifulSoup((built.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    boxes = {}
    for box in soup.select(".kb-entry"):
        title = box.select_one(".kb-entry__title")
        assert title is not None
        # A heading one level below the section the entry points sit in (here: the h1).
        assert title.name == "h2"
        boxes[title.get_text()] = box
    feet = boxes["Feet"]
    # Nothing matches yet: the entry point says so and offers the search.
    more = feet.select_one(".kb-entry__more")
    assert isinstance(more, Tag)
    assert more.get_text() == "Nothing published on this yet. Search for “Feet”"
    assert feet.select(".kb-entry__links") == []
    # A level entry point lists the cards of other pages, not the landing page's own.
    level = [a.get_text() for a in boxes["Bad level"].select(".kb-entry__links a")]
    assert level == []  # "urgent" only: the urgent card is on this page


def test_entry_point_matching_counts_the_terms_that_start_a_word() -> None:
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    words = st.sampled_from(["roll", "rolling", "back", "lower", "numb", "numbness", "a+b", "."])

    @settings(max_examples=200, deadline=None)
    @given(text=st.lists(words, max_size=8).map(" ".join), terms=st.lists(words, max_size=4))
    def check(text: str, terms: list[str]) -> None:
        naive = sum(1 for t in terms if re.search(r"\b" + re.escape(t), text.lower()))
        assert _matches(text, terms) == naive

    check()
    assert _matches("Numbness in the LOWER back", ["numb", "lower", "leg"]) == 2
