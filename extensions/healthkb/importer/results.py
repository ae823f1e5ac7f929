"""What an import did: per file (created, updated, unchanged, skipped, refused), for the
source registry, and for the whole run (its exit code); each also as JSON (``kb import --json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from healthkb.importer.model import Report


@dataclass
class FileResult:
    #: The source file as named on the command line (or found in a folder).
    source: str
    #: created | updated | unchanged | skipped | refused (a dry run creates nothing, but the
    #: status says what a real run would do).
    status: str
    page: str = ""
    shape: str = ""
    message: str = ""
    report: Report | None = None
    diff: str = ""
    sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "status": self.status,
            "page": self.page,
            "shape": self.shape,
            "message": self.message,
            "sources": self.sources,
        }
        if self.report is not None:
            out["report"] = self.report.as_dict()
        if self.diff:
            out["diff"] = self.diff
        return out


@dataclass
class RegistryResult:
    path: str
    status: str = "unchanged"  # created | updated | unchanged | failed
    added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    diff: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "added": self.added,
            "conflicts": self.conflicts,
            "errors": self.errors,
            **({"diff": self.diff} if self.diff else {}),
        }


@dataclass
class RunResult:
    files: list[FileResult] = field(default_factory=list)
    registry: RegistryResult | None = None
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        failed = any(f.status == "refused" for f in self.files)
        if self.registry is not None and self.registry.status == "failed":
            failed = True
        return 1 if failed else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "exit_code": self.exit_code,
            "files": [f.as_dict() for f in self.files],
            "registry": self.registry.as_dict() if self.registry else None,
        }
