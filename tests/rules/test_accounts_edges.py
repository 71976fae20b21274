"""A login is taken once among the room's active accounts, compared as the room compares
logins (case folded)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import accounts, audit
from app.errors import InvalidInput
from app.model import NewAccount
from app.roles import Role
from app.session import Session

GOOD = "Secret-2026x"


@pytest.mark.parametrize("taken", ["jiyao", "JIYAO", "BaoMi"])
def test_an_active_login_cannot_be_given_again(login: Callable[..., Session], taken: str) -> None:
    admin = login("xitong")
    with pytest.raises(InvalidInput, match="已被使用"):
        accounts.create_account(admin, NewAccount(taken, "赵磊", Role.CUSTODIAN, GOOD))
    with pytest.raises(InvalidInput, match="已被使用"):
        accounts.validate_new_account(
            NewAccount(taken, "赵磊", Role.CUSTODIAN, GOOD), accounts.active_accounts(admin.db)
        )


def test_a_new_account_is_created_not_granted(login: Callable[..., Session]) -> None:
    """Creating an account records its creation; its role is granted later, by the officer."""
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    about = [e.action for e in audit.page(admin.db, None, 50) if e.object == "account:zhaolei"]
    assert about == ["创建账户"]


def test_the_rooms_first_accounts_are_created_and_granted_at_once(
    login: Callable[..., Session],
) -> None:
    trail = audit.page(login("shenji").db, None, 500)
    for who in ("xitong", "anquan", "shenji", "jiyao", "baomi"):
        about = {e.action: e.details for e in trail if e.object == f"account:{who}"}
        assert "创建账户" in about and about["授予角色"]["bootstrap"] is True


def test_the_account_list_shows_the_active_first(login: Callable[..., Session]) -> None:
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    accounts.deactivate(admin, "zhaolei")
    listed = [(a.login, a.active) for a in accounts.list_accounts(admin.db)]
    assert listed[-1] == ("zhaolei", False)
    assert all(active for _, active in listed[:-1])
