"""The reading-level numbers (healthkb.language.readability) on texts whose counts are known."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import textstat

from healthkb.language.readability import (
    Counts,
    count,
    longest,
    measure,
    sentences,
    split_sentences,
    total,
)


def test_one_sentence_of_one_syllable_words() -> None:
    # 6 words, 6 syllables, 1 sentence, no word of three syllables.
    counts = measure("The cat sat on the mat.")
    assert counts == Counts(sentences=1, words=6, syllables=6, polysyllables=0)
    assert counts.grade == pytest.approx(0.39 * 6 + 11.8 * 1 - 15.59)  # -1.45
    assert counts.reading_ease == pytest.approx(206.835 - 1.015 * 6 - 84.6 * 1)  # 116.145
    assert counts.smog == pytest.approx(3.1291)


def test_known_counts_give_the_published_formulas() -> None:
    # 4 words: doc-tors (2), rec-om-mend (3), in-di-vid-u-al-ized (6), re-ha-bil-i-ta-tion
    # (6): 17 syllables, three words of three or more syllables.
    counts = measure("Doctors recommend individualized rehabilitation.")
    assert counts == Counts(sentences=1, words=4, syllables=17, polysyllables=3)
    assert counts.grade == pytest.approx(0.39 * 4 + 11.8 * 17 / 4 - 15.59)  # 36.12
    assert counts.reading_ease == pytest.approx(206.835 - 1.015 * 4 - 84.6 * 17 / 4)  # -156.8
    assert counts.smog == pytest.approx(1.043 * math.sqrt(3 * 30 / 1) + 3.1291)  # 13.02


def test_plain_text_reads_lower_than_jargon() -> None:
    plain = measure("Roll the muscles next to your spine. Do not roll the bones. Stop if it hurts.")
    jargon = measure(
        "Self-myofascial release of paraspinal musculature ameliorates discomfort, "
        "consequently facilitating functional rehabilitation."
    )
    assert plain.grade is not None and jargon.grade is not None
    assert plain.grade < 3 < 12 < jargon.grade
    assert plain.reading_ease is not None and jargon.reading_ease is not None
    assert plain.reading_ease > 90 > 10 > jargon.reading_ease


@pytest.mark.parametrize(
    "text",
    [
        "The lumbar spine has no rib cage to support it. Roll the muscles around it instead: "
        "the glutes, the hip flexors and the upper back.",
        "Stop rolling and see a health professional if pain spreads down your legs. Call your "
        "local emergency number if you lose control of your bladder or bowels.",
    ],
)
def test_same_numbers_as_textstat_where_the_sentences_agree(text: str) -> None:
    """The formulas are textstat's: on text whose sentences both split alike (every sentence
    of three words or more), the grades are textstat's own."""
    counts = measure(text)
    assert counts.grade == pytest.approx(textstat.flesch_kincaid_grade(text))
    assert counts.reading_ease == pytest.approx(textstat.flesch_reading_ease(text))
    assert counts.smog == pytest.approx(textstat.smog_index(text))


def test_counts_add_up() -> None:
    """A page's grade is that of all its sentences, not an average of its sections'."""
    first = "Roll slowly. Breathe out."
    second = "Self-myofascial release of the thoracic musculature improves mobility considerably."
    both = measure(first) + measure(second)
    assert both == measure(first + "\n\n" + second)
    assert both.grade != pytest.approx(
        ((measure(first).grade or 0) + (measure(second).grade or 0)) / 2
    )
    assert Counts().grade is None and Counts().reading_ease is None and Counts().smog is None


def test_sentences_split_where_a_reader_stops() -> None:
    text = (
        "Roll for 1.5 minutes, e.g. on the glutes. Dr. Smith agrees!\n"
        "“Really?” Yes. Then (slowly) roll the hips.\n"
        "No. 3 is the last step"
    )
    assert split_sentences(text) == [
        ("Roll for 1.5 minutes, e.g. on the glutes.", 0),
        ("Dr. Smith agrees!", 0),
        ("“Really?”", 1),
        ("Yes.", 1),
        ("Then (slowly) roll the hips.", 1),
        ("No. 3 is the last step", 2),
    ]
    # A lower-case word after a stop does not start a sentence.
    assert split_sentences("Roll the lats, i.e. the wide back muscles.") == [
        ("Roll the lats, i.e. the wide back muscles.", 0)
    ]


def test_sentences_keep_their_lines_and_blocks_end_them() -> None:
    found = sentences(
        [
            ("A list item without a stop", 10),
            ("One sentence\nover two lines. And a second\none.", 12),
            ("—", 20),  # no word: not a sentence
            ("A block of unknown line.", None),
        ]
    )
    assert [(s.text, s.line, s.words) for s in found] == [
        ("A list item without a stop", 10, 6),
        ("One sentence over two lines.", 12, 5),
        ("And a second one.", 13, 4),
        ("A block of unknown line.", None, 5),
    ]
    assert total(found).sentences == 4
    assert total(found).words == 20


def test_every_sentence_counts_however_short() -> None:
    # textstat leaves out sentences of one or two words; a reader does not.
    assert measure("Stop. Rest now. Then roll the other side.").sentences == 3
    assert count("Stop.") == Counts(1, 1, 1, 0)
    assert count("—") == Counts()


def test_longest_sentences_first_and_in_order_among_equals() -> None:
    found = sentences([("One two three. Four five six. One two three four five six seven.", 1)])
    assert [s.text for s in longest(found, 2)] == [
        "One two three four five six seven.",
        "One two three.",
    ]
    assert longest([], 3) == []


def test_nothing_is_downloaded(tmp_path: Path) -> None:
    """A build must never download: the pronunciation dictionary ships with the packages.
    In a fresh process whose every network connection fails (and whose proxies point
    nowhere), measuring a text tries none and imports no downloader."""
    guard = tmp_path / "sitecustomize.py"
    guard.write_text(
        textwrap.dedent(
            """\
            import socket

            def _refuse(*args, **kwargs):
                raise SystemExit(f"network use: {args!r}")

            socket.socket.connect = _refuse
            socket.socket.connect_ex = _refuse
            socket.create_connection = _refuse
            socket.getaddrinfo = _refuse
            """
        ),
        encoding="utf-8",
    )
    script = (
        "import sys\n"
        "from healthkb.language.readability import measure\n"
        "counts = measure('Roll the muscles around your lower back, not the lumbar spine.')\n"
        "assert counts.syllables == 15, counts\n"
        "assert 'nltk' not in sys.modules and 'urllib.request' not in sys.modules\n"
        "print('offline', counts.words)\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "offline 11"
