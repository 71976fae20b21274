"""The one way a second person confirms an action at this workstation with their own password.

Every approval goes through `confirm_person`: F7 exceptions, 留用, destruction approval, witnesses,
restoring an older backup, opening a room behind its anchor. The lockout is honoured and counted
exactly as at login, an attempt on a locked account is recorded, and a failure is audited.
"""

from __future__ import annotations

from collections.abc import Callable

from app import accounts, audit
from app.clock import Clock
from app.errors import AccountLocked, PermissionDenied, WrongPassword
from app.model import Account, Credential
from app.roles import Role
from db.connection import Database
from db.keyslots import KeyFile


def confirm_person(
    db: Database,
    keyfile: KeyFile,
    clock: Clock,
    actor: str,
    credential: Credential,
    what: str,
    role: Role | tuple[Role, ...] | None = None,
    *,
    flush_pending: Callable[[], None] | None = None,
) -> Account:
    """The confirming account, or a typed refusal. `actor` is who is logged in (audited).

    `role` is the role (or any of the roles) the confirming person must hold. `flush_pending`
    moves the keys file's pending security events into the trail (the database is open here);
    without it they wait for the next login.
    """
    from app.session import check_not_locked, clear_failures, count_failure

    allowed = (role,) if isinstance(role, Role) else role
    account = accounts.find(db, credential.login)
    if account is None or not account.active or not account.granted:
        raise PermissionDenied(f"{what}：没有这个在用的账户。")
    if allowed is not None and account.role not in allowed:
        wanted = "或".join(r.label for r in allowed)
        raise PermissionDenied(f"{what}须由{wanted}本人确认。")
    try:
        check_not_locked(keyfile, account.login, clock, what)
    except AccountLocked:
        if flush_pending is not None:
            flush_pending()
        raise
    try:
        keyfile.unwrap(account.login, credential.password)
    except WrongPassword:
        count_failure(keyfile, account.login, clock)
        if flush_pending is not None:
            flush_pending()
        with db.transaction():
            audit.record(db, clock, actor, "确认失败", f"account:{account.login}", {"for": what})
        raise WrongPassword(f"{account.display_name}的密码不正确，{what}未完成。") from None
    clear_failures(keyfile, account.login)
    return account
