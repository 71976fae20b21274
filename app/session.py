"""Logging in: unwrap the account's key slot, open the room, and keep the session's keys.

Failed passwords are counted in the key-slot file (the database cannot be read without a good
password); five failures lock that account for 15 minutes. The failures are carried as pending
events and written into the audit trail by the next successful login, in its transaction.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app import accounts, anchor, audit, grants, rekey_open, seal
from app.anchor import Anchor, Point, RoomBehindAnchor, anchor_path
from app.clock import Clock, parse_stamp, stamp
from app.confirm import confirm_person
from app.errors import AccountLocked, NotAMijianDatabase, PermissionDenied, WrongPassword
from app.model import Account, Credential, RoomInfo
from app.paths import RoomPaths
from app.roles import Role
from db.connection import Database as Database  # re-exported: the connection pages hold
from db.instance_lock import InstanceLock
from db.keyslots import KeyFile
from db.migrate import migrate

if TYPE_CHECKING:
    from app.apart import ApartProcess

LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15


@dataclass
class Session:
    """One person logged into one room. Holds the data key in memory only."""

    db: Database
    paths: RoomPaths
    keyfile: KeyFile
    account: Account
    room: RoomInfo
    clock: Clock
    data_key: bytes = field(repr=False)
    _lock: InstanceLock | None = field(default=None, repr=False)
    # Where long layouts and the full check run (app/apart.py): the window's task worker gives
    # its session a process of its own; everywhere else they run in place.
    apart: ApartProcess | None = field(default=None, repr=False, compare=False)

    @property
    def role(self) -> Role:
        return self.account.role

    def require(self, *roles: Role) -> None:
        if self.account.role not in roles:
            wanted = "、".join(r.label for r in roles)
            raise PermissionDenied(f"此操作仅限{wanted}。")

    def verify_password(self, password: str) -> None:
        """Re-check this person's password (unlock after idle, approvals).

        A second PRAGMA key on a live connection is silently ignored, so the check unwraps the
        key slot again instead of touching the connection.
        """
        try:
            check_not_locked(self.keyfile, self.account.login, self.clock, "身份核验")
        except AccountLocked:
            _flush_pending(self)
            raise
        try:
            self.keyfile.unwrap(self.account.login, password)
        except WrongPassword:
            count_failure(self.keyfile, self.account.login, self.clock)
            _flush_pending(self)
            raise
        clear_failures(self.keyfile, self.account.login)

    def confirm(
        self, credential: Credential, what: str, role: Role | tuple[Role, ...] | None = None
    ) -> Account:
        """Another person confirms `what` (an approval, a witness) at this workstation with their
        own password. Failures count towards their lockout like a failed login and are audited."""
        return confirm_person(
            self.db,
            self.keyfile,
            self.clock,
            self.account.login,
            credential,
            what,
            role,
            flush_pending=lambda: _flush_pending(self),
        )

    def close(self) -> None:

        self.db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def is_demo_room(paths: RoomPaths) -> bool:
    """The room is a demo (its key file says so): the login dialog shows the demo's notice."""
    return KeyFile.load(paths.keys).demo


def open_session(
    path: Path,
    login: str,
    password: str,
    clock: Clock,
    *,
    exclusive: bool = True,
    accept_rollback: Credential | None = None,
) -> Session:
    """Log `login` into the room at `path`.

    `exclusive` takes the one-instance lock (the window does; read-only command-line checks
    and backups may run beside an open window). A room file behind its anchor raises
    `RoomBehindAnchor` unless `accept_rollback` is the security officer's own credential.
    """
    paths = RoomPaths(Path(path))
    if not paths.db.exists():
        raise NotAMijianDatabase(f"找不到数据库文件：{paths.db}")
    keyfile = KeyFile.load(paths.keys)
    lock = InstanceLock(paths.lock) if exclusive else None
    if lock is not None:
        lock.acquire()
    try:
        login = accounts.login_key(login)
        check_not_locked(keyfile, login, clock)
        try:
            keys = keyfile.unwrap_all(login, password)
        except WrongPassword:
            count_failure(keyfile, login, clock)
            raise
        # The newest key generation that opens the room; finishes an interrupted rotation.
        db, data_key = rekey_open.open_room(paths, keyfile, keys, clock)
        try:
            migrate(db, before_change=lambda old: _copy_before_migration(db, paths, data_key, old))
            account = accounts.find(db, login)
            if account is None or not account.active:
                raise WrongPassword()
            session = Session(db, paths, keyfile, account, _room(db), clock, data_key, _lock=lock)
            room_anchor = Anchor(db, anchor_path(paths.db))
            accepted = _guard_rollback(session, room_anchor, accept_rollback)
            db.on_commit = room_anchor.on_commit
            grants.refuse_ungranted(db, clock, account)  # no granted role: no login
            clear_failures(keyfile, login)
            with db.transaction():
                _flush_pending(session)
                anchor.adopt(db)
                if accepted is not None:
                    audit.record(db, clock, account.login, "接受回退", "room", accepted)
                audit.record(db, clock, account.login, "登录", f"account:{account.login}")
            seal.seal_if_due(db, clock, session.room.room_id)
            rekey_open.resume(session)  # a key rotation a crash left undone
            return session
        except BaseException:
            db.close()
            raise
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _guard_rollback(
    session: Session, room_anchor: Anchor, accept: Credential | None
) -> dict[str, object] | None:
    """None when the room reaches its anchor; the audit details when the officer accepts."""
    try:
        anchor.check(session.db, room_anchor)
        return None
    except RoomBehindAnchor as behind:
        if accept is None:
            raise
        officer = confirm_person(
            session.db,
            session.keyfile,
            session.clock,
            session.account.login,
            accept,
            "打开落后于锚点的机要室文件",
            Role.SECURITY_OFFICER,
        )
        return {
            "reason": behind.message,
            "room": _point(behind.room_point),
            "anchor": _point(behind.anchor_point),
            "confirmed_by": officer.login,
        }


def _point(point: Point | None) -> dict[str, object] | None:
    return None if point is None else {"seq": point.seq, "head": point.head}


def _room(db: Database) -> RoomInfo:
    row = db.one("SELECT room_id, name, unit, demo FROM room WHERE id = 1")
    if row is None:
        raise NotAMijianDatabase()
    return RoomInfo(row["room_id"], row["name"], row["unit"], bool(row["demo"]))


def check_not_locked(keyfile: KeyFile, login: str, clock: Clock, what: str = "登录") -> None:
    """Refuse an attempt on a locked account, and record it.

    The attempt is kept as a pending event in the keys file (the database may not be open) and
    reaches the audit trail at the next login. A lock ending more than LOCK_MINUTES after now
    can only come from a clock that jumped (five failures with the clock a year ahead): it is
    cut to LOCK_MINUTES from now and the anomaly recorded the same way. The password of an
    attempt on a locked account is never checked, so a lock is no oracle.
    """
    slot = keyfile.slot(login)
    if slot is None or slot.locked_until is None:
        return
    now = clock.now()
    until = parse_stamp(slot.locked_until)
    if now >= until:
        return
    longest = now + timedelta(minutes=LOCK_MINUTES)
    if until > longest:
        keyfile.pending_events.append(
            {
                "at": stamp(now),
                "action": "锁定时间异常",
                "login": login,
                "until": slot.locked_until,
                "cut_to": stamp(longest),
            }
        )
        until = longest
        slot.locked_until = stamp(longest)
    _note_locked_attempt(keyfile, login, stamp(now), what)
    keyfile.save()
    when = until.strftime("%H:%M") if until.date() == now.date() else f"{until:%Y-%m-%d %H:%M}"
    raise AccountLocked(
        f"该账户因连续 {LOCK_AFTER_FAILURES} 次密码错误已锁定，请于 {when} 后再试。"
    )


def _note_locked_attempt(keyfile: KeyFile, login: str, at: str, what: str) -> None:
    """One pending event per locked account and purpose, counting the attempts: someone
    hammering a locked account must not grow the keys file without bound."""
    last = keyfile.pending_events[-1] if keyfile.pending_events else None
    if (
        last is not None
        and last.get("action") == "锁定期间尝试"
        and last.get("login") == login
        and last.get("for") == what
    ):
        last["count"] = int(last.get("count", 1)) + 1
        last["last"] = at
        return
    keyfile.pending_events.append(
        {"at": at, "action": "锁定期间尝试", "login": login, "for": what, "count": 1, "last": at}
    )


def count_failure(keyfile: KeyFile, login: str, clock: Clock) -> None:
    slot = keyfile.slot(login)
    now = clock.now()
    # Only the hash of an unknown login is kept: a mistyped password in the login field must
    # not be written anywhere in clear.
    who = login if slot is not None else f"未知账户#{keyfile.slot_id(login)[:8]}"
    keyfile.pending_events.append({"at": stamp(now), "action": "登录失败", "login": who})
    if slot is not None:
        slot.failures += 1
        if slot.failures >= LOCK_AFTER_FAILURES:
            slot.failures = 0
            slot.locked_until = stamp(now + timedelta(minutes=LOCK_MINUTES))
            keyfile.pending_events.append(
                {"at": stamp(now), "action": "账户锁定", "login": login, "until": slot.locked_until}
            )
    keyfile.save()


def clear_failures(keyfile: KeyFile, login: str) -> None:
    slot = keyfile.slot(login)
    if slot is not None and (slot.failures or slot.locked_until):
        slot.failures = 0
        slot.locked_until = None
        keyfile.save()


def _flush_pending(session: Session) -> None:
    """Move the pending security events from the slot file into the audit trail."""
    events = list(session.keyfile.pending_events)
    if not events:
        return
    db = session.db
    with db.transaction():
        for event in events:
            details = {k: v for k, v in event.items() if k not in ("action", "login")}
            audit.record(
                db,
                session.clock,
                audit.SYSTEM,
                event["action"],
                f"account:{event['login']}",
                details,
            )
        session.keyfile.pending_events = []
        session.keyfile.save()


def _copy_before_migration(db: Database, paths: RoomPaths, key: bytes, old: int) -> None:
    copy = paths.db.with_name(f"{paths.db.name}.v{old}.bak")
    if copy.exists():
        copy.unlink()
    db.export_to(copy, key)
    shutil.copyfile(paths.keys, copy.with_name(copy.name + ".keys"))
