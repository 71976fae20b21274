"""The one confirmation path: a second person's own password, their role, their lockout."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import audit
from app.errors import AccountLocked, PermissionDenied, WrongPassword
from app.model import Credential
from app.roles import Role
from app.session import LOCK_AFTER_FAILURES, Session
from tests.conftest import PASSWORD


def test_the_confirming_account_as_the_room_spells_it(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    who = session.confirm(Credential(" BaoMi ", PASSWORD), "测试", Role.APPROVER)
    assert who.login == "baomi"
    either = (Role.APPROVER, Role.CUSTODIAN)
    assert session.confirm(Credential("jiyao", PASSWORD), "测试", either).login == "jiyao"
    with pytest.raises(PermissionDenied, match="测试须由保密员或机要员本人确认"):
        session.confirm(Credential("anquan", PASSWORD), "测试", either)
    with pytest.raises(PermissionDenied, match="没有这个在用的账户"):
        session.confirm(Credential("nobody", PASSWORD), "测试")


def test_a_failure_is_audited_and_counted_and_the_lock_holds(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    for _ in range(LOCK_AFTER_FAILURES):
        with pytest.raises(WrongPassword, match="王建国的密码不正确，留用审批未完成"):
            session.confirm(Credential("baomi", "Wrong-pass-1"), "留用审批", Role.APPROVER)
    with pytest.raises(AccountLocked):
        session.confirm(Credential("baomi", PASSWORD), "留用审批", Role.APPROVER)
    trail = audit.page(session.db, None, 100)
    failed = [e for e in trail if e.action == "确认失败"]
    assert len(failed) == LOCK_AFTER_FAILURES
    assert failed[0].account == "jiyao" and failed[0].details == {"for": "留用审批"}
    (attempt,) = [e for e in trail if e.action == "锁定期间尝试"]
    assert attempt.object == "account:baomi" and attempt.details["for"] == "留用审批"


def test_the_idle_unlock_on_a_locked_account_is_recorded_at_once(
    login: Callable[..., Session],
) -> None:
    session = login("jiyao")
    for _ in range(LOCK_AFTER_FAILURES):
        with pytest.raises(WrongPassword):
            session.verify_password("Wrong-pass-1")
    with pytest.raises(AccountLocked):
        session.verify_password(PASSWORD)
    last = audit.page(session.db, None, 1)[0]
    assert (last.action, last.details["for"]) == ("锁定期间尝试", "身份核验")
