"""Running the Pagefind binary over a staged folder, into one bundle.

The binary (from the ``pagefind[extended]`` wheel) indexes a folder in parallel; its
Python API answers one document per 0.1 s, far too slow for 1,000 pages. It runs at a
lower priority (NICENESS), so that beside the writing of the pages it takes only the
cores the writers leave idle.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from healthkb.search.bundles import ENTRY, entry_ok

#: Pagefind runs beside the writing of the pages, at a lower priority: it takes the cores
#: the writers leave idle (the main process's serial steps, the last chunks).
NICENESS = 10


#: The distributions that ship the Pagefind binary, in the order Pagefind's own launcher
#: (``python -m pagefind``) prefers them, and the binary's names in them.
BINARY_DISTRIBUTIONS = ("pagefind_bin_extended", "pagefind_bin")
BINARY_NAMES = ("pagefind_extended", "pagefind", "pagefind_extended.exe", "pagefind.exe")


@functools.cache
def pagefind_executable() -> list[str]:
    """How to run Pagefind: its binary, found as Pagefind's launcher finds it (the
    ``PAGEFIND_BINARY_PATH`` variable, then the binary wheels), from the wheels' file lists
    rather than by importing them; ``python -m pagefind`` when none is found. The launcher
    costs 0.1 s of Python start-up before Pagefind runs, on the critical path of an
    incremental build."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        return [override]
    for name in BINARY_DISTRIBUTIONS:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        for file in files:
            if file.name in BINARY_NAMES:
                path = Path(str(file.locate()))
                if path.is_file() and os.access(path, os.X_OK):
                    return [str(path)]
    return [sys.executable, "-m", "pagefind"]


def pagefind_command(bundle: Path, language: str) -> list[str]:
    """The command that indexes the current folder into ``bundle``."""
    cmd = [*pagefind_executable(), "--site", ".", "--output-path", str(bundle.resolve())]
    return [*cmd, "--force-language", language, "--silent"]


def _run(
    folder: Path, bundle: Path, language: str, running: list[subprocess.Popen[str]]
) -> str | None:
    """Run Pagefind over ``folder``, one HTML file per page (see
    :mod:`healthkb.search.staging`), into ``bundle``; returns an error message, or None.
    The process is listed in ``running`` while it runs (so that it can be stopped)."""
    try:
        # cwd: Pagefind reads a pagefind.json/.toml/.yml of its working directory (the
        # staging folder has none).
        proc = subprocess.Popen(
            pagefind_command(bundle, language),
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as err:
        return str(err)
    running.append(proc)
    with contextlib.suppress(AttributeError, OSError):  # not on this system, or gone
        os.setpriority(os.PRIO_PROCESS, proc.pid, NICENESS)
    out, errors = proc.communicate()
    running.remove(proc)
    if proc.returncode != 0:
        return (errors or out).strip()[-500:] or f"exit status {proc.returncode}"
    return None


def index_shard(
    folder: Path, tmp_bundle: Path, language: str, running: list[subprocess.Popen[str]]
) -> str | None:
    """Write one bundle into ``tmp_bundle``; returns an error message, or None. On a busy
    machine Pagefind has been seen to return before pagefind-entry.json held its JSON: a
    bundle without a readable entry file is written again (twice at most), never published
    half-written."""
    for _attempt in range(3):
        shutil.rmtree(tmp_bundle, ignore_errors=True)
        error = _run(folder, tmp_bundle, language, running)
        if error is not None:
            return error
        if entry_ok(tmp_bundle / ENTRY):
            return None
    return "Pagefind wrote an unreadable pagefind-entry.json three times"
