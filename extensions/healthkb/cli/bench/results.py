"""The figures of one site benchmark: runs, sites, ratios ours / plain, and their table
and JSON (``build/bench/results.json`` and ``build/bench/results-<n>.json``)."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Run:
    """One measured command."""

    label: str
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    peak_pss_mib: float
    returncode: int
    warnings: int = 0
    load_before: float = 0.0
    #: Stopped after ``--plain-timeout`` seconds: ``wall_s`` is a lower bound.
    stopped: bool = False

    def row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Site:
    """What one built site weighs."""

    pages: int = 0
    output_mib: float = 0.0
    article_page: str = ""
    article_page_kib: float = 0.0
    search_index_kib: float = 0.0
    answer_index_kib: float = 0.0


@dataclass
class Result:
    articles: int
    seed: int
    default_jobs: str
    cores: int
    runs: dict[str, Run] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    #: CPU milliseconds per article of each timed phase, by run (clean builds of ours).
    phases: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "articles": self.articles,
            "seed": self.seed,
            "default_jobs": self.default_jobs,
            "cores": self.cores,
            "python": platform.python_version(),
            "runs": {k: v.row() for k, v in self.runs.items()},
            "sites": {k: asdict(v) for k, v in self.sites.items()},
            "per_article_ms": {
                k: round(1000 * v.wall_s / self.articles, 1)
                for k, v in self.runs.items()
                if k.endswith(("build -j 1", "build -j default"))
            },
            "phase_ms_per_article": self.phases,
            "ratios": self.ratios(),
            "ratio_upper_bounds": self.bounds(),
            "layer_ratios": self.layer_ratios(),
            "notes": self.notes,
        }
        return out

    def bounds(self) -> list[str]:
        """Ratios that are upper bounds: the plain build they divide by was stopped."""
        stopped = {label.removeprefix("plain: ") for label, r in self.runs.items() if r.stopped}
        out = [
            f"build {jobs} {kind}"
            for jobs in ("-j 1", "-j default")
            for kind in ("wall", "cpu")
            if f"build {jobs}" in stopped
        ]
        if "build -j default" in stopped:
            out += ["import + build -j default wall", "peak memory"]
        return out

    def layer_ratios(self) -> dict[str, float]:
        """Wall and CPU time of ours with the speed layer on / off, for each build both ran."""
        ratios: dict[str, float] = {}
        for label, on in self.runs.items():
            if not label.startswith("ours: ") or label == "ours: import":
                continue
            off = self.runs.get(label.replace("ours: ", "ours, layer off: ", 1))
            if off and off.wall_s and on.returncode == 0 and off.returncode == 0:
                run = label.removeprefix("ours: ")
                ratios[f"{run} wall"] = round(on.wall_s / off.wall_s, 3)
                ratios[f"{run} cpu"] = round(on.cpu_s / max(off.cpu_s, 1e-9), 3)
        return ratios

    def ratios(self) -> dict[str, float]:
        """ours / plain for every figure both sites have."""
        ratios: dict[str, float] = {}
        for jobs in ("-j 1", "-j default"):
            mine = self.runs.get(f"ours: build {jobs}")
            plain = self.runs.get(f"plain: build {jobs}")
            if mine and plain and plain.wall_s:
                ratios[f"build {jobs} wall"] = round(mine.wall_s / plain.wall_s, 3)
                ratios[f"build {jobs} cpu"] = round(mine.cpu_s / max(plain.cpu_s, 1e-9), 3)
        mine_total = self.runs.get("ours: import")
        mine_build = self.runs.get("ours: build -j default")
        plain_build = self.runs.get("plain: build -j default")
        if mine_total and mine_build and plain_build:
            ratios["import + build -j default wall"] = round(
                (mine_total.wall_s + mine_build.wall_s) / plain_build.wall_s, 3
            )
        for name in ("incremental", "no-op"):
            mine = self.runs.get(f"ours: {name}")
            plain = self.runs.get(f"plain: {name}")
            if mine and plain and plain.wall_s:
                ratios[f"{name} wall"] = round(mine.wall_s / plain.wall_s, 3)
        mine_peak = self.runs.get("ours: build -j default")
        plain_peak = self.runs.get("plain: build -j default")
        if mine_peak and plain_peak and plain_peak.peak_pss_mib:
            ratios["peak memory"] = round(mine_peak.peak_pss_mib / plain_peak.peak_pss_mib, 3)
        ours, plain_site = self.sites.get("ours"), self.sites.get("plain")
        if ours and plain_site:
            for key in ("output_mib", "article_page_kib"):
                if getattr(plain_site, key):
                    ratios[key] = round(getattr(ours, key) / getattr(plain_site, key), 3)
            # Search: Sphinx's searchindex.js and/or the answer index.
            plain_search = plain_site.search_index_kib + plain_site.answer_index_kib
            if plain_search:
                ours_search = ours.search_index_kib + ours.answer_index_kib
                ratios["search_index_kib"] = round(ours_search / plain_search, 3)
        return ratios


def table(result: Result) -> str:
    """The figures as a plain-text table, with ours / plain ratios."""
    lines = [
        f"{result.articles} articles, seed {result.seed}, {result.cores} cores, "
        f"default parallelism -j {result.default_jobs}",
        "",
        f"{'run':34} {'wall s':>8} {'cpu s':>8} {'ms/article':>10} {'peak MiB (pss)':>15} "
        f"{'rss sum':>8} {'warnings':>8} {'load':>5}",
    ]
    for run in result.runs.values():
        per = 1000 * run.wall_s / result.articles
        label = run.label + (" (stopped)" if run.stopped else "")
        lines.append(
            f"{label:34} {run.wall_s:8.2f} {run.cpu_s:8.2f} {per:10.1f} "
            f"{run.peak_pss_mib:15.1f} {run.peak_rss_mib:8.1f} {run.warnings:8d} "
            f"{run.load_before:5.2f}"
        )
    lines.append("")
    lines.append(
        f"{'site':8} {'pages':>6} {'output MiB':>11} {'article KiB':>12} {'search KiB':>11}"
    )
    for name, site in result.sites.items():
        lines.append(
            f"{name:8} {site.pages:6d} {site.output_mib:11.2f} {site.article_page_kib:12.1f} "
            f"{site.search_index_kib + site.answer_index_kib:11.1f}"
        )
    for label, phases in result.phases.items():
        if phases:
            timed = ", ".join(f"{name} {ms:.2f}" for name, ms in phases.items())
            lines.append(f"CPU ms per article in the checks ({label}): {timed}")
    lines.append("")
    ratios = result.ratios()
    if ratios:
        lines.append("ratios ours / plain (<=: the plain build was stopped, an upper bound):")
        bounds = set(result.bounds())
        for key, value in ratios.items():
            lines.append(f"  {key:34} {'<=' if key in bounds else '  '}{value:6.3f}")
    layer = result.layer_ratios()
    if layer:
        lines.append("ratios ours with the speed layer on / off (kb bench --layer-off):")
        for key, value in layer.items():
            lines.append(f"  {key:34}   {value:6.3f}")
    for note in result.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def write_results(result: Result, workdir: Path) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / f"results-{result.articles}.partial.json").unlink(missing_ok=True)
    data = result.as_dict()
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    (workdir / f"results-{result.articles}.json").write_text(text, encoding="utf-8")
    path = workdir / "results.json"
    path.write_text(text, encoding="utf-8")
    return path
