"""Writing a file whole or not at all.

Imported pages, the URL lock file and the search index's caches are written through
:func:`write_atomic`: a reader (a build, a writer process, an interrupted import run
again) finds either the old file or the new one, never half of one. Plain Python
only, so the importer (which never imports Sphinx) uses it too.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, *, durable: bool = False) -> None:
    """Write ``data`` (text is written as UTF-8, its newlines untranslated) to ``path``.

    The data goes to a temporary file in the same folder (made if needed), which then
    replaces ``path`` in one step. The file keeps the permissions of the one it replaces;
    a new file gets the usual ones (the process's umask applies). ``durable`` also flushes
    the data to the disk before the file is replaced: for files a maintainer edits
    (imported pages), not for caches a build can make again, where it would cost a disk
    flush per file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _temporary(path: Path) -> tuple[int, str]:
    """A new file beside ``path``, open for writing. Created with ``os.open`` rather than
    ``tempfile.mkstemp`` (always 0600): the umask then gives it a new file's usual
    permissions, without reading the umask (setting it to read it would race with other
    threads starting processes)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = str(path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp"))
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
