"""发文 as the room reads them: the 发文登记簿's rows, each recipient's line with its 回执, the
回执 still missing, and the year's figures in 件 and 份. Frozen records and lookups; the changes
are app/outgoing.py's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.classification import Period
from app.clock import parse_stamp, stamp
from app.errors import MijianError
from app.numbers import registration_number
from app.roles import BUSINESS_ROLES
from app.vocab import CLASSIFIED, sql_in
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class Recipient:
    id: int
    outgoing_id: int
    unit_id: int
    unit: str
    role: str
    position: int
    copy_from: int
    copy_to: int
    receipt_id: int | None
    sent_at: datetime | None
    replied_at: datetime | None
    reply_signer: str | None
    reply_how: str | None
    chases: int

    @property
    def copies(self) -> int:
        return self.copy_to - self.copy_from + 1

    @property
    def copy_ranges(self) -> str:
        if self.copy_from == self.copy_to:
            return f"{self.copy_from:06d}"
        return f"{self.copy_from:06d}-{self.copy_to:06d}"

    @property
    def state(self) -> str:
        if self.replied_at is not None:
            return "回执已回"
        return "待回执" if self.sent_at is not None else "未发出"


@dataclass(frozen=True)
class Outgoing:
    id: int
    code: str
    year: int
    number: int
    document_id: int
    registration: str  # the 发文 series number its copies are kept under (F2026-0001)
    title: str
    level: str
    level_label: str  # 密级★期限
    urgency: str
    pages: int
    signed_by: str
    signed_on: date
    printed: int
    notes: str
    created_at: datetime
    voided_at: datetime | None
    void_reason: str | None

    @property
    def label(self) -> str:
        """The 发文字号, GB/T 9704: 区委办发〔2026〕12号."""
        return doc_number(self.code, self.year, self.number)


def doc_number(code: str, year: int, number: int) -> str:
    return f"{code}〔{year}〕{number}号"


def copy_range(first: int, last: int) -> str:
    return f"{first:06d}" if first == last else f"{first:06d}-{last:06d}"


# ---- reading ----------------------------------------------------------------------------------
_OUT_SQL = """
SELECT o.*, d.year AS d_year, d.serial AS d_serial, d.title, d.level, d.period_kind,
       d.period_value, d.period_defaulted, d.urgency,
       (SELECT max(pages) FROM copy WHERE document_id = d.id) AS pages
FROM outgoing o JOIN document d ON d.id = o.document_id
"""


def _outgoing(row: Any) -> Outgoing:
    period = Period(row["period_kind"], row["period_value"], bool(row["period_defaulted"]))
    return Outgoing(
        row["id"],
        row["code"],
        row["year"],
        row["number"],
        row["document_id"],
        registration_number(row["d_year"], row["d_serial"]),
        row["title"],
        row["level"],
        period.label(row["level"]),
        row["urgency"],
        int(row["pages"] or 0),
        row["signed_by"],
        date.fromisoformat(row["signed_on"]),
        row["printed"],
        row["notes"],
        parse_stamp(row["created_at"]),
        parse_stamp(row["voided_at"]) if row["voided_at"] else None,
        row["void_reason"],
    )


def get(db: Database, outgoing_id: int) -> Outgoing:
    row = db.one(f"{_OUT_SQL} WHERE o.id = ?", (outgoing_id,))
    if row is None:
        raise MijianError(f"没有编号为 {outgoing_id} 的发文。")
    return _outgoing(row)


def of_year(db: Database, year: int) -> list[Outgoing]:
    """The 发文登记簿 of a year: by 代字, then number (voided ones included)."""
    rows = db.query(f"{_OUT_SQL} WHERE o.year = ? ORDER BY o.code, o.number", (year,))
    return [_outgoing(r) for r in rows]


def book(session: Session, year: int) -> list[Outgoing]:
    """The 发文登记簿, for a business role."""
    session.require(*BUSINESS_ROLES)
    return of_year(session.db, year)


_RECIPIENT_SQL = """
SELECT o.*, u.name AS unit,
       (SELECT count(*) FROM outgoing_reply_chase c WHERE c.recipient_id = o.id) AS chases
FROM outgoing_recipient o JOIN unit u ON u.id = o.unit_id
"""


def _recipient(row: Any) -> Recipient:
    return Recipient(
        row["id"],
        row["outgoing_id"],
        row["unit_id"],
        row["unit"],
        row["role"],
        row["position"],
        row["copy_from"],
        row["copy_to"],
        row["receipt_id"],
        parse_stamp(row["sent_at"]) if row["sent_at"] else None,
        parse_stamp(row["replied_at"]) if row["replied_at"] else None,
        row["reply_signer"],
        row["reply_how"],
        int(row["chases"]),
    )


def recipients(db: Database, outgoing_id: int) -> list[Recipient]:
    rows = db.query(f"{_RECIPIENT_SQL} WHERE o.outgoing_id = ? ORDER BY o.position", (outgoing_id,))
    return [_recipient(r) for r in rows]


def get_recipient(db: Database, recipient_id: int) -> Recipient:
    row = db.one(f"{_RECIPIENT_SQL} WHERE o.id = ?", (recipient_id,))
    if row is None:
        raise MijianError(f"没有编号为 {recipient_id} 的发文收文单位。")
    return _recipient(row)


def kept_range(out: Outgoing, lines: list[Recipient]) -> str:
    """The 存档份: the printed copies no recipient has."""
    first = max((r.copy_to for r in lines), default=0) + 1
    return copy_range(first, out.printed) if first <= out.printed else ""


def missing_replies(db: Database, sent_before: datetime | None = None) -> list[Recipient]:
    """Lines sent whose 回执 has not come back (sent before `sent_before`, if given), oldest
    first."""
    where = "o.replied_at IS NULL AND o.sent_at IS NOT NULL"
    params: tuple[Any, ...] = ()
    if sent_before is not None:
        where += " AND o.sent_at < ?"
        params = (stamp(sent_before),)
    rows = db.query(f"{_RECIPIENT_SQL} WHERE {where} ORDER BY o.sent_at, o.id", params)
    return [_recipient(r) for r in rows]


def missing(session: Session, sent_before: datetime | None = None) -> list[Recipient]:
    session.require(*BUSINESS_ROLES)
    return missing_replies(session.db, sent_before)


def counts(db: Database, year: int) -> dict[str, int]:
    """The year's 发文 in 件 and 份: registered, voided, printed, sent, kept, 回执 back/missing."""
    row = db.one(
        "SELECT count(*) AS n, sum(o.voided_at IS NOT NULL) AS voided,"
        " sum(CASE WHEN o.voided_at IS NULL THEN o.printed ELSE 0 END) AS printed,"
        f" sum(o.voided_at IS NULL AND d.level IN {sql_in(CLASSIFIED)}) AS classified"
        " FROM outgoing o JOIN document d ON d.id = o.document_id WHERE o.year = ?",
        (year,),
    )
    lines = db.one(
        "SELECT count(r.id) AS lines, coalesce(sum(r.copy_to - r.copy_from + 1), 0) AS sent,"
        " sum(r.sent_at IS NOT NULL AND r.replied_at IS NULL) AS waiting,"
        " sum(r.replied_at IS NOT NULL) AS back"
        " FROM outgoing_recipient r JOIN outgoing o ON o.id = r.outgoing_id"
        " WHERE o.year = ? AND o.voided_at IS NULL AND r.sent_at IS NOT NULL",
        (year,),
    )
    assert row is not None and lines is not None
    printed = int(row["printed"] or 0)
    return {
        "件": int(row["n"] or 0) - int(row["voided"] or 0),
        "作废": int(row["voided"] or 0),
        "密件": int(row["classified"] or 0),
        "印制份": printed,
        "发出份": int(lines["sent"] or 0),
        "回执已回": int(lines["back"] or 0),
        "回执未回": int(lines["waiting"] or 0),
    }


def open_reply_of(db: Database, copy_id: int) -> str | None:
    """`发文字号 单位` when `copy_id` went to a recipient whose 回执 has not come back: until it
    does the copy is not destroyed (a trigger of migration 0017)."""
    row = db.one(
        "SELECT g.code, g.year, g.number, u.name FROM distribution_item i"
        " JOIN outgoing_recipient o ON o.receipt_id = i.receipt_id"
        " JOIN outgoing g ON g.id = o.outgoing_id JOIN unit u ON u.id = o.unit_id"
        " WHERE i.copy_id = ? AND o.replied_at IS NULL LIMIT 1",
        (copy_id,),
    )
    return None if row is None else f"{doc_number(row[0], row[1], row[2])} {row[3]}"
