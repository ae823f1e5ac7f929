"""The check every patch of the speed layer makes before it is installed.

A patch relies on names that another package keeps to itself (a private method, an
attribute set in some ``__init__``). When one of them is gone, or not of the shape the
patch expects, the patch is not installed and the build runs Sphinx's own code: one
``info`` line says which patch and what it missed, so that an upgrade of Sphinx, furo or
sphinx-sitemap costs speed, never a wrong or hung build.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)


#: What a patch expects of an object: attribute name -> its type (``None``: a callable).
Expected = Mapping[str, type | tuple[type, ...] | None]


def lacking(obj: Any, expected: Expected, prefix: str = "") -> list[str]:
    """The names of ``expected`` (each after ``prefix``) that ``obj`` lacks, or holds with
    another type."""
    missing = []
    for name, kind in expected.items():
        try:
            value = getattr(obj, name)
        except AttributeError:
            missing.append(prefix + name)
            continue
        if kind is None:
            wrong = not callable(value)
        else:  # a bool is an int to isinstance, never to a patch
            wrong = not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)
        if wrong:
            missing.append(prefix + name)
    return missing


def guarded(patch: str, missing: Iterable[str]) -> bool:
    """True when nothing is missing; else log the one line that says so and return False."""
    names = list(missing)
    if names:
        logger.info(
            "kb_fast_build: %s not installed (missing: %s); Sphinx's own behaviour is kept",
            patch,
            ", ".join(names),
        )
        return False
    return True
