"""Replacing the room's data key when staff change (deactivation, an administrator's reset).

Until a rotation, a deactivated person's slot in any older copy of the keys file (every backup
has one) still opens the live room. `rotate` gives the room a new data key, sealed to every
remaining account's public key, so that no earlier keys file opens the room afterwards.

Why export instead of `PRAGMA rekey`: a rekey on a connection that has already been used can be
silently ignored, and it rewrites the live file in place, where a crash leaves pages under two
keys. Exporting into a fresh file under the new key, proving it by opening it, and renaming it
over the room is crash-safe with one atomic step:

    0. the room held alone (app/rekey_lock.py: no other connection, in any process)
    1. audit event committed (so the new file carries it); WAL checkpointed and truncated
    2. sqlcipher_export into `room.mjdb.rekey` under the new key; reopened and compared; fsync
    3. keys file written with both generations (atomic, fsync, folder fsync)
    4. live connection closed: as the last connection it checkpoints and deletes the WAL
    5. os.replace(`room.mjdb.rekey`, `room.mjdb`), folder fsync        <- the one atomic switch
    6. keys file written with the new generation only; connection reopened on the new file

Killed anywhere, the room file is whole under exactly one of the two keys and the keys file
holds that key: before 3 only the old; from 3 to 6 both (app/rekey_open.py: `open_room` finds
which one opens the room, drops the other and removes a leftover `.rekey`); after 6 only the new.
An account change that calls for a rotation marks it due in the keys file first (`rotation`),
so a rotation that a crash or a failure left undone is carried out at the next login (`resume`).

Each slot's public key carries an HMAC under the data key (db/keyseal.py: public_tag); the new
key is sealed only to public keys whose tag checks, so someone who can write the keys file but
never held the data key cannot plant a key pair of their own and receive the next data key.

The rotation needs no `PRAGMA secure_delete` of its own: every page of the room, free pages
included, is ciphertext under the data key, and the export writes a compact new file with no
free pages at all. The old file's unlinked blocks stay readable only with the old key, and hold
only what the deactivated person could read before the rotation.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import audit
from app.errors import DatabaseInUse, InvalidInput, MijianError
from app.paths import RoomPaths
from app.rekey_lock import RoomHold
from app.rekey_lock import room_alone as room_alone
from app.rekey_stage import stage_copy
from app.roles import Role
from db.keyfile_io import fsync_dir
from db.keyslots import DATA_KEY_BYTES

if TYPE_CHECKING:
    from app.session import Session

ACTION = "更换数据密钥"
STAGING_SUFFIX = ".rekey"
_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def staging_path(paths: RoomPaths) -> Path:
    return paths.db.with_name(paths.db.name + STAGING_SUFFIX)


# ---- before a rotation ------------------------------------------------------------------
def unconverted(session: Session, excluding: str | None = None) -> list[str]:
    """'姓名（登录名）' of the active accounts whose slot is still format 1: a new data key
    cannot be sealed to them until they log in once (or are reset)."""
    return _names(session, session.keyfile.legacy_ids(), excluding)


def untrusted(session: Session, excluding: str | None = None) -> list[str]:
    """Active accounts whose public key in the keys file was not put there by a holder of the
    current data key (db/keyseal.py: public_tag): the next key must not be sealed to it."""
    keyfile = session.keyfile
    bad = keyfile.untrusted_ids(keyfile.generations[-1], session.data_key)
    return _names(session, bad - keyfile.legacy_ids(), excluding)


def require_convertible(session: Session, excluding: str | None, what: str) -> None:
    """Refuse, before any change, a rotation that could not seal the new key to everybody."""
    names = unconverted(session, excluding)
    if names:
        raise InvalidInput(
            f"{what}需要更换数据密钥，但以下账户自程序升级后尚未登录过，新密钥无法写入其密钥槽："
            + "、".join(names)
            + "。请他们先登录一次，或由系统管理员重置其密码后再试。"
        )
    names = untrusted(session, excluding)
    if names:
        raise MijianError(
            f"{what}需要更换数据密钥，但以下账户的密钥槽未通过校验（密钥文件可能被改动过）："
            + "、".join(names)
            + "。请由系统管理员重置其密码后再试，并查明密钥文件被改动的原因。"
        )


def _names(session: Session, sids: set[str], excluding: str | None) -> list[str]:
    keyfile = session.keyfile
    skip = None if excluding is None else keyfile.slot_id(excluding)
    rows = session.db.query("SELECT login, display_name FROM account WHERE active = 1 ORDER BY id")
    return [
        f"{r['display_name']}（{r['login']}）"
        for r in rows
        if keyfile.slot_id(r["login"]) in sids and keyfile.slot_id(r["login"]) != skip
    ]


# ---- the rotation -----------------------------------------------------------------------
def rotate_after(
    session: Session,
    hold: RoomHold,
    done: str,
    reason: str,
    details: dict[str, Any] | None = None,
) -> int:
    """`rotate` after a change already committed (`done`, said to the user if it fails)."""
    try:
        return rotate(session, hold, reason, details)
    except (MijianError, OSError) as exc:
        why = exc.message if isinstance(exc, MijianError) else f"文件操作失败（{exc.strerror}）。"
        raise MijianError(
            f"{done}，但数据密钥未能更换：{why}请排除原因后重新登录，程序会在登录时完成更换。"
        ) from exc


@contextmanager
def rotation(
    session: Session,
    hold: RoomHold,
    done: str,
    reason: str,
    details: dict[str, Any] | None = None,
) -> Iterator[None]:
    """Around an account change that calls for a rotation: the rotation is marked due in the
    keys file before the change and done after it, so a crash in between leaves it to the next
    login (app/rekey_open.py: resume). A change that fails clears the mark."""
    keyfile = session.keyfile
    keyfile.rotation_due = {"reason": reason, **(details or {})}
    keyfile.save()
    try:
        yield
    except BaseException:
        keyfile.rotation_due = None
        with contextlib.suppress(OSError, MijianError):
            keyfile.save()
        raise
    rotate_after(session, hold, done, reason, details)


def rotate_now(session: Session) -> int:
    """The system administrator rotates the key at will (no account change needed)."""
    session.require(Role.SYSADMIN)
    with room_alone(session) as hold:
        return rotate(session, hold, "系统管理员手动更换")


def rotate(
    session: Session, hold: RoomHold, reason: str, details: dict[str, Any] | None = None
) -> int:
    """Give the room a new data key; returns its generation (see the module notes).

    `hold` comes from `room_alone(session)`, taken before the change that calls for the
    rotation so that the change is not committed when another connection would stop it.
    Afterwards `session.db` is connected to the new file and `session.data_key` is the new key.
    """
    if hold.paths != session.paths:
        raise RuntimeError("rotate needs the room held alone (app.rekey_lock.room_alone)")
    require_convertible(session, None, "本次操作")
    db, keyfile, paths = session.db, session.keyfile, session.paths
    if len(keyfile.generations) != 1:
        raise MijianError("密钥文件处于未完成的更换状态，请重新登录后再试。")
    old_gen = keyfile.generations[0]
    new_gen, new_key = old_gen + 1, os.urandom(DATA_KEY_BYTES)
    staged = staging_path(paths)
    _remove(staged)
    try:
        _record(session, reason, new_gen, details)
        stage_copy(db, staged, new_key)
        _seal_new_generation(session, new_gen, new_key)
        keyfile.save()
        db.close()
        _require_no_wal(paths.db)
        os.replace(staged, paths.db)
    except BaseException:
        _roll_back(session, staged, new_gen)
        raise
    try:
        fsync_dir(paths.db.parent)
        keyfile.drop_generation(old_gen)
        keyfile.rotation_due = None
        keyfile.save()  # if this fails, the next open finishes it (open_room)
    finally:
        db.reconnect(paths.db, new_key)
        session.data_key = new_key
    return new_gen


def _record(session: Session, reason: str, generation: int, extra: dict[str, Any] | None) -> None:
    details = {"reason": reason, "generation": generation, **(extra or {})}
    with session.db.transaction():
        audit.record(session.db, session.clock, session.account.login, ACTION, "room", details)


def _seal_new_generation(session: Session, generation: int, key: bytes) -> None:
    """Seal `key` to every active account; drop slots of accounts no longer active."""
    keyfile = session.keyfile
    active = {
        keyfile.slot_id(r["login"])
        for r in session.db.query("SELECT login FROM account WHERE active = 1")
    }
    for sid in list(keyfile.slots):
        if sid not in active:
            del keyfile.slots[sid]
    for sid in keyfile.slots:
        keyfile.seal_to(sid, generation, key)


def _require_no_wal(db_path: Path) -> None:
    # The last connection to close deletes the WAL. One still here belongs to another
    # connection, and a WAL written under the old key beside the new file would corrupt it.
    for name in ("-wal", "-shm"):
        if Path(f"{db_path}{name}").exists():
            raise DatabaseInUse("数据库仍被其他程序打开，数据密钥未更换。请关闭其他程序后重试。")


def _roll_back(session: Session, staged: Path, new_gen: int) -> None:
    keyfile = session.keyfile
    if new_gen in keyfile.generations:
        keyfile.drop_generation(new_gen)
        with contextlib.suppress(OSError, MijianError):
            keyfile.save()  # if not, the next open drops it (the room still opens with the old)
    _remove(staged)
    try:
        session.db.scalar("SELECT 1")
    except Exception:  # closed before the failure: the room is still the old file, old key
        session.db.reconnect(session.paths.db, session.data_key)


def remove_staging(paths: RoomPaths) -> bool:
    """Remove a staging file and its side files; whether there was one."""
    staged = staging_path(paths)
    found = staged.exists()
    _remove(staged)
    return found


def _remove(path: Path) -> None:
    for name in _SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{name}").unlink()
