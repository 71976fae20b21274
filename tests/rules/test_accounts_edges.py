"""A login is taken once among the room's active accounts, compared as the room compares
logins (case folded)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import accounts
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
