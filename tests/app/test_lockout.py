"""Lockout: attempts on a locked account recorded, the lock's end shown with its date, a lock
stretched by a clock anomaly cut back and audited, and the 安全保密管理员 unlocking an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import audit, lockout
from app.clock import FixedClock, SystemClock
from app.errors import AccountLocked, InvalidInput, PermissionDenied, WrongPassword
from app.paths import RoomPaths
from app.session import LOCK_AFTER_FAILURES, Session, open_session
from tests.app.test_cli import mijian
from tests.conftest import BEIJING, PASSWORD


def lock(room: RoomPaths, clock, login: str = "xitong") -> None:
    for _ in range(LOCK_AFTER_FAILURES):
        with pytest.raises(WrongPassword):
            open_session(room.db, login, "Wrong-pass-123", clock)


def events(session: Session, action: str) -> list[audit.AuditEvent]:
    return [e for e in audit.page(session.db, None, 200) if e.action == action]


def test_attempts_on_a_locked_account_reach_the_trail(
    room: RoomPaths, clock: FixedClock, login: Callable[..., Session]
) -> None:
    lock(room, clock, "jiyao")
    for password in ("Wrong-pass-123", PASSWORD, PASSWORD):  # the right one is not even tried
        with pytest.raises(AccountLocked, match="请于 09:15 后再试"):
            open_session(room.db, "jiyao", password, clock)
    session = login("baomi")
    (attempts,) = events(session, "锁定期间尝试")
    assert attempts.object == "account:jiyao"
    assert attempts.details["count"] == 3 and attempts.details["for"] == "登录"


def test_a_lock_ending_another_day_is_shown_with_its_date(
    room: RoomPaths, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 12, 2, 23, 55, tzinfo=BEIJING))
    lock(room, clock)
    with pytest.raises(AccountLocked, match=r"请于 2026-12-03 00:10 后再试"):
        open_session(room.db, "xitong", PASSWORD, clock)


def test_a_lock_from_a_clock_a_year_ahead_is_cut_and_audited(
    room: RoomPaths, clock: FixedClock, login: Callable[..., Session]
) -> None:
    ahead = FixedClock(clock.now() + timedelta(days=365))
    lock(room, ahead)
    with pytest.raises(AccountLocked, match="请于 09:15 后再试"):
        open_session(room.db, "xitong", PASSWORD, clock)
    clock.advance(minutes=15)
    session = login("xitong")  # not locked for a year
    (anomaly,) = events(session, "锁定时间异常")
    assert anomaly.object == "account:xitong"
    assert anomaly.details["until"].startswith("2027-11-20T09:")
    assert anomaly.details["cut_to"] == "2026-11-20T09:15:00+08:00"


def test_the_security_officer_unlocks_a_sole_system_administrator(
    room: RoomPaths, clock: FixedClock, login: Callable[..., Session]
) -> None:
    lock(room, clock)
    with pytest.raises(PermissionDenied):
        lockout.locked_accounts(login("baomi"))
    officer = login("anquan")
    locked = lockout.locked_accounts(officer)
    assert [(a.login, a.display_name) for a in locked] == [("xitong", locked[0].display_name)]
    assert locked[0].until == clock.now() + timedelta(minutes=15)
    with pytest.raises(WrongPassword):
        lockout.unlock(officer, "xitong", "Wrong-pass-123")
    with pytest.raises(InvalidInput, match="未被锁定"):
        lockout.unlock(officer, "jiyao", PASSWORD)
    lockout.unlock(officer, "XiTong", PASSWORD)
    assert lockout.locked_accounts(officer) == []
    (event,) = events(officer, "解除锁定")
    assert (event.account, event.object) == ("anquan", "account:xitong")
    admin = login("xitong")  # at once, not after fifteen minutes
    assert admin.account.login == "xitong"


def test_mijian_unlock(tmp_path: Path, room: RoomPaths) -> None:
    lock(room, SystemClock())
    args = ("unlock", "--db", str(room.db), "--user", "anquan", "--password-stdin", "xitong")
    result = mijian(tmp_path, *args, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "已解除 xitong 的账户锁定" in result.stdout
    open_session(room.db, "xitong", PASSWORD, SystemClock()).close()
    result = mijian(tmp_path, *args, stdin=PASSWORD + "\n")
    assert result.returncode != 0 and "未被锁定" in result.stderr
