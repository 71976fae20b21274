"""Granting and revoking roles: the 安全保密管理员's half of account management (三员).

The rule, as the 三员 divide the work:
- The 系统管理员 creates accounts (a login, a name, a key slot) and proposes each one's role; the
  role does nothing until the 安全保密管理员 grants it. An account without a granted role (not
  granted yet, or revoked) cannot log in.
- The 安全保密管理员 grants a role (the proposed one or another) and revokes it, never on their
  own account, and never so that a role is left without a granted, active holder.
- 三员分立 is checked on every grant: one person (display name) never holds two of the three
  administrator roles.
- Bootstrap: room creation grants its first accounts (audited by 系统). A room with no active
  安全保密管理员 (a migrated room) cannot grant anything, so there the system administrator's
  grant of the 安全保密管理员 role alone is accepted (audited as 首任): when the system
  administrator creates that account, or on an existing account with that proposed role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app import audit
from app.accounts import active_accounts, check_separation, find, has_security_officer
from app.clock import Clock, stamp
from app.errors import InvalidInput, MijianError, PermissionDenied
from app.model import Account
from app.roles import Role
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

NOT_GRANTED = (
    "该账户的角色尚未由安全保密管理员授予（或已被撤销），暂不能登录。请联系安全保密管理员。"
)


def grant_role(session: Session, login: str, role: Role | None = None) -> Account:
    """Grant `role` (default: the proposed one) to the active account `login`."""
    db = session.db
    target = _target(session, login)
    role = role or target.role
    bootstrap = _check_granter(session, role)
    others = [a for a in active_accounts(db) if a.id != target.id and a.granted]
    check_separation(target.display_name, role, others)
    if target.granted and target.role is role:
        raise InvalidInput(f"{target.login} 已是{role.label}。")
    details: dict[str, object] = {"after": {"role": role.value}}
    if target.granted:
        details["before"] = {"role": target.role.value}
        if target.role is not role:
            _check_not_last(db, target)
    if bootstrap:
        details["bootstrap"] = True
    actor = session.account.login
    with db.transaction():
        db.execute(
            "UPDATE account SET role = ?, granted_at = ?, granted_by = ? WHERE id = ?",
            (role.value, stamp(session.clock.now()), actor, target.id),
        )
        audit.record(db, session.clock, actor, "授予角色", f"account:{target.login}", details)
    return _found(db, login)


def revoke_role(session: Session, login: str) -> Account:
    """Revoke the granted role of `login`: the account stays, but cannot log in until granted."""
    session.require(Role.SECURITY_OFFICER)
    db = session.db
    target = _target(session, login)
    if not target.granted:
        raise InvalidInput(f"{target.login} 没有已授予的角色。")
    _check_not_last(db, target)
    with db.transaction():
        db.execute(
            "UPDATE account SET granted_at = NULL, granted_by = NULL WHERE id = ?", (target.id,)
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "撤销角色",
            f"account:{target.login}",
            {"before": {"role": target.role.value}},
        )
    return _found(db, login)


def refuse_ungranted(db: Database, clock: Clock, account: Account) -> None:
    """At login, after the password proved right: refuse (and audit) an account whose role is
    not granted. The caller's transaction rules apply: this opens its own."""
    if account.granted:
        return
    with db.transaction():
        audit.record(
            db,
            clock,
            audit.SYSTEM,
            "登录被拒",
            f"account:{account.login}",
            {"reason": "角色未授予"},
        )
    raise PermissionDenied(NOT_GRANTED)


def _check_granter(session: Session, role: Role) -> bool:
    """True when this is the system administrator's bootstrap grant of the first officer."""
    if session.role is Role.SECURITY_OFFICER:
        return False
    if (
        session.role is Role.SYSADMIN
        and role is Role.SECURITY_OFFICER
        and not has_security_officer(session.db)
    ):
        return True
    raise PermissionDenied("授予角色由安全保密管理员办理。")


def _target(session: Session, login: str) -> Account:
    target = find(session.db, login)
    if target is None or not target.active:
        raise MijianError(f"没有名为 {login} 的在用账户。")
    if target.id == session.account.id:
        raise InvalidInput("不能为自己授予或撤销角色。")
    return target


def _check_not_last(db: Database, target: Account) -> None:
    holders = [a for a in active_accounts(db) if a.role is target.role and a.granted]
    if len(holders) <= 1:
        raise InvalidInput(
            f"{target.login} 是唯一已授权的{target.role.label}，请先为接替的账户授予该角色。"
        )


def _found(db: Database, login: str) -> Account:
    account = find(db, login)
    assert account is not None
    return account
