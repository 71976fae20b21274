"""Accounts: creation, password changes, deactivation, and the 三员分立 rule.

Accounts are never deleted (the audit trail names them); deactivating one removes its key slot.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app import audit, passwords, rekey, text_rules
from app.clock import Clock, stamp
from app.errors import InvalidInput, MijianError
from app.model import Account, NewAccount
from app.roles import Role
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

RESET = "重置密码"
LOGIN_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{1,31}$")


def login_key(text: str) -> str:
    """The one form in which logins are compared, everywhere: a login typed with an input
    method left in full-width mode (ｂａｏｍｉ), in capitals (BAOMI) or with stray spaces is
    the same login. Logins are ASCII (LOGIN_PATTERN), so NFKC, no white space and casefold
    map every such spelling onto one key; the column's NOCASE collation agrees with it."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def same_login(a: str, b: str) -> bool:
    return login_key(a) == login_key(b)


def validate_new_account(new: NewAccount, others: Sequence[NewAccount | Account]) -> None:
    """Raise InvalidInput unless `new` may join `others` (the room's active accounts)."""
    if not LOGIN_PATTERN.match(new.login):
        raise InvalidInput("登录名须以字母开头，由 2–32 位字母、数字、点、横线或下划线组成。")
    name = text_rules.clean("display_name", new.display_name)
    if not name:
        raise InvalidInput("请填写姓名（不超过 20 个字）。")
    passwords.check(new.password)
    for other in others:
        if same_login(other.login, new.login):
            raise InvalidInput(f"登录名 {new.login} 已被使用。")
    check_separation(name, new.role, others)


def check_separation(name: str, role: Role, others: Sequence[NewAccount | Account]) -> None:
    """三员分立: the person `name` may not take administrator `role` while holding another one
    through any account in `others` (checked when an account is proposed and when granted)."""
    if not role.is_administrator:
        return
    for other in others:
        if (
            other.display_name.strip() == name.strip()
            and other.role.is_administrator
            and other.role is not role
        ):
            raise InvalidInput(
                f"三员分立：{name.strip()} 已是{other.role.label}，不能再担任{role.label}。"
            )


def insert_account(
    db: Database, clock: Clock, actor: str, new: NewAccount, *, granted_by: str | None = None
) -> None:
    """Insert and audit; the caller owns the transaction and the key slot.

    The role is only proposed unless `granted_by` names who grants it at once (room creation,
    the first 安全保密管理员): see app/grants.py.
    """
    now = stamp(clock.now())
    db.execute(
        "INSERT INTO account (login, display_name, role, created_at, password_changed_at,"
        " granted_at, granted_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            new.login,
            new.display_name.strip(),
            new.role.value,
            now,
            now,
            now if granted_by else None,
            granted_by,
        ),
    )
    audit.record(
        db,
        clock,
        actor,
        "创建账户",
        f"account:{new.login}",
        {"after": {"display_name": new.display_name.strip(), "role": new.role.value}},
    )
    if granted_by:
        audit.record(
            db,
            clock,
            actor,
            "授予角色",
            f"account:{new.login}",
            {"after": {"role": new.role.value}, "bootstrap": True},
        )


def has_security_officer(db: Database) -> bool:
    """Whether an active account holds the granted role of 安全保密管理员."""
    row = db.one(
        "SELECT 1 FROM account WHERE role = ? AND active = 1 AND granted_at IS NOT NULL",
        (Role.SECURITY_OFFICER.value,),
    )
    return row is not None


def find(db: Database, login: str) -> Account | None:
    row = db.one("SELECT * FROM account WHERE login = ?", (login_key(login),))
    return None if row is None else _account(row)


def display_name(db: Database, login: str) -> str:
    """The person behind a login, as a signed sheet or a banner names them: 王建国, not baomi.
    A login no account has (an old trail) stays as it is."""
    account = find(db, login)
    return account.display_name if account else login


def list_accounts(db: Database) -> list[Account]:
    return [_account(r) for r in db.query("SELECT * FROM account ORDER BY active DESC, id")]


def active_accounts(db: Database) -> list[Account]:
    return [a for a in list_accounts(db) if a.active]


def create_account(session: Session, new: NewAccount) -> Account:
    session.require(Role.SYSADMIN)
    db = session.db
    validate_new_account(new, active_accounts(db))
    if find(db, new.login) is not None:
        raise InvalidInput(f"登录名 {new.login} 曾被使用（账户已停用），请换一个。")
    # The role is a proposal until the 安全保密管理员 grants it; the first 安全保密管理员 of a
    # room that has none (a migrated room) is granted by this creation (app/grants.py).
    first_officer = new.role is Role.SECURITY_OFFICER and not has_security_officer(db)
    actor = session.account.login
    session.keyfile.add_slot(new.login, new.password, session.data_key)
    try:
        with db.transaction():
            insert_account(
                db, session.clock, actor, new, granted_by=actor if first_officer else None
            )
            session.keyfile.save()
    except BaseException:
        session.keyfile.remove_slot(new.login)
        raise
    created = find(db, new.login)
    assert created is not None
    return created


def reset_password(session: Session, login: str, new_password: str) -> None:
    """The system administrator sets a new password for another account (rewraps its slot)."""
    session.require(Role.SYSADMIN)
    target = _active(session.db, login)
    passwords.check(new_password)
    # The data key is rotated too: whoever knew the old password, with any older keys file,
    # must not open the room afterwards (app/rekey.py).
    waiting = rekey.unconverted(session, excluding=target.login)
    target_slot = session.keyfile.slot(target.login)
    if waiting and target_slot is not None and target_slot.legacy:
        # Resetting a forgotten password of an account never unlocked since the upgrade, while
        # others are in the same case: refusing would leave no way back in. The rotation waits
        # for them, and the trail says so.
        details = {"rotation": "deferred", "waiting": waiting}
        _rewrap(session, target, new_password, RESET, details)
        return
    rekey.require_convertible(session, target.login, RESET)
    with (
        rekey.room_alone(session) as hold,
        rekey.rotation(session, hold, "密码已重置", RESET, {"account": target.login}),
    ):
        _rewrap(session, target, new_password, RESET)


def change_own_password(session: Session, old_password: str, new_password: str) -> None:
    session.verify_password(old_password)
    passwords.check(new_password)
    if new_password == old_password:
        raise InvalidInput("新密码不能与原密码相同。")
    _rewrap(session, session.account, new_password, "修改密码")


def deactivate(session: Session, login: str) -> None:
    session.require(Role.SYSADMIN)
    db = session.db
    target = _active(db, login)
    if same_login(target.login, session.account.login):
        raise InvalidInput("不能停用当前登录的账户。")
    # Counting only granted holders when the target is granted: else a pending account of the
    # same role would let the last real holder go (and the sysadmin grant the role as 首任).
    same_role = [
        a
        for a in active_accounts(db)
        if a.role is target.role and (a.granted or not target.granted)
    ]
    if len(same_role) <= 1:
        raise InvalidInput(f"{target.role.label}只剩这一个账户，请先创建接替的账户。")
    if target.role is Role.CUSTODIAN:  # nobody leaves with a copy, the custodian neither
        from app import custodian_handover

        custodian_handover.refuse_unhanded(db, target.login)
    rekey.require_convertible(session, target.login, "停用账户")
    # A new data key, so that the removed slot in any older keys file opens nothing.
    with (
        rekey.room_alone(session) as hold,
        rekey.rotation(session, hold, "账户已停用", "停用账户", {"account": target.login}),
    ):
        _deactivate(session, target)


def _deactivate(session: Session, target: Account) -> None:
    db = session.db
    with db.transaction():
        db.execute(
            "UPDATE account SET active = 0, deactivated_at = ? WHERE id = ?",
            (stamp(session.clock.now()), target.id),
        )
        if target.role is Role.CUSTODIAN:
            from app import custodian_handover

            custodian_handover.mark_deactivated(db, target.login, stamp(session.clock.now()))
        audit.record(
            db,
            session.clock,
            session.account.login,
            "停用账户",
            f"account:{target.login}",
            {"before": {"active": True}, "after": {"active": False}},
        )
    session.keyfile.remove_slot(target.login)
    session.keyfile.save()


def _rewrap(
    session: Session,
    target: Account,
    new_password: str,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    db = session.db
    keyfile = session.keyfile
    sid = keyfile.slot_id(target.login)
    old_slot = keyfile.slots.get(sid)
    saved = False
    try:
        with db.transaction():
            _rewrap_rows(session, target, action, details)
            keyfile.add_slot(target.login, new_password, session.data_key)
            # The slot file is written before the commit: if it fails, the change rolls back.
            keyfile.save()
            saved = True
    except BaseException:
        # All or nothing: the new slot must not outlive a failed change in memory, where the
        # next save (a mistyped password, say) would write it without an audit record.
        if old_slot is None:
            keyfile.slots.pop(sid, None)
        else:
            keyfile.slots[sid] = old_slot
        if saved:
            # The commit failed after the file was written: put the old slot back on disk.
            with contextlib.suppress(MijianError, OSError):
                keyfile.save()
        raise


def _rewrap_rows(
    session: Session, target: Account, action: str, details: dict[str, Any] | None
) -> None:
    db = session.db
    db.execute(
        "UPDATE account SET password_changed_at = ? WHERE id = ?",
        (stamp(session.clock.now()), target.id),
    )
    if action == RESET:
        # The system administrator now knows this password: the account may not be used
        # until the security officer grants its role again (no logging in as another user).
        db.execute(
            "UPDATE account SET granted_at = NULL, granted_by = NULL WHERE id = ?",
            (target.id,),
        )
    audit.record(
        db, session.clock, session.account.login, action, f"account:{target.login}", details
    )


def _active(db: Database, login: str) -> Account:
    account = find(db, login)
    if account is None or not account.active:
        raise MijianError(f"没有名为 {login} 的在用账户。")
    return account


def _account(row: Any) -> Account:
    return Account(
        id=row["id"],
        login=row["login"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        created_at=row["created_at"],
        password_changed_at=row["password_changed_at"],
        granted_at=row["granted_at"],
        granted_by=row["granted_by"],
    )
