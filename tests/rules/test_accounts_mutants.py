"""Account rules the session-8 mutation run left unguarded (issue 19, app/accounts.py): the word a
reset is recorded under, the first 安全保密管理员 of a room that has none, a custodian's
departure (the handover first, and the handover told when the account went), and a password
change that fails before or at its commit. Each test names its rule; the mutants it kills are in
its docstring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlcipher3

from app import accounts, audit, custodian_handover, grants, registry, stocktake
from app.clock import FixedClock, stamp
from app.errors import InvalidInput, MijianError, WrongPassword
from app.model import Credential, NewAccount
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, open_session
from tests.app.test_registry import doc
from tests.conftest import PASSWORD

GOOD = "Zhaolei-2026x"
NEW = "Changed-2026x"


def _trail(session: Session, who: str) -> list[tuple[str, str]]:
    """(actor, action) of the events about account `who`, oldest first."""
    return [
        (e.account, e.action)
        for e in reversed(audit.page(session.db, None, 100))
        if e.object == f"account:{who}"
    ]


def _second_custodian(login: Callable[..., Session]) -> Session:
    """赵磊 made a custodian and granted; the sysadmin's session."""
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    officer = login("anquan")
    grants.grant_role(officer, "zhaolei")
    officer.close()
    return admin


# ---- the words of the trail ---------------------------------------------------------------------
def test_a_reset_is_recorded_as_a_reset_and_withdraws_the_grant(
    login: Callable[..., Session],
) -> None:
    """The sysadmin's reset is audited as 重置密码 (the word the auditor's pages look for), and
    the account's role must be granted again (RESET = "重置密码" changed)."""
    admin = _second_custodian(login)
    accounts.reset_password(admin, "zhaolei", "Reset-pass-99")
    assert ("xitong", "重置密码") in _trail(admin, "zhaolei")
    after = accounts.find(admin.db, "zhaolei")
    assert after is not None and not after.granted


# ---- the first 安全保密管理员 ---------------------------------------------------------------------
def test_only_a_security_officer_is_granted_at_creation_and_only_in_a_room_without_one(
    login: Callable[..., Session],
) -> None:
    """In a room with no granted 安全保密管理员, creating a custodian proposes the role and
    creating an officer grants it at once (the bootstrap); afterwards a second officer is only
    proposed (`new.role is Role.SECURITY_OFFICER` as `is not`)."""
    admin = login("xitong")
    db = admin.db
    with db.transaction():
        db.execute("UPDATE account SET granted_at = NULL, granted_by = NULL WHERE login = 'anquan'")
    assert not accounts.has_security_officer(db)
    custodian = accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    assert not custodian.granted
    officer = accounts.create_account(
        admin, NewAccount("sunyue", "孙悦", Role.SECURITY_OFFICER, GOOD)
    )
    assert (officer.granted, officer.granted_by) == (True, "xitong")
    assert _trail(admin, "sunyue") == [("xitong", "创建账户"), ("xitong", "授予角色")]
    second = accounts.create_account(admin, NewAccount("sun2", "孙二", Role.SECURITY_OFFICER, GOOD))
    assert not second.granted


# ---- a custodian leaves -------------------------------------------------------------------------
def test_a_custodian_who_handled_copies_leaves_only_after_the_handover(
    login: Callable[..., Session],
) -> None:
    """A custodian with copies on their record is not deactivated without a signed handover,
    even with a second custodian in post; a custodian who never handled one leaves at once
    (`target.role is Role.CUSTODIAN` as `is not` and as `not …`)."""
    admin = _second_custodian(login)
    custodian = login("jiyao")
    registry.register(custodian, doc())
    custodian.close()
    with pytest.raises(InvalidInput, match="须先完成机要员交接"):
        accounts.deactivate(admin, "jiyao")
    assert accounts.find(admin.db, "jiyao").active  # type: ignore[union-attr]
    accounts.deactivate(admin, "zhaolei")
    assert not accounts.find(admin.db, "zhaolei").active  # type: ignore[union-attr]


def test_the_handover_records_when_the_outgoing_custodian_left(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """Deactivating a custodian after the signed handover writes the minute on the handover
    (_deactivate: `target.role is Role.CUSTODIAN` as `is not` and as `not …`)."""
    admin = _second_custodian(login)
    custodian = login("jiyao")  # opened after 赵磊's creation: it knows the new key slot
    handover = custodian_handover.start(custodian, "zhaolei")
    stocktake.finish(custodian, handover.stocktake_id, GOOD)
    custodian_handover.sign(custodian, handover.id, PASSWORD, Credential("zhaolei", GOOD))
    custodian.close()
    row = admin.db.one("SELECT deactivated_at FROM custodian_handover WHERE id = ?", (handover.id,))
    assert row[0] is None
    accounts.deactivate(admin, "jiyao")
    row = admin.db.one("SELECT deactivated_at FROM custodian_handover WHERE id = ?", (handover.id,))
    assert row[0] == stamp(clock.now())


# ---- a password change that fails -------------------------------------------------------------
class _FailingCommit:
    """The room's connection with its next COMMIT failing, as on a disk that fills at that
    moment: everything before it (the statements, the keys file) has happened."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self.failed = False

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT" and not self.failed:
            self.failed = True
            raise sqlcipher3.OperationalError("disk I/O error")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _opens(room: RoomPaths, clock: FixedClock, who: str, password: str) -> bool:
    try:
        open_session(room.db, who, password, clock, exclusive=False).close()
    except WrongPassword:
        return False
    return True


def test_a_password_change_whose_commit_fails_puts_the_old_slot_back_on_disk(
    login: Callable[..., Session],
    room: RoomPaths,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The keys file is written before the commit; when the commit then fails, the old slot is
    written back: the old password opens the room, the new one does not, and nothing is
    audited (_rewrap: `saved = True` as False, `if saved` as `if not saved`)."""
    admin = login("xitong")
    changed_at = accounts.find(admin.db, "xitong").password_changed_at  # type: ignore[union-attr]
    failing = _FailingCommit(admin.db._conn)
    monkeypatch.setattr(admin.db, "_conn", failing)
    clock.advance(minutes=5)
    with pytest.raises((MijianError, sqlcipher3.DatabaseError)):
        accounts.change_own_password(admin, PASSWORD, NEW)
    assert failing.failed
    assert not _opens(room, clock, "xitong", NEW)
    assert _opens(room, clock, "xitong", PASSWORD)
    assert ("xitong", "修改密码") not in _trail(admin, "xitong")
    after = accounts.find(admin.db, "xitong")
    assert after is not None and after.password_changed_at == changed_at


def test_a_password_change_whose_keys_file_cannot_be_written_leaves_the_slot_as_it_was(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    """When the keys file cannot be written, the slot in memory is the old one again: the next
    save (any keys change) writes the old password's slot, not the new one, and not none
    (_rewrap: `except BaseException` narrowed, `if old_slot is None` as `is not None` and as
    `not …`)."""
    admin = login("xitong")
    blocker = room.keys.with_name(room.keys.name + ".tmp")
    blocker.mkdir()  # the temp file's name taken by a folder: the write fails
    with pytest.raises(MijianError):
        accounts.change_own_password(admin, PASSWORD, NEW)
    blocker.rmdir()
    admin.keyfile.save()
    assert not _opens(room, clock, "xitong", NEW)
    assert _opens(room, clock, "xitong", PASSWORD)
