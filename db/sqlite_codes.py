"""SQLite failures sorted by result code into "the environment's fault" (typed, with a calm
Chinese message) and "our bug" (returned unchanged, for the crash dialog).

The driver's exceptions carry the extended result code (`sqlite_errorcode`, as in the stdlib
sqlite3); its low byte is the primary code. Message text is read only when a code is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from db.errors import (
    CannotOpenDatabase,
    DatabaseDamaged,
    DatabaseInUse,
    DatabaseReadOnly,
    DiskFull,
    DiskIOError,
    MijianError,
)

SQLITE_ERROR = 1
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

# Below this much free space an I/O error is most likely a full disk (SQLite reports some
# ENOSPC cases, e.g. growing the -shm file, as IOERR rather than FULL).
NEARLY_FULL_BYTES = 256 * 1024

IN_USE = "数据库正被其他程序或窗口使用，请稍后重试。"

_BY_CODE: dict[int, type[MijianError]] = {
    SQLITE_FULL: DiskFull,
    SQLITE_IOERR: DiskIOError,
    SQLITE_CORRUPT: DatabaseDamaged,
    SQLITE_NOTADB: DatabaseDamaged,
    SQLITE_READONLY: DatabaseReadOnly,
    SQLITE_CANTOPEN: CannotOpenDatabase,
    SQLITE_BUSY: DatabaseInUse,
    SQLITE_LOCKED: DatabaseInUse,
}

# Fallback only: (fragment of the lower-cased message, primary code).
_BY_TEXT = (
    ("disk is full", SQLITE_FULL),
    ("disk i/o", SQLITE_IOERR),
    ("malformed", SQLITE_CORRUPT),
    ("not a database", SQLITE_NOTADB),
    ("readonly", SQLITE_READONLY),
    ("read-only", SQLITE_READONLY),
    ("unable to open", SQLITE_CANTOPEN),
    ("locked", SQLITE_LOCKED),
    ("busy", SQLITE_BUSY),
)


def primary_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF not in (0, SQLITE_ERROR):
        return code & 0xFF
    # No code, or the generic SQLITE_ERROR that wraps another failure (sqlcipher_export
    # reports a full disk so): only then is the text read.
    text = str(exc).lower()
    for fragment, found in _BY_TEXT:
        if fragment in text:
            return found
    return None


def classify(exc: BaseException, path: Path | None = None) -> MijianError | BaseException:
    """The typed error for `exc`, or `exc` itself when it is not the environment's fault."""
    code = primary_code(exc)
    if code is None or code not in _BY_CODE:
        return exc
    if code == SQLITE_IOERR and path is not None and nearly_full(path):
        return DiskFull()
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseInUse(IN_USE)
    return _BY_CODE[code]()


def nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(Path(path).parent).free < NEARLY_FULL_BYTES
    except OSError:
        return False
