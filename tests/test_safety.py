"""Safety cards: rendering in every builder, domain objects, links, the safety hub, and
parallel and incremental builds."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

from healthkb.core.domain import kb_domain
from tests.conftest import ROOT

RULES_FILE = ROOT / "conf" / "safety-concepts.toml"
SAFETY: dict[str, Any] = {"kb_safety_rules": str(RULES_FILE)}
ROOTS = Path(__file__).resolve().parent / "roots"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"

CARDS = {
    # id -> (level, hidden prefix, title)
    "do-not-roll-directly-over-the-lumbar-spine": (
        "caution",
        "Take care: ",
        "Do not roll directly over the lumbar spine",
    ),
    "stop-nerve-symptoms-card": (
        "professional",
        "See a health professional: ",
        "Stop and see a health professional",
    ),
    "get-medical-help-straight-away": ("urgent", "Urgent: ", "Get medical help straight away"),
    "warm-up-before-you-roll": ("caution", "Take care: ", "Warm up before you roll"),
}


def _soup(app: SphinxTestApp, page: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / page).read_text(encoding="utf-8"), "html.parser")


def _card(soup: BeautifulSoup, card_id: str) -> Tag:
    card = soup.find(id=card_id)
    assert isinstance(card, Tag), card_id
    return card


# -- HTML ---------------------------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="safety", confoverrides=SAFETY, freshenv=True)
def test_builds_without_warnings(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="safety", confoverrides=SAFETY)
def test_card_per_level(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "cards.html")
    for card_id, (level, prefix, title) in CARDS.items():
        card = _card(soup, card_id)
        assert card["class"] == ["kb-safety", f"kb-safety--{level}"]
        heading = card.select_one(".kb-safety__header > .kb-safety__title")
        assert heading is not None and heading.name in {"h2", "h3"}
        hidden = heading.select_one("span.kb-visually-hidden")
        assert hidden is not None and hidden.get_text() == prefix
        # Screen readers read the prefix, then the title.
        assert heading.get_text() == prefix + title
        icon = card.select_one(".kb-safety__header > svg.kb-safety__icon")
        assert icon is not None and icon["aria-hidden"] == "true"
        button = card.select_one(".kb-safety__header > button.kb-copy-link")
        assert button is not None and button["data-kb-anchor"] == card_id
        assert button["aria-label"] == f"Copy link to safety card: {title}"
        assert card.select_one(".kb-safety__body p") is not None
    # A card under a level-2 heading has a level-3 heading.
    first = _card(soup, "do-not-roll-directly-over-the-lumbar-spine")
    assert first.select_one(".kb-safety__title").name == "h3"  # type: ignore[union-attr]
    # The body is full MyST: lists, links, emphasis.
    assert _card(soup, "stop-nerve-symptoms-card").select("ul li")
    assert first.select_one("a[href='neck.html']") is not None
    assert first.select_one("strong").get_text() == "glutes"  # type: ignore[union-attr]
    assert _card(soup, "get-medical-help-straight-away")["data-kb-rule"] == "urgent-cauda-equina"


def _normalised_cards(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    cards = soup.select("div.kb-safety")
    out = "\n".join(card.prettify() for card in cards)
    # Icons and copy-link glyphs are checked elsewhere; keep the snapshot readable.
    return re.sub(r' d="[^"]*"', ' d="…"', out)


@pytest.mark.sphinx("html", testroot="safety", confoverrides=SAFETY)
def test_cards_html_snapshot(app: SphinxTestApp) -> None:
    """The cards' HTML, compared with tests/snapshots/safety-cards.html.

    Set KB_UPDATE_SNAPSHOTS=1 to rewrite the snapshot after an intended change.
    """
    app.build()
    got = _normalised_cards((app.outdir / "cards.html").read_text(encoding="utf-8"))
    snapshot = SNAPSHOTS / "safety-cards.html"
    if os.environ.get("KB_UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(got, encoding="utf-8")
    assert got == snapshot.read_text(encoding="utf-8")


# -- domain objects, links, search ---------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="safety", confoverrides=SAFETY)
def test_cards_are_domain_objects(app: SphinxTestApp) -> None:
    app.build()
    inventory = InventoryFile.loads((app.outdir / "objects.inv").read_bytes(), uri="")
    for card_id, (_level, _prefix, title) in CARDS.items():
        item = inventory["kb:safety", f"cards#{card_id}"]  # qualified: docname#id
        assert item.uri == f"cards.html#{card_id}"
        assert item.display_name == title
    obj = kb_domain(app.env).objects[("safety", "get-medical-help-straight-away")]
    assert (obj["docname"], obj["level"], obj["rule"]) == ("cards", "urgent", "urgent-cauda-equina")


@pytest.mark.sphinx("html", testroot="safety", confoverrides=SAFETY)
def test_links_to_cards(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "lower-back.html")
    hrefs = [a["href"] for a in soup.select("article a.reference.internal")]
    assert "cards.html#stop-nerve-symptoms-card" in hrefs  # MyST [](#id)
    assert "cards.html#get-medical-help-straight-away" in hrefs  # {kb:safety} role
    link = soup.select_one("a[href='cards.html#stop-nerve-symptoms-card']")
    assert link is not None and link.get_text() == "Stop and see a health professional"


@pytest.mark.sphinx(
    "html",
    testroot="safety",
    srcdir="safety-sphinx-search",
    confoverrides={**SAFETY, "kb_search_engine": "sphinx"},
)
def test_search_index_has_cards(app: SphinxTestApp) -> None:
    app.build()
    index = (app.outdir / "searchindex.js").read_text(encoding="utf-8")
    # Cards are search objects of type kb:safety, shown by their titles.
    assert '"objtypes":{"0":"kb:safety","1":"kb:section"}' in index
    # The result links to the card itself (its anchor), shown by its title.
    assert ',"get-medical-help-straight-away","Get medical help straight away"]' in index
    # Card titles and bodies are text: their words are indexed.
    for word in ("lumbar", "tingl", "bladder"):
        assert f'"{word}' in index, word


# -- other builders -----------------------------------------------------------------------------
EXPECTED_LABELS = [
    "TAKE CARE: Do not roll directly over the lumbar spine",
    "SEE A HEALTH PROFESSIONAL: Stop and see a health professional",
    "URGENT: Get medical help straight away",
]


@pytest.mark.parametrize(
    ("builder", "output"),
    [
        ("text", "cards.txt"),
        ("latex", "kbsafetytest.tex"),
        ("man", "kbsafetytest.1"),
        ("texinfo", "kbsafetytest.texi"),
    ],
)
def test_every_builder_renders_cards(
    make_app: Callable[..., SphinxTestApp], tmp_path: Path, builder: str, output: str
) -> None:
    app = make_app(
        builder,
        srcdir=ROOTS / "test-safety",
        builddir=tmp_path / "_build",
        confoverrides=SAFETY,
    )
    app.build()
    assert app.warning.getvalue() == ""
    text = (app.outdir / output).read_text(encoding="utf-8")
    for label in EXPECTED_LABELS:
        assert label in text, (builder, label)
    assert "Stop rolling and see a physiotherapist or GP if" in text
    if builder == "text":
        # The label line, then the body, indented.
        assert "URGENT: Get medical help straight away\n\n   Call your local emergency" in text
    if builder == "latex":
        # A card never breaks across pages.
        assert text.count("\\begin{minipage}") == text.count("\\end{minipage}") >= 6
        assert "\\label{\\detokenize{cards:get-medical-help-straight-away}}" in text


@pytest.mark.sphinx("text", testroot="safety", confoverrides=SAFETY)
def test_hub_in_text(app: SphinxTestApp) -> None:
    app.build()
    text = (app.outdir / "safety.txt").read_text(encoding="utf-8")
    assert text.index("Urgent: get help now") < text.index("See a health professional")
    assert "* Get medical help straight away (Safety cards of every level)" in text


# -- the hub ------------------------------------------------------------------------------------
def _resolves(app: SphinxTestApp, href: str) -> bool:
    page, _, fragment = href.partition("#")
    return _soup(app, page).find(id=fragment) is not None


@pytest.mark.sphinx("html", testroot="safety", confoverrides=SAFETY)
def test_hub_groups_rules_by_level(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "safety.html")
    sections = [s["id"] for s in soup.select("section[id^='safety-level-']")]
    assert sections == ["safety-level-urgent", "safety-level-professional", "safety-level-caution"]
    headings = [
        s.select_one("h2").get_text().rstrip("¶")  # type: ignore[union-attr]
        for s in soup.select("section[id^='safety-level-']")
    ]
    assert headings == ["Urgent: get help now", "See a health professional", "Technique cautions"]

    def rules_in(level: str) -> list[str]:
        section = soup.find(id=f"safety-level-{level}")
        assert isinstance(section, Tag)
        return [str(div["id"]) for div in section.select("div.kb-safety-rule")]

    assert rules_in("urgent") == ["rule-urgent-cauda-equina"]
    assert rules_in("professional") == ["rule-stop-nerve-symptoms", "rule-check-first-conditions"]
    assert rules_in("caution") == [
        "rule-no-direct-lumbar-rolling",
        "rule-no-neck-bone-joint-rolling",
        "rule-no-acute-injury-rolling",
        "rule-limit-sustained-pressure",
    ]
    lumbar = _card(soup, "rule-no-direct-lumbar-rolling")
    assert "Do not roll directly over the lumbar spine (the lower back)." in lumbar.get_text()
    links = [a["href"] for a in lumbar.select("a")]
    assert links == [
        "cards.html#do-not-roll-directly-over-the-lumbar-spine",
        "lower-back.html#keep-the-roller-off-the-lumbar-spine",
    ]
    assert "No card applies this rule yet." in _card(soup, "rule-no-acute-injury-rolling").text
    caution = soup.find(id="safety-level-caution")
    assert isinstance(caution, Tag)
    assert "Cards without a rule" in caution.get_text()
    assert caution.select_one("a[href='cards.html#warm-up-before-you-roll']") is not None
    for link in soup.select("article a.reference.internal[href*='#']"):
        assert _resolves(app, str(link["href"])), link["href"]


# -- parallel and incremental builds -------------------------------------------------------------
def _html_pages(outdir: Path) -> dict[str, str]:
    return {
        path.relative_to(outdir).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(outdir.glob("*.html"))
    }


def test_parallel_build_equals_serial(
    make_app: Callable[..., SphinxTestApp], tmp_path: Path
) -> None:
    outputs = []
    for jobs in (1, 2):
        app = make_app(
            "html",
            srcdir=ROOTS / "test-safety",
            builddir=tmp_path / f"_build-j{jobs}",
            # kb_parallel_read_min 0: read in worker processes however few pages there are.
            confoverrides={**SAFETY, "kb_parallel_read_min": 0},
            parallel=jobs,
        )
        app.build()
        assert app.warning.getvalue() == ""
        if jobs == 2:
            # Really parallel: documents are read in chunks ("cards .. index"), not one by one.
            status = re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())
            assert re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", status)
        outputs.append(_html_pages(app.outdir))
        app.cleanup()
    serial, parallel = outputs
    assert serial.keys() == parallel.keys()
    assert len(serial) >= 7
    for page in serial:
        assert parallel[page] == serial[page], page


def _write(path: Path, text: str) -> None:
    """Write ``text``; the new mtime is later than the last build's reading time."""
    time.sleep(0.01)
    path.write_text(text, encoding="utf-8")


def _read_docs(app: SphinxTestApp) -> set[str]:
    """The documents the last build read (parsed from its status output)."""
    status = re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())
    return set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", status))


NEW_CARD = """

```{safety} Do not roll a fresh injury
:level: caution
:rule: no-acute-injury-rolling
Wait until the swelling has gone.
```
"""


def test_hub_updates_incrementally(make_app: Callable[..., SphinxTestApp], tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-safety", src)
    rules = tmp_path / "rules.toml"
    shutil.copy(RULES_FILE, rules)
    shutil.copy(RULES_FILE.with_name("vocabulary.toml"), tmp_path / "vocabulary.toml")
    params = {
        "srcdir": src,
        "builddir": tmp_path / "_build",
        "confoverrides": {"kb_safety_rules": str(rules)},
    }

    def build() -> tuple[SphinxTestApp, BeautifulSoup]:
        app = make_app("html", **params)
        app.build()
        app.cleanup()
        assert app.warning.getvalue() == ""
        return app, _soup(app, "safety.html")

    app, hub = build()
    acute = _card(hub, "rule-no-acute-injury-rolling")
    assert "No card applies this rule yet." in acute.get_text()

    # Add a card to a page: only that page is read again; the hub lists the card.
    extra = src / "extra.md"
    original = extra.read_text(encoding="utf-8")
    _write(extra, original + NEW_CARD)
    app, hub = build()
    assert _read_docs(app) == {"extra"}
    acute = _card(hub, "rule-no-acute-injury-rolling")
    assert [a["href"] for a in acute.select("a")] == ["extra.html#do-not-roll-a-fresh-injury"]

    # Touch another page without changing it: the hub still lists every card.
    _write(src / "neck.md", (src / "neck.md").read_text(encoding="utf-8"))
    app, hub = build()
    assert _read_docs(app) == {"neck"}
    assert hub.find(id="rule-no-neck-bone-joint-rolling").select("a")  # type: ignore[union-attr]
    assert _card(hub, "rule-no-acute-injury-rolling").select("a")

    # Remove the card again: the hub forgets it.
    _write(extra, original)
    app, hub = build()
    assert "No card applies this rule yet." in _card(hub, "rule-no-acute-injury-rolling").text
    assert ("safety", "do-not-roll-a-fresh-injury") not in kb_domain(app.env).objects

    # Edit the rules file: every page is checked again and the hub shows the new statement.
    text = rules.read_text(encoding="utf-8")
    _write(rules, text.replace("or inflamed or swollen tissue.", "or swollen tissue."))
    app, hub = build()
    assert _read_docs(app) >= {"cards", "extra", "lower-back", "neck", "stop", "index"}
    assert "a fresh bruise, or swollen tissue." in _card(hub, "rule-no-acute-injury-rolling").text
