"""Registered documents and their copies as the room reads them: frozen records and lookups."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.classification import Period
from app.clock import parse_stamp
from app.errors import InvalidInput, MijianError
from app.numbers import is_outgoing, parse_registration_number, registration_number
from db.connection import Database


@dataclass(frozen=True)
class Document:
    id: int
    year: int
    serial: int
    issuer: str
    source: str
    doc_number: str
    doc_number_ok: bool
    title: str
    written_on: date | None
    level: str
    period: Period
    urgency: str
    telegram: bool
    handling: str
    received_at: datetime
    attachments: str
    deadline: datetime | None
    cabinet: str
    remarks: str
    status_note: str
    proposal: str  # 拟办意见: the custodian's proposal
    voided_at: datetime | None
    void_reason: str | None
    created_by: str
    done_result: str = ""  # 办理结果 once 办结 (app.completion), else ''
    # In the 发文登记簿 (app/outgoing.py): read with the row by get_document.
    in_outgoing_book: bool = False

    @property
    def number(self) -> str:
        return registration_number(self.year, self.serial)

    @property
    def outgoing(self) -> bool:
        """The office's own 发文: its copies numbered in the 发文 series (app/numbers.py), or,
        registered by an earlier version, under the 收文编号 it was given and printed with."""
        return self.in_outgoing_book or is_outgoing(self.serial)

    @property
    def level_label(self) -> str:
        return self.period.label(self.level)


@dataclass(frozen=True)
class Copy:
    id: int
    document_id: int
    copy_no: str
    pages: int
    state: str


@dataclass(frozen=True)
class CopyRef:
    """One copy as the counter, the scans and the custody rules see it: its document's
    收文编号, title and 密级 with it."""

    copy_id: int
    document_id: int
    number: str
    copy_no: str
    title: str
    level: str
    pages: int
    state: str
    voided: bool

    @property
    def label(self) -> str:
        return f"{self.number} 第{self.copy_no}份"


COPY_SQL = """
SELECT c.id AS copy_id, c.document_id, c.copy_no, c.pages, c.state, d.year, d.serial, d.title,
       d.level, d.voided_at
FROM copy c JOIN document d ON d.id = c.document_id
"""


def copy_ref_from_row(row: Any) -> CopyRef:
    return CopyRef(
        row["copy_id"],
        row["document_id"],
        registration_number(row["year"], row["serial"]),
        row["copy_no"],
        row["title"],
        row["level"],
        row["pages"],
        row["state"],
        row["voided_at"] is not None,
    )


def copy_ref(db: Database, copy_id: int) -> CopyRef:
    row = db.one(f"{COPY_SQL} WHERE c.id = ?", (copy_id,))
    if row is None:
        raise MijianError(f"没有编号为 {copy_id} 的一份。")
    return copy_ref_from_row(row)


@dataclass(frozen=True)
class CopyEvent:
    at: datetime
    account: str
    kind: str
    details: dict[str, Any] = field(default_factory=dict)


def get_document(db: Database, document_id: int) -> Document:
    row = db.one(
        "SELECT d.*, EXISTS (SELECT 1 FROM outgoing o WHERE o.document_id = d.id)"
        " AS in_outgoing_book FROM document d WHERE d.id = ?",
        (document_id,),
    )
    if row is None:
        raise MijianError(f"没有编号为 {document_id} 的登记。")
    return document_from_row(row)


def id_by_number(db: Database, text: str) -> int:
    """The document registered as 收文编号 `text` (e.g. 2026-0012); a Chinese refusal otherwise."""
    number = parse_registration_number(text)
    if number is None:
        raise InvalidInput("请填写收文编号，如 2026-0012。")
    row = db.one("SELECT id FROM document WHERE year = ? AND serial = ?", number)
    if row is None:
        raise InvalidInput(f"没有收文编号 {text.strip()}。")
    return int(row[0])


def copies_of(db: Database, document_id: int) -> list[Copy]:
    rows = db.query("SELECT * FROM copy WHERE document_id = ? ORDER BY copy_no", (document_id,))
    return [Copy(r["id"], r["document_id"], r["copy_no"], r["pages"], r["state"]) for r in rows]


def copy_history(db: Database, copy_id: int) -> list[CopyEvent]:
    rows = db.query(
        "SELECT at, account, kind, details FROM copy_event WHERE copy_id = ? ORDER BY id",
        (copy_id,),
    )
    return [
        CopyEvent(parse_stamp(r["at"]), r["account"], r["kind"], json.loads(r["details"]))
        for r in rows
    ]


# The keys a copy's events carry (app/*: add_copy_event), in the custodian's words.
EVENT_LABELS = {
    "cabinet": "存放位置",
    "from": "原位置",
    "to": "新位置",
    "by": "方式",
    "reason": "原因",
    "reader": "读者",
    "note": "说明",
    "receiver": "接收人",
    "receipt": "回执编号",
    "on": "日期",
    "batch": "批次",
    "method": "销毁方式",
    "unit": "单位",
    "signer": "签收人",
    "present": "在场机要员",
    "minutes": "历时（分钟）",
    "instructed": "有批示",
}
# Where a key means something else for one kind of event: a placing's `from` is a place.
KIND_LABELS = {"入柜": {"from": "原位置"}}
LOGIN_KEYS = frozenset({"present"})  # values that are logins, shown as the person's name


def event_note(kind: str, details: dict[str, Any], name_of: Callable[[str], str] = str) -> str:
    """An event's details as the history shows them: 原位置：无；新位置：1号保密柜."""
    labels = {**EVENT_LABELS, "from": "开始", **KIND_LABELS.get(kind, {})}

    def shown(key: str, value: Any) -> str:
        if value is None:
            return "无"
        if isinstance(value, bool):
            return "是" if value else "否"
        return name_of(str(value)) if key in LOGIN_KEYS else str(value)

    return "；".join(f"{labels.get(k, k)}：{shown(k, v)}" for k, v in details.items())


def scope_of(db: Database, document_id: int) -> tuple[list[str], list[str]]:
    """(reader names, group names) of the 阅文范围; both empty means by clearance only."""
    readers = [
        r[0]
        for r in db.query(
            "SELECT r.name FROM document_scope s JOIN reader r ON r.id = s.reader_id"
            " WHERE s.document_id = ? ORDER BY r.initials",
            (document_id,),
        )
    ]
    groups = [
        r[0]
        for r in db.query(
            "SELECT g.name FROM document_scope s JOIN reader_group g ON g.id = s.group_id"
            " WHERE s.document_id = ? ORDER BY g.name",
            (document_id,),
        )
    ]
    return readers, groups


def recent_issuers(db: Database, prefix: str = "", limit: int = 200) -> list[str]:
    """来文单位 seen before, most used first (for completion)."""
    rows = db.query(
        "SELECT issuer FROM document WHERE issuer LIKE ? GROUP BY issuer ORDER BY count(*) DESC, issuer LIMIT ?",
        (prefix + "%", limit),
    )
    return [r[0] for r in rows]


def document_from_row(row: Any) -> Document:
    return Document(
        id=row["id"],
        year=row["year"],
        serial=row["serial"],
        issuer=row["issuer"],
        source=row["source"],
        doc_number=row["doc_number"],
        doc_number_ok=bool(row["doc_number_ok"]),
        title=row["title"],
        written_on=date.fromisoformat(row["written_on"]) if row["written_on"] else None,
        level=row["level"],
        period=Period(row["period_kind"], row["period_value"], bool(row["period_defaulted"])),
        urgency=row["urgency"],
        telegram=bool(row["telegram"]),
        handling=row["handling"],
        received_at=parse_stamp(row["received_at"]),
        attachments=row["attachments"],
        deadline=parse_stamp(row["deadline"]) if row["deadline"] else None,
        cabinet=row["cabinet"],
        remarks=row["remarks"],
        status_note=row["status_note"],
        proposal=row["proposal"] if "proposal" in row.keys() else "",  # noqa: SIM118 (a Row iterates values)
        voided_at=parse_stamp(row["voided_at"]) if row["voided_at"] else None,
        void_reason=row["void_reason"],
        created_by=row["created_by"],
        done_result=row["done_result"] or "",
        in_outgoing_book="in_outgoing_book" in row.keys() and bool(row["in_outgoing_book"]),  # noqa: SIM118
    )
