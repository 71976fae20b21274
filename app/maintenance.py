"""Checking, backing up and restoring a room.

A backup is a consistent encrypted copy made with `sqlcipher_export` into a fresh file (its own
salt; never a raw copy, which would keep the live salt and could catch a half-written page),
plus a copy of the key slots beside it: `OUT` and `OUT.keys`, itself an openable room.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from app import audit
from app.accounts import find
from app.clock import Clock
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, open_session
from db.connection import Database
from db.errors import DatabaseDamaged, MijianError, PermissionDenied, WrongPassword
from db.instance_lock import InstanceLock
from db.keyslots import KeyFile


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[str, ...]
    chain: audit.ChainReport

    @property
    def ok(self) -> bool:
        return not self.problems and self.chain.ok

    @property
    def lines(self) -> list[str]:
        file_line = "文件与加密校验：通过" if not self.problems else "文件与加密校验：发现问题"
        return [file_line, *self.problems[:20], self.chain.message]


def check_room(session: Session) -> CheckReport:
    problems = tuple(session.db.integrity_problems())
    return CheckReport(problems, audit.verify(session.db))


def backup(session: Session, out: Path) -> RoomPaths:
    session.require(Role.SYSADMIN)
    target = RoomPaths(Path(out))
    if target.exists():
        raise MijianError(f"备份目标已存在，不会覆盖：{target.db}")
    target.db.parent.mkdir(parents=True, exist_ok=True)
    try:
        session.db.export_to(target.db, session.data_key)
        shutil.copyfile(session.paths.keys, target.keys)
    except BaseException:
        for leftover in (target.db, target.keys):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    with session.db.transaction():
        audit.record(
            session.db,
            session.clock,
            session.account.login,
            "备份",
            "room",
            {"to": target.db.name, "chain_head": audit.head(session.db)},
        )
    return target


def restore(
    path: Path,
    login: str,
    password: str,
    source: Path,
    clock: Clock,
    officer: tuple[str, str] | None = None,
) -> Path | None:
    """Replace the room at `path` with the backup at `source`; returns where the old one went.

    The backup is opened and verified (file, cipher and audit chain) before anything moves,
    and the replaced files are kept aside, never deleted. A backup that lacks the chain head
    of the room's last closed day is older than the room: it is refused unless the security
    officer confirms with their own (login, password) in `officer`.
    """
    src = RoomPaths(Path(source))
    dest = RoomPaths(Path(path))
    anchor = _last_anchor(dest, login, password, clock)
    probe = open_session(src.db, login, password, clock, exclusive=False)
    try:
        probe.require(Role.SYSADMIN)
        report = check_room(probe)
        older = (
            anchor is not None
            and probe.db.one("SELECT 1 FROM audit_event WHERE hash = ?", (anchor[1],)) is None
        )
        if older:
            assert anchor is not None
            _confirm_older(probe, officer, anchor[0])
    finally:
        probe.close()
    if not report.ok:
        raise DatabaseDamaged("备份文件未通过校验，未做任何恢复：" + "；".join(report.lines))

    dest.db.parent.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(dest.lock)
    lock.acquire()
    try:
        aside = _move_aside(dest, clock)
        shutil.copyfile(src.db, dest.db)
        shutil.copyfile(src.keys, dest.keys)
    finally:
        lock.release()
    session = open_session(dest.db, login, password, clock)
    try:
        with session.db.transaction():
            details: dict[str, object] = {
                "from": src.db.name,
                "replaced_kept_as": aside.name if aside else None,
            }
            if older and officer is not None:
                details["older_than_last_close"] = {
                    "day": anchor[0] if anchor else None,
                    "confirmed_by": officer[0],
                }
            audit.record(session.db, clock, login, "从备份恢复", "room", details)
    finally:
        session.close()
    return aside


def _last_anchor(
    dest: RoomPaths, login: str, password: str, clock: Clock
) -> tuple[str, str] | None:
    """(day, chain head) of the room's last closed day, when the room opens; else None."""
    if not (dest.db.exists() and dest.keys.exists()):
        return None
    # Read, not a login: nothing is written to the room that may be about to be replaced.
    try:
        key = KeyFile.load(dest.keys).unwrap(login, password)
        current = Database.open(dest.db, key)
    except MijianError:
        return None  # a damaged room is what restores are for
    try:
        has_closes = current.one("SELECT 1 FROM sqlite_master WHERE name = 'day_close'")
        row = (
            current.one("SELECT day, chain_head FROM day_close ORDER BY day DESC LIMIT 1")
            if has_closes
            else None
        )
    finally:
        current.close()

    return None if row is None else (row["day"], row["chain_head"])


def _confirm_older(probe: Session, officer: tuple[str, str] | None, day: str) -> None:
    message = (
        f"该备份早于 {day} 的日终清点（备份中没有当日记录的审计链头），恢复会丢失此后的记录。"
        "如确需恢复，须由安全保密管理员本人确认。"
    )
    if officer is None:
        raise MijianError(message)
    account = find(probe.db, officer[0])
    if account is None or not account.active or account.role is not Role.APPROVER:
        raise PermissionDenied("恢复较早的备份须由安全保密管理员本人确认。")
    try:
        probe.keyfile.unwrap(account.login, officer[1])
    except WrongPassword:
        raise WrongPassword("安全保密管理员的密码不正确，未恢复。") from None


def _move_aside(dest: RoomPaths, clock: Clock) -> Path | None:
    if not dest.db.exists():
        return None
    suffix = clock.now().strftime("%Y%m%d-%H%M%S")
    aside = dest.db.with_name(f"{dest.db.name}.replaced-{suffix}")
    for name in ("", "-wal", "-shm"):
        part = Path(f"{dest.db}{name}")
        if part.exists():
            part.rename(Path(f"{aside}{name}"))
    if dest.keys.exists():
        dest.keys.rename(aside.with_name(aside.name + ".keys"))
    return aside
