"""The off-topic threshold, calibrated on the real FAQ items of the source articles.

tests/roots/test-faq-calibration holds the FAQ items of articles 000 and 003 (003's question
sections and its "Related Questions" block, on two pages because five of the questions are
the same) and the five forearm/hand items that arrived in article 002, each under the real
title, headings and tags of its article (002 as the lower-back page it is, with its
lower-back tags only). The forearm items must be flagged; none of the others may be.
"""

from __future__ import annotations

import re

import pytest
from sphinx.testing.util import SphinxTestApp

from healthkb.core.domain import kb_domain
from healthkb.language.topic import OFF_TOPIC_THRESHOLD

#: (page, question) -> the topic score the check computes (see extensions/healthkb/faq/README.md).
SCORES = {
    ("does-it-help", "Is it safe to foam roll directly on the lower back?"): 0.632,
    ("does-it-help", "How often should I foam roll for back pain?"): 0.62,
    ("does-it-help", "How long before foam rolling helps back pain?"): 0.617,
    ("does-it-help", "Should I foam roll if my back pain is severe or acute?"): 0.537,
    ("does-it-help", "What type of foam roller works best for back pain?"): 0.588,
    ("healthy-back", "What Are Common Foam Rolling Mistakes?"): 0.5,
    ("healthy-back", "What Are the Do's and Don'ts of Foam Rolling?"): 0.5,
    ("healthy-back", "What Are the Negatives of Foam Rolling?"): 0.5,
    ("healthy-back", "What Muscles Should You Not Foam Roll?"): 0.489,
    ("healthy-back", "Are Foam Rollers Actually Effective?"): 0.5,
    ("healthy-back-related", "What are common foam rolling mistakes?"): 0.5,
    ("healthy-back-related", "What are the do's and don'ts of foam rolling?"): 0.5,
    ("healthy-back-related", "What are the negatives of foam rolling?"): 0.5,
    ("healthy-back-related", "What muscles should you not foam roll?"): 0.469,
    ("healthy-back-related", "Are foam rollers actually effective?"): 0.25,
    ("healthy-back-related", "Is foam rolling actually useful?"): 0.5,
    ("healthy-back-related", "What is the best foam roller to get?"): 0.5,
    (
        "lower-back-what-works",
        "How long should I foam roll my forearms before climbing or playing guitar?",
    ): 0.032,
    ("lower-back-what-works", "Can I use a regular foam roller on my forearms?"): 0.06,
    ("lower-back-what-works", "How often should I foam roll my hands and forearms?"): 0.065,
    ("lower-back-what-works", "Should I foam roll my fingers directly?"): 0.091,
    ("lower-back-what-works", "Does foam rolling help with typing fatigue?"): 0.093,
}
FOREARM_PAGE = "lower-back-what-works"


@pytest.mark.sphinx("html", testroot="faq-calibration", freshenv=True)
def test_forearm_items_flagged_and_real_back_items_not(app: SphinxTestApp) -> None:
    app.build()
    records = kb_domain(app.env).records("faq")
    scores = {(doc, r["question"]): r["topic_score"] for doc, rs in records.items() for r in rs}
    print(f"\nthreshold {OFF_TOPIC_THRESHOLD}")
    for (doc, question), score in sorted(scores.items()):
        flag = "FLAGGED" if score < OFF_TOPIC_THRESHOLD else ""
        print(f"{score:5.3f} {flag:7} {doc:22} {question}")
    assert scores == pytest.approx(SCORES, abs=0.001)

    forearm = [s for (doc, _), s in scores.items() if doc == FOREARM_PAGE]
    others = [s for (doc, _), s in scores.items() if doc != FOREARM_PAGE]
    assert len(forearm) == 5
    assert len(others) == 17
    assert max(forearm) < OFF_TOPIC_THRESHOLD <= min(others)

    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue()).splitlines()
    assert len(warnings) == 5
    for line, lineno in zip(warnings, (63, 69, 76, 83, 90), strict=True):
        assert f"{FOREARM_PAGE}.md:{lineno}: WARNING: FAQ item " in line
        assert "it is about the arm, the page about the back" in line
        assert line.endswith("[kb.faq-off-topic]")
