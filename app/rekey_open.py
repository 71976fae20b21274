"""Opening a room whose key rotation was interrupted, and finishing what it left.

`open_room` opens with the newest key generation that opens the file and sets the keys file
straight (app/rekey.py describes the states a kill can leave). `resume` then carries out a
rotation that an account change had marked due but that never completed.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from app import audit
from app.clock import Clock, stamp
from app.errors import MijianError, NotAMijianDatabase
from app.paths import RoomPaths
from app.rekey import remove_staging, rotate
from app.rekey_lock import opening, room_alone
from db.connection import Database
from db.keyslots import KeyFile

if TYPE_CHECKING:
    from app.session import Session


def open_room(
    paths: RoomPaths, keyfile: KeyFile, keys: list[tuple[int, bytes]], clock: Clock
) -> tuple[Database, bytes]:
    """Open the room with the newest generation that opens it (newest first in `keys`) and
    finish a rotation that was interrupted: the other generation is dropped from the keys file,
    a leftover `.rekey` file removed, and the outcome queued for the audit trail."""
    failure: MijianError = NotAMijianDatabase()
    with opening(paths):
        for generation, key in keys:
            try:
                db = Database.open(paths.db, key)
            except NotAMijianDatabase as exc:
                failure = exc
                continue
            try:
                _finish(paths, keyfile, generation, clock)
            except BaseException:
                db.close()
                raise
            return db, key
    raise failure


def _finish(paths: RoomPaths, keyfile: KeyFile, generation: int, clock: Clock) -> None:
    # Under the key lock no rotation is running, so a staging file is a leftover. It is never
    # the room, so one that cannot be removed must not stop a login.
    leftover = False
    with contextlib.suppress(OSError):
        leftover = remove_staging(paths)
    stale = [g for g in keyfile.generations if g != generation]
    if not stale and not leftover:
        return
    for gen in stale:
        keyfile.drop_generation(gen)
    outcome = "已完成" if stale and generation > max(stale) else "已回退"
    if outcome == "已完成":
        keyfile.rotation_due = None
    keyfile.pending_events.append(
        {
            "at": stamp(clock.now()),
            "action": "数据密钥更换中断",
            "login": audit.SYSTEM,
            "outcome": outcome,
            "generation": generation,
        }
    )
    keyfile.save()


def resume(session: Session) -> None:
    """Carry out a rotation marked due by an account change that a crash interrupted.

    Best effort at login: when another program has the room open the rotation stays due and
    the next login tries again; the login itself goes on.
    """
    due = session.keyfile.rotation_due
    if due is None:
        return
    reason = f"{due.get('reason', '更换数据密钥')}（中断后补做）"
    details = {k: v for k, v in due.items() if k != "reason"}
    with contextlib.suppress(MijianError, OSError), room_alone(session) as hold:
        rotate(session, hold, reason, details)
