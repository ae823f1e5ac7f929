"""The CPU time of named phases of a build, for ``kb bench`` (off unless asked for).

``kb bench`` sets :data:`ENV` to a folder for the builds it measures; each process that runs a
timed phase appends one line per call (``phase<TAB>seconds``) to ``<folder>/<pid>.tsv``, and
:func:`read_phases` sums them. The time is the thread's CPU time, so a loaded machine does not
inflate it. With :data:`ENV` unset a phase costs one environment look-up.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The environment variable naming the folder the phases' times go to.
ENV = "KB_PHASE_TIMES"


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block as phase ``name`` when :data:`ENV` is set."""
    folder = os.environ.get(ENV)
    if not folder:
        yield
        return
    start = time.thread_time()
    try:
        yield
    finally:
        seconds = time.thread_time() - start
        with Path(folder, f"{os.getpid()}.tsv").open("a", encoding="utf-8") as out:
            out.write(f"{name}\t{seconds:.6f}\n")


def read_phases(folder: Path) -> dict[str, tuple[float, int]]:
    """Seconds and calls of each phase recorded in ``folder``."""
    seconds: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    for path in sorted(folder.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("\t")
            seconds[name] += float(value)
            calls[name] += 1
    return {name: (seconds[name], calls[name]) for name in sorted(seconds)}
