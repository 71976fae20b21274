"""归档/立卷: at year end the documents neither recalled nor destroyed are filed (一个科室归档,
及时归档立卷, seeds 000, 001) with their 卷号, 保管期限 and 归卷日期, and handed to the archive
with a 归档移交清单. The copies the room held become 已归档 and never come back to the counter.

`unended` is the year's check: every copy that has reached no end — recalled (已清退),
destroyed (已销毁), filed (已归档) or declassified (its document 解密) — with where it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from app import audit
from app.classification import CLASSIFIED, Period
from app.clock import stamp
from app.errors import InvalidInput
from app.numbers import format_copy_ranges, registration_number
from app.recall_records import SOURCES as RECALL_SOURCES
from app.roles import BUSINESS_ROLES, Role
from app.vocab import CopyState, sql_in, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

RETENTIONS = ("永久", "30年", "10年")
ENDED = (CopyState.RECALLED, CopyState.DESTROYED, CopyState.FILED)
# Out of the room: back before the document can be filed.
OUT = (CopyState.LENT, CopyState.DISTRIBUTED)
VOLUME_MAX = 30


@dataclass(frozen=True)
class Fileable:
    """A document of the year the room still holds, and why it cannot be filed yet (or None)."""

    document_id: int
    number: str
    doc_number: str
    title: str
    level_label: str
    copies: str  # the 份号 the filing takes (those 在柜)
    blocker: str | None


@dataclass(frozen=True)
class Unended:
    copy_id: int
    number: str
    copy_no: str
    title: str
    level_label: str
    state: str
    where: str  # the holder, the cabinet, or what is pending


_DOCS = f"""
SELECT d.id, d.year, d.serial, d.doc_number, d.title, d.level, d.period_kind, d.period_value,
       d.source, d.handling
FROM document d
WHERE d.year = ? AND d.voided_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM filing f WHERE f.document_id = d.id)
  AND EXISTS (SELECT 1 FROM copy c WHERE c.document_id = d.id
              AND c.state IN {sql_in((CopyState.IN_CABINET, *OUT))})
ORDER BY d.serial
"""


def candidates(session: Session, year: int) -> list[Fileable]:
    """The year's documents still held, in 收文编号 order."""
    session.require(*BUSINESS_ROLES)
    return [_fileable(session.db, r) for r in session.db.query(_DOCS, (year,))]


def _fileable(db: Database, row: Any) -> Fileable:
    doc_id = row["id"]
    states = db.query("SELECT copy_no, state FROM copy WHERE document_id = ?", (doc_id,))
    in_room = [c["copy_no"] for c in states if c["state"] == CopyState.IN_CABINET]
    return Fileable(
        doc_id,
        registration_number(row["year"], row["serial"]),
        row["doc_number"],
        row["title"],
        Period(row["period_kind"], row["period_value"]).label(row["level"]),
        format_copy_ranges(in_room),
        _blocker(db, row, [c["state"] for c in states]),
    )


def _blocker(db: Database, r: Any, states: list[str]) -> str | None:
    doc_id = r["id"]
    out = sum(1 for s in states if s in OUT)
    if out:
        return f"尚有 {out} 份借出或分发在外，收回后才能归档"
    if db.one(
        "SELECT 1 FROM copy_hold h JOIN copy c ON c.id = h.copy_id"
        " WHERE c.document_id = ? AND h.released_at IS NULL",
        (doc_id,),
    ):
        return "有份处于调查扣留"
    if db.one(
        "SELECT 1 FROM destruction_item i JOIN destruction_batch b ON b.id = i.batch_id"
        " JOIN copy c ON c.id = i.copy_id WHERE c.document_id = ? AND b.sealed_at IS NULL"
        " AND b.cancelled_at IS NULL",
        (doc_id,),
    ):
        return "有份已列入未封存的销毁批次"
    if db.one(
        "SELECT 1 FROM instruction WHERE document_id = ? AND state IN ('待办', '办理中', '延期')",
        (doc_id,),
    ):
        return "领导批示尚未办结"
    in_recall = r["level"] in CLASSIFIED and r["source"] in RECALL_SOURCES
    if in_recall:
        closed = db.scalar(
            "SELECT closed_at FROM recall_campaign WHERE year = ?",
            (r["year"],),
        )
        if closed is None:
            return "中央、省、市密件须先清退、销毁或批准留用，本年度清退结束后再归档留用件"
    return None


def file_documents(
    session: Session,
    document_ids: list[int],
    volume_no: str,
    retention: str,
    filed_on: date,
) -> int:
    """File these documents in volume `volume_no`; all or none. Returns the copies filed."""
    session.require(Role.CUSTODIAN)
    volume_no = volume_no.strip()
    if not volume_no:
        raise InvalidInput("请填写卷号。")
    if len(volume_no) > VOLUME_MAX:
        raise InvalidInput(f"卷号不超过 {VOLUME_MAX} 个字。")
    if retention not in RETENTIONS:
        raise InvalidInput("保管期限须为 " + "、".join(RETENTIONS) + "。")
    if not document_ids:
        raise InvalidInput("请先选择要归档的文件。")
    today = session.clock.now().date()
    if filed_on > today:
        raise InvalidInput("归卷日期不能晚于今天。")
    db = session.db
    now = session.clock.now()
    total = 0
    with db.transaction():
        for doc_id in dict.fromkeys(document_ids):
            row = db.one(
                "SELECT d.* FROM document d WHERE d.id = ? AND d.voided_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM filing f WHERE f.document_id = d.id)",
                (doc_id,),
            )
            if row is None:
                raise InvalidInput("所选文件已归档或已作废，请刷新后重试。")
            number = registration_number(row["year"], row["serial"])
            if filed_on.year == row["year"] and filed_on.month < 12:
                raise InvalidInput(f"{number} 是 {row['year']} 年的收文，年终（12月起）才归档。")
            states = [
                r[0] for r in db.query("SELECT state FROM copy WHERE document_id = ?", (doc_id,))
            ]
            problem = _blocker(db, row, states)
            if problem is None and CopyState.IN_CABINET not in states:
                problem = "没有在柜的份"
            if problem is not None:
                raise InvalidInput(f"{number} 不能归档：{problem}。")
            db.execute(
                "INSERT INTO filing (document_id, volume_no, retention, filed_on, filed_at,"
                " filed_by) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    volume_no,
                    retention,
                    filed_on.isoformat(),
                    stamp(now),
                    session.account.login,
                ),
            )
            db.execute(
                "INSERT INTO copy_event (copy_id, at, account, kind, details)"
                " SELECT id, ?, ?, '归档', ? FROM copy"
                f" WHERE document_id = ? AND state = {sql_value(CopyState.IN_CABINET)}"
                " ORDER BY id",
                (
                    stamp(now),
                    session.account.login,
                    json.dumps({"volume": volume_no}, ensure_ascii=False),
                    doc_id,
                ),
            )
            n = db.execute(
                f"UPDATE copy SET state = {sql_value(CopyState.FILED)}"
                f" WHERE document_id = ? AND state = {sql_value(CopyState.IN_CABINET)}",
                (doc_id,),
            ).rowcount
            total += n
            audit.record(
                db,
                session.clock,
                session.account.login,
                "归档",
                f"document:{number}",
                {
                    "volume": volume_no,
                    "retention": retention,
                    "on": filed_on.isoformat(),
                    "copies": n,
                },
            )
    return total


def unended(session: Session, year: int) -> list[Unended]:
    """Every copy of the year's registrations that has reached no end, in 收文编号 order."""
    session.require(*BUSINESS_ROLES)
    rows = session.db.query(
        f"""SELECT c.id, d.year, d.serial, c.copy_no, d.title, d.level, d.period_kind,
                  d.period_value, c.state, k.name AS cabinet,
                  (SELECT r.name FROM handover h JOIN reader r ON r.id = h.reader_id
                   WHERE h.copy_id = c.id AND h.back_at IS NULL) AS holder,
                  (SELECT u.name FROM distribution_item i
                   JOIN distribution_receipt dr ON dr.id = i.receipt_id
                   JOIN unit u ON u.id = dr.unit_id
                   WHERE i.copy_id = c.id AND i.back_at IS NULL) AS unit,
                  EXISTS (SELECT 1 FROM recall_retention t WHERE t.copy_id = c.id) AS kept
           FROM document d JOIN copy c ON c.document_id = d.id
           LEFT JOIN cabinet k ON k.id = c.cabinet_id
           WHERE d.year = ? AND d.voided_at IS NULL AND d.declassified_on IS NULL
             AND c.state NOT IN {sql_in(ENDED)}
           ORDER BY d.serial, c.copy_no""",
        (year,),
    )
    out = []
    for r in rows:
        if r["state"] == CopyState.LOST:
            where = "遗失待查处"
        else:
            where = r["holder"] or r["unit"] or r["cabinet"] or "在室（未入柜）"
        if r["kept"] and r["state"] == CopyState.IN_CABINET:
            where += "；已批准留用，待归档"
        out.append(
            Unended(
                r["id"],
                registration_number(r["year"], r["serial"]),
                r["copy_no"],
                r["title"],
                Period(r["period_kind"], r["period_value"]).label(r["level"]),
                r["state"],
                where,
            )
        )
    return out


@dataclass(frozen=True)
class Filed:
    volume_no: str
    number: str
    doc_number: str
    title: str
    level_label: str
    copies: str
    count: int
    pages: int
    retention: str
    filed_on: str


def filed(session: Session, year: int) -> list[Filed]:
    """The year's filed documents by 卷号, for the 归档移交清单."""
    session.require(*BUSINESS_ROLES)
    rows = session.db.query(
        """SELECT f.volume_no, f.retention, f.filed_on, d.id, d.year, d.serial, d.doc_number,
                  d.title, d.level, d.period_kind, d.period_value
           FROM filing f JOIN document d ON d.id = f.document_id
           WHERE d.year = ? ORDER BY f.volume_no, d.serial""",
        (year,),
    )
    out = []
    for r in rows:
        copies = session.db.query(
            "SELECT copy_no, pages FROM copy"
            f" WHERE document_id = ? AND state = {sql_value(CopyState.FILED)}"
            " ORDER BY copy_no",
            (r["id"],),
        )
        out.append(
            Filed(
                r["volume_no"],
                registration_number(r["year"], r["serial"]),
                r["doc_number"],
                r["title"],
                Period(r["period_kind"], r["period_value"]).label(r["level"]),
                format_copy_ranges([c["copy_no"] for c in copies]),
                len(copies),
                sum(int(c["pages"]) for c in copies),
                r["retention"],
                r["filed_on"],
            )
        )
    return out
