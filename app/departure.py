"""调离前清退: what a person still holds, the gate that keeps them from leaving with it, and
the 交接清单 of everything they held and have not settled.

A person holds a copy lent to them at the desk (no return written yet) and every 批示 of which
they are the 承办人 that is not yet 办结, and every distributed copy (分发) on a receipt they
signed for that has not come back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from app import audit
from app.clock import parse_stamp
from app.errors import InvalidInput, MijianError
from app.numbers import registration_number
from app.output import Output
from app.reports.handover_list_pdf import Person, render_handover_list
from app.roles import BUSINESS_ROLES
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

LENT = "借出未还"
INSTRUCTION = "批示承办"
DISTRIBUTED = "分发未退"

# 承办人 is typed text; several people are written 张三、李四 or 张三,李四.
_HANDLER_SEPARATORS = re.compile(r"[、,，;；/\s]+")


@dataclass(frozen=True)
class Holding:
    """One thing a person holds: its kind (LENT, INSTRUCTION, DISTRIBUTED), what it is (收文编号
    and 份号 or the 批示), its 密级, its title and since when."""

    kind: str
    item: str
    level: str
    title: str
    since: datetime
    note: str = ""

    @property
    def line(self) -> str:
        level = f"〔{self.level}〕" if self.level else ""
        return f"{self.kind}：{self.item}{level}{self.title}"


class StillHolding(InvalidInput):
    """The person still holds something: the message lists it, in Chinese."""

    def __init__(self, name: str, held: list[Holding]) -> None:
        shown = held[:10]
        more = f"\n……另有 {len(held) - len(shown)} 项" if len(held) > len(shown) else ""
        super().__init__(
            f"{name} 尚有 {len(held)} 项未清退，不能办理离岗（调离、退休同）：\n"
            + "\n".join(f"· {h.line}" for h in shown)
            + more
            + "\n请先收回或办结，可在“人员”页打印交接清单。"
        )
        self.held = held


def holdings(db: Database, reader_id: int, name: str) -> list[Holding]:
    """Everything the reader `reader_id` (named `name`) holds now, oldest first."""
    found = _lent(db, reader_id) + _instructions(db, name) + _distributed(db, reader_id)
    return sorted(found, key=lambda h: h.since)


def refuse_if_holding(db: Database, reader_id: int, name: str) -> None:
    """The gate: StillHolding unless the person holds nothing. Call inside the transaction
    that marks them as left, so nothing is lent between the check and the change."""
    held = holdings(db, reader_id, name)
    if held:
        raise StillHolding(name, held)


def handover_list(session: Session, reader_id: int) -> Output:
    """The 交接清单 of one reader for two signatures; audited once printed or saved."""
    session.require(*BUSINESS_ROLES)
    db = session.db
    row = db.one("SELECT name, unit, position, active FROM reader WHERE id = ?", (reader_id,))
    if row is None:
        raise MijianError(f"没有编号为 {reader_id} 的读者。")
    person = Person(row["name"], row["unit"], row["position"], bool(row["active"]))
    held = holdings(db, reader_id, person.name)
    pdf = render_handover_list(person, held, session.room.unit, session.clock.now())

    def delivered(where: str) -> None:
        with db.transaction():
            audit.record(
                db,
                session.clock,
                session.account.login,
                "输出交接清单",
                f"reader:{reader_id}",
                {"items": len(held), "to": where},
            )

    return Output(pdf, delivered, "交接清单已输出但未能记入审计，请销毁后重新输出。")


def _lent(db: Database, reader_id: int) -> list[Holding]:
    rows = db.query(
        "SELECT h.out_at, h.due_at, c.copy_no, d.year, d.serial, d.level, d.title"
        " FROM handover h JOIN copy c ON c.id = h.copy_id JOIN document d ON d.id = c.document_id"
        " WHERE h.reader_id = ? AND h.back_at IS NULL ORDER BY h.id",
        (reader_id,),
    )
    return [
        Holding(
            LENT,
            f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份",
            r["level"],
            r["title"],
            parse_stamp(r["out_at"]),
            f"应还 {r['due_at'][:16].replace('T', ' ')}",
        )
        for r in rows
    ]


def _instructions(db: Database, name: str) -> list[Holding]:
    name = name.strip()
    if not name:
        return []
    rows = db.query(
        "SELECT i.leader, i.given_at, i.deadline, i.handler, i.state, d.year, d.serial, d.level,"
        " d.title FROM instruction i JOIN document d ON d.id = i.document_id"
        " WHERE i.state <> '已办结' AND i.handler LIKE ? ORDER BY i.id",
        (f"%{name}%",),
    )
    return [
        Holding(
            INSTRUCTION,
            f"{registration_number(r['year'], r['serial'])} {r['leader']}批示（{r['state']}）",
            r["level"],
            r["title"],
            parse_stamp(r["given_at"]),
            f"时限 {r['deadline'][:16].replace('T', ' ')}",
        )
        for r in rows
        if name in _HANDLER_SEPARATORS.split(r["handler"])
    ]


def _distributed(db: Database, reader_id: int) -> list[Holding]:
    """Copies distributed (分发) on a receipt this person signed for, not yet back: the unit
    holds them, but the signature is theirs until the copies return or a colleague re-signs."""
    rows = db.query(
        "SELECT i.out_at, c.copy_no, d.year, d.serial, d.level, d.title, u.name AS unit,"
        " r.year AS r_year, r.serial AS r_serial FROM distribution_item i"
        " JOIN distribution_receipt r ON r.id = i.receipt_id JOIN unit u ON u.id = r.unit_id"
        " JOIN copy c ON c.id = i.copy_id JOIN document d ON d.id = c.document_id"
        " WHERE r.signer_id = ? AND i.back_at IS NULL ORDER BY i.id",
        (reader_id,),
    )
    return [
        Holding(
            DISTRIBUTED,
            f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份",
            r["level"],
            r["title"],
            parse_stamp(r["out_at"]),
            f"{r['unit']} 签收单 分{r['r_year']}-{r['r_serial']:04d}",
        )
        for r in rows
    ]
