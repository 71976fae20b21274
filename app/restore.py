"""Restoring a room from a backup, behind a guard that never gives up silently.

The backup is opened and verified (file, cipher, chain, schema) before anything moves, and the
replaced files are kept aside, never deleted. What the guard asks depends on what the room being
replaced can still tell, read (never logged into) with the restoring administrator's password:
- it opens: the administrator must be that room's system administrator (not just the backup's),
  their lockout there is honoured and counted, and a backup that lacks the chain head of the
  room's last 日终清点 (from the day-close table or the trail, whichever is newer) is older than
  the paper: the security officer confirms, against that room's keys;
- it does not open (damaged, keys missing, behind its anchor, or a password that no longer opens
  it): the security officer must confirm and the head printed on the last signed 日终清点表 must
  be typed; the backup must contain it (or the officer states, with `older_than_printed`, that
  the backup is knowingly older than that sheet).
The restored room continues sealing with the live room's newer key (a marked jump in period
numbers); without a live key sealing stays stopped until resumed with the sheet.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from app import accounts, anchor, audit, seal
from app.clock import Clock
from app.confirm import confirm_person
from app.errors import DatabaseDamaged, InvalidInput, MijianError, PermissionDenied, WrongPassword
from app.maintenance import check_room
from app.model import Credential
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, check_not_locked, count_failure, open_session
from db.connection import Database
from db.instance_lock import InstanceLock
from db.keyslots import KeyFile


@dataclass
class _Live:
    """What the room being replaced tells; `db` and `keyfile` stay open for the confirmation."""

    readable: bool
    last_close: tuple[str, str] | None = None
    seal_state: tuple[int, bytes] | None = None
    db: Database | None = None
    keyfile: KeyFile | None = None


def restore(
    path: Path,
    login: str,
    password: str,
    source: Path,
    clock: Clock,
    officer: Credential | None = None,
    printed_head: str | None = None,
    older_than_printed: bool = False,
) -> Path | None:
    """Replace the room at `path` with the backup at `source`; returns where the old one went."""
    src = RoomPaths(Path(source))
    dest = RoomPaths(Path(path))
    live = _read_live(dest, login, password, clock)
    try:
        probe = open_session(src.db, login, password, clock, exclusive=False)
        try:
            probe.require(Role.SYSADMIN)
            report = check_room(probe)
            if not report.ok:
                raise DatabaseDamaged(
                    "备份文件未通过校验，未做任何恢复：" + "；".join(report.lines)
                )
            guard = _guard(probe, live, officer, printed_head, older_than_printed, clock)
        finally:
            probe.close()
    finally:
        if live.db is not None:
            live.db.close()

    dest.db.parent.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(dest.lock)
    lock.acquire()
    try:
        aside = _move_aside(dest, clock)
        for source_file, dest_file in zip(src.files, dest.files, strict=True):
            if source_file.exists():
                shutil.copyfile(source_file, dest_file)
    finally:
        lock.release()
    session = open_session(dest.db, login, password, clock)
    try:
        with session.db.transaction():
            details: dict[str, object] = {
                "from": src.db.name,
                "replaced_kept_as": aside.name if aside else None,
                **guard,
            }
            if live.seal_state is not None:
                period, key = live.seal_state
                seal.set_state(session.db, period, key)
                details["seal_continues_at_period"] = period
            else:
                details["seal"] = f"{seal.STOPPED_MARK}: resume with the sheet"
            audit.record(session.db, clock, login, "从备份恢复", "room", details)
    finally:
        session.close()
    return aside


def _read_live(dest: RoomPaths, login: str, password: str, clock: Clock) -> _Live:
    if not (dest.db.exists() and dest.keys.exists()):
        return _Live(readable=False)
    try:
        keyfile = KeyFile.load(dest.keys)
    except MijianError:
        return _Live(readable=False)
    check_not_locked(keyfile, login, clock)  # a locked administrator restores nothing
    try:
        keys = keyfile.unwrap_all(login, password)
    except WrongPassword:
        count_failure(keyfile, login, clock)
        return _Live(readable=False)
    current = _open_any(dest, [k for _, k in keys])
    if current is None:
        return _Live(readable=False)
    # Read, not a login: nothing is written to the room that may be about to be replaced.
    try:
        account = accounts.find(current, login)
        if account is None or not account.active or account.role is not Role.SYSADMIN:
            raise PermissionDenied("恢复须由现有机要室的系统管理员操作。")
        has = {r[0] for r in current.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        last_close = _last_close(current, "day_close" in has)
        state = seal.current_state(current) if "audit_seal_key" in has else None
        if "audit_seal" in has:
            # A live file already swapped for an older one tells nothing about the paper.
            anchor.check(current, anchor.Anchor(current, dest.anchor))
    except PermissionDenied:
        current.close()
        raise
    except Exception:  # noqa: BLE001 (any failure to read it makes it unreadable, not a crash)
        current.close()
        return _Live(readable=False)
    return _Live(True, last_close, state, current, keyfile)


def _open_any(dest: RoomPaths, keys: list[bytes]) -> Database | None:
    for key in keys:
        try:
            return Database.open(dest.db, key)
        except MijianError:
            continue
    return None


def _last_close(db: Database, has_table: bool) -> tuple[str, str] | None:
    """(day, head) of the newest 日终清点, from the table or the trail, whichever is newer: an
    insider who deletes day-close rows does not make an old backup look recent."""
    found: list[tuple[int, str, str]] = []
    if has_table:
        row = db.one("SELECT day, chain_seq, chain_head FROM day_close ORDER BY day DESC LIMIT 1")
        if row is not None:
            found.append((int(row["chain_seq"]), str(row["day"]), str(row["chain_head"])))
    event = db.one(
        "SELECT seq, object, hash FROM audit_event WHERE action = '日终清点'"
        " ORDER BY seq DESC LIMIT 1"
    )
    if event is not None:
        found.append((int(event["seq"]), str(event["object"]).removeprefix("day:"), event["hash"]))
    if not found:
        return None
    _, day, head = max(found)
    return day, head


def _guard(
    probe: Session,
    live: _Live,
    officer: Credential | None,
    printed_head: str | None,
    older_than_printed: bool,
    clock: Clock,
) -> dict[str, object]:
    """The audit details of the guard's decision, or a refusal."""
    if live.readable:
        if live.last_close is None or _has_head(probe, live.last_close[1]):
            return {}
        day = live.last_close[0]
        if officer is None:
            raise MijianError(
                f"该备份早于 {day} 的日终清点（备份中没有当日记录的审计链头），恢复会丢失此后的记录。"
                "如确需恢复，须由安全保密管理员本人确认。"
            )
        who = _confirm(probe, live, officer, "恢复较早的备份", clock)
        return {"older_than_last_close": {"day": day, "confirmed_by": who}}
    if officer is None or not printed_head:
        raise MijianError(
            "现有机要室无法用此账户打开（文件损坏、密钥文件缺失，或密码已更改），无法确认备份是否较旧。"
            "恢复须由安全保密管理员本人确认，并输入最近一张日终清点表上印的链头。"
        )
    head = "".join(printed_head.split()).lower()
    if len(head) < 16:
        raise InvalidInput("请输入日终清点表上印的链头（至少 16 位）。")
    held = _has_head(probe, head)
    if not held and not older_than_printed:
        raise MijianError(
            "备份中没有这张日终清点表的链头：备份早于该日终清点，或链头输入有误，未做任何恢复。"
            "如确需恢复这份较旧的备份，须由安全保密管理员确认其早于该表。"
        )
    who = _confirm(probe, live, officer, "恢复（现有机要室无法打开）", clock)
    return {
        "live_room_unreadable": {
            "printed_head": head[:16],
            "backup_holds_it": held,
            "confirmed_by": who,
        }
    }


def _has_head(probe: Session, head: str) -> bool:
    found = probe.db.one(
        "SELECT 1 FROM audit_event WHERE hash >= ? AND hash < ?", (head, head + "g")
    )
    return found is not None


def _confirm(probe: Session, live: _Live, officer: Credential, what: str, clock: Clock) -> str:
    """The IT security officer confirms, against the live room's keys and lockout where it can be
    read (else the backup's). A room from before the role split has none, and then its 保密员
    (yesterday's security officer) may."""
    if live.db is not None and live.keyfile is not None:
        db, keyfile = live.db, live.keyfile
    else:
        db, keyfile = probe.db, probe.keyfile
    officers = [a for a in accounts.active_accounts(db) if a.role is Role.SECURITY_OFFICER]
    role = Role.SECURITY_OFFICER if officers else Role.APPROVER
    return confirm_person(db, keyfile, clock, probe.account.login, officer, what, role).login


def _move_aside(dest: RoomPaths, clock: Clock) -> Path | None:
    if not dest.db.exists():
        return None
    suffix = clock.now().strftime("%Y%m%d-%H%M%S")
    aside = dest.db.with_name(f"{dest.db.name}.replaced-{suffix}")
    for name in ("", "-wal", "-shm"):
        part = Path(f"{dest.db}{name}")
        if part.exists():
            part.rename(Path(f"{aside}{name}"))
    for part, suffix_name in ((dest.keys, ".keys"), (dest.anchor, ".anchor")):
        if part.exists():
            part.rename(aside.with_name(aside.name + suffix_name))
    return aside
