"""FAQ items as a reader, a trainer, a search engine and a maintainer meet them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

from healthkb.core.domain import kb_data, kb_domain
from healthkb.core.jsonld import script_json
from healthkb.faq.hub import hub_topic
from healthkb.faq.jsonld import faq_page_jsonld
from healthkb.faq.nodes import faq
from tests.conftest import ROOT

LOWER_BACK_DIRECT = "Is it safe to foam roll directly on the lower back?"


def _warnings(app: SphinxTestApp) -> str:
    """The warnings of a build, without terminal colours."""
    return re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())


def _soup(app: SphinxTestApp, page: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / page).read_text(encoding="utf-8"), "html.parser")


def _item(soup: BeautifulSoup, node_id: str) -> Tag:
    details = soup.find("details", id=node_id)
    assert isinstance(details, Tag), f"no <details id={node_id!r}>"
    return details


def _jsonld(soup: BeautifulSoup) -> list[Any]:
    head = soup.head
    assert head is not None
    return [json.loads(s.string or "") for s in head.find_all("script", type="application/ld+json")]


# -- rendering -------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="faq", freshenv=True)
def test_builds_without_warnings(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="faq")
def test_item_is_a_disclosure_with_the_question_as_heading(app: SphinxTestApp) -> None:
    app.build()
    details = _item(_soup(app, "lower-back.html"), "faq-lower-back-direct")
    assert "open" not in details.attrs
    summary = details.find("summary", recursive=False)
    assert isinstance(summary, Tag)
    # The item sits in a "##" section, so its question is an <h3>.
    heading = summary.find("h3", class_="kb-faq-question")
    assert isinstance(heading, Tag)
    assert heading.get_text() == LOWER_BACK_DIRECT
    # Nothing interactive inside <summary>.
    assert summary.find(["a", "button"]) is None


@pytest.mark.sphinx("html", testroot="faq")
def test_answer_is_full_myst(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "lower-back.html")
    answer = _item(soup, "faq-lower-back-direct").find("div", class_="kb-faq-answer")
    assert isinstance(answer, Tag)
    assert answer.select_one("ul > li strong") is not None
    assert [li.get_text() for li in answer.select("ul > li > ol > li")] == [
        "lie face down with the roller under the front of the hip;",
        "roll slowly toward the lower belly.",
    ]
    link = answer.find("a", href="https://en.wikipedia.org/wiki/Lumbar_vertebrae")
    assert isinstance(link, Tag)
    # A directive nested in the answer.
    other = _item(soup, "how-often-should-i-foam-roll-my-lower-back")
    assert other.select_one(".kb-faq-answer .admonition.note") is not None
    # Inline markup in the question.
    assert other.select_one("summary h3 em") is not None


@pytest.mark.sphinx("html", testroot="faq")
def test_copy_link_control_outside_summary(app: SphinxTestApp) -> None:
    app.build()
    details = _item(_soup(app, "lower-back.html"), "faq-lower-back-direct")
    wrapper = details.parent
    assert isinstance(wrapper, Tag)
    assert wrapper.name == "div"
    assert "kb-faq" in wrapper.get_attribute_list("class")
    button = wrapper.find("button", class_="kb-copy-link", recursive=False)
    assert isinstance(button, Tag)
    assert button["data-kb-anchor"] == "faq-lower-back-direct"
    assert button["aria-label"] == f"Copy link to {LOWER_BACK_DIRECT}"


@pytest.mark.sphinx("html", testroot="faq")
def test_ids_are_explicit_names_or_slugs_of_the_question(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "lower-back.html")
    ids = [d["id"] for d in soup.find_all("details", class_="kb-faq-details")]
    assert ids == [
        "faq-lower-back-direct",
        "how-often-should-i-foam-roll-my-lower-back",
        "does-foam-rolling-help-lower-back-tightness",
    ]


@pytest.mark.sphinx("html", testroot="faq")
def test_doctree_snapshot(app: SphinxTestApp) -> None:
    app.build()
    doctree = app.env.get_doctree("upper-back")
    item = list(doctree.findall(faq))[1]
    assert item.pformat() == (
        '<faq classes="kb-faq">\n'
        '    <faq_disclosure ids="can-i-roll-my-upper-back-directly">\n'
        "        <faq_question>\n"
        "            Can I roll my upper back directly?\n"
        "        <faq_answer>\n"
        "            <paragraph>\n"
        "                Yes. Rest the roller across the upper back below the shoulder blades "
        "and roll slowly.\n"
        '    <copy_link label="Can I roll my upper back directly?" '
        'refid="can-i-roll-my-upper-back-directly">\n'
    )


# -- objects, links and search ---------------------------------------------------
@pytest.mark.sphinx("html", testroot="faq")
def test_items_are_kb_domain_objects_in_the_inventory(app: SphinxTestApp) -> None:
    app.build()
    obj = kb_domain(app.env).objects[("faq", "faq-lower-back-direct")]
    assert (obj["docname"], obj["node_id"], obj["title"]) == (
        "lower-back",
        "faq-lower-back-direct",
        LOWER_BACK_DIRECT,
    )
    record = kb_domain(app.env).records("faq")["lower-back"][0]
    assert {k: v for k, v in record.items() if k != "answer"} == {
        "id": "faq-lower-back-direct",
        "question": LOWER_BACK_DIRECT,
        "lineno": 17,
        "page_title": "Foam rolling the lower back",
        "tags": [
            "back pain",
            "foam rolling",
            "body-part:lower-back",
            "condition:tightness",
            "product:foam-massage-roller",
        ],
        "topic_score": pytest.approx(record["topic_score"]),
    }
    assert record["answer"].startswith("No. The lumbar spine has no rib cage")
    inventory = InventoryFile.loads(
        (app.outdir / "objects.inv").read_bytes(), uri="https://kb.example.org/"
    )
    # Inventory names are qualified with the page: docname#id.
    entry = inventory.data["kb:faq"]["lower-back#faq-lower-back-direct"]
    assert entry.uri == "https://kb.example.org/lower-back.html#faq-lower-back-direct"
    assert entry.display_name == LOWER_BACK_DIRECT
    assert len(inventory.data["kb:faq"]) == 5


@pytest.mark.sphinx("html", testroot="faq")
def test_other_pages_link_to_answers(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "index.html")
    myst_link = soup.find("a", href="lower-back.html#faq-lower-back-direct")
    assert isinstance(myst_link, Tag)
    assert myst_link.get_text() == "is it safe to roll the lower back?"
    role_link = soup.find("a", href="upper-back.html#how-often-should-i-foam-roll-my-back")
    assert isinstance(role_link, Tag)
    assert role_link.get_text() == "how often to roll"


@pytest.mark.sphinx(
    "html", testroot="faq", srcdir="faq-sphinx-search", confoverrides={"kb_search_engine": "sphinx"}
)
def test_search_sees_questions_and_answers(app: SphinxTestApp) -> None:
    app.build()
    text = (app.outdir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    lower_back = index["docnames"].index("lower-back")

    def docs(term: str) -> list[int]:
        found = index["terms"][term]
        return found if isinstance(found, list) else [found]

    assert lower_back in docs("piriformi")  # answer text ("piriformis", stemmed)
    assert lower_back in docs("safe")  # question text
    names = [entry[4] for entry in index["objects"][""]]
    assert LOWER_BACK_DIRECT in names


# -- structured data -------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="faq")
def test_faqpage_jsonld_lists_exactly_the_page_items(app: SphinxTestApp) -> None:
    app.build()
    # One JSON-LD block per page; the FAQPage is a node of its graph.
    (block,) = _jsonld(_soup(app, "lower-back.html"))
    assert block["@context"] == "https://schema.org"
    (data,) = block["@graph"]
    assert data["@type"] == "FAQPage"
    assert data["@id"] == "https://kb.example.org/lower-back.html#faq"
    names = [q["name"] for q in data["mainEntity"]]
    assert names == [
        LOWER_BACK_DIRECT,
        "How often should I foam roll my lower back?",
        "Does foam rolling help lower back tightness?",
    ]
    first = data["mainEntity"][0]
    assert first["@type"] == "Question"
    assert first["acceptedAnswer"]["@type"] == "Answer"
    assert first["acceptedAnswer"]["text"].startswith("No. The lumbar spine has no rib cage")
    assert "roll slowly toward the lower belly." in first["acceptedAnswer"]["text"]
    (upper,) = _jsonld(_soup(app, "upper-back.html"))
    assert len(upper["@graph"][0]["mainEntity"]) == 2
    for page in ("index.html", "plain.html", "faq.html"):
        assert _jsonld(_soup(app, page)) == [], page


def test_jsonld_cannot_end_its_script_element() -> None:
    data = faq_page_jsonld(
        [{"question": "Is </script> safe?", "answer": "<!-- a & b -->", "lineno": 1}]
    )
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["mainEntity"][0]["name"] == "Is </script> safe?"
    assert faq_page_jsonld([{"question": "Q?", "answer": "", "lineno": 1}]) is None


# -- the hub -----------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="faq")
def test_hub_lists_every_question_by_topic(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "faq.html")
    topics = [h.get_text() for h in soup.find_all("h2", class_="kb-faq-hub-topic")]
    assert topics == ["Lower back", "Upper back"]
    links = {
        a.get_text(): str(a["href"]) for a in soup.select(".kb-faq-hub-item > p:first-child > a")
    }
    assert links == {
        "Does foam rolling help lower back tightness?": (
            "lower-back.html#does-foam-rolling-help-lower-back-tightness"
        ),
        "How often should I foam roll my lower back?": (
            "lower-back.html#how-often-should-i-foam-roll-my-lower-back"
        ),
        LOWER_BACK_DIRECT: "lower-back.html#faq-lower-back-direct",
        "Can I roll my upper back directly?": "upper-back.html#can-i-roll-my-upper-back-directly",
    }
    # Every linked id exists on its page.
    for href in links.values():
        page, node_id = href.split("#")
        _item(_soup(app, page), node_id)


@pytest.mark.sphinx("html", testroot="faq")
def test_hub_shows_near_duplicates_once(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "faq.html")
    items = soup.select(".kb-faq-hub-item")
    texts = [item.get_text(" ", strip=True) for item in items]
    assert not any(t.startswith("How often should I foam roll my back?") for t in texts)
    (entry,) = [i for i in items if "How often should I foam roll my lower back?" in i.get_text()]
    meta = entry.select_one(".kb-faq-hub-meta")
    assert meta is not None
    assert "Also answered in:" in meta.get_text()
    also = meta.find("a")
    assert isinstance(also, Tag)
    assert also["href"] == "upper-back.html#how-often-should-i-foam-roll-my-back"
    assert also.get_text() == "Foam rolling the upper back"


def test_hub_topic_prefers_body_part_then_condition_then_use_case() -> None:
    generic = {"foam rolling"}
    tags = ["foam rolling", "back pain", "use-case:mobility", "condition:tightness"]
    assert hub_topic(tags, generic) == (1, "Tightness")
    assert hub_topic([*tags, "body-part:lower-back"], generic) == (0, "Lower back")
    assert hub_topic(["foam rolling", "use-case:mobility"], generic) == (2, "Mobility")
    # The body part the item itself is about wins over the page's first one; the question
    # counts before the answer; a general question goes under the page's plain topic.
    both = ["back pain", "body-part:upper-back", "body-part:lower-back"]
    assert hub_topic(both, generic, "No. Roll the lumbar muscles.", "Safe?") == (0, "Lower back")
    assert hub_topic(both, generic, "The upper back is fine.", "Can I roll my lower back?") == (
        0,
        "Lower back",
    )
    assert hub_topic(both, generic, "Daily.", "How often should I roll?") == (3, "Back pain")
    assert hub_topic(["foam rolling", "back pain"], generic) == (3, "Back pain")
    assert hub_topic(["foam rolling", "product:foam-massage-roller"], generic) == (
        4,
        "Other questions",
    )


# -- findings ----------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="faq", freshenv=True)
def test_near_duplicates_are_information(app: SphinxTestApp) -> None:
    app.build()
    # Information: not logged item by item, counted in the build's summary line and
    # kept (with file, line and message) for kb report.
    status = app.status.getvalue()
    assert "[kb.faq-near-duplicate]" not in status
    assert re.search(
        r"kb: editorial backlog: .*\b1 near-duplicate FAQ question \(faq-near-duplicate\)", status
    )
    assert app.warning.getvalue() == ""
    (finding,) = kb_data(app.env)["global_findings"]
    assert re.match(
        r"FAQ item 'How often should I foam roll my back\?' is a near-duplicate of 'How often "
        r"should I foam roll my lower back\?' in lower-back \(line 30\)",
        finding["message"],
    )
    assert (finding["code"], finding["docname"], finding["lineno"], finding["level"]) == (
        "faq-near-duplicate",
        "upper-back",
        13,
        "info",
    )


@pytest.mark.sphinx("html", testroot="faq-bad", freshenv=True)
def test_bad_items_are_findings_with_file_and_line(app: SphinxTestApp) -> None:
    app.build()
    warnings = _warnings(app)
    bad = str(Path(app.srcdir, "bad.md"))
    expected = [
        (f"{bad}:7: ERROR: FAQ item without a question", "faq-empty"),
        (
            f"{bad}:11: WARNING: FAQ item 'Is it safe to roll the lower back?' has no answer",
            "faq-empty",
        ),
        (
            f"{bad}:18: WARNING: the question 'How long should I roll my lower back?' is asked "
            "twice on this page (first at line 14)",
            "faq-duplicate",
        ),
        (f"{bad}:22: ERROR: invalid :name: 'Not A Valid Id!'", "faq-invalid-id"),
        (
            f"{Path(app.srcdir, 'other.md')}:7: WARNING: FAQ id 'shared-id' is already used in "
            "bad (line 27)",
            "duplicate-id",
        ),
    ]
    lines = warnings.splitlines()
    for start, code in expected:
        assert any(line.startswith(start) and line.endswith(f"[kb.{code}]") for line in lines), (
            start
        )
    # A MyST link to an answer that does not exist is a warning with its location.
    assert (
        f"{Path(app.srcdir, 'index.md')}:3: WARNING: 'myst' cross-reference target not found: "
        "'no-such-faq'"
    ) in warnings
    assert "Traceback" not in warnings


@pytest.mark.sphinx(
    "html",
    testroot="faq-bad",
    freshenv=True,
    confoverrides={"kb_safety_rules": str(ROOT / "conf" / "safety-concepts.toml")},
)
def test_a_question_about_the_roller_itself_is_off_topic(app: SphinxTestApp) -> None:
    app.build()
    lines = _warnings(app).splitlines()
    other = str(Path(app.srcdir, "other.md"))
    assert any(
        line.startswith(
            f"{other}:12: WARNING: FAQ item 'How do I clean my foam roller?' looks off this "
            "page's topic: it asks about cleaning and looking after a roller, the roller itself, "
            "not this page's health topic."
        )
        and line.endswith("[kb.faq-off-topic]")
        for line in lines
    ), lines
    # A question about choosing a roller for the page's subject stays on topic.
    assert not any("Which foam roller suits" in line for line in lines)


@pytest.mark.sphinx("html", testroot="faq-bad")
def test_bad_items_still_render_sensibly(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "bad.html")
    # The answer of an item without a question stays on the page.
    assert "An answer without its question" in soup.get_text()
    # An invalid :name: falls back to the slug of the question.
    _item(soup, "can-i-roll-my-back-with-a-ball")
    # The second copy of a duplicate question gets no second id.
    ids = [d.get("id") for d in soup.find_all("details")]
    assert ids.count("how-long-should-i-roll-my-lower-back") == 1


@pytest.mark.sphinx(
    "html", testroot="faq", confoverrides={"kb_faq_off_topic_threshold": 7}, freshenv=True
)
def test_invalid_threshold_falls_back_with_a_warning(app: SphinxTestApp) -> None:
    assert app.config.kb_faq_off_topic_threshold == 0.2
    assert "kb_faq_off_topic_threshold must be a number from 0 to 1" in _warnings(app)


@pytest.mark.sphinx("html", testroot="faq-ack", freshenv=True, warningiserror=True)
def test_acknowledged_off_topic_item_is_information(app: SphinxTestApp) -> None:
    app.build()  # -W: would raise on any warning
    # Acknowledged: not logged item by item, counted in the build's summary line and kept
    # (with line, message and reason) for kb report.
    status = app.status.getvalue()
    assert "acknowledged [kb." not in status
    assert re.search(r'kb: editorial backlog: .*\b1 acknowledged; run "kb report"', status)
    assert app.warning.getvalue() == ""
    (finding,) = [f for f in kb_data(app.env)["findings"]["index"] if f["code"] == "faq-off-topic"]
    assert finding["code"] == "faq-off-topic"
    assert finding["lineno"] == 18
    assert re.match(
        r"FAQ item 'Does foam rolling help with typing fatigue\?' looks off this page's topic: ",
        finding["message"],
    )
    assert finding["acknowledged"] == (
        "Kept until the forearm article is published; it links here."
    )


def _build_edited_ack_root(
    edit: Callable[[str], str], make_app: Any, rootdir: Path, tmp_path: Path
) -> tuple[SphinxTestApp, Path, str]:
    """Build the faq-ack root with its page edited by ``edit``: the app, the page's path
    and the build's warnings."""
    source = (rootdir / "test-faq-ack" / "index.md").read_text(encoding="utf-8")
    edited = edit(source)
    assert edited != source
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text((rootdir / "test-faq-ack" / "conf.py").read_text())
    (srcdir / "index.md").write_text(edited)
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build")
    app.build()
    return app, srcdir / "index.md", _warnings(app)


def test_without_the_acknowledgment_the_item_fails_the_build(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    def unacknowledge(source: str) -> str:
        edited = re.sub(r"kb_acknowledge:(\n  .*)+\n", "", source)
        assert "kb_acknowledge" not in edited
        return edited

    _, page, warnings = _build_edited_ack_root(unacknowledge, make_app, rootdir, tmp_path)
    assert (
        f"{page}:14: WARNING: FAQ item 'Does foam rolling help with typing "
        "fatigue?' looks off this page's topic"
    ) in warnings


def test_an_acknowledgment_that_matches_nothing_is_a_finding_with_its_line(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    # The FAQ about rolling frequency is on topic: an acknowledgment naming it is stale
    # and would keep a later finding with those words out of the build.
    def add_stale(source: str) -> str:
        return source.replace(
            "kb_acknowledge:\n",
            "kb_acknowledge:\n"
            "  - check: faq-off-topic\n"
            "    target: how-often-should-i-roll-the-muscles-around-my-lower-back\n"
            "    reason: Written when the item was about forearms.\n",
        )

    app, page, warnings = _build_edited_ack_root(add_stale, make_app, rootdir, tmp_path)
    _assert_acknowledge_finding(
        app,
        warnings,
        f"{page}:6: WARNING: kb_acknowledge entry for faq-off-topic matches no "
        "finding on this page (target 'how-often-should-i-roll-the-muscles-around-my-lower-"
        "back'): remove it, or correct its target to the finding's words [kb.acknowledge]",
    )
    # The entry that still matches its finding is used: it is not reported.
    assert warnings.count("kb_acknowledge entry") == 1
    assert "typing-fatigue" not in warnings
    # A build that reads nothing (kb report right after make html) still has it.
    again = make_app("html", srcdir=page.parent, builddir=tmp_path / "build")
    again.build()
    assert "no targets are out of date" in again.status.getvalue()
    assert _acknowledge_finding(again) == ("index", 6, "warning")


def test_a_malformed_acknowledgment_is_a_finding_with_its_line_kept_for_the_report(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    def drop_reason(source: str) -> str:
        return source.replace("    reason: Kept until the forearm article is published", "    #")

    app, page, warnings = _build_edited_ack_root(drop_reason, make_app, rootdir, tmp_path)
    _assert_acknowledge_finding(
        app,
        warnings,
        f"{page}:6: WARNING: kb_acknowledge entries need 'check' (one of the kb checks), "
        "'target' and 'reason'; got {'check': 'faq-off-topic', 'target': "
        "'does-foam-rolling-help-with-typing-fatigue'} [kb.acknowledge]",
    )
    assert warnings.count("WARNING") == 1


def _assert_acknowledge_finding(app: SphinxTestApp, warnings: str, logged: str) -> None:
    """The build logged ``logged`` and kept the finding, at line 6 of index, for kb report."""
    assert logged in warnings
    assert _acknowledge_finding(app) == ("index", 6, "warning")


def _acknowledge_finding(app: SphinxTestApp) -> tuple[str, int, str]:
    """Where the build's one acknowledgment finding is kept for kb report."""
    (kept,) = [f for f in kb_data(app.env)["global_findings"] if f["code"] == "acknowledge"]
    return kept["docname"], kept["lineno"], kept["level"]


# -- every builder -----------------------------------------------------------------
OUTPUTS = {"text": "lower-back.txt", "latex": "*.tex", "man": "*.1", "texinfo": "*.texi"}


@pytest.mark.parametrize("builder", sorted(OUTPUTS))
def test_every_builder_writes_questions_and_answers(
    builder: str, make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    app = make_app(builder, srcdir=rootdir / "test-faq", builddir=tmp_path, freshenv=True)
    app.build()
    assert app.warning.getvalue() == ""
    (output,) = list(Path(app.outdir).glob(OUTPUTS[builder]))
    text = output.read_text(encoding="utf-8")
    assert re.search(r"Q: Is it safe to foam roll directly on the lower\s+back\?", text)
    assert re.search(r"roll\s+slowly\s+toward\s+the\s+lower\s+belly", text)
    assert "Copy link" not in text
    if builder != "text":
        # The hub too (in the text builder it is faq.txt).
        assert "Also answered in" in text
