"""Holds: what keeps a copy out of destruction.

Two kinds: 留用 (an approved retention at the recall, app.recall) and an investigation hold
(调查扣留, placed and released here on the 保密员's password). A copy on either hold never
enters a destruction batch and is never destroyed by one; the database refuses it as well
(0019_custody_ends.sql). A lost copy (遗失) is never held: its loss is an incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from app import audit, text_rules
from app.clock import parse_stamp, stamp
from app.errors import InvalidInput
from app.model import Credential
from app.numbers import registration_number
from app.registry import add_copy_event
from app.roles import BUSINESS_ROLES, Role
from app.scanning import CopyRef, copy_ref
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

HOLD = "调查扣留"
RETAINED = "已批准留用"


@dataclass(frozen=True)
class Hold:
    id: int
    copy_id: int
    copy_label: str
    reason: str
    placed_at: datetime
    placed_by: str
    approved_by: str


def hold_of(db: Database, copy_id: int) -> str | None:
    """Why this copy may not be destroyed, or None: 已批准留用 or 调查扣留（reason）."""
    if db.one("SELECT 1 FROM recall_retention WHERE copy_id = ?", (copy_id,)) is not None:
        return RETAINED
    row = db.one(
        "SELECT reason FROM copy_hold WHERE copy_id = ? AND released_at IS NULL", (copy_id,)
    )
    return f"{HOLD}（{row['reason']}）" if row is not None else None


def place(session: Session, copy_id: int, reason: str, approver: Credential) -> Hold:
    """An investigation hold on one copy, on the 保密员's own password."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    reason = text_rules.clean("discrepancy", reason)
    if len(reason) < 2:
        raise InvalidInput("调查扣留须写明原因。")
    db = session.db
    _placeable(db, copy_id)
    who = session.confirm(approver, HOLD, Role.APPROVER)
    now = session.clock.now()
    with db.transaction():
        copy = _placeable(db, copy_id)
        cursor = db.execute(
            "INSERT INTO copy_hold (copy_id, reason, placed_at, placed_by, approved_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (copy_id, reason, stamp(now), session.account.login, who.login),
        )
        add_copy_event(db, copy_id, now, session.account.login, HOLD, {"reason": reason})
        audit.record(
            db,
            session.clock,
            session.account.login,
            "调查扣留",
            f"copy:{copy.label}",
            {"reason": reason, "approver": who.login},
        )
    return Hold(
        int(cursor.lastrowid), copy_id, copy.label, reason, now, session.account.login, who.login
    )


def _placeable(db: Database, copy_id: int) -> CopyRef:
    copy = copy_ref(db, copy_id)
    if copy.state == "遗失":
        raise InvalidInput(f"{copy.label} 已登记遗失：遗失按事件查处，不能以扣留代替。")
    if copy.state in ("已销毁", "已清退"):
        raise InvalidInput(f"{copy.label} {copy.state}，不在本室，不能扣留。")
    if db.one("SELECT 1 FROM copy_hold WHERE copy_id = ? AND released_at IS NULL", (copy_id,)):
        raise InvalidInput(f"{copy.label} 已有调查扣留。")
    return copy


def release(session: Session, copy_id: int, reason: str, approver: Credential) -> None:
    """The investigation is over: the hold is released (it stays on record)."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    reason = text_rules.clean("discrepancy", reason)
    if len(reason) < 1:
        raise InvalidInput("解除扣留须写明理由。")
    db = session.db
    copy = copy_ref(db, copy_id)
    if hold_of(db, copy_id) in (None, RETAINED):
        raise InvalidInput(f"{copy.label} 没有调查扣留。")
    who = session.confirm(approver, "解除扣留", Role.APPROVER)
    now = session.clock.now()
    with db.transaction():
        changed = db.execute(
            "UPDATE copy_hold SET released_at = ?, released_by = ?, release_reason = ?,"
            " release_approved_by = ? WHERE copy_id = ? AND released_at IS NULL",
            (stamp(now), session.account.login, reason, who.login, copy_id),
        ).rowcount
        if not changed:
            raise InvalidInput(f"{copy.label} 没有调查扣留。")
        add_copy_event(db, copy_id, now, session.account.login, "解除扣留", {"reason": reason})
        audit.record(
            db,
            session.clock,
            session.account.login,
            "解除扣留",
            f"copy:{copy.label}",
            {"reason": reason, "approver": who.login},
        )


def open_holds(db: Database) -> list[Hold]:
    rows = db.query(
        "SELECT h.*, d.year, d.serial, c.copy_no FROM copy_hold h"
        " JOIN copy c ON c.id = h.copy_id JOIN document d ON d.id = c.document_id"
        " WHERE h.released_at IS NULL ORDER BY h.id"
    )
    return [
        Hold(
            r["id"],
            r["copy_id"],
            f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份",
            r["reason"],
            parse_stamp(r["placed_at"]),
            r["placed_by"],
            r["approved_by"],
        )
        for r in rows
    ]


def open_holds_for(session: Session) -> list[Hold]:
    """The open holds, for a business role."""
    session.require(*BUSINESS_ROLES)
    return open_holds(session.db)
