"""发文: the office's own documents, numbered, sent to their recipients and receipted.

The 发文登记簿 numbers each document 代字〔year〕n号 (GB/T 9704), gapless per 代字 and year: the
number is taken in the transaction that writes the row, a trigger refuses any other, and a voided
发文 keeps its number (the book shows it voided). The printed copies are registered in the room
like any copy (来文类别 区本级, the 发文字号 as 文号, numbered in the 发文 series F2026-0001 rather
than taking a 收文编号: app/numbers.py), so they are lent, counted, recalled and
destroyed by the machinery that keeps received copies. Each recipient (主送/抄送) gets a run of
份号; the rest are the room's 存档份. Sending issues each recipient's copies on a 分发签收单 of
its own (app/distribution.write_receipt) with no signer at the counter: the recipient signs the
回执, whose QR (MJH…) scanned back closes that recipient's line ("没有回执，就是没报", seed 003).
A copy whose 回执 has not come back is not destroyed (a trigger of migration 0017).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from app import audit, distribution, registration_checks, registry, text_rules
from app.classification import LEVELS, URGENCIES, Period
from app.clock import stamp
from app.errors import InvalidInput
from app.outgoing_records import (
    Outgoing,
    Recipient,
    copy_range,
    doc_number,
    get,
    get_recipient,
    recipients,
)
from app.registration_checks import DocumentInput
from app.roles import Role
from app.scanning import copy_ref
from app.units import find_units, get_unit
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

ROLES = ("主送", "抄送")
OWN_SOURCE = "区本级"  # the office's own documents, in the 来文类别 of the register
MAX_PRINTED = 1000
MAX_PAGES = 10_000  # 每份页数


@dataclass(frozen=True)
class RecipientInput:
    unit_id: int
    role: str = "主送"
    copies: int = 1


@dataclass(frozen=True)
class OutgoingInput:
    code: str  # 发文代字, e.g. 区委办发
    title: str
    level: str
    signed_by: str
    signed_on: date
    printed: int  # 印制份数
    recipients: tuple[RecipientInput, ...]
    pages: int = 0
    period: Period | None = None
    urgency: str = "平件"
    notes: str = ""


# ---- registering ------------------------------------------------------------------------------
_SEPARATORS = re.compile(r"[、，,；;\s]+")
_COUNT = re.compile(r"^(.+?)\s*[×xX*]\s*(\d{1,3})$")


def parse_recipients(db: Database, text: str, role: str) -> tuple[RecipientInput, ...]:
    """`城关镇×2、财政局` → the units (by name, short name or pinyin initials, exactly one each)
    with their copy counts (1 unless `×N` follows), for `role` (主送 or 抄送)."""
    out = []
    for item in _SEPARATORS.split(text.strip()):
        if not item:
            continue
        match = _COUNT.match(item)
        name, count = (match.group(1), int(match.group(2))) if match else (item, 1)
        found = [
            u
            for u in find_units(db, name)
            if name in (u.name, u.short_name) or u.initials == name.lower()
        ]
        if len(found) != 1:
            why = "没有这个单位" if not found else "有多个同名单位"
            raise InvalidInput(f"{role}单位“{name}”{why}：请写单位全称或简称，先在“单位”页登记。")
        out.append(RecipientInput(found[0].id, role, count))
    return tuple(out)


def _validate(data: OutgoingInput, today: date) -> OutgoingInput:
    code = text_rules.clean("outgoing_code", data.code)
    if not code:
        raise InvalidInput("请填写发文代字（如 区委办发）。")
    if any(ch in code for ch in "〔〕[]【】()（）0123456789号"):
        raise InvalidInput("发文代字只写机关代字（如 区委办发），年份和序号由程序编排。")
    signed_by = text_rules.clean("signed_by", data.signed_by)
    if not signed_by:
        raise InvalidInput("请填写签发人。")
    if data.signed_on > today:
        raise InvalidInput("签发日期不能晚于今天。")
    if data.level not in LEVELS:
        raise InvalidInput("请选择密级：" + "、".join(LEVELS) + "。")
    if data.urgency not in URGENCIES:
        raise InvalidInput("紧急程度须为" + "、".join(URGENCIES) + "。")
    if not 1 <= data.printed <= MAX_PRINTED:
        raise InvalidInput(f"印制份数须在 1 到 {MAX_PRINTED} 之间。")
    # The office printed it, so the count is known; the 分发单, each 回执 and the 处理笺 state it
    # for the recipient to check (walk-through: "每份 0 页" went out on every page).
    if not 1 <= data.pages <= MAX_PAGES:
        raise InvalidInput(f"请填写每份页数（1 到 {MAX_PAGES} 页）：分发单、回执都要写明页数。")
    if not data.recipients:
        raise InvalidInput("请至少选择一个主送单位。")
    if not any(r.role == "主送" for r in data.recipients):
        raise InvalidInput("请至少选择一个主送单位。")
    seen: set[int] = set()
    for r in data.recipients:
        if r.role not in ROLES:
            raise InvalidInput("收文单位须为主送或抄送。")
        if r.copies < 1:
            raise InvalidInput("每个收文单位至少 1 份。")
        if r.unit_id in seen:
            raise InvalidInput("同一单位在主送、抄送中出现了两次。")
        seen.add(r.unit_id)
    sent = sum(r.copies for r in data.recipients)
    if sent > data.printed:
        raise InvalidInput(f"分送 {sent} 份，超过印制份数 {data.printed} 份。")
    ordered = tuple(
        sorted(data.recipients, key=lambda r: ROLES.index(r.role))
    )  # 主送 first, each group in the order chosen
    return OutgoingInput(
        code=code,
        title=data.title,
        level=data.level,
        signed_by=signed_by,
        signed_on=data.signed_on,
        printed=data.printed,
        recipients=ordered,
        pages=data.pages,
        period=data.period,
        urgency=data.urgency,
        notes=text_rules.clean("status_note", data.notes),
    )


def register(session: Session, data: OutgoingInput) -> Outgoing:
    """Number the 发文, register its printed copies (份号 000001 up) in the room, and assign
    each recipient its run of 份号, in one transaction. Nothing leaves yet (see `send`)."""
    session.require(Role.CUSTODIAN)
    db = session.db
    now = session.clock.now()
    clean = _validate(data, now.date())
    year = clean.signed_on.year
    with db.transaction():
        units = [get_unit(db, r.unit_id) for r in clean.recipients]
        for unit in units:
            if not unit.active:
                raise InvalidInput(f"{unit.name} 已撤销，不能作为收文单位。")
        number = int(
            db.scalar(
                "SELECT coalesce(max(number), 0) + 1 FROM outgoing WHERE code = ? AND year = ?",
                (clean.code, year),
            )
        )
        label = doc_number(clean.code, year, number)
        document = DocumentInput(
            issuer=session.room.unit,
            source=OWN_SOURCE,
            title=clean.title,
            level=clean.level,
            copy_numbers=f"1-{clean.printed}" if clean.printed > 1 else "1",
            pages=clean.pages,
            doc_number=label,
            written_on=clean.signed_on,
            period=clean.period,
            urgency=clean.urgency,
            remarks="本机关发文",
        )
        checked, numbers, warnings = registration_checks.validate(document, now)
        registration = registry.register_checked(session, checked, numbers, warnings, outgoing=True)
        cursor = db.execute(
            "INSERT INTO outgoing (code, year, number, document_id, signed_by, signed_on, printed,"
            " notes, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                clean.code,
                year,
                number,
                registration.document.id,
                clean.signed_by,
                clean.signed_on.isoformat(),
                clean.printed,
                clean.notes,
                stamp(now),
                session.account.login,
            ),
        )
        outgoing_id = int(cursor.lastrowid)
        first = 1
        lines = []
        for position, (r, unit) in enumerate(zip(clean.recipients, units, strict=True), 1):
            last = first + r.copies - 1
            db.execute(
                "INSERT INTO outgoing_recipient (outgoing_id, unit_id, role, position, copy_from,"
                " copy_to) VALUES (?, ?, ?, ?, ?, ?)",
                (outgoing_id, unit.id, r.role, position, first, last),
            )
            lines.append(f"{r.role} {unit.name} {copy_range(first, last)}")
            first = last + 1
        kept = copy_range(first, clean.printed) if first <= clean.printed else "无"
        audit.record(
            db,
            session.clock,
            session.account.login,
            "登记发文",
            f"outgoing:{outgoing_id}",
            {
                "after": {
                    "doc_number": label,
                    "title": clean.title,
                    "level": clean.level,
                    "urgency": clean.urgency,
                    "signed_by": clean.signed_by,
                    "signed_on": clean.signed_on.isoformat(),
                    "printed": clean.printed,
                    "registration": registration.document.number,
                    "recipients": lines,
                    "kept": kept,
                }
            },
        )
    return get(db, outgoing_id)


def send(session: Session, outgoing_id: int, recall_by: date | None = None) -> list[Recipient]:
    """Every recipient not yet sent to gets its copies on a 分发签收单 of its own (分发在外
    with that unit, until the recall); its 回执 is then awaited. Returns the lines sent."""
    session.require(Role.CUSTODIAN)
    db = session.db
    now = session.clock.now()
    if recall_by is not None and recall_by < now.date():
        raise InvalidInput("清退期限不能早于今天。")
    with db.transaction():
        out = get(db, outgoing_id)
        if out.voided_at is not None:
            raise InvalidInput(f"{out.label} 已作废，不能发出。")
        waiting = [r for r in recipients(db, outgoing_id) if r.sent_at is None]
        if not waiting:
            raise InvalidInput(f"{out.label} 已全部发出。")
        for line in waiting:
            unit = get_unit(db, line.unit_id)
            if not unit.active:
                raise InvalidInput(f"{unit.name} 已撤销，不能发出。")
            copies = [copy_ref(db, cid) for cid in _copy_ids(db, out.document_id, line)]
            for copy in copies:
                why = distribution.why_not(db, None, copy)
                if why:
                    raise InvalidInput(f"{copy.label} {why}")
            receipt_id = distribution.write_receipt(
                session, unit, None, copies, recall_by=recall_by, kind="发文分送"
            )
            db.execute(
                "UPDATE outgoing_recipient SET receipt_id = ?, sent_at = ? WHERE id = ?",
                (receipt_id, stamp(now), line.id),
            )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "发出发文",
            f"outgoing:{out.id}",
            {
                "doc_number": out.label,
                "units": [f"{r.role} {r.unit} {r.copy_ranges}" for r in waiting],
            },
        )
    sent = {r.id for r in waiting}
    return [r for r in recipients(db, outgoing_id) if r.id in sent]


def _copy_ids(db: Database, document_id: int, line: Recipient) -> list[int]:
    return [
        int(r[0])
        for r in db.query(
            "SELECT id FROM copy WHERE document_id = ? AND copy_no BETWEEN ? AND ?"
            " ORDER BY copy_no",
            (document_id, f"{line.copy_from:06d}", f"{line.copy_to:06d}"),
        )
    ]


def void(session: Session, outgoing_id: int, reason: str) -> Outgoing:
    """作废 a 发文 nothing of which has left: its number stays in the book, marked voided, and its
    copies' registration is voided with it."""
    session.require(Role.CUSTODIAN)
    reason = text_rules.clean("void_reason", reason)
    if len(reason) < 2:
        raise InvalidInput("作废须写明原因。")
    db = session.db
    with db.transaction():
        out = get(db, outgoing_id)
        if out.voided_at is not None:
            raise InvalidInput(f"{out.label} 已作废。")
        if any(r.sent_at is not None for r in recipients(db, outgoing_id)):
            raise InvalidInput(f"{out.label} 已发出，不能作废；请按清退收回。")
        registry.void(session, out.document_id, f"发文 {out.label} 作废：{reason}")
        db.execute(
            "UPDATE outgoing SET voided_at = ?, void_reason = ? WHERE id = ?",
            (stamp(session.clock.now()), reason, outgoing_id),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "作废发文",
            f"outgoing:{out.id}",
            {
                "doc_number": out.label,
                "before": {"voided": False},
                "after": {"voided": True, "reason": reason},
            },
        )
    return get(db, outgoing_id)


def set_notes(session: Session, outgoing_id: int, notes: str) -> Outgoing:
    """办理情况 of a 发文."""
    session.require(Role.CUSTODIAN)
    notes = text_rules.clean("status_note", notes)
    db = session.db
    with db.transaction():
        out = get(db, outgoing_id)
        if out.voided_at is not None:
            raise InvalidInput(f"{out.label} 已作废，不能修改。")
        if out.notes == notes:
            return out
        db.execute("UPDATE outgoing SET notes = ? WHERE id = ?", (notes, outgoing_id))
        audit.record(
            db,
            session.clock,
            session.account.login,
            "发文办理",
            f"outgoing:{out.id}",
            {"doc_number": out.label, "before": {"notes": out.notes}, "after": {"notes": notes}},
        )
    return get(db, outgoing_id)


# ---- 回执 -----------------------------------------------------------------------------------
def reply(session: Session, recipient_id: int, signer: str = "", how: str = "手工") -> Recipient:
    """The recipient's 回执 is back: its line closes (once). `how`: 扫描 (its QR) or 手工."""
    session.require(Role.CUSTODIAN)
    signer = text_rules.clean("reply_signer", signer)
    if how not in ("扫描", "手工"):
        raise InvalidInput("回执登记方式须为扫描或手工。")
    db = session.db
    now = session.clock.now()
    with db.transaction():
        line = get_recipient(db, recipient_id)
        out = get(db, line.outgoing_id)
        if line.sent_at is None:
            raise InvalidInput(f"{out.label} 尚未发给 {line.unit}，没有回执可收。")
        if line.replied_at is not None:
            raise InvalidInput(
                f"{line.unit} 的 {out.label} 回执已于 {line.replied_at:%Y-%m-%d %H:%M} 收回。"
            )
        db.execute(
            "UPDATE outgoing_recipient SET replied_at = ?, reply_signer = ?, reply_how = ?,"
            " replied_by = ? WHERE id = ?",
            (stamp(now), signer or None, how, session.account.login, recipient_id),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "收回回执",
            f"outgoing:{out.id}",
            {
                "doc_number": out.label,
                "unit": line.unit,
                "copies": line.copy_ranges,
                "signer": signer,
                "how": how,
            },
        )
    return get_recipient(db, recipient_id)
