"""三员: the system administrator creates accounts, the 安全保密管理员 grants and revokes roles."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app import accounts, audit, grants
from app.clock import FixedClock
from app.demo import DEMO_ACCOUNTS
from app.errors import InvalidInput, PermissionDenied
from app.model import NewAccount
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, open_session
from tests.conftest import PASSWORD, START

GOOD = "Secret-2026x"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _new(login: Callable[..., Session], who: str = "zhaolei", role: Role = Role.CUSTODIAN) -> None:
    accounts.create_account(login("xitong"), NewAccount(who, "赵磊", role, GOOD))


def test_a_new_account_cannot_log_in_until_its_role_is_granted(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    _new(login)
    created = accounts.find(login("xitong").db, "zhaolei")
    assert created is not None and not created.granted
    with pytest.raises(PermissionDenied, match="尚未由安全保密管理员授予"):
        open_session(room.db, "zhaolei", GOOD, clock)
    officer = login("anquan")
    granted = grants.grant_role(officer, "zhaolei")
    assert granted.granted and granted.granted_by == "anquan" and granted.role is Role.CUSTODIAN
    open_session(room.db, "zhaolei", GOOD, clock).close()
    actions = [(e.action, e.object) for e in audit.page(officer.db, None, 10)]
    assert ("登录被拒", "account:zhaolei") in actions
    assert ("授予角色", "account:zhaolei") in actions


def test_only_the_security_officer_grants_and_revokes(login: Callable[..., Session]) -> None:
    _new(login)
    for user in ("xitong", "shenji", "jiyao", "baomi"):
        with pytest.raises(PermissionDenied):
            grants.grant_role(login(user), "zhaolei")
        with pytest.raises(PermissionDenied):
            grants.revoke_role(login(user), "jiyao")


def test_the_officer_may_grant_another_role_than_proposed(login: Callable[..., Session]) -> None:
    _new(login)
    granted = grants.grant_role(login("anquan"), "zhaolei", Role.APPROVER)
    assert granted.role is Role.APPROVER
    event = [e for e in audit.page(login("shenji").db, None, 5) if e.action == "授予角色"][0]
    assert event.details == {"after": {"role": "approver"}}


def test_a_revoked_account_cannot_log_in(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    officer = login("anquan")
    _new(login)
    grants.grant_role(officer, "zhaolei")
    revoked = grants.revoke_role(officer, "zhaolei")
    assert not revoked.granted and revoked.role is Role.CUSTODIAN  # the proposal stays
    with pytest.raises(PermissionDenied, match="已被撤销"):
        open_session(room.db, "zhaolei", GOOD, clock)
    with pytest.raises(InvalidInput, match="没有已授予的角色"):
        grants.revoke_role(officer, "zhaolei")


def test_no_self_grant_and_no_role_left_without_a_holder(login: Callable[..., Session]) -> None:
    officer = login("anquan")
    with pytest.raises(InvalidInput, match="自己"):
        grants.revoke_role(officer, "anquan")
    grants.revoke_role(officer, "zhuren")  # one of two 保密员: baomi still holds the role
    for last in ("jiyao", "baomi", "xitong", "shenji"):
        with pytest.raises(InvalidInput, match="唯一已授权"):
            grants.revoke_role(officer, last)
    with pytest.raises(InvalidInput, match="唯一已授权"):  # moving the last holder away
        grants.grant_role(officer, "shenji", Role.CUSTODIAN)
    _new(login)
    grants.grant_role(officer, "zhaolei")
    grants.revoke_role(officer, "jiyao")  # a second custodian holds the role now


def test_one_person_never_holds_two_of_the_three_on_grant(login: Callable[..., Session]) -> None:
    admin = login("xitong")
    officer = login("anquan")
    # 张志强 is the system administrator; a custodian account in his name is allowed ...
    accounts.create_account(admin, NewAccount("zzq2", "张志强", Role.CUSTODIAN, GOOD))
    # ... but the officer cannot make it an administrator role.
    with pytest.raises(InvalidInput, match="三员分立"):
        grants.grant_role(officer, "zzq2", Role.AUDITOR)
    with pytest.raises(InvalidInput, match="三员分立"):
        grants.grant_role(officer, "zzq2", Role.SECURITY_OFFICER)
    grants.grant_role(officer, "zzq2")  # as proposed: a custodian


def test_room_creation_grants_the_first_accounts(login: Callable[..., Session]) -> None:
    db = login("shenji").db
    assert all(a.granted and a.granted_by == audit.SYSTEM for a in accounts.list_accounts(db))
    bootstrap = [e for e in audit.page(db, None, 100) if e.action == "授予角色"]
    assert len(bootstrap) == len(DEMO_ACCOUNTS) and all(e.details["bootstrap"] for e in bootstrap)


def _migrated(tmp_path: Path) -> RoomPaths:
    room = RoomPaths(tmp_path / "old.mjdb")
    shutil.copyfile(FIXTURES / "room-v7.mjdb", room.db)
    shutil.copyfile(FIXTURES / "room-v7.mjdb.keys", room.keys)
    return room


def test_a_migrated_room_keeps_its_accounts_and_bootstraps_its_officer(tmp_path: Path) -> None:
    clock = FixedClock(START)
    room = _migrated(tmp_path)
    admin = open_session(room.db, "xitong", PASSWORD, clock)
    try:
        # Today's accounts keep what they could do: the old officer is the business approver.
        old_officer = accounts.find(admin.db, "baomi")  # 'security_officer' at v7
        assert old_officer is not None and old_officer.role is Role.APPROVER
        assert all(a.granted for a in accounts.active_accounts(admin.db))
        assert not accounts.has_security_officer(admin.db)
        # Nothing but the first officer can be granted: the sysadmin's bootstrap.
        accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
        with pytest.raises(PermissionDenied):
            grants.grant_role(admin, "zhaolei")
        accounts.create_account(admin, NewAccount("sun", "孙悦", Role.SECURITY_OFFICER, GOOD))
        assert accounts.has_security_officer(admin.db)
        first = [e for e in audit.page(admin.db, None, 3) if e.action == "授予角色"][0]
        assert first.account == "xitong" and first.details["bootstrap"] is True
        # From now on the sysadmin grants nothing, even a second officer.
        accounts.create_account(admin, NewAccount("sun2", "孙二", Role.SECURITY_OFFICER, GOOD))
        assert not accounts.find(admin.db, "sun2").granted  # type: ignore[union-attr]
        with pytest.raises(PermissionDenied):
            grants.grant_role(admin, "sun2")
    finally:
        admin.close()
    officer = open_session(room.db, "sun", GOOD, clock)
    try:
        grants.grant_role(officer, "zhaolei")
    finally:
        officer.close()
    open_session(room.db, "baomi", PASSWORD, clock).close()
    open_session(room.db, "zhaolei", GOOD, clock).close()


def test_the_sysadmin_may_grant_an_existing_proposed_officer_when_none_is_left(
    tmp_path: Path,
) -> None:
    clock = FixedClock(START)
    room = _migrated(tmp_path)
    admin = open_session(room.db, "xitong", PASSWORD, clock)
    try:
        # Made ungranted on purpose: a proposal left over from before the migration's notice.
        admin.db.execute(
            "INSERT INTO account (login, display_name, role, created_at, password_changed_at)"
            " VALUES ('sun', '孙悦', 'security_officer', '2026-01-01', '2026-01-01')"
        )
        with pytest.raises(PermissionDenied):  # not a grant of the officer role: refused
            grants.grant_role(admin, "sun", Role.CUSTODIAN)
        assert grants.grant_role(admin, "sun").granted
    finally:
        admin.close()
