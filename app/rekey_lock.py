"""Keeping a key rotation and every other opener of the room apart.

A rotation must be the only connection to the room from its first step to the reconnection on
the new file. SQLite's own lock covers most of that (`PRAGMA locking_mode = EXCLUSIVE`), but
not the gap between closing the old file and renaming the new one over it: a program opening
the room in that gap would write to a file about to be unlinked, and leave a write-ahead log
under the old key beside the new file. So a second lock, `<room>.keylock`, is held by the
rotation for the whole of it and by every opener (`app.rekey.open_room`) while it opens the
file and finishes an interrupted rotation. Openers hold it for milliseconds; a rotation for
as long as it takes (about 0.1 s for the demo room, seconds for a large one), so openers wait.

It also spares an opener SQLite's answer to a locked file during a rotation, which the open
path reads as a damaged database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import DatabaseInUse
from app.paths import RoomPaths
from db.connection import Database
from db.instance_lock import InstanceLock

if TYPE_CHECKING:
    from app.session import Session

OPENER_WAIT_SECONDS = 60.0  # a rotation of a large room takes seconds; an opener waits for it
ROTATION_WAIT_SECONDS = 5.0  # openers hold the lock only while they open the file


@dataclass(frozen=True)
class RoomHold:
    """Proof that the caller holds the room alone (given by `room_alone`, asked by rotate)."""

    paths: RoomPaths


def key_lock_path(paths: RoomPaths) -> Path:
    return paths.db.with_name(paths.db.name + ".keylock")


@contextmanager
def opening(paths: RoomPaths) -> Iterator[None]:
    """Wait while a rotation holds the room, then keep rotations out while opening it."""
    lock: InstanceLock | None
    try:
        lock = _take(key_lock_path(paths), OPENER_WAIT_SECONDS, "正在更换数据密钥，请稍后再试。")
    except OSError:  # DatabaseInUse is not one
        # A room on read-only media (a backup on a write-protected USB stick) cannot have
        # the lock file made, and cannot be rotated either: open it without.
        lock = None
    try:
        yield
    finally:
        if lock is not None:
            lock.release()


@contextmanager
def room_alone(session: Session) -> Iterator[RoomHold]:
    """Hold the room exclusively (no other connection, in any process) for the block.

    Taken before an account change that calls for a rotation, so that the change is not
    committed when another program (a command-line check, a backup) has the room open and the
    rotation could not follow. While held, no other program can open the room.
    """
    busy = (
        "另一个程序（如命令行检查或备份）正打开此机要室，无法更换数据密钥，本次未做任何更改。"
        "请关闭后重试。"
    )
    lock = _take(key_lock_path(session.paths), ROTATION_WAIT_SECONDS, busy)
    try:
        _exclusive(session.db, busy)
        try:
            yield RoomHold(session.paths)
        finally:
            _release(session.db)
    finally:
        lock.release()


def _take(path: Path, seconds: float, message: str) -> InstanceLock:
    lock = InstanceLock(path)
    deadline = time.monotonic() + seconds
    while True:
        try:
            lock.acquire()
            return lock
        except DatabaseInUse:
            if time.monotonic() > deadline:
                raise DatabaseInUse(message) from None
            time.sleep(0.02)


def _exclusive(db: Database, message: str) -> None:
    db.execute("PRAGMA busy_timeout = 300")
    try:
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        # Under EXCLUSIVE locking, the lock taken by this (empty) transaction is kept after it.
        db.execute("BEGIN EXCLUSIVE")
        db.execute("COMMIT")
    except BaseException as exc:
        _release(db)
        if isinstance(exc, DatabaseInUse):
            raise DatabaseInUse(message) from None
        raise


def _release(db: Database) -> None:
    db.execute("PRAGMA locking_mode = NORMAL")
    db.execute("PRAGMA busy_timeout = 5000")
    db.scalar("SELECT count(*) FROM room")  # NORMAL takes effect at the next access
