"""退文: mail that came by the wrong route, returned to its sender and the rule pointed out.

"对不按程序的直送件、不依权限的越级件、不守规矩的乱投件，均予以退回并予以指出" (seed 003). The
退文登记 numbers each return gapless per year (退2026-0001, a trigger refuses any other) and is
append-only; the printed 退文通知 goes back with the item, audited once printed or saved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app import audit, text_rules
from app.classification import LEVELS
from app.clock import parse_stamp, stamp
from app.errors import InvalidInput, MijianError
from app.numbers import normalise_doc_number
from app.output import Output, audited_output
from app.roles import BUSINESS_ROLES, Role
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


class Rule(StrEnum):
    """Which rule the item broke (seed 003)."""

    DIRECT = "直送件"  # sent straight to a leader or department, past the room (不按程序)
    OVER_LEVEL = "越级件"  # past the level it should have gone through (不依权限)
    MISROUTED = "乱投件"  # to the wrong office, or in the wrong form (不守规矩)

    @property
    def explanation(self) -> str:
        return _EXPLANATIONS[self]


_EXPLANATIONS = {
    Rule.DIRECT: "不按程序直送领导或部门，未经机要室统一收文",
    Rule.OVER_LEVEL: "不依权限越级报送",
    Rule.MISROUTED: "不守规矩乱投，收文机关或报送方式不符合规定",
}


@dataclass(frozen=True)
class ReturnInput:
    sender: str
    title: str
    rule: str
    returned_to: str
    level: str = "非密"
    doc_number: str = ""
    note: str = ""
    came_at: datetime | None = None  # default: now


@dataclass(frozen=True)
class ReturnedMail:
    id: int
    year: int
    serial: int
    sender: str
    doc_number: str
    title: str
    level: str
    rule: Rule
    note: str
    came_at: datetime
    returned_at: datetime
    returned_to: str
    returned_by: str

    @property
    def label(self) -> str:
        return f"退{self.year}-{self.serial:04d}"


def _validate(data: ReturnInput, now: datetime) -> ReturnInput:
    sender = text_rules.clean("issuer", data.sender)
    title = text_rules.clean("title", data.title)
    returned_to = text_rules.clean("returned_to", data.returned_to)
    if not sender:
        raise InvalidInput("请填写来件单位。")
    if not title:
        raise InvalidInput("请填写标题。")
    if data.rule not in tuple(Rule):
        raise InvalidInput("请选择退文原因：" + "、".join(Rule) + "。")
    if data.level not in LEVELS:
        raise InvalidInput("请选择密级：" + "、".join(LEVELS) + "。")
    if not returned_to:
        raise InvalidInput("请填写退回对象（单位或人）。")
    if data.came_at is not None and data.came_at > now:
        raise InvalidInput("收到时间不能晚于现在。")
    number, _ = normalise_doc_number(text_rules.clean("doc_number", data.doc_number))
    return replace(
        data,
        sender=sender,
        title=title,
        returned_to=returned_to,
        rule=Rule(data.rule),
        doc_number=number,
        note=text_rules.clean("return_note", data.note),
    )


def record(session: Session, data: ReturnInput) -> ReturnedMail:
    """退文登记: the item is returned now, by the custodian, to `returned_to`."""
    session.require(Role.CUSTODIAN)
    db = session.db
    now = session.clock.now()
    clean = _validate(data, now)
    with db.transaction():
        serial = int(
            db.scalar(
                "SELECT coalesce(max(serial), 0) + 1 FROM returned_mail WHERE year = ?",
                (now.year,),
            )
        )
        cursor = db.execute(
            "INSERT INTO returned_mail (year, serial, sender, doc_number, title, level, rule, note,"
            " came_at, returned_at, returned_to, returned_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now.year,
                serial,
                clean.sender,
                clean.doc_number,
                clean.title,
                clean.level,
                str(clean.rule),
                clean.note,
                stamp(clean.came_at or now),
                stamp(now),
                clean.returned_to,
                session.account.login,
                stamp(now),
            ),
        )
        found = get(db, int(cursor.lastrowid))
        audit.record(
            db,
            session.clock,
            session.account.login,
            "登记退文",
            f"returned:{found.label}",
            {
                "after": {
                    "sender": clean.sender,
                    "doc_number": clean.doc_number,
                    "title": clean.title,
                    "level": clean.level,
                    "rule": str(clean.rule),
                    "returned_to": clean.returned_to,
                }
            },
        )
    return found


def _row(row: Any) -> ReturnedMail:
    return ReturnedMail(
        row["id"],
        row["year"],
        row["serial"],
        row["sender"],
        row["doc_number"],
        row["title"],
        row["level"],
        Rule(row["rule"]),
        row["note"],
        parse_stamp(row["came_at"]),
        parse_stamp(row["returned_at"]),
        row["returned_to"],
        row["returned_by"],
    )


def get(db: Database, returned_id: int) -> ReturnedMail:
    row = db.one("SELECT * FROM returned_mail WHERE id = ?", (returned_id,))
    if row is None:
        raise MijianError(f"没有编号为 {returned_id} 的退文。")
    return _row(row)


def of_year(db: Database, year: int) -> list[ReturnedMail]:
    return [
        _row(r)
        for r in db.query("SELECT * FROM returned_mail WHERE year = ? ORDER BY serial", (year,))
    ]


def register_of(session: Session, year: int) -> list[ReturnedMail]:
    """The 退文登记, for a business role."""
    session.require(*BUSINESS_ROLES)
    return of_year(session.db, year)


def print_notice(session: Session, returned_id: int) -> Output:
    """退文通知 of one return; audited once printed or saved."""
    from app.reports.returned_pdf import render_notice

    session.require(Role.CUSTODIAN)
    item = get(session.db, returned_id)
    pdf = render_notice(item, session.room.unit)

    return audited_output(
        session, pdf, "退文通知", "打印退文通知", f"returned:{item.label}", {"to": item.returned_to}
    )
