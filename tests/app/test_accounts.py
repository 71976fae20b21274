"""Accounts, the password rule and 三员分立."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import accounts, audit, grants, passwords
from app.clock import FixedClock
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.model import NewAccount
from app.paths import RoomPaths
from app.roles import Page, Role, pages_for
from app.session import Session, open_session
from tests.conftest import PASSWORD

GOOD = "Secret-2026x"


@pytest.mark.parametrize(
    "bad", ["short-1A", "alllowercaseletters", "ALLUPPER12345", "lower12345678"]
)
def test_password_rule(bad: str) -> None:
    with pytest.raises(InvalidInput):
        passwords.check(bad)


def test_password_rule_accepts_three_classes() -> None:
    passwords.check("abcdefgh12-")
    passwords.check("Abcdefgh123")


def test_sysadmin_creates_an_account_that_can_log_in(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    officer = login("anquan")
    grants.grant_role(officer, "zhaolei")
    officer.close()  # a rotation needs the room to itself
    session = open_session(room.db, "zhaolei", GOOD, clock)
    assert session.account.display_name == "赵磊"
    session.close()
    events = [e for e in audit.page(admin.db, None, 20) if e.action == "创建账户"]
    assert events[0].object == "account:zhaolei"
    assert events[0].details["after"]["role"] == "custodian"


def test_only_the_sysadmin_manages_accounts(login: Callable[..., Session]) -> None:
    for user in ("jiyao", "baomi", "shenji", "anquan"):
        with pytest.raises(PermissionDenied):
            accounts.create_account(login(user), NewAccount("x1", "某人", Role.CUSTODIAN, GOOD))


def test_one_person_cannot_hold_two_administrator_roles(login: Callable[..., Session]) -> None:
    admin = login("xitong")
    with pytest.raises(InvalidInput, match="三员分立"):
        accounts.create_account(admin, NewAccount("zzq2", "张志强", Role.AUDITOR, GOOD))
    # The same person may still be a custodian.
    accounts.create_account(admin, NewAccount("zzq3", "张志强", Role.CUSTODIAN, GOOD))


def test_roles_see_only_their_pages() -> None:
    assert Page.AUDIT not in pages_for(Role.SYSADMIN)
    assert pages_for(Role.AUDITOR) == (Page.AUDIT,)
    assert Page.REGISTER not in pages_for(Role.SYSADMIN)
    assert Page.SETTINGS not in pages_for(Role.CUSTODIAN)
    assert Page.DESK in pages_for(Role.CUSTODIAN)


def test_password_change_rewraps_one_slot_and_never_reencrypts(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    session = login("jiyao")
    salt_before = room.db.read_bytes()[:16]
    other_slots = {
        k: v.wrapped
        for k, v in session.keyfile.slots.items()
        if k != session.keyfile.slot_id("jiyao")
    }
    with pytest.raises(WrongPassword):
        accounts.change_own_password(session, "Wrong-pass-123", GOOD)
    accounts.change_own_password(session, PASSWORD, GOOD)
    session.close()
    assert room.db.read_bytes()[:16] == salt_before
    with pytest.raises(WrongPassword):
        open_session(room.db, "jiyao", PASSWORD, clock)
    again = open_session(room.db, "jiyao", GOOD, clock)
    assert {
        k: v.wrapped for k, v in again.keyfile.slots.items() if k != again.keyfile.slot_id("jiyao")
    } == other_slots
    again.close()


def test_reset_and_deactivate(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    officer = login("anquan")
    grants.grant_role(officer, "zhaolei")
    officer.close()  # a rotation needs the room to itself
    accounts.reset_password(admin, "zhaolei", "Reset-pass-99")
    with pytest.raises(PermissionDenied, match="尚未由安全保密管理员授予"):
        open_session(room.db, "zhaolei", "Reset-pass-99", clock)  # the admin knows it now
    officer = login("anquan")
    grants.grant_role(officer, "zhaolei")
    officer.close()
    open_session(room.db, "zhaolei", "Reset-pass-99", clock).close()
    accounts.deactivate(admin, "zhaolei")
    assert not admin.keyfile.has_slot("zhaolei")
    with pytest.raises(WrongPassword):
        open_session(room.db, "zhaolei", "Reset-pass-99", clock)
    kept = accounts.find(admin.db, "zhaolei")
    assert kept is not None and not kept.active


def test_the_last_holder_of_a_role_and_oneself_cannot_be_deactivated(
    login: Callable[..., Session],
) -> None:
    admin = login("xitong")
    with pytest.raises(InvalidInput, match="只剩"):
        accounts.deactivate(admin, "shenji")
    with pytest.raises(InvalidInput, match="当前登录"):
        accounts.deactivate(admin, "xitong")
