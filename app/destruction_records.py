"""Destruction batches read from the database (app.destruction builds, approves and seals them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.errors import MijianError
from app.numbers import registration_number
from db.connection import Database


@dataclass(frozen=True)
class Batch:
    id: int
    year: int
    serial: int
    method: str
    place: str
    planned_on: date
    built_at: str
    built_by: str
    approved_at: str | None
    approved_by: str | None
    sealed_at: str | None
    witnesses: tuple[str, ...]
    cancelled_at: str | None
    cancel_reason: str | None
    copies: int
    pages: int

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.serial}批"

    @property
    def state(self) -> str:
        if self.cancelled_at:
            return "已撤销"
        if self.sealed_at:
            return "已销毁"
        if self.approved_at:
            return "待监销"
        return "待审批" if self.copies else "编制中"


@dataclass(frozen=True)
class BatchItem:
    copy_id: int
    number: str
    doc_number: str
    title: str
    level: str
    source: str
    copy_no: str
    pages: int
    state: str
    carrier: str = "纸质"  # or 光盘, U盘, 移动硬盘 (app.carriers)
    carrier_serial: str = ""


_BATCH_SQL = """
SELECT b.*, (SELECT count(*) FROM destruction_item i WHERE i.batch_id = b.id) AS copies,
       (SELECT coalesce(sum(c.pages), 0) FROM destruction_item i JOIN copy c ON c.id = i.copy_id
        WHERE i.batch_id = b.id) AS pages
FROM destruction_batch b
"""


def get(db: Database, batch_id: int) -> Batch:
    row = db.one(f"{_BATCH_SQL} WHERE b.id = ?", (batch_id,))
    if row is None:
        raise MijianError("没有这个销毁批次。")
    return _batch(row)


def batches(db: Database, year: int | None = None) -> list[Batch]:
    if year is None:
        found = db.query(f"{_BATCH_SQL} ORDER BY b.year DESC, b.serial DESC")
    else:
        found = db.query(f"{_BATCH_SQL} WHERE b.year = ? ORDER BY b.serial", (year,))
    return [_batch(r) for r in found]


def _batch(r: Any) -> Batch:
    return Batch(
        r["id"],
        r["year"],
        r["serial"],
        r["method"],
        r["place"],
        date.fromisoformat(r["planned_on"]),
        r["built_at"],
        r["built_by"],
        r["approved_at"],
        r["approved_by"],
        r["sealed_at"],
        tuple(w for w in (r["witness_1"], r["witness_2"]) if w),
        r["cancelled_at"],
        r["cancel_reason"],
        r["copies"],
        r["pages"],
    )


_ITEMS_SQL = """
SELECT c.id AS copy_id, d.year, d.serial, d.doc_number, d.title, d.level, d.source, c.copy_no,
       c.pages, c.state, c.carrier, c.carrier_serial
FROM destruction_item i JOIN copy c ON c.id = i.copy_id JOIN document d ON d.id = c.document_id
WHERE i.batch_id = ? ORDER BY d.year, d.serial, c.copy_no
"""


def items(db: Database, batch_id: int) -> Iterator[BatchItem]:
    """The batch's copies in registration order, streamed (a batch may hold 20,000)."""
    for r in db.query(_ITEMS_SQL, (batch_id,)):
        yield BatchItem(
            r["copy_id"],
            registration_number(r["year"], r["serial"]),
            r["doc_number"],
            r["title"],
            r["level"],
            r["source"],
            r["copy_no"],
            r["pages"],
            r["state"],
            r["carrier"],
            r["carrier_serial"] or "",
        )


def totals(db: Database, batch_id: int) -> dict[str, tuple[int, int]]:
    """(copies, pages) by 密级."""
    found = db.query(
        "SELECT d.level, count(*), sum(c.pages) FROM destruction_item i"
        " JOIN copy c ON c.id = i.copy_id JOIN document d ON d.id = c.document_id"
        " WHERE i.batch_id = ? GROUP BY d.level",
        (batch_id,),
    )
    return {r[0]: (r[1], r[2] or 0) for r in found}


def open_batch_of(db: Database, copy_id: int) -> str | None:
    """The unsealed, uncancelled destruction batch the copy is listed in (2026年第3批), or None:
    such a copy stays in its cabinet until the batch is sealed or cancelled."""
    row = db.one(
        "SELECT b.year, b.serial FROM destruction_item i JOIN destruction_batch b"
        " ON b.id = i.batch_id WHERE i.copy_id = ? AND b.sealed_at IS NULL"
        " AND b.cancelled_at IS NULL",
        (copy_id,),
    )
    return None if row is None else f"{row['year']}年第{row['serial']}批"
