"""Logging in with a personal key slot; failures, lockout and the one-instance rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import audit
from app.clock import FixedClock
from app.errors import AccountLocked, DatabaseInUse, NotAMijianDatabase, WrongPassword
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, open_session
from tests.conftest import PASSWORD


def test_each_demo_account_logs_in_with_its_role(login: Callable[..., Session]) -> None:
    roles = {user: login(user).role for user in ("jiyao", "baomi", "xitong", "shenji")}
    assert roles == {
        "jiyao": Role.CUSTODIAN,
        "baomi": Role.APPROVER,
        "xitong": Role.SYSADMIN,
        "shenji": Role.AUDITOR,
    }


def test_login_is_audited(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    last = audit.page(session.db, None, 1)[0]
    assert (last.account, last.action) == ("jiyao", "登录")


def test_wrong_password_and_unknown_login_say_the_same(room: RoomPaths, clock: FixedClock) -> None:
    with pytest.raises(WrongPassword) as wrong:
        open_session(room.db, "jiyao", "not-the-password", clock)
    with pytest.raises(WrongPassword) as unknown:
        open_session(room.db, "nobody", PASSWORD, clock)
    assert wrong.value.message == unknown.value.message == "用户名或密码不正确。"


def test_five_failures_lock_the_account_for_fifteen_minutes(
    room: RoomPaths, clock: FixedClock, login: Callable[..., Session]
) -> None:
    for _ in range(5):
        with pytest.raises(WrongPassword):
            open_session(room.db, "jiyao", "Wrong-pass-123", clock)
    with pytest.raises(AccountLocked, match="锁定"):
        open_session(room.db, "jiyao", PASSWORD, clock)
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLocked):
        open_session(room.db, "jiyao", PASSWORD, clock)
    # Other accounts are not affected.
    login("baomi")
    clock.advance(seconds=1)
    session = login("jiyao")
    actions = [e.action for e in reversed(audit.page(session.db, None, 50))]
    assert actions.count("登录失败") == 5
    assert "账户锁定" in actions


def test_failed_logins_reach_the_audit_trail_at_the_next_login(
    room: RoomPaths, clock: FixedClock, login: Callable[..., Session]
) -> None:
    with pytest.raises(WrongPassword):
        open_session(room.db, "shenji", "Wrong-pass-123", clock)
    session = login("shenji")
    events = audit.page(session.db, None, 3)
    assert [e.action for e in events[:2]] == ["登录", "登录失败"]
    assert events[1].object == "account:shenji"


def test_one_window_per_room(room: RoomPaths, clock: FixedClock) -> None:
    first = open_session(room.db, "jiyao", PASSWORD, clock, exclusive=True)
    try:
        with pytest.raises(DatabaseInUse, match="另一个"):
            open_session(room.db, "baomi", PASSWORD, clock, exclusive=True)
    finally:
        first.close()
    open_session(room.db, "baomi", PASSWORD, clock, exclusive=True).close()


def test_missing_files_are_explained(room: RoomPaths, clock: FixedClock) -> None:
    room.keys.unlink()
    with pytest.raises(NotAMijianDatabase, match=".keys"):
        open_session(room.db, "jiyao", PASSWORD, clock)
    with pytest.raises(NotAMijianDatabase, match="找不到"):
        open_session(room.db.with_name("none.mjdb"), "jiyao", PASSWORD, clock)


def test_verify_password_rechecks_the_slot_not_the_connection(
    login: Callable[..., Session],
) -> None:
    session = login("jiyao")
    session.verify_password(PASSWORD)
    with pytest.raises(WrongPassword):
        session.verify_password("Wrong-pass-123")
    # The failure is audited straight away: the database is open.
    assert audit.page(session.db, None, 1)[0].action == "登录失败"
