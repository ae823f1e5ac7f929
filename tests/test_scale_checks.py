"""Cross-page checks stay exact and fast at thousands of articles."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthkb.language.topic import near_duplicate_groups, question_terms

WORDS = ["how", "often", "roll", "lower", "back", "neck", "safe", "not", "calves", "hips", "pain"]


def naive_groups(items: Sequence[tuple[str, str]], threshold: float) -> list[list[int]]:
    """Every pair compared: the definition the fast version must match."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    keys = [question_terms(q) for _, q in items]
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if items[i][0] == items[j][0] or not keys[i] or not keys[j]:
                continue
            if len(keys[i] & keys[j]) / len(keys[i] | keys[j]) >= threshold:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


questions = st.lists(st.sampled_from(WORDS), min_size=0, max_size=6).map(" ".join)
items_strategy = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), questions), max_size=40)


@settings(max_examples=300, deadline=None)
@given(items=items_strategy, threshold=st.sampled_from([0.3, 0.5, 0.6, 2 / 3, 0.75, 1.0]))
def test_near_duplicate_groups_match_comparing_every_pair(
    items: list[tuple[str, str]], threshold: float
) -> None:
    assert near_duplicate_groups(items, threshold=threshold) == naive_groups(items, threshold)


def test_near_duplicate_groups_scale_linearly() -> None:
    # 20,000 questions (4,000 articles of 5): each base question on many pages, each
    # with a few words of its own, as in a large knowledge base.
    bases = [
        "Is it safe to foam roll directly on the lower back",
        "How often should I foam roll for back pain",
        "How long before foam rolling helps back pain",
        "Should I foam roll if my back pain is severe or acute",
        "What type of foam roller works best for back pain",
    ]
    extra = ["runners", "cyclists", "desk", "workers", "mornings", "evenings", "seniors"]
    items = [
        (f"page-{n // 5}", f"{bases[n % 5]} {extra[n % 7]} {extra[(n // 7) % 7]} q{n}")
        for n in range(20_000)
    ]
    start = time.process_time()
    groups = near_duplicate_groups(items)
    seconds = time.process_time() - start
    assert sum(len(g) for g in groups) == len(items)
    # Comparing every pair would be 2e8 comparisons (minutes); blocked, a few seconds.
    assert seconds < 20, seconds


def _real_sentences_and_matcher() -> tuple[list[str], Any]:
    """Every sentence of the four real articles, and the project's matcher."""
    from healthkb.language.matcher import SafetyMatcher
    from healthkb.language.rules import load_concept_rules
    from healthkb.language.text import iter_sentences
    from tests.conftest import ARTICLES, ROOT

    rules = load_concept_rules(
        ROOT / "conf" / "safety-concepts.toml", ROOT / "conf" / "vocabulary.toml"
    )
    sentences = [
        " ".join(sentence.split())
        for path in sorted(ARTICLES.glob("*.txt"))
        for _, sentence in iter_sentences(path.read_text(encoding="utf-8"))
    ]
    return sentences, SafetyMatcher(rules)


def test_safety_screen_never_hides_a_finding() -> None:
    sentences, matcher = _real_sentences_and_matcher()
    flagged = [s for s in sentences if matcher.find(s)]
    assert flagged  # the real articles do contradict the rules and mention red flags
    assert all(matcher.may_flag(s) for s in flagged)
    # Most sentences are screened out before any analysis.
    assert sum(matcher.may_flag(s) for s in sentences) < len(sentences) / 2


def test_safety_findings_do_not_depend_on_letter_case() -> None:
    """Lower-case ASCII text takes a fast path (regex tokens); other text is analysed by
    spaCy's tokenizer: both find the same rules."""
    sentences, matcher = _real_sentences_and_matcher()
    found = 0
    for sentence in sentences:
        rules_found = {(f.rule, f.kind) for f in matcher.find(sentence)}
        found += bool(rules_found)
        for variant in (sentence.lower(), sentence.upper()):
            assert {(f.rule, f.kind) for f in matcher.find(variant)} == rules_found, variant
    assert found


def test_finding_as_dict_has_every_field() -> None:

    from healthkb.core.findings import Finding

    finding = Finding("faq-empty", "message", "page", 3, "warning", "target", "reason")
    assert finding.as_dict() == dataclasses.asdict(finding)


def test_tables_of_contents_stay_pickled_until_used() -> None:
    """env.tocs saved and loaded: a page's table of contents is unpickled when Sphinx asks
    for it, equal to what was stored, and saved again without unpickling the others."""
    import pickle

    from docutils import nodes

    from healthkb.perf.tocs import LazyTocs

    def toc(title: str) -> nodes.bullet_list:
        item = nodes.list_item("", nodes.paragraph("", "", nodes.reference(title, title)))
        return nodes.bullet_list("", item)

    tocs = LazyTocs()
    tocs["a"], tocs["b"], tocs["c"] = toc("A"), toc("B"), toc("C")
    loaded = pickle.loads(pickle.dumps(tocs))
    assert isinstance(loaded, LazyTocs)
    assert set(loaded) == {"a", "b", "c"} and "b" in loaded and len(loaded) == 3
    assert all(isinstance(dict.__getitem__(loaded, k), bytes) for k in loaded)
    assert loaded["a"].astext() == "A"
    assert loaded.get("b").pformat() == tocs["b"].pformat()
    assert loaded.get("missing") is None
    assert isinstance(dict.__getitem__(loaded, "c"), bytes)  # never asked for
    stored = dict.__getitem__(loaded, "c")
    again = pickle.loads(pickle.dumps(loaded))
    assert dict.__getitem__(again, "c") == stored  # saved as it was loaded
    assert {k: v.pformat() for k, v in again.items()} == {k: v.pformat() for k, v in tocs.items()}
    assert loaded.pop("c").astext() == "C" and "c" not in loaded
    assert loaded.pop("c", None) is None
    loaded["d"] = toc("D")
    assert [v.astext() for v in loaded.values()] == ["A", "B", "D"]


def test_compiled_templates_are_kept_between_builds(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second build renders its pages from the compiled templates of the first; a changed
    template is compiled again, and its page shows the change."""
    import shutil

    import jinja2

    from tests.conftest import ROOT

    src = tmp_path / "src"
    shutil.copytree(ROOT / "tests" / "roots" / "test-basic", src)
    (src / "_templates").mkdir()
    override = src / "_templates" / "page.html"
    override.write_text(
        '{% extends "!page.html" %}{% block content %}{{ super() }}FIRST{% endblock %}'
    )
    with (src / "conf.py").open("a") as conf:
        conf.write('\ntemplates_path = ["_templates"]\n')
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *a: Any) -> Any:
        compiled.append(str(name))
        return original(self, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    first = make_app("html", srcdir=src, freshenv=True)
    first.build()
    assert "page.html" in compiled and "base.html" in compiled
    assert list((Path(first.doctreedir) / "kb-templates").rglob("*.cache"))
    compiled.clear()
    (src / "index.md").write_text((src / "index.md").read_text() + "\nOne more line.\n")
    again = make_app("html", srcdir=src)
    again.build()
    assert "page.html" not in compiled and "base.html" not in compiled
    page = (Path(again.outdir) / "index.html").read_text()
    assert "One more line." in page and "FIRST" in page
    compiled.clear()
    override.write_text(override.read_text().replace("FIRST", "SECOND"))
    third = make_app("html", srcdir=src)
    third.build()
    assert "page.html" in compiled and "base.html" not in compiled
    assert "SECOND" in (Path(third.outdir) / "index.html").read_text()
