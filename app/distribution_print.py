"""Printing a 分发签收单: the PDF in memory, the print audited only once it reached the printer
or a file (app/output.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from app import accounts, audit, distribution, documents, receipt_code
from app.errors import InvalidInput
from app.numbers import format_copy_ranges
from app.output import Output, audited_output
from app.recall_records import default_deadline
from app.reports.distribution_pdf import (
    ChaseSheet,
    ReceiptSheet,
    SheetRow,
    render_chases,
    render_receipt,
)
from app.roles import Role
from app.slips import room_secret
from app.units import get_unit, unit_of
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


def sheet(db: Database, receipt_id: int) -> ReceiptSheet:
    receipt = distribution.get_receipt(db, receipt_id)
    by_document: dict[int, list[distribution.Line]] = {}
    for line in distribution.lines(db, receipt_id):
        by_document.setdefault(line.copy.document_id, []).append(line)
    rows = []
    for document_id, held in by_document.items():
        d = documents.get_document(db, document_id)
        back = [line for line in held if line.back_at is not None]
        returned = ""
        if back:
            last = max(line.back_at for line in back if line.back_at is not None)
            some = "" if len(back) == len(held) else f"{len(back)} 份 "
            returned = f"{some}{last:%m-%d}"
        rows.append(
            SheetRow(
                d.number,
                d.doc_number,
                d.title,
                d.level,
                d.level_label,
                format_copy_ranges([line.copy.copy_no for line in held]),
                len(held),
                sum(line.copy.pages for line in held),
                returned,
            )
        )
    secret, room_id = room_secret(db)
    issuer = accounts.find(db, receipt.issued_by)
    signer = receipt.signer
    if receipt.signer_id is not None and unit_of(db, receipt.signer_id) is None:
        signer += "（未登记所属单位，本人签字代签）"
    return ReceiptSheet(
        receipt.label,
        receipt.unit.name,
        str(receipt.unit.kind),
        signer,
        receipt.issued_at,
        issuer.display_name if issuer else receipt.issued_by,
        receipt.recall_by,
        receipt_code.encode(secret, room_id, receipt.id),
        tuple(rows),
    )


def print_receipt(session: Session, receipt_id: int) -> Output:
    session.require(Role.CUSTODIAN)
    data = sheet(session.db, receipt_id)
    pdf = render_receipt(data, session.room.unit)

    return audited_output(
        session, pdf, "分发签收单", "打印分发签收单", f"receipt:{data.label}", {"unit": data.unit}
    )


def read_receipt_code(db: Database, text: str) -> int | None:
    """The receipt a scanned 签收单 QR names, or None when it is not a good code of this room."""
    secret, room_id = room_secret(db)
    return receipt_code.decode(secret, room_id, text)


def chase_sheets(
    session: Session, year: int, deadline: date, unit_id: int | None = None
) -> list[ChaseSheet]:
    """清退催收单 for every unit still holding copies of `year`'s documents (or for one)."""
    session.require(Role.CUSTODIAN)
    db = session.db
    held = distribution.held_of_year(db, year, unit_id)
    by_unit: dict[int, list[distribution.Line]] = {}
    for line in held:
        by_unit.setdefault(line.unit_id, []).append(line)
    found: dict[int, documents.Document] = {}
    out = []
    for uid, lines in by_unit.items():
        unit = get_unit(db, uid)
        by_document: dict[int, list[distribution.Line]] = {}
        for line in lines:
            by_document.setdefault(line.copy.document_id, []).append(line)
        rows = []
        for document_id, copies in by_document.items():
            if document_id not in found:
                found[document_id] = documents.get_document(db, document_id)
            d = found[document_id]
            receipts = sorted({line.receipt_label for line in copies})
            rows.append(
                SheetRow(
                    d.number,
                    d.doc_number,
                    d.title,
                    d.level,
                    d.level_label,
                    format_copy_ranges([line.copy.copy_no for line in copies]),
                    len(copies),
                    sum(line.copy.pages for line in copies),
                    "、".join(receipts),
                )
            )
        out.append(
            ChaseSheet(
                unit.name,
                unit.contact,
                unit.phone,
                year,
                deadline,
                session.clock.now(),
                tuple(rows),
            )
        )
    return out


CHASE_NOTICE = timedelta(days=14)  # the least time a unit is given to send copies back


def chase_deadline(db: Database, year: int, today: date) -> date:
    """The units' 退回期限 by default: a month before the room's own recall deadline, so the
    room can still make its; two weeks from today when that day has passed (a late chase of an
    earlier year)."""
    return max(default_deadline(db, year) - timedelta(days=30), today + CHASE_NOTICE)


def print_chases(session: Session, year: int, deadline: date, unit_id: int | None = None) -> Output:
    """The 清退催收单 of every unit holding `year`'s copies (or one unit's); the chase is
    audited, unit by unit, once the pages are printed or saved."""
    if deadline < session.clock.now().date():
        raise InvalidInput(f"退回期限 {deadline:%Y-%m-%d} 已过，请定今天以后的日期。")
    sheets = chase_sheets(session, year, deadline, unit_id)
    if not sheets:
        who = "没有单位" if unit_id is None else get_unit(session.db, unit_id).name + " 没有"
        raise InvalidInput(f"{who}持有 {year} 年度的文件，不需要催收。")
    pdf = render_chases(sheets, session.room.unit)

    def delivered(where: str) -> None:
        with session.db.transaction():
            for s in sheets:
                audit.record(
                    session.db,
                    session.clock,
                    session.account.login,
                    "清退催收",
                    f"unit:{s.unit}",
                    {
                        "year": year,
                        "deadline": deadline.isoformat(),
                        "copies": sum(r.copies for r in s.rows),
                        "where": where,
                    },
                )

    return Output(pdf, delivered, "刚输出的清退催收单未记入审计，请销毁后重新打印。")
