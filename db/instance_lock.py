"""One program instance per room: an OS lock on `<room>.lock`, released when the process dies."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

from db.errors import DatabaseInUse

if sys.platform == "win32":
    import msvcrt

    def _lock(fh: IO[bytes]) -> None:
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh: IO[bytes]) -> None:
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[bytes] | None = None

    def acquire(self) -> None:
        fh = open(self.path, "a+b")  # noqa: SIM115 (held open for as long as the lock)
        try:
            _lock(fh)
        except OSError:
            fh.close()
            raise DatabaseInUse() from None
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            _unlock(self._fh)
            self._fh.close()
            self._fh = None
