"""Property-based tests: any input of any shape ends in a page or a clear refusal; a page is
always plain MyST whose text stays text; the same input always gives the same bytes."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from healthkb.core.anchors import slugify as sphinx_slugify
from healthkb.core.ids import slugify
from healthkb.importer import ImportRefused, escape
from healthkb.importer.pipeline import render_file
from tests.importer.myst import doctree, markup_problems

yaml = pytest.importorskip("yaml")  # MyST's own YAML parser (PyYAML)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:myst_parser.*")
EXAMPLES = int(os.environ.get("KB_HYPOTHESIS_EXAMPLES", "120"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Text built from the pieces articles (and attacks) are made of.
PIECES = [
    "# ",
    "## ",
    "### ",
    "**",
    "*",
    "_",
    "`",
    "```",
    ":::",
    "{raw}",
    "{include}",
    "{eval-rst}",
    "(label)=",
    "$",
    "$$",
    "{{",
    "}}",
    "%",
    "---",
    "+++",
    "> ",
    "- ",
    "1. ",
    "  • ",
    "[",
    "]",
    "(",
    ")",
    "](",
    "![",
    "<script>",
    "</script>",
    "<iframe ",
    'onclick="x"',
    "javascript:",
    "https://pubmed.ncbi.nlm.nih.gov/123",
    "/blog/x",
    "https://localhost/a",
    "&#10003;",
    "&amp;",
    "&lt;",
    "\\",
    "|",
    ":",
    "?",
    "**Q: ",
    "A: ",
    "Direct Answer",
    "Related Questions",
    "When to Stop and See a Doctor",
    "Who Should Avoid Foam Rolling?",
    "Do not roll directly over the lumbar spine. ",
    "a 2015 study in the Journal of X",
    "Scroll to Top",
    "About The Author",
    "{{video url=””}}",
    "dos and don’ts:",
    "\u00a0",
    "\r\n",
    "\r",
    "\t",
    "é",
    "’",
    "⚕️",
    "\x00",
    "\u202e",
    "\ufeff",
]
fragments = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=12), st.just("\n"), st.just("\n\n")),
    max_size=60,
).map("".join)
titles = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), max_size=40)


def _blog(title: str, body: str) -> str:
    return (
        f"# {title}\n\n> Summary {title}\n\n**URL:** https://321strong.com/blog/{title}\n"
        f"**Published:** 2026-01-02\n**Tags:** {title}, b\n\n---\n\n{body}"
    )


def _answers(title: str, body: str) -> str:
    return f"# {title} | 321 STRONG Answers\n\n> S\n\n**URL:** https://localhost/answers/x\n\n---\n\n{body}"


def _legacy(title: str, body: str) -> str:
    return f"{title}\n\n{body}"


def _outcome(data: str | bytes) -> str | None:
    """The page text, or None when refused with a clear message; other errors fail."""
    try:
        _article, _page, text = render_file(data, path="in/x.txt")
    except ImportRefused as exc:
        assert str(exc).startswith("in/x.txt")
        assert exc.message and "Traceback" not in exc.message
        return None
    return text


def _check(text: str | None) -> None:
    if text is None:
        return
    doc, warnings = doctree(text)
    assert warnings == ""
    assert markup_problems(doc) == []
    front = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(front, dict) and "title" in front and "import_sha256" in front


@SETTINGS
@given(titles, fragments)
def test_blog_exports(title: str, body: str) -> None:
    _check(_outcome(_blog(title, body)))


@SETTINGS
@given(titles, fragments)
def test_answers_pages(title: str, body: str) -> None:
    _check(_outcome(_answers(title, body)))


@SETTINGS
@given(titles, fragments)
def test_legacy_posts(title: str, body: str) -> None:
    _check(_outcome(_legacy(title, body)))


@SETTINGS
@given(st.one_of(fragments, st.binary(max_size=300), fragments.map(lambda t: t.encode("utf-8"))))
def test_anything(data: str | bytes) -> None:
    _check(_outcome(data))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([_blog, _answers, _legacy]), titles, fragments)
def test_same_input_same_bytes(shape: object, title: str, body: str) -> None:
    source = shape(title, body)  # type: ignore[operator]
    assert _outcome(source) == _outcome(source)


# -- the building blocks ---------------------------------------------------------------------

plain_text = st.text(
    st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"], exclude_characters="\ufeff"),
    min_size=1,
    max_size=80,
).filter(lambda t: t.strip() != "")


@settings(max_examples=300, deadline=None)
@given(plain_text)
def test_escaped_text_reads_back_as_itself(text: str) -> None:
    """Whatever an article says, MyST shows exactly that (whitespace aside)."""
    text = " ".join(text.split())
    if not text:
        return
    page = f"{escape.line_start(escape.inline(text))}\n"
    doc, warnings = doctree(page)
    assert warnings == ""
    assert markup_problems(doc) == []
    assert " ".join(doc.astext().split()) == text


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=60))
@example("A?")  # "[A?, b]" once broke the front matter of a page
def test_yaml_strings_round_trip(text: str) -> None:
    text = text.replace("\r", "").replace("\n", " ")
    assert (
        yaml.safe_load(f"key: {escape.yaml_string(text)}") == {"key": text} or text.strip() != text
    )
    flow = escape.yaml_string(text, flow=True)
    loaded = yaml.safe_load(f"key: [{flow}, {flow}]")
    assert loaded == {"key": [text, text]} or text.strip() != text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_slugify_is_the_extensions(text: str) -> None:
    assert slugify(text) == sphinx_slugify(text)
