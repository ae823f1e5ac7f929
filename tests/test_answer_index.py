"""The answer index the search page reads (healthkb.search.answerindex), without a build."""

from __future__ import annotations

from typing import Any

from healthkb.search.answerindex import TITLE_WEIGHT, TOP_K, build_index, shard_key, stem, words
from healthkb.search.documents import FACETS, SearchPage


def _record(rid: str, kind: str, title: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "kind": kind, "title": title, "text": text, "lineno": 1, **extra}


def _postings(files: dict[str, Any], word: str) -> dict[int, tuple[int, int]]:
    """record -> (weighted count, length norm × 100) of a word's stem."""
    term = stem(word)
    flat = files[f"w/{shard_key(term)}.json"]["p"][term]
    out: dict[int, tuple[int, int]] = {}
    record = 0
    for i in range(0, len(flat), 3):
        record += flat[i]
        out[record] = (flat[i + 1], flat[i + 2])
    return out


PAGES = [
    SearchPage(
        "lower-back",
        "lower-back.html",
        "Lower back rolling",
        [
            _record("lower-back", "page", "Lower back rolling", "Roll slowly."),
            _record("glutes", "section", "Glutes", "Rolling the glutes eases the lower back."),
            _record("stop", "safety", "Stop if it hurts", "Numbness means stop.", level="urgent"),
            _record("upper", "section", "Upper back", "Thoracic work.", within=["Exercises"]),
        ],
        {"body-part": ["lower back"]},
    ),
    SearchPage("faq", "faq.html", "Questions", [_record("q", "faq", "Can I roll?", "Yes.")], {}),
]


def test_words_are_read_as_the_search_page_reads_a_query() -> None:
    assert words("Don’ts and don't: it's the roller's") == [
        "don'ts",
        "and",
        "dont",
        "it",
        "the",
        "roller",
    ]
    plurals: list[str] = []
    assert words("The Do’s", plurals) == ["the", "do"] and plurals == ["dos"]
    assert stem("rolling") == stem("rolled") == "roll"
    assert shard_key("rolling") == "ro" and shard_key("über") == "_"


def test_postings_weigh_titles_and_keep_the_best_records() -> None:
    files = build_index(PAGES, FACETS)
    glutes = _postings(files, "glutes")
    # Record 1 (the Glutes section): its title and once in its text.
    assert glutes[1][0] == TITLE_WEIGHT + 1
    # The page title counts in every record of the page, a section's parents' titles too.
    assert set(_postings(files, "lower")) == {0, 1, 2, 3}
    assert 3 in _postings(files, "exercises")
    assert len(_postings(files, "roll")) <= TOP_K


def test_what_a_result_shows_and_the_meta_data() -> None:
    files = build_index(PAGES, FACETS)
    meta = files["meta.json"]
    # A page without an introduction gets a bare one: its title links to the top of the page.
    assert meta["records"] == 6 and meta["pages"] == [0, 4]
    assert meta["kinds"] == "psuspf"  # page, section, urgent card, section; page, FAQ
    assert meta["facets"]["body-part"] == {"lower back": 1}
    assert files["filters.json"]["body-part"]["lower back"] == [0]
    shown = files["d/0.json"]
    assert shown["pages"]["0"] == ["Lower back rolling", "lower-back.html"]
    assert shown["records"][2] == [
        0,
        "safety",
        "urgent",
        "Stop if it hurts",
        "stop",
        "Numbness means stop.",
    ]
    # The dictionary a misspelled word is corrected with: by first letter, most records first.
    assert files["dict/r.json"][0] == "rolling"
