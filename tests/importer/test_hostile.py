"""Bad and hostile input: the offending text ends up as plain text in the page, or the file is
refused with a message that names it; never a traceback, never markup from an article."""

from __future__ import annotations

import html
import time

import pytest

from healthkb.importer import ImportRefused, convert
from healthkb.importer.model import FAQ, Heading, Safety
from healthkb.importer.pipeline import render_file
from tests.importer.myst import body_text, doctree, markup_problems

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:myst_parser.*")


def blog(body: str, title: str = "A Hostile Article") -> str:
    return (
        f"# {title}\n\n> Summary.\n\n**URL:** https://321strong.com/blog/hostile\n"
        f"**Published:** 2026-01-01\n**Tags:** a\n\n---\n\n{body}\n"
    )


def legacy(body: str, title: str = "A Hostile Article") -> str:
    return f"{title}\n\n{body}\n"


def answers(body: str, title: str = "A Hostile Article") -> str:
    return (
        f"# {title} | 321 STRONG Answers\n\n> Summary.\n\n"
        f"**URL:** https://localhost/answers/hostile\n\n---\n\n{body}\n"
    )


SHAPES = {"blog": blog, "legacy": legacy, "answers": answers}

#: Hostile text, shown as it is in a page of any shape.
SNIPPETS = [
    "<script>alert(document.cookie)</script>",
    '<iframe src="https://evil.example/"></iframe>',
    '<img src=x onerror="alert(1)"> and <div onclick="steal()">x</div>',
    "{raw}`<script>alert(1)</script>`",
    "{eval-rst}`.. raw:: html`",
    "{abc}`x` and {ref}`target`",
    "(label)=",
    "(another-label)= followed by text",
    "$x^2$ and $$\\int f$$",
    '{{ substitution }} and {{video url="x"}} inside a sentence',
    "% a comment line",
    "```{raw} html",
    "```{include} /etc/passwd",
    "```{eval-rst}",
    ":::{note}",
    "::::{grid}",
    "{#an-id .a-class}",
    "[^1] and [link][ref]",
    "&lt;script&gt;",
    "<!-- hidden -->",
    "<https://autolink.example/>",
    ":name: not-an-option",
    "---",
    "+++",
    "# not a heading",
    "1. not a list",
    "- not a bullet",
    "> not a quote",
    "\\",
    "trailing backslash \\",
]


def _check_page(text: str) -> str:
    doc, warnings = doctree(text)
    assert warnings == ""
    assert markup_problems(doc) == []
    return body_text(doc)


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("snippet", SNIPPETS)
def test_snippet_is_text(shape: str, snippet: str) -> None:
    # In a paragraph of its own, and inside a sentence.
    source = SHAPES[shape](f"Before.\n\n{snippet}\n\nA sentence with {snippet} inside it.")
    _article, _page, text = render_file(source, path="hostile.md")
    shown = _squash(_check_page(text))
    if shape == "legacy" or snippet not in (
        "---",
        "+++",
        "# not a heading",
        "1. not a list",
        "- not a bullet",
        "> not a quote",
        "<https://autolink.example/>",
    ):
        # Entities are decoded: the page shows what the article showed.
        assert _squash(f"A sentence with {html.unescape(snippet)} inside it.") in shown


def test_html_is_reported() -> None:
    article = convert(blog('<script>alert(1)</script>\n\n<a onclick="x()">y</a>'), path="x")
    messages = [w.message for w in article.report.warnings]
    assert messages.count("HTML in the article is shown as text, never as markup") == 2


@pytest.mark.parametrize("shape", ["blog", "answers"])
@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:void(0)",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
    ],
)
def test_unsafe_links_are_dropped_text_kept(shape: str, href: str) -> None:
    article, _page, text = render_file(SHAPES[shape](f"Click [the text]({href}) now."), path="x")
    assert "Click the text now." in text
    assert href.strip().split(":")[0].lower() + ":" not in text.lower()
    assert any("link dropped, its text kept" in w.message for w in article.report.warnings)
    _check_page(text)


def test_hostile_title_and_front_matter() -> None:
    title = 'Title: "quoted" {raw}`x` <b>bold</b> #hash [link](javascript:x) ---'
    _article, _page, text = render_file(blog("Body.", title=title), path="x")
    yaml = pytest.importorskip("yaml")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == 'Title: "quoted" {raw}`x` <b>bold</b> #hash [link](javascript:x) ---'
    shown = _check_page(text)
    assert (
        "Title: “quoted” {raw}`x` <b>bold</b> #hash [link](javascript:x) ---"
        in shown.replace('"quoted"', "“quoted”")
        or 'Title: "quoted"' in shown
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\t\n", "the file is empty"),
        (b"# \n\nText.\n", "missing title"),
        (b"**URL:** https://321strong.com/blog/x\n\n---\n\nText.\n", "missing title"),
        (
            blog("x").replace("2026-01-01", "2026-02-30").encode(),
            "'2026-02-30' is not a real date",
        ),
        (blog("x").replace("2026-01-01", "yesterday").encode(), "'yesterday' is not a real date"),
        (b"\xff\xfe\x00\x00", "UTF-16"),
        (b"Title\n\n\x00\x00\x00", "NUL bytes"),
        (bytes(range(128, 256)) * 50, "not UTF-8 text"),
    ],
)
def test_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ImportRefused) as info:
        convert(data, path="in/bad.txt")
    assert str(info.value).startswith("in/bad.txt")
    assert message in str(info.value)


def test_crlf_and_lone_cr_line_endings() -> None:
    source = legacy("First paragraph.\n\nA Heading\n\nSecond paragraph.")
    lf = render_file(source, path="x")[2]
    assert render_file(source.replace("\n", "\r\n").encode(), path="x")[2] == lf
    assert render_file(source.replace("\n", "\r").encode(), path="x")[2] == lf


def test_control_and_direction_characters_are_removed() -> None:
    article, _page, text = render_file(legacy("Safe\u202e text\x07 here\u2028."), path="x")
    assert "Safe text here." in text
    assert any("control or direction-override" in w.message for w in article.report.warnings)


def test_bom_is_dropped() -> None:
    source = legacy("Body text.").encode("utf-8")
    assert render_file(b"\xef\xbb\xbf" + source, path="x")[2] == render_file(source, path="x")[2]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_thousands_of_sections_and_faq_items(shape: str) -> None:
    n = 2000
    if shape == "legacy":
        body = "\n\n".join(f"Section Number {i}\n\nText of section {i}." for i in range(n))
    elif shape == "answers":
        body = "\n\n".join(f"## Question {i}?\n\nAnswer {i}." for i in range(n))
        body += "\n\n## Related Questions\n" + "\n\n".join(
            f"Question {i}?Another answer {i}." for i in range(n)
        )
    else:
        body = "\n\n".join(f"## Section {i}\n\nText {i}." for i in range(n))
        body += "\n\n## FAQ\n\n" + "\n\n".join(
            f"**Q: Question {i}?**\nA: Answer {i}." for i in range(n)
        )
    start = time.perf_counter()
    article, _page, _text = render_file(SHAPES[shape](body), path="big")
    assert time.perf_counter() - start < 30
    headings = [b for b in article.blocks if isinstance(b, Heading)]
    faqs = [b for b in article.blocks if isinstance(b, FAQ)]
    if shape == "legacy":
        assert len(headings) == n
    elif shape == "answers":
        assert len(faqs) == n  # the related questions were merged into the sections
        assert all(len(f.answer) == 2 for f in faqs)
    else:
        assert len(headings) == n + 1 and len(faqs) == n
    names = [b.name for b in article.blocks if isinstance(b, FAQ | Safety)]
    assert len(names) == len(set(names))


def test_thousands_of_identical_questions_get_one_item() -> None:
    body = "## FAQ\n\n" + "\n\n".join("**Q: Same?**\nA: Answer." for _ in range(3000))
    article = convert(blog(body), path="x")
    faqs = [b for b in article.blocks if isinstance(b, FAQ)]
    assert len(faqs) == 1 and len(faqs[0].answer) == 3000


@pytest.mark.parametrize(
    "body",
    [
        "**" * 20000,
        "*" * 50000,
        "[" * 20000 + "](x)",
        "([" * 5000,
        "_" * 50000,
        "`" * 50000,
        "<" * 50000,
        "x " * 300000,
        "a" * 1_000_000,
        "**a " * 20000,
        "[a](" * 20000,
    ],
)
def test_pathological_text_is_fast(body: str) -> None:
    start = time.perf_counter()
    for shape in SHAPES.values():
        render_file(shape(body), path="x")
    assert time.perf_counter() - start < 20


def test_title_without_any_usable_name_is_refused(tmp_path: object) -> None:
    from pathlib import Path

    from healthkb.importer.pipeline import run_import

    base = Path(str(tmp_path))
    (base / "in").mkdir()
    (base / "in" / "a.txt").write_text(legacy("Body.", title="???"))
    run = run_import([base / "in"], into=base / "docs", display=base)
    assert run.exit_code == 1
    assert (
        run.files[0].message == "in/a.txt: neither the source URL nor the title gives a page name"
    )
