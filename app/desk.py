"""借阅台: handing copies across the counter and taking them back, one record per person per copy.

Rules (DOMAIN.md, seed 000): a copy comes back to the room between readers (no 横传); a reader
holds nothing above their clearance or outside the document's 阅文范围; a classified copy is due
back by the room's close time the same day (密件不过夜). The security officer may override a
refusal, typing their own password; the override is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from app import audit, settings
from app.classification import CLASSIFIED
from app.clock import parse_stamp, stamp
from app.people import CLEARANCE_LABELS, Reader
from app.registry import add_copy_event
from app.roles import Role
from app.scanning import CopyRef, active_reader, copy_ref, copy_ref_from_row
from db.connection import Database
from db.errors import InvalidInput, PermissionDenied, WrongPassword

if TYPE_CHECKING:
    from app.session import Session

LEVEL_RANK = {"非密": 0, "秘密": 1, "机密": 2, "绝密": 3}
CLEARANCE_RANK = {"非涉密": 0, "一般": 1, "重要": 2, "核心": 3}
IN_OPEN_BATCH = (
    "SELECT 1 FROM destruction_item i JOIN destruction_batch b ON b.id = i.batch_id"
    " WHERE i.copy_id = ? AND b.sealed_at IS NULL AND b.cancelled_at IS NULL"
)


@dataclass(frozen=True)
class Override:
    """The security officer's word: their login, their own password, and why."""

    approver: str
    password: str
    reason: str


@dataclass(frozen=True)
class OutRow:
    handover_id: int
    copy: CopyRef
    reader: str
    phone: str
    out_at: datetime
    due_at: datetime
    excepted: bool

    def status(self, now: datetime) -> str:
        """正常, 将到期 (30 minutes before due) or 逾期 — for classified copies."""
        if now >= self.due_at:
            return "逾期"
        if now >= self.due_at - timedelta(minutes=30):
            return "将到期"
        return "正常"


# ---- checkout ---------------------------------------------------------------------------------
def refusal(db: Database, reader: Reader, copy: CopyRef, now: datetime) -> str | None:
    """Why `reader` may not take `copy` now, or None."""
    if copy.voided:
        return f"{copy.label} 的登记已作废。"
    if copy.state == "借出":
        holder = db.one(
            "SELECT r.name, h.out_at FROM handover h JOIN reader r ON r.id = h.reader_id"
            " WHERE h.copy_id = ? AND h.back_at IS NULL",
            (copy.copy_id,),
        )
        if holder is not None:
            since = parse_stamp(holder["out_at"]).strftime("%m-%d %H:%M")
            return (
                f"{copy.label} 在 {holder['name']} 处（{since} 借出），须先交回机要室，不得横传。"
            )
        return f"{copy.label} 未在柜。"
    if copy.state != "在柜":
        return f"{copy.label} 状态为{copy.state}，不能借出。"
    if db.scalar(IN_OPEN_BATCH, (copy.copy_id,)):
        return f"{copy.label} 已列入待销毁批次，不能借出。"
    if CLEARANCE_RANK[reader.clearance] < LEVEL_RANK[copy.level]:
        return f"{reader.name} 为{CLEARANCE_LABELS[reader.clearance]}，不能借阅{copy.level}件。"
    if not _in_scope(db, reader.id, copy.document_id):
        return f"{reader.name} 不在该件的阅文范围内。"
    if copy.level in CLASSIFIED:
        close = settings.load(db).close_time
        if now.time() >= close:
            return f"已过闭库时间 {close:%H:%M}，密件不得借出（密件不过夜）。"
    return None


def _in_scope(db: Database, reader_id: int, document_id: int) -> bool:
    scoped = db.scalar("SELECT count(*) FROM document_scope WHERE document_id = ?", (document_id,))
    if not scoped:
        return True
    return bool(
        db.scalar(
            "SELECT 1 FROM document_scope s WHERE s.document_id = ? AND (s.reader_id = ? OR s.group_id IN"
            " (SELECT group_id FROM reader_group_member WHERE reader_id = ?)) LIMIT 1",
            (document_id, reader_id, reader_id),
        )
    )


def due_time(db: Database, copy: CopyRef, now: datetime) -> datetime:
    s = settings.load(db)
    if copy.level in CLASSIFIED:
        return now.replace(hour=s.close_time.hour, minute=s.close_time.minute, second=0)
    return (now + timedelta(days=s.unclassified_loan_days)).replace(
        hour=s.close_time.hour, minute=s.close_time.minute, second=0
    )


def checkout(
    session: Session, reader_id: int, copy_ids: list[int], override: Override | None = None
) -> list[int]:
    """Hand the folder's copies to one reader; all or none. Returns the handover ids."""
    session.require(Role.CUSTODIAN)
    if not copy_ids:
        raise InvalidInput("文件夹里还没有文件，请先扫描。")
    db = session.db
    now = session.clock.now()
    approver = _check_override(session, override) if override else None
    ids: list[int] = []
    with db.transaction():
        reader = active_reader(db, reader_id)
        for copy_id in copy_ids:
            copy = copy_ref(db, copy_id)
            reason = refusal(db, reader, copy, now)
            if reason and (approver is None or copy.voided or copy.state != "在柜"):
                # Nobody may override a copy that is not physically in the room.
                raise InvalidInput(reason)
            due = due_time(db, copy, now)
            if due <= now:
                due = now + timedelta(hours=1)
            cursor = db.execute(
                "INSERT INTO handover (copy_id, reader_id, out_at, due_at, out_by, override_by,"
                " override_reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    copy_id,
                    reader.id,
                    stamp(now),
                    stamp(due),
                    session.account.login,
                    approver if reason else None,
                    override.reason if reason and override else None,
                ),
            )
            ids.append(int(cursor.lastrowid))
            db.execute("UPDATE copy SET state = '借出' WHERE id = ?", (copy_id,))
            add_copy_event(db, copy_id, now, session.account.login, "借出", {"reader": reader.name})
            details: dict[str, Any] = {"reader": reader.name, "due": stamp(due)}
            if reason:
                details["override"] = {"by": approver, "refusal": reason, "reason": override.reason}  # type: ignore[union-attr]
            audit.record(
                db, session.clock, session.account.login, "借出", f"copy:{copy.label}", details
            )
    return ids


def _check_override(session: Session, override: Override) -> str:
    from app.accounts import find

    reason = override.reason.strip()
    if len(reason) < 2:
        raise InvalidInput("例外放行须写明理由。")
    account = find(session.db, override.approver)
    if account is None or not account.active or account.role is not Role.APPROVER:
        raise PermissionDenied("例外放行须由安全保密管理员本人确认。")
    try:
        session.keyfile.unwrap(account.login, override.password)
    except WrongPassword:
        with session.db.transaction():
            audit.record(
                session.db,
                session.clock,
                session.account.login,
                "放行确认失败",
                f"account:{account.login}",
            )
        raise WrongPassword("安全保密管理员的密码不正确，未放行。") from None
    return account.login


# ---- return -----------------------------------------------------------------------------------
def take_back(session: Session, copy_id: int, discrepancy: str = "") -> int | None:
    """Take a copy back after the check. A discrepancy (pages missing, damage, a copy made) is
    recorded as an incident and the copy stays 借出 until the security officer resolves it.
    Returns the incident id, if any."""
    session.require(Role.CUSTODIAN)
    db = session.db
    now = session.clock.now()
    with db.transaction():
        copy = copy_ref(db, copy_id)
        open_row = db.one(
            "SELECT h.id, r.name FROM handover h JOIN reader r ON r.id = h.reader_id"
            " WHERE h.copy_id = ? AND h.back_at IS NULL",
            (copy_id,),
        )
        if open_row is None:
            raise InvalidInput(f"{copy.label} 没有借出记录，无需归还。")
        if discrepancy.strip():
            pending = db.scalar(
                "SELECT id FROM incident WHERE handover_id = ? AND kind = '核对异常'"
                " AND resolved_at IS NULL",
                (open_row["id"],),
            )
            if pending:
                raise InvalidInput(f"{copy.label} 已登记核对异常，待安全保密管理员处理。")
            cursor = db.execute(
                "INSERT INTO incident (kind, copy_id, handover_id, at, noted_by, description)"
                " VALUES ('核对异常', ?, ?, ?, ?, ?)",
                (copy_id, open_row["id"], stamp(now), session.account.login, discrepancy.strip()),
            )
            add_copy_event(
                db,
                copy_id,
                now,
                session.account.login,
                "核对异常",
                {"reader": open_row["name"], "note": discrepancy.strip()},
            )
            audit.record(
                db,
                session.clock,
                session.account.login,
                "核对异常",
                f"copy:{copy.label}",
                {"reader": open_row["name"], "note": discrepancy.strip()},
            )
            return int(cursor.lastrowid)
        close_handover(session, copy, open_row["id"], open_row["name"], "核对无误")
    return None


def close_handover(
    session: Session, copy: CopyRef, handover_id: int, reader: str, note: str, state: str = "在柜"
) -> None:
    db = session.db
    now = session.clock.now()
    db.execute(
        "UPDATE handover SET back_at = ?, back_by = ?, check_note = ? WHERE id = ?",
        (stamp(now), session.account.login, note, handover_id),
    )
    db.execute("UPDATE copy SET state = ? WHERE id = ?", (state, copy.copy_id))
    add_copy_event(
        db,
        copy.copy_id,
        now,
        session.account.login,
        "归还" if state == "在柜" else state,
        {"reader": reader, "note": note},
    )
    audit.record(
        db,
        session.clock,
        session.account.login,
        "归还" if state == "在柜" else "登记遗失",
        f"copy:{copy.label}",
        {"reader": reader, "note": note},
    )


# ---- what is out ------------------------------------------------------------------------------
def out_now(db: Database, night: str | None = None) -> list[OutRow]:
    """Every copy out of the room, earliest due first (from the open-handover index)."""
    rows = db.query(
        """SELECT h.id AS handover_id, h.out_at, h.due_at, r.name AS reader, r.phone,
               c.id AS copy_id, c.document_id, c.copy_no, c.pages, c.state, d.year, d.serial,
               d.title, d.level, d.voided_at,
               EXISTS (SELECT 1 FROM overnight_exception e WHERE e.handover_id = h.id
                       AND e.night = ?) AS excepted
            FROM handover h INDEXED BY handover_open_due
            JOIN reader r ON r.id = h.reader_id
            JOIN copy c ON c.id = h.copy_id
            JOIN document d ON d.id = c.document_id
            WHERE h.back_at IS NULL ORDER BY h.due_at""",
        (night or "",),
    )
    return [
        OutRow(
            r["handover_id"],
            copy_ref_from_row(r),
            r["reader"],
            r["phone"],
            parse_stamp(r["out_at"]),
            parse_stamp(r["due_at"]),
            bool(r["excepted"]),
        )
        for r in rows
    ]


def disclosure(db: Database, copy_id: int) -> list[tuple[str, str, str | None]]:
    """Everyone who has held this copy: (reader, out, back)."""
    rows = db.query(
        "SELECT r.name, h.out_at, h.back_at FROM handover h JOIN reader r"
        " ON r.id = h.reader_id WHERE h.copy_id = ? ORDER BY h.id",
        (copy_id,),
    )
    return [(r[0], r[1], r[2]) for r in rows]
