"""分发: received copies handed to a unit, against a signed 分发签收单, until they come back.

A distributed copy is 分发在外: held by the unit (often for months, until the recall), not by a
reader for the day, so the same-day rule of the desk does not apply and the desk refuses to lend
it. The custodian issues a receipt's copies all or none, by scan; they come back by scan, one at
a time or the whole receipt, and the receipt closes (a trigger keeps it) when the last one is
back. Triggers bind the state to the open line (the distribution migration); nothing here is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from app import audit
from app.clock import parse_stamp, stamp
from app.destruction_records import open_batch_of
from app.errors import InvalidInput, MijianError
from app.people import Reader
from app.registry import add_copy_event
from app.roles import Role
from app.scanning import CopyRef, active_reader, copy_ref, copy_ref_from_row
from app.units import Unit, get_unit, unit_of
from app.vocab import CopyState, may_hold, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

DISTRIBUTED = CopyState.DISTRIBUTED
# The signer of a 发文's receipt: nobody at the counter; the recipient signs the 回执.
NO_SIGNER = "凭回执"


@dataclass(frozen=True)
class Receipt:
    id: int
    year: int
    serial: int
    unit: Unit
    signer_id: int | None  # None: a 发文 sent through the exchange (signed on its 回执)
    signer: str
    signed_by_badge: bool
    recall_by: date | None
    issued_at: datetime
    issued_by: str
    closed_at: datetime | None

    @property
    def label(self) -> str:
        """分发签收单 number: `分2026-0001`, gapless per year."""
        return f"分{self.year}-{self.serial:04d}"


@dataclass(frozen=True)
class Line:
    """One copy on a receipt: out since `out_at`, back at `back_at` (None while held)."""

    item_id: int
    receipt_id: int
    receipt_label: str
    unit_id: int
    unit: str
    signer: str
    copy: CopyRef
    out_at: datetime
    back_at: datetime | None
    deadline: datetime | None  # the document's 办理时限
    recall_by: date | None  # the receipt's own recall deadline

    def overdue(self, now: datetime, recall_deadline: date | None = None) -> str | None:
        """Why this held copy is late ('超过办理时限', '超过清退期限'), or None."""
        if self.back_at is not None:
            return None
        if self.deadline is not None and now > self.deadline:
            return "超过办理时限"
        for limit in (self.recall_by, recall_deadline):
            if limit is not None and now.date() > limit:
                return "超过清退期限"
        return None


# ---- issuing ----------------------------------------------------------------------------------
def issue(
    session: Session,
    unit_id: int,
    signer_id: int,
    copy_ids: list[int],
    *,
    signed_by_badge: bool = False,
    recall_by: date | None = None,
) -> Receipt:
    """Hand the scanned copies to `unit`, signed for by `signer`, on one new receipt; all or none.

    `signed_by_badge`: the signer's badge was scanned at the counter (the signature recorded)."""
    session.require(Role.CUSTODIAN)
    if not copy_ids:
        raise InvalidInput("还没有扫描要分发的文件。")
    if len(set(copy_ids)) != len(copy_ids):
        raise InvalidInput("同一份文件扫描了两次。")
    db = session.db
    now = session.clock.now()
    if recall_by is not None and recall_by < now.date():
        raise InvalidInput("清退期限不能早于今天。")
    with db.transaction():
        unit = get_unit(db, unit_id)
        if not unit.active:
            raise InvalidInput(f"{unit.name} 已撤销，不能分发。")
        signer = active_reader(db, signer_id)
        home = unit_of(db, signer.id)
        if home is not None and home.id != unit.id:
            raise InvalidInput(f"{signer.name} 属于 {home.name}，不能代 {unit.name} 签收。")
        copies = [copy_ref(db, c) for c in copy_ids]
        for copy in copies:
            why = why_not(db, signer, copy)
            if why:
                raise InvalidInput(f"{copy.label} {why}")
        receipt_id = write_receipt(
            session,
            unit,
            signer,
            copies,
            signed_by_badge=signed_by_badge,
            recall_by=recall_by,
            note=None if home is not None else NO_UNIT_NOTE,
        )
    return get_receipt(db, receipt_id)


NO_UNIT_NOTE = "签收人未登记所属单位，凭本人签字代接收单位签收"


def write_receipt(
    session: Session,
    unit: Unit,
    signer: Reader | None,
    copies: list[CopyRef],
    *,
    signed_by_badge: bool = False,
    recall_by: date | None = None,
    note: str | None = None,
    kind: str = "分发",
) -> int:
    """Inside the caller's transaction: a new receipt (gapless per year) for `copies`, each
    now 分发在外 with `unit`, every line audited. `signer` None: a 发文 sent through the
    exchange (app/outgoing.py), whose recipient signs the 回执 instead. Returns its id."""
    db = session.db
    now = session.clock.now()
    year = now.year
    serial = int(
        db.scalar(
            "SELECT coalesce(max(serial), 0) + 1 FROM distribution_receipt WHERE year = ?",
            (year,),
        )
    )
    cursor = db.execute(
        "INSERT INTO distribution_receipt (year, serial, unit_id, signer_id, signed_by_badge,"
        " recall_by, issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            year,
            serial,
            unit.id,
            signer.id if signer else None,
            int(signed_by_badge),
            recall_by.isoformat() if recall_by else None,
            stamp(now),
            session.account.login,
        ),
    )
    receipt_id = int(cursor.lastrowid)
    label = f"分{year}-{serial:04d}"
    signer_name = signer.name if signer else NO_SIGNER
    details = {"unit": unit.name, "signer": signer_name, "receipt": label}
    for copy in copies:
        db.execute(
            "INSERT INTO distribution_item (receipt_id, copy_id, out_at) VALUES (?, ?, ?)",
            (receipt_id, copy.copy_id, stamp(now)),
        )
        db.execute("UPDATE copy SET state = ? WHERE id = ?", (DISTRIBUTED, copy.copy_id))
        add_copy_event(db, copy.copy_id, now, session.account.login, kind, details)
        audit.record(
            db, session.clock, session.account.login, "分发", f"copy:{copy.label}", details
        )
    summary: dict[str, Any] = {
        "unit": unit.name,
        "signer": signer_name,
        "signed_by_badge": signed_by_badge,
        "recall_by": recall_by.isoformat() if recall_by else None,
        "copies": [c.label for c in copies],
    }
    if note:
        summary["note"] = note
    audit.record(
        db, session.clock, session.account.login, "分发签收单", f"receipt:{label}", summary
    )
    return receipt_id


def why_not(db: Database, signer: Reader | None, copy: CopyRef) -> str | None:
    """Why `copy` cannot go to a unit (through `signer`, when one signs), or None."""
    if copy.voided:
        return "登记已作废，不能分发。"
    if copy.state == DISTRIBUTED:
        return "已分发在外，尚未收回。"
    if copy.state != CopyState.IN_CABINET:
        return f"状态为{copy.state}，只有在柜的文件才能分发。"
    batch = open_batch_of(db, copy.copy_id)
    if batch is not None:  # walk-through: a copy waiting for destruction went out to a unit
        return f"已列入待销毁的 {batch}，不能分发。"
    if signer is None:
        return None
    if not may_hold(signer.clearance, copy.level):  # nothing above the signer's clearance
        return f"为{copy.level}件，{signer.name} 的涉密等级不能签收。"
    return None


# ---- returns ----------------------------------------------------------------------------------
def take_back(session: Session, copy_id: int) -> Line:
    """A distributed copy comes back to the room (scanned at the counter)."""
    session.require(Role.CUSTODIAN)
    db = session.db
    with db.transaction():
        line = open_line(db, copy_id)
        if line is None:
            copy = copy_ref(db, copy_id)
            raise InvalidInput(f"{copy.label} 没有分发在外，无需收回。")
        _close(session, line)
    return line


def take_back_receipt(session: Session, receipt_id: int) -> list[Line]:
    """Every copy of a receipt still held comes back at once. Returns the lines closed."""
    session.require(Role.CUSTODIAN)
    db = session.db
    with db.transaction():
        receipt = get_receipt(db, receipt_id)
        held = [line for line in lines(db, receipt_id) if line.back_at is None]
        if not held:
            raise InvalidInput(f"分发签收单 {receipt.label} 的文件已全部收回。")
        for line in held:
            _close(session, line)
    return held


def _close(session: Session, line: Line) -> None:
    db = session.db
    now = session.clock.now()
    db.execute(
        "UPDATE distribution_item SET back_at = ?, back_by = ? WHERE id = ?",
        (stamp(now), session.account.login, line.item_id),
    )
    db.execute(
        f"UPDATE copy SET state = {sql_value(CopyState.IN_CABINET)} WHERE id = ?",
        (line.copy.copy_id,),
    )
    details = {"unit": line.unit, "receipt": line.receipt_label}
    add_copy_event(db, line.copy.copy_id, now, session.account.login, "分发收回", details)
    audit.record(
        db, session.clock, session.account.login, "分发收回", f"copy:{line.copy.label}", details
    )


# ---- reading ----------------------------------------------------------------------------------
_LINE_SQL = """
SELECT i.id AS item_id, i.receipt_id, i.out_at, i.back_at, r.year AS r_year,
       r.serial AS r_serial, r.unit_id, r.recall_by, u.name AS unit, coalesce(p.name, '凭回执') AS signer,
       c.id AS copy_id, c.document_id, c.copy_no, c.pages, c.state, d.year, d.serial, d.title,
       d.level, d.voided_at, d.deadline
FROM distribution_item i
JOIN distribution_receipt r ON r.id = i.receipt_id
JOIN unit u ON u.id = r.unit_id
LEFT JOIN reader p ON p.id = r.signer_id
JOIN copy c ON c.id = i.copy_id
JOIN document d ON d.id = c.document_id
"""


def _line(row: Any) -> Line:
    return Line(
        row["item_id"],
        row["receipt_id"],
        f"分{row['r_year']}-{row['r_serial']:04d}",
        row["unit_id"],
        row["unit"],
        row["signer"],
        copy_ref_from_row(row),
        parse_stamp(row["out_at"]),
        parse_stamp(row["back_at"]) if row["back_at"] else None,
        parse_stamp(row["deadline"]) if row["deadline"] else None,
        date.fromisoformat(row["recall_by"]) if row["recall_by"] else None,
    )


def year_lines(db: Database, year: int) -> list[Line]:
    """Every line of the receipts issued in `year`, in receipt order (分发登记)."""
    rows = db.query(
        f"{_LINE_SQL} WHERE r.year = ? ORDER BY r.serial, d.year, d.serial, c.copy_no", (year,)
    )
    return [_line(r) for r in rows]


def held_of_year(db: Database, year: int, unit_id: int | None = None) -> list[Line]:
    """Copies of `year`'s registrations still held by a unit (all units, or one), by unit."""
    unit = "" if unit_id is None else " AND r.unit_id = ?"
    params: tuple[Any, ...] = (year,) if unit_id is None else (year, unit_id)
    rows = db.query(
        f"{_LINE_SQL} WHERE i.back_at IS NULL AND d.year = ?{unit}"
        " ORDER BY u.name, d.serial, c.copy_no",
        params,
    )
    return [_line(r) for r in rows]


def open_line(db: Database, copy_id: int) -> Line | None:
    """The unit holding `copy_id` now, if it is 分发在外."""
    row = db.one(f"{_LINE_SQL} WHERE i.copy_id = ? AND i.back_at IS NULL", (copy_id,))
    return None if row is None else _line(row)


def held_text(db: Database, copy_id: int) -> str | None:
    """Where a 分发在外 copy is, in the desk's words; None when no unit holds it."""
    line = open_line(db, copy_id)
    if line is None:
        return None
    return (
        f"{line.copy.label} 分发在外：{line.unit}（{line.signer} 签收，签收单 {line.receipt_label}，"
        f"{line.out_at:%Y-%m-%d} 起），收回后才能借出；收回请到“分发”页扫描。"
    )


def open_receipt_of(db: Database, copy_id: int) -> str | None:
    """The number of an open receipt `copy_id` is on (back or not), or None: while it is
    open the copy is not destroyed (a trigger of the distribution migration)."""
    row = db.one(
        "SELECT r.year, r.serial FROM distribution_item i JOIN distribution_receipt r"
        " ON r.id = i.receipt_id WHERE i.copy_id = ? AND r.closed_at IS NULL",
        (copy_id,),
    )
    return None if row is None else f"分{row[0]}-{row[1]:04d}"


def lines(db: Database, receipt_id: int) -> list[Line]:
    """A receipt's copies in 收文编号/份号 order, returned or not."""
    rows = db.query(
        f"{_LINE_SQL} WHERE i.receipt_id = ? ORDER BY d.year, d.serial, c.copy_no", (receipt_id,)
    )
    return [_line(r) for r in rows]


def holdings(db: Database, unit_id: int, at: datetime | None = None) -> list[Line]:
    """What `unit` holds now, or held at the moment `at` (out by then and not yet back)."""
    params: tuple[Any, ...] = (unit_id,)
    where = "i.back_at IS NULL"
    if at is not None:
        when = stamp(at)
        where = "i.out_at <= ? AND (i.back_at IS NULL OR i.back_at > ?)"
        params = (unit_id, when, when)
    rows = db.query(
        f"{_LINE_SQL} WHERE r.unit_id = ? AND {where} ORDER BY d.year, d.serial, c.copy_no",
        params,
    )
    return [_line(r) for r in rows]


def overdue(db: Database, now: datetime, recall_deadline: date | None = None) -> list[Line]:
    """Copies still held past the document's 办理时限, the receipt's recall deadline, or
    `recall_deadline` (the year's recall), by unit."""
    today = now.date().isoformat()
    given = recall_deadline.isoformat() if recall_deadline else None
    # SQL narrows with a day's margin (a stamp's text order holds only within one offset);
    # Line.overdue then decides exactly.
    rows = db.query(
        f"{_LINE_SQL} WHERE i.back_at IS NULL"
        " AND (d.deadline < ? OR r.recall_by < ? OR ? < ?)"
        " ORDER BY u.name, d.year, d.serial, c.copy_no",
        (stamp(now + timedelta(days=1)), today, given or "9999", today),
    )
    held = [_line(r) for r in rows]
    return [line for line in held if line.overdue(now, recall_deadline)]


def disclosure(db: Database, copy_id: int) -> list[tuple[str, str, str, str | None]]:
    """Every unit that has held this copy: (unit, signer, out, back)."""
    rows = db.query(
        "SELECT u.name, coalesce(p.name, '凭回执'), i.out_at, i.back_at FROM distribution_item i"
        " JOIN distribution_receipt r ON r.id = i.receipt_id JOIN unit u ON u.id = r.unit_id"
        " LEFT JOIN reader p ON p.id = r.signer_id WHERE i.copy_id = ? ORDER BY i.id",
        (copy_id,),
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def holdings_on(db: Database, receipt_id: int) -> int:
    """How many copies of a receipt are still held."""
    return int(
        db.scalar(
            "SELECT count(*) FROM distribution_item WHERE receipt_id = ? AND back_at IS NULL",
            (receipt_id,),
        )
    )


def receipt_counts(db: Database, receipt_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per receipt: (copies on it, copies still held)."""
    out: dict[int, tuple[int, int]] = {}
    for start in range(0, len(receipt_ids), 500):
        chunk = receipt_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in db.query(
            "SELECT receipt_id, count(*), sum(back_at IS NULL) FROM distribution_item"
            f" WHERE receipt_id IN ({marks}) GROUP BY receipt_id",
            chunk,
        ):
            out[int(row[0])] = (int(row[1]), int(row[2]))
    return out


def get_receipt(db: Database, receipt_id: int) -> Receipt:
    row = db.one(
        "SELECT r.*, coalesce(p.name, '凭回执') AS signer FROM distribution_receipt r"
        " LEFT JOIN reader p ON p.id = r.signer_id WHERE r.id = ?",
        (receipt_id,),
    )
    if row is None:
        raise MijianError(f"没有编号为 {receipt_id} 的分发签收单。")
    return _receipt(db, row)


def find_receipt(db: Database, label: str) -> Receipt:
    """By its number as printed (`分2026-0001`, the 分 optional)."""
    text = label.strip().removeprefix("分").strip()
    try:
        year_text, serial_text = text.split("-", 1)
        year, serial = int(year_text), int(serial_text)
    except ValueError:
        raise InvalidInput(f"“{label}”不是分发签收单号（如 分2026-0001）。") from None
    row = db.one(
        "SELECT id FROM distribution_receipt WHERE year = ? AND serial = ?", (year, serial)
    )
    if row is None:
        raise InvalidInput(f"没有分发签收单 分{year}-{serial:04d}。")
    return get_receipt(db, int(row[0]))


def receipts(db: Database, unit_id: int | None = None, open_only: bool = False) -> list[Receipt]:
    """Newest first."""
    where, params = [], []
    if unit_id is not None:
        where.append("r.unit_id = ?")
        params.append(unit_id)
    if open_only:
        where.append("r.closed_at IS NULL")
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    rows = db.query(
        "SELECT r.*, coalesce(p.name, '凭回执') AS signer FROM distribution_receipt r"
        f" LEFT JOIN reader p ON p.id = r.signer_id{clause} ORDER BY r.id DESC",
        params,
    )
    return [_receipt(db, r) for r in rows]


def _receipt(db: Database, row: Any) -> Receipt:
    return Receipt(
        row["id"],
        row["year"],
        row["serial"],
        get_unit(db, row["unit_id"]),
        row["signer_id"],
        row["signer"],
        bool(row["signed_by_badge"]),
        date.fromisoformat(row["recall_by"]) if row["recall_by"] else None,
        parse_stamp(row["issued_at"]),
        row["issued_by"],
        parse_stamp(row["closed_at"]) if row["closed_at"] else None,
    )
