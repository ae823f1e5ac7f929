"""Measure one command: wall and CPU seconds of its whole process tree, and the peak memory
of that tree (resident set summed over every process, and the proportional set size that
counts shared pages once; polled from /proc). A command still running after its timeout is
stopped, with its whole tree."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import threading
import time
from pathlib import Path

from healthkb.cli.bench.results import Run

SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01: no build date in the output


def _children(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def _memory_kib(pid: int) -> tuple[int, int]:
    """(resident, proportional) set size of one process in KiB (0, 0 when it is gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class TreeMemory(threading.Thread):
    """Polls the memory of a process tree until stopped; keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            rss = pss = 0
            for pid in _children(self.pid):
                r, p = _memory_kib(pid)
                rss, pss = rss + r, pss + p
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measure(
    label: str,
    cmd: list[str],
    *,
    cwd: Path,
    log: Path,
    stdout: Path | None = None,
    timeout: float | None = None,
    extra_env: dict[str, str] | None = None,
) -> Run:
    """Run ``cmd`` (its output into ``log``, or its stdout into ``stdout``) and measure it;
    after ``timeout`` seconds its whole process tree is stopped (``Run.stopped``)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, **(extra_env or {})}
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as err, (stdout or log).open("a", encoding="utf-8") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=out if stdout else err,
            stderr=err,
            env=env,
            start_new_session=True,  # its own process group, to stop the whole tree
        )
        poller = TreeMemory(proc.pid)
        poller.start()
        stopped = False
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stopped = True
            os.killpg(proc.pid, signal.SIGKILL)
            returncode = proc.wait()
        poller.stop()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = log.read_text(encoding="utf-8", errors="replace")
    return Run(
        label,
        round(wall, 2),
        round(cpu, 2),
        round(poller.peak_rss / 1024, 1),
        round(poller.peak_pss / 1024, 1),
        returncode,
        warnings=len(re.findall(r"\bWARNING\b|\bERROR\b", text)),
        load_before=round(load, 2),
        stopped=stopped,
    )
