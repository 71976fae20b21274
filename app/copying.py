"""复制审批登记: copying a classified copy needs the 保密员's approval (reason, how many copies);
each derived copy gets its own number after the copy it was made from (000031-复1), its own
slip and QR code, and is tracked as an original: lent, recalled, stocktaken and destroyed like
one (上级文件不私自复制, seed 001). The database refuses a derived copy without an approval, or
more than it approved (0019_custody_ends.sql)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app import audit, text_rules
from app.classification import CLASSIFIED
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

MOST = 20
DERIVED = re.compile(r"^(\d{6})-复(\d+)$")


def derived_number(source_no: str, n: int) -> str:
    return f"{source_no}-复{n}"


@dataclass(frozen=True)
class CopyApproval:
    id: int
    number: str  # 复制审批 2026-1
    at: datetime
    source: str  # the copy copied, as a label
    document_number: str
    title: str
    level: str
    count: int
    reason: str
    approved_by: str
    recorded_by: str
    copy_ids: tuple[int, ...]
    copy_nos: tuple[str, ...]


def approve(
    session: Session, copy_id: int, count: int, reason: str, approver: Credential
) -> CopyApproval:
    """The 保密员 approves `count` copies of one copy on their own password; the derived copies
    are registered at once, in the source's cabinet, ready for their slips."""
    session.require(Role.CUSTODIAN)
    reason = text_rules.clean("discrepancy", reason)
    if len(reason) < 2:
        raise InvalidInput("复制须写明理由。")
    if not 1 <= count <= MOST:
        raise InvalidInput(f"复制份数须在 1 到 {MOST} 之间。")
    db = session.db
    _copyable(db, copy_id)
    who = session.confirm(approver, "复制审批", Role.APPROVER)
    now = session.clock.now()
    with db.transaction():
        source = _copyable(db, copy_id)
        serial = 1 + int(
            db.scalar(
                "SELECT coalesce(max(serial), 0) FROM copy_approval WHERE year = ?", (now.year,)
            )
        )
        approval_id = int(
            db.execute(
                "INSERT INTO copy_approval (year, serial, source_copy_id, count, reason,"
                " approved_by, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now.year,
                    serial,
                    copy_id,
                    count,
                    reason,
                    who.login,
                    stamp(now),
                    session.account.login,
                ),
            ).lastrowid
        )
        done = int(db.scalar("SELECT count(*) FROM copy WHERE derived_from = ?", (copy_id,)))
        ids, numbers = [], []
        for k in range(done + 1, done + count + 1):
            copy_no = derived_number(source.copy_no, k)
            new_id = int(
                db.execute(
                    "INSERT INTO copy (document_id, copy_no, pages, cabinet_id, derived_from,"
                    " approval_id) SELECT document_id, ?, pages, cabinet_id, id, ? FROM copy"
                    " WHERE id = ?",
                    (copy_no, approval_id, copy_id),
                ).lastrowid
            )
            add_copy_event(
                db,
                new_id,
                now,
                session.account.login,
                "复制登记",
                {"from": source.copy_no, "approval": f"{now.year}-{serial}", "approver": who.login},
            )
            ids.append(new_id)
            numbers.append(copy_no)
        add_copy_event(
            db,
            copy_id,
            now,
            session.account.login,
            "复制",
            {"copies": numbers, "approver": who.login},
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "复制审批",
            f"copy:{source.label}",
            {
                "approval": f"{now.year}-{serial}",
                "count": count,
                "reason": reason,
                "approver": who.login,
                "copies": numbers,
            },
        )
    return get(db, approval_id)


def _copyable(db: Database, copy_id: int) -> CopyRef:
    copy = copy_ref(db, copy_id)
    if copy.voided:
        raise InvalidInput(f"{copy.label} 登记已作废，不能复制。")
    if copy.level not in CLASSIFIED:
        raise InvalidInput(f"{copy.label} 是非密件，复制无需审批登记。")
    if copy.state != "在柜":
        raise InvalidInput(f"{copy.label} 现为{copy.state}，只有在柜的文件才能复制。")
    if db.one("SELECT 1 FROM copy WHERE id = ? AND derived_from IS NOT NULL", (copy_id,)):
        raise InvalidInput(f"{copy.label} 本身是复制件，请据原件复制。")
    return copy


_SELECT = """
SELECT a.*, d.year AS dyear, d.serial AS dserial, d.title, d.level, s.copy_no AS source_no
FROM copy_approval a JOIN copy s ON s.id = a.source_copy_id
JOIN document d ON d.id = s.document_id
"""


def get(db: Database, approval_id: int) -> CopyApproval:
    row = db.one(f"{_SELECT} WHERE a.id = ?", (approval_id,))
    if row is None:
        raise InvalidInput(f"没有编号为 {approval_id} 的复制审批。")
    return _approval(db, row)


def _approval(db: Database, row: Any) -> CopyApproval:
    copies = db.query(
        "SELECT id, copy_no FROM copy WHERE approval_id = ? ORDER BY id", (row["id"],)
    )
    number = registration_number(row["dyear"], row["dserial"])
    return CopyApproval(
        row["id"],
        f"{row['year']}-{row['serial']}",
        parse_stamp(row["recorded_at"]),
        f"{number} 第{row['source_no']}份",
        number,
        row["title"],
        row["level"],
        row["count"],
        row["reason"],
        row["approved_by"],
        row["recorded_by"],
        tuple(int(c["id"]) for c in copies),
        tuple(str(c["copy_no"]) for c in copies),
    )


def register_of(session: Session, year: int) -> list[CopyApproval]:
    """The year's 复制审批登记, in order."""
    session.require(*BUSINESS_ROLES)
    rows = session.db.query(f"{_SELECT} WHERE a.year = ? ORDER BY a.serial", (year,))
    return [_approval(session.db, r) for r in rows]


def last_of(session: Session, copy_id: int) -> CopyApproval:
    """The latest approval to copy this copy (what a dialog just recorded)."""
    session.require(*BUSINESS_ROLES)
    found = session.db.scalar(
        "SELECT max(id) FROM copy_approval WHERE source_copy_id = ?", (copy_id,)
    )
    if found is None:
        raise InvalidInput("该份没有复制审批记录。")
    return get(session.db, int(found))
