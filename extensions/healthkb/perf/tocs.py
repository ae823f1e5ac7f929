"""Each page's table of contents kept pickled in the environment until it is used.

Sphinx keeps the table of contents of every page (``env.tocs``: docutils node trees)
in the pickled environment. Docutils nodes are slow to pickle and unpickle: each is a
Python object with its own attribute lists. At 1,000 articles the tables of contents
are 4.4 MB of the 29 MB environment but most of the time spent loading and saving it
(without them: 0.15 s instead of 0.45 s to save, 0.18 s instead of 0.4-0.6 s to load),
and an incremental or no-op build loads and saves the environment once each while it
uses the tables of contents of only the pages it writes.

:class:`LazyTocs` replaces ``env.tocs``: a dict whose values are kept as the pickled
bytes of each page's table of contents, unpickled the first time the page's table is
used. Saving the environment pickles again only the tables that were used (or read
anew); the others stay the bytes they were loaded as. Sphinx uses ``env.tocs`` through
indexing, ``in``, ``pop`` and assignment, which behave as on a plain dict.

It relies on ``env.tocs`` being a plain dict (checked before it is swapped). With
``kb_fast_build`` off, an environment saved by a fast build gets its plain dict back.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from healthkb.perf.guards import guarded


class LazyTocs(dict[str, Any]):
    """docname -> table of contents (a ``bullet_list``), unpickled on first use."""

    def _decode(self, key: str, value: Any) -> Any:
        if isinstance(value, bytes):
            value = pickle.loads(value)
            dict.__setitem__(self, key, value)
        return value

    def __getitem__(self, key: str) -> Any:
        return self._decode(key, dict.__getitem__(self, key))

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        return default

    def pop(self, key: str, *default: Any) -> Any:
        if key not in self:
            return dict.pop(self, key, *default)
        value = self[key]
        dict.pop(self, key)
        return value

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        return (self[key] for key in list(self))

    def items(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        return ((key, self[key]) for key in list(self))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, dict) and dict(self.items()) == dict(other.items())

    __hash__ = None

    def __repr__(self) -> str:
        return f"LazyTocs({len(self)} pages)"

    def __reduce__(self) -> tuple[Any, ...]:
        stored = {
            key: value if isinstance(value, bytes) else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            for key, value in dict.items(self)
        }
        return (_restore, (stored,))


def _restore(stored: dict[str, bytes]) -> LazyTocs:
    tocs = LazyTocs()
    dict.update(tocs, stored)
    return tocs


def _install(app: Sphinx) -> None:
    env: BuildEnvironment = app.env
    tocs = getattr(env, "tocs", None)
    if isinstance(tocs, LazyTocs):
        return
    if guarded("tables of contents kept pickled", [] if type(tocs) is dict else ["env.tocs"]):
        lazy = LazyTocs()
        dict.update(lazy, env.tocs)
        env.tocs = lazy


def restore_plain_tocs(app: Sphinx) -> None:
    """With the speed layer off: Sphinx's own dict again, if a fast build saved a LazyTocs."""
    env: BuildEnvironment = app.env
    if isinstance(env.tocs, LazyTocs):
        env.tocs = dict(env.tocs.items())


def install_tocs(app: Sphinx) -> None:
    app.connect("builder-inited", _install)
