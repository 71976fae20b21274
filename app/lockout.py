"""Locked accounts and their unlocking by the 安全保密管理员 (a security event of the 三员).

Five wrong passwords lock an account for LOCK_MINUTES (app.session). The 安全保密管理员 may lift a
lock before it ends, typing their own password again; the unlock is audited. This is how a sole
system administrator locked out gets back in without waiting or editing files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from app import accounts, audit
from app.clock import parse_stamp
from app.errors import InvalidInput, WrongPassword
from app.roles import Role

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class LockedAccount:
    login: str
    display_name: str
    role: Role
    until: datetime


def locked_accounts(session: Session) -> list[LockedAccount]:
    """The room's active accounts locked now, as this session's keys file knows them."""
    session.require(Role.SECURITY_OFFICER)
    now = session.clock.now()
    found = []
    for account in accounts.active_accounts(session.db):
        until = _locked_until(session, account.login)
        if until is not None and until > now:
            found.append(LockedAccount(account.login, account.display_name, account.role, until))
    return found


def unlock(session: Session, login: str, password: str) -> None:
    """The 安全保密管理员 lifts the lock on `login`, confirming with their own password (which
    counts towards their own lockout like any other). Audited as 解除锁定."""
    from app.session import clear_failures

    session.require(Role.SECURITY_OFFICER)
    try:
        session.verify_password(password)
    except WrongPassword:
        raise WrongPassword("您的密码不正确，未解除锁定。") from None
    account = accounts.find(session.db, login)
    if account is None or not account.active:
        raise InvalidInput(f"没有名为 {login.strip()} 的在用账户。")
    until = _locked_until(session, account.login)
    if until is None or until <= session.clock.now():
        raise InvalidInput(f"{account.display_name}（{account.login}）的账户未被锁定。")
    db = session.db
    with db.transaction():
        audit.record(
            db,
            session.clock,
            session.account.login,
            "解除锁定",
            f"account:{account.login}",
            {"until": until.isoformat()},
        )
        # The keys file is written before the commit: if it fails, the audit rolls back.
        clear_failures(session.keyfile, account.login)


def _locked_until(session: Session, login: str) -> datetime | None:
    slot = session.keyfile.slot(login)
    if slot is None or slot.locked_until is None:
        return None
    return parse_stamp(slot.locked_until)
