"""The lockout's numbers, as the room's rule states them (DOMAIN.md): five failed passwords in a
row lock the account for fifteen minutes. Written with the numbers themselves, not the module's
constants, so that changing a constant is a broken rule and not a silently moved one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from app import audit
from app.clock import FixedClock
from app.errors import AccountLocked, DatabaseInUse, WrongPassword
from app.paths import RoomPaths
from app.session import Session, open_session
from tests.conftest import PASSWORD


def fail(room: RoomPaths, clock: FixedClock, times: int) -> None:
    for _ in range(times):
        with pytest.raises(WrongPassword):
            open_session(room.db, "jiyao", "Wrong-pass-123", clock)


def test_four_failures_do_not_lock_the_fifth_does(room: RoomPaths, clock: FixedClock) -> None:
    fail(room, clock, 4)
    open_session(room.db, "jiyao", PASSWORD, clock).close()  # and the count starts again
    fail(room, clock, 4)
    open_session(room.db, "jiyao", PASSWORD, clock).close()
    fail(room, clock, 5)
    with pytest.raises(AccountLocked):
        open_session(room.db, "jiyao", PASSWORD, clock)


def test_the_lock_lasts_fifteen_minutes(room: RoomPaths, clock: FixedClock) -> None:
    locked_at = clock.now()
    fail(room, clock, 5)
    clock.set(locked_at + timedelta(minutes=15) - timedelta(seconds=1))
    with pytest.raises(AccountLocked):
        open_session(room.db, "jiyao", PASSWORD, clock)
    clock.set(locked_at + timedelta(minutes=15))
    open_session(room.db, "jiyao", PASSWORD, clock).close()


def test_a_session_never_shows_its_data_key(login: Callable[..., Session]) -> None:
    """The data key never reaches a text that may be logged (a traceback prints reprs)."""
    session = login("jiyao")
    shown = repr(session) + str(session)
    assert session.data_key and session.data_key.hex() not in shown
    assert repr(session.data_key) not in shown and str(list(session.data_key)) not in shown
    assert PASSWORD not in shown
    assert "jiyao" in shown


def test_a_session_holds_the_room_alone_unless_told_otherwise(
    room: RoomPaths, clock: FixedClock
) -> None:
    first = open_session(room.db, "jiyao", PASSWORD, clock)
    try:
        with pytest.raises(DatabaseInUse):
            open_session(room.db, "baomi", PASSWORD, clock)
    finally:
        first.close()
    open_session(room.db, "baomi", PASSWORD, clock).close()


def test_an_attempt_on_a_locked_login_is_recorded_as_a_login(
    room: RoomPaths, clock: FixedClock, login: Callable[..., Session]
) -> None:
    fail(room, clock, 5)
    with pytest.raises(AccountLocked):
        open_session(room.db, "jiyao", PASSWORD, clock)
    session = login("baomi")
    (attempt,) = [e for e in audit.page(session.db, None, 50) if e.action == "锁定期间尝试"]
    assert (attempt.object, attempt.details["for"]) == ("account:jiyao", "登录")
