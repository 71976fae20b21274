"""Printing a 发文's 文件分发单 with its 回执, reading a 回执's QR back, and the 催收回执 list.

Each print is audited only once the pages reached the printer or a file (app/output.py); the
chase of a missing 回执 is recorded (outgoing_reply_chase) only then, as a 督办单's is.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from app import (
    audit,
    distribution,
    outgoing,
    outgoing_records,
    qr_payload,
    receipt_code,
    scanning,
    slips,
)
from app.clock import stamp
from app.errors import InvalidInput
from app.output import Output, audited_output
from app.reports.outgoing_pdf import (
    ChaseRow,
    DispatchSheet,
    ReplySlip,
    render_dispatch,
    render_reply_chase,
)
from app.roles import Role
from app.slips import room_secret
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

FORGED_REPLY = "回执二维码无法验证：不是本室打印的回执，或已损坏。请核对后手工登记。"


def dispatch_sheet(db: Database, outgoing_id: int) -> DispatchSheet:
    out = outgoing_records.get(db, outgoing_id)
    lines = outgoing_records.recipients(db, outgoing_id)
    secret, room_id = room_secret(db)
    slip_rows = []
    for r in lines:
        label = "未发出"
        if r.receipt_id is not None:
            label = distribution.get_receipt(db, r.receipt_id).label
        slip_rows.append(
            ReplySlip(
                r.unit,
                r.role,
                r.copy_ranges,
                r.copies,
                label,
                receipt_code.encode(secret, room_id, r.id, receipt_code.REPLY_PREFIX),
            )
        )
    sent = [r.sent_at for r in lines if r.sent_at is not None]
    return DispatchSheet(
        out.label,
        out.title,
        out.level_label,
        out.urgency,
        out.signed_by,
        out.signed_on,
        out.printed,
        out.pages,
        outgoing_records.kept_range(out, lines),
        min(sent) if sent else None,
        tuple(slip_rows),
    )


def print_dispatch(session: Session, outgoing_id: int) -> Output:
    session.require(Role.CUSTODIAN)
    data = dispatch_sheet(session.db, outgoing_id)
    pdf = render_dispatch(data, session.room.unit)

    return audited_output(
        session,
        pdf,
        "文件分发单和回执",
        "打印发文回执",
        f"outgoing:{outgoing_id}",
        {"doc_number": data.doc_number, "units": [s.unit for s in data.slips]},
    )


def read_reply(session: Session, text: str) -> outgoing_records.Recipient:
    """The recipient line a scanned 回执 QR names; a forged or damaged code is refused and
    recorded (扫描被拒)."""
    session.require(Role.CUSTODIAN)
    db = session.db
    wrong = _another_paper(db, text)
    if wrong is not None:
        raise InvalidInput(f"{wrong}，不是回执：请扫描文件分发单所附“回执”页上的二维码。")
    secret, room_id = room_secret(db)
    found = receipt_code.decode(secret, room_id, text, receipt_code.REPLY_PREFIX)
    if found is None:
        slips.audit_refused(session, text.strip(), FORGED_REPLY)
        raise InvalidInput(FORGED_REPLY)
    row = db.one("SELECT id FROM outgoing_recipient WHERE id = ?", (found,))
    if row is None:
        raise InvalidInput(FORGED_REPLY)
    return outgoing_records.get_recipient(db, found)


def _another_paper(db: Database, text: str) -> str | None:
    """What the room's other printed codes (or a typed number) are, scanned in the 回执 field
    (walk-through: a 处理笺 there read as a forged 回执); None for anything that may be one."""
    if receipt_code.looks_like_reply(text):
        return None
    if receipt_code.looks_like_receipt(text):
        return "这是分发签收单的二维码"
    if qr_payload.looks_like_payload(scanning.normalise(text)):
        return "这是处理笺或标签的二维码"
    try:
        found = scanning.resolve(db, text)
    except InvalidInput:
        return None
    if found.copy is not None:
        return f"这是 {found.copy.label} 的编号"
    return None if found.reader is None else f"这是读者 {found.reader.name} 的证件"


def reply_by_scan(session: Session, text: str, signer: str = "") -> outgoing_records.Recipient:
    """A 回执 scanned back: its recipient's line closes."""
    line = read_reply(session, text)
    return outgoing.reply(session, line.id, signer, how="扫描")


def chase_rows(db: Database, lines: list[outgoing_records.Recipient]) -> list[ChaseRow]:
    found: dict[int, outgoing_records.Outgoing] = {}
    rows = []
    for line in lines:
        if line.outgoing_id not in found:
            found[line.outgoing_id] = outgoing_records.get(db, line.outgoing_id)
        out = found[line.outgoing_id]
        assert line.sent_at is not None
        rows.append(
            ChaseRow(
                out.label,
                out.title,
                out.level_label,
                line.unit,
                line.role,
                line.copy_ranges,
                line.copies,
                line.sent_at,
                line.chases,
            )
        )
    return rows


def print_reply_chase(session: Session, sent_before: datetime | None = None) -> Output:
    """催收回执: every 回执 still missing (of copies sent before `sent_before`, if given). Each
    line's chase is written, and audited, once the list is printed or saved."""
    session.require(Role.CUSTODIAN)
    db = session.db
    lines = outgoing_records.missing_replies(db, sent_before)
    pdf = render_reply_chase(chase_rows(db, lines), session.room.unit, session.clock.now())

    def delivered(where: str) -> None:
        now = session.clock.now()
        with db.transaction():
            for line in lines:
                db.execute(
                    "INSERT INTO outgoing_reply_chase (recipient_id, at, account, output_to)"
                    " VALUES (?, ?, ?, ?)",
                    (line.id, stamp(now), session.account.login, where),
                )
                out = outgoing_records.get(db, line.outgoing_id)
                audit.record(
                    db,
                    session.clock,
                    session.account.login,
                    "催收回执",
                    f"outgoing:{out.id}",
                    {
                        "doc_number": out.label,
                        "unit": line.unit,
                        "copies": line.copy_ranges,
                        "where": where,
                    },
                )

    return Output(pdf, delivered, "刚输出的催收回执未记入审计，请销毁后重新打印。")
