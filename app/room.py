"""Creating a room: the encrypted database, its key slots and its first accounts."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app import audit, seal
from app.accounts import insert_account, validate_new_account
from app.anchor import Anchor, anchor_path
from app.clock import Clock, stamp
from app.errors import InvalidInput, MijianError
from app.model import NewAccount
from app.paths import RoomPaths
from app.roles import Role
from app.settings import DEFAULTS
from db.connection import Database
from db.keyslots import DATA_KEY_BYTES, DEFAULT_KDF, KdfParams, KeyFile
from db.migrate import migrate

if TYPE_CHECKING:
    from app.session import Session


def create_room(
    path: Path,
    name: str,
    unit: str,
    accounts: Sequence[NewAccount],
    clock: Clock,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    demo: bool = False,
    on_sheet: Callable[[seal.VerificationKey], None] | None = None,
) -> RoomPaths:
    """A new room with the three administrators, a 保密员 and at least one custodian.

    The audit trail is sealed from the first event: `on_sheet` receives the 审计验证密钥 (the
    only copy; the window prints it, the command line shows it) before the room is saved, so a
    room whose sheet could not be produced is never created.
    """
    paths = RoomPaths(Path(path))
    if paths.exists():
        raise MijianError(f"该位置已有数据库，不会覆盖：{paths.db}")
    name, unit = name.strip(), unit.strip()
    if not name or not unit:
        raise InvalidInput("请填写机要室名称和所属单位。")
    roles = {a.role for a in accounts}
    missing = [r.label for r in Role if r not in roles]
    if missing:
        raise InvalidInput("首次建库须创建以下账户：" + "、".join(missing) + "。")
    seen: list[NewAccount] = []
    for new in accounts:
        try:
            validate_new_account(new, seen)
        except InvalidInput as exc:
            raise InvalidInput(f"{new.role.label}账户：{exc.message}") from None
        seen.append(new)

    paths.db.parent.mkdir(parents=True, exist_ok=True)
    data_key = os.urandom(DATA_KEY_BYTES)
    room_id = str(uuid.uuid4())
    keyfile = KeyFile(paths.keys, room_id, demo=demo)
    for new in accounts:
        keyfile.add_slot(new.login, new.password, data_key, kdf)
    db = Database.open(paths.db, data_key, create=True)
    try:
        migrate(db)
        now = stamp(clock.now())
        with db.transaction():
            db.execute(
                "INSERT INTO room (id, room_id, name, unit, demo, created_at, secret)"
                " VALUES (1, ?, ?, ?, ?, ?, ?)",
                (room_id, name, unit, int(demo), now, os.urandom(32)),
            )
            for key, value in DEFAULTS.items():
                db.execute("INSERT OR IGNORE INTO setting (key, value) VALUES (?, ?)", (key, value))
            audit.record(
                db, clock, audit.SYSTEM, "创建机要室", "room", {"unit": unit, "sealed": True}
            )
            for new in accounts:
                insert_account(db, clock, audit.SYSTEM, new, granted_by=audit.SYSTEM)
            sheet = seal.start(db, clock, room_id)
            if on_sheet is not None:
                on_sheet(sheet)
            del sheet
        keyfile.save()
    except BaseException:
        db.close()
        for leftover in (paths.db, paths.keys, Path(f"{paths.db}-wal"), Path(f"{paths.db}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    db.close()
    return paths


def worker_session(session: Session) -> Session:
    """The same person in the same room on a connection of its own, for the task worker.

    Opened with the session's raw data key (the key slot was unwrapped at login: no second
    Argon2 run), in `Database.open`'s order, and following the room's anchor like the window's
    connection. The caller's thread owns the new connection; it must close it (`.db.close()`),
    never the session's instance lock, which stays with the window's session.
    """
    return open_beside(session, session.db.path)


def open_beside(session: Session, path: str | Path) -> Session:
    """`session` (whose own connection may be gone: app/apart.py's process gets it without)
    on a new connection to the room at `path`, opened with its raw data key."""
    db = Database.open(Path(path), session.data_key)
    try:
        db.on_commit = Anchor(db, anchor_path(db.path)).on_commit
    except BaseException:
        db.close()
        raise
    return dataclasses.replace(session, db=db, _lock=None, apart=None)
