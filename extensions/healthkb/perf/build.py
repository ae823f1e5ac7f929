"""``python -m healthkb.perf.build``: ``sphinx-build`` with the process tuned for large sites.

It takes exactly the arguments of ``sphinx-build`` and runs Sphinx's own entry point;
only the Python process around it differs:

- **No final garbage collection.** When the build is over, the interpreter would walk
  every object still alive (the environment, cached doctrees: millions of docutils
  nodes linked to their parents) in one last cycle collection before exiting: 3.6 s
  after a 1,000-article build. The objects are frozen instead (``gc.freeze``): the
  operating system frees the memory of the ending process at once.
- **Fewer collections while building.** A Sphinx build allocates millions of
  long-lived nodes, and Python's default thresholds scan them again and again as they
  age; the first generation's threshold is raised (``GC_THRESHOLD``) so they are
  scanned less often. Forked ``-j`` workers inherit the setting.

- **soupsieve imported only when used.** furo imports BeautifulSoup, which imports
  soupsieve for CSS selectors; soupsieve compiles its selector grammar when imported
  (0.1-0.2 s of every build's start-up, before any page is read). This site renders furo's
  navigation without BeautifulSoup (``healthkb.site.navigation``) and selects nothing with
  CSS, so soupsieve stands deferred in ``sys.modules`` (``defer_import``) and is imported
  the first time anything uses it.

``make html``, ``kb build`` and ``kb bench`` build with it.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

#: Allocations between two collections of the youngest generation (Python's default: 700),
#: then the default ratios for the older ones. Measured on 1,000 articles, -j 1: 3.6% less
#: CPU, the same peak memory (508 against 515 MiB); keeping the oldest generation for
#: longer (ratios 50, 1,000) doubled the peak memory.
GC_THRESHOLD = (50_000, 10, 10)


def precompile(*folders: Path) -> None:
    """Compile the bytecode of the extension (and of ``folders``) ahead of a build.

    An editable install leaves the package uncompiled, and with ``PYTHONDONTWRITEBYTECODE``
    set every build would compile it again (~0.2 s of each build). Only stale files are
    compiled, so a second call costs a few stat calls.
    """
    import compileall

    for folder in (Path(__file__).resolve().parent, *folders):
        if folder.is_dir():
            compileall.compile_dir(folder, quiet=1)


#: Modules imported by the build's dependencies that no page of this site needs (see above).
DEFERRED = ("soupsieve",)


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module not imported yet: the first use of one of its
    attributes imports the module, which then takes its place (the attributes are copied
    here too, for the modules that already hold this stand-in)."""

    def __getattr__(self, attr: str) -> Any:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        module = importlib.import_module(name)
        for key, value in vars(module).items():
            if key not in ("__spec__", "__loader__"):
                setattr(self, key, value)
        return getattr(module, attr)


def defer_import(name: str) -> bool:
    """Put a stand-in for the top-level module ``name`` in ``sys.modules`` (see
    ``_Deferred``), unless it is imported already or not installed."""
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return False
    sys.modules[name] = _Deferred(name)
    return True


def main(argv: list[str] | None = None) -> int:
    for name in DEFERRED:
        defer_import(name)
    from sphinx.cmd.build import main as sphinx_main

    gc.set_threshold(*GC_THRESHOLD)
    status = sphinx_main(sys.argv[1:] if argv is None else argv)
    gc.freeze()
    return status


if __name__ == "__main__":
    sys.exit(main())
