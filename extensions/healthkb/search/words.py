"""The common words: ``kb-common-words.json``, which the search page reads.

It lists the words in more than COMMON_SHARE of the search records; the search page
leaves them out of a query that has rarer words. The counts are kept per bundle (see
:mod:`healthkb.search.staging`), so an edit counts the words of its own pages only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

#: Words in more than this share of the records are "common": the search page leaves them out
#: of a query that has rarer words (they barely rank, and at 1,000 articles a word in every
#: record costs Pagefind seconds to score).
COMMON_SHARE = 0.4
#: The file of the common words, beside the first bundle.
COMMON = "kb-common-words.json"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def word_counts(texts: list[str]) -> Counter[str]:
    """For each lower-case word: in how many of ``texts`` it is found."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(_WORD.findall(text.lower())))
    return counts


def common_from(counts: Counter[str], total: int) -> list[str]:
    """The words of ``counts`` found in more than COMMON_SHARE of ``total`` texts (sorted)."""
    limit = COMMON_SHARE * max(total, 1)
    return sorted(w for w, n in counts.items() if n > limit and total >= 20)


def common_words(texts: list[str]) -> list[str]:
    """Lower-case words found in more than COMMON_SHARE of ``texts`` (sorted)."""
    return common_from(word_counts(texts), len(texts))


def bundle_words(counts: Callable[[], Counter[str]], cache: Path, stale: bool) -> Counter[str]:
    """The word counts of a bundle's records: kept from its last indexing unless it is
    written again (or the kept counts are unreadable)."""
    if not stale:
        try:
            return Counter(json.loads(cache.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            pass
    total = counts()
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(total, sort_keys=True), encoding="utf-8")
    return total
