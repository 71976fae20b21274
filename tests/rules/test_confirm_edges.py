"""Edges of the one confirmation path (app/confirm.py) that the mutation run found untested."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import accounts, audit
from app.errors import PermissionDenied, WrongPassword
from app.model import Credential, NewAccount
from app.roles import Role
from app.session import LOCK_AFTER_FAILURES, Session

GOOD = "Secret-2026x"


def test_an_account_whose_role_is_not_yet_granted_cannot_confirm(
    login: Callable[..., Session],
) -> None:
    accounts.create_account(login("xitong"), NewAccount("zhaolei", "赵磊", Role.APPROVER, GOOD))
    session = login("jiyao")
    with pytest.raises(PermissionDenied, match="没有这个在用的账户"):
        session.confirm(Credential("zhaolei", GOOD), "留用审批", Role.APPROVER)


def test_a_failed_confirmation_reaches_the_trail_at_once(login: Callable[..., Session]) -> None:
    """The failure and, at the last one, the lock are in the trail before anyone logs in again."""
    session = login("jiyao")
    for tried in range(1, LOCK_AFTER_FAILURES + 1):
        with pytest.raises(WrongPassword):
            session.confirm(Credential("baomi", "Wrong-pass-1"), "留用审批", Role.APPROVER)
        trail = audit.page(session.db, None, 100)
        failures = [e for e in trail if (e.action, e.object) == ("登录失败", "account:baomi")]
        assert len(failures) == tried
        assert {e.account for e in failures} == {"系统"}  # the room records them, not a person
    assert [e.object for e in trail if e.action == "账户锁定"] == ["account:baomi"]
