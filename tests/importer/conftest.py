"""Shared helpers of the importer tests: fixture folders and regeneration.

Expected outputs are files reviewed by eye. ``KB_REGENERATE=1 pytest tests/importer``
rewrites them from the current importer (then review the diff before committing).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
IMPORTER = FIXTURES / "importer"
ARTICLES = FIXTURES / "articles"
REAL = IMPORTER / "real"
CURATED = IMPORTER / "curated"
REGENERATE = os.environ.get("KB_REGENERATE") == "1"

#: The four real articles: file -> the page it becomes.
REAL_ARTICLES = {
    "000_892ca5a493fdb46e.txt": "articles/foam-rolling-for-back-pain-does-it-actually-help.md",
    "001_fb326065ca147caf.txt": "articles/are-foam-rollers-good-for-your-back.md",
    "002_97baadc0d585dc68.txt": "articles/foam-roller-and-lower-back-pain-what-actually-works.md",
    "003_4ba9b850a3692efe.txt": "answers/is-it-healthy-to-foam-roll-your-back.md",
}


def check_text(path: Path, actual: str) -> None:
    """``actual`` equals the reviewed file ``path`` (or rewrites it when regenerating)."""
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path} differs; KB_REGENERATE=1 rewrites it (then review)"


def check_json(path: Path, actual: Any) -> None:
    check_text(path, json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
