"""A password change or reset is complete and audited, or has not happened at all."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import accounts
from app.clock import FixedClock
from app.errors import KeysFileWriteFailed, WrongPassword
from app.paths import RoomPaths
from app.session import Session, open_session
from tests.conftest import PASSWORD

NEW = "Changed-2026x"


def _block_keys_file(room: RoomPaths) -> None:
    # The temp file's name taken by a folder: the write fails as on a read-only medium.
    room.keys.with_name(room.keys.name + ".tmp").mkdir()


def _unblock(room: RoomPaths) -> None:
    room.keys.with_name(room.keys.name + ".tmp").rmdir()


def _events(session: Session, action: str) -> int:
    return int(session.db.scalar("SELECT count(*) FROM audit_event WHERE action = ?", (action,)))


def test_a_failed_password_change_leaves_nothing_behind(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    admin = login("xitong")
    keys_before = room.keys.read_bytes()
    _block_keys_file(room)
    with pytest.raises(KeysFileWriteFailed):
        accounts.change_own_password(admin, PASSWORD, NEW)
    _unblock(room)
    assert room.keys.read_bytes() == keys_before
    assert _events(admin, "修改密码") == 0
    # The next save of the same keys file (here: a mistyped password) must not carry the slot.
    with pytest.raises(WrongPassword):
        admin.verify_password("Mistyped-2026x")
    admin.keyfile.save()
    with pytest.raises(WrongPassword):
        open_session(room.db, "xitong", NEW, clock, exclusive=False)
    open_session(room.db, "xitong", PASSWORD, clock, exclusive=False).close()


def test_a_password_change_that_succeeds_is_audited_and_opens(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    admin = login("xitong")
    accounts.change_own_password(admin, PASSWORD, NEW)
    assert _events(admin, "修改密码") == 1
    open_session(room.db, "xitong", NEW, clock, exclusive=False).close()
