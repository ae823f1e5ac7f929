"""A deterministic synthetic corpus of source articles, made from the four real ones.

``generate(n, seed)`` gives ``n`` article files of all three shapes (blog exports, legacy
plain-text posts, captured answers pages): each is one of the real articles with its own
title, URL, date and tags, its sections and sentences reordered, and some sections dropped
or repeated. The same ``(n, seed)`` always gives the same files, byte for byte.

No Sphinx here: the importer benchmark (and later the site benchmark) use it.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

#: Where the real articles live in a checkout.
ARTICLES = Path("tests") / "fixtures" / "articles"
_HEADING = re.compile(r"^## ", re.MULTILINE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def find_articles(start: Path | None = None) -> list[Path]:
    """The real articles (``tests/fixtures/articles/*.txt``) of the checkout around ``start``."""
    bases = [start or Path.cwd(), Path(__file__).resolve()]
    for base in bases:
        for candidate in (base, *base.parents):
            folder = candidate / ARTICLES
            if folder.is_dir():
                found = sorted(folder.glob("*.txt"))
                if found:
                    return found
    raise FileNotFoundError(f"no {ARTICLES}/*.txt found above {bases[0]}")


def generate(n: int, seed: int = 0, sources: list[Path] | None = None) -> list[tuple[str, bytes]]:
    """``n`` synthetic article files as (file name, bytes), all three shapes, deterministic."""
    texts = [p.read_text(encoding="utf-8") for p in (sources or find_articles())]
    out = []
    for i in range(n):
        base = texts[i % len(texts)]
        rng = random.Random(f"{seed}:{i}")
        shape = _shape(base)
        text = _vary(base, shape, i, rng)
        out.append((f"{i:05d}_{shape}.txt", text.encode("utf-8")))
    return out


def write(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """Write ``generate(n, seed)`` into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in generate(n, seed):
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _shape(text: str) -> str:
    first = text.lstrip().split("\n", 1)[0]
    if not first.startswith("# "):
        return "legacy"
    return "answers" if "Answers" in first else "blog"


def _vary(text: str, shape: str, i: int, rng: random.Random) -> str:
    lines = text.split("\n")
    first = next(k for k, line in enumerate(lines) if line.strip())
    title = lines[first]
    if shape == "answers":
        head, _, site = title.partition(" | ")
        lines[first] = f"{head} ({i}) | {site}"
    else:
        lines[first] = f"{title} ({i})"
    text = "\n".join(lines)
    text = re.sub(
        r"(\*\*URL:\*\* \S+?)/?$",
        lambda m: f"{m.group(1)}-{i}",
        text,
        count=1,
        flags=re.MULTILINE,
    )
    day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2400))
    text = re.sub(r"(\*\*Published:\*\* )\S+", rf"\g<1>{day.isoformat()}", text, count=1)

    def tags(match: re.Match[str]) -> str:
        items = [t.strip() for t in match.group(2).split(",")]
        rng.shuffle(items)
        return match.group(1) + ", ".join(items[: rng.randint(1, len(items))])

    text = re.sub(r"^(\*\*Tags:\*\* )(.*)$", tags, text, count=1, flags=re.MULTILINE)
    if shape != "legacy":
        text = _shuffle_sections(text, rng)
    return _shuffle_sentences(text, rng)


def _shuffle_sections(text: str, rng: random.Random) -> str:
    """Reorder the middle ``##`` sections; drop one or repeat one now and then."""
    parts = _HEADING.split(text)
    head, sections = parts[0], ["## " + p for p in parts[1:]]
    if len(sections) < 4:
        return text
    middle = sections[:-3]
    rng.shuffle(middle)
    roll = rng.random()
    if roll < 0.2 and len(middle) > 1:
        middle.pop(rng.randrange(len(middle)))
    elif roll < 0.4:
        middle.append(rng.choice(middle))
    return head + "".join(middle + sections[-3:])


def _shuffle_sentences(text: str, rng: random.Random) -> str:
    """Rotate the sentences of some plain paragraphs."""
    out = []
    for line in text.split("\n"):
        if len(line) > 120 and line[:1].isalpha() and "](" not in line and rng.random() < 0.3:
            sentences = _SENTENCE.split(line)
            if len(sentences) > 1:
                k = rng.randrange(1, len(sentences))
                line = " ".join(sentences[k:] + sentences[:k])
        out.append(line)
    return "\n".join(out)
