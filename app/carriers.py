"""Carriers beyond paper: a copy may be a 光盘, U盘 or 移动硬盘 with its serial number and
capacity. The carrier is recorded once on a registered copy (in the room, before it has been
anywhere); from then on it is lent, stocktaken, recalled and destroyed like a paper copy, and
the 销毁登记表 and 销毁载体移交单 count it apart from paper."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import audit
from app.errors import InvalidInput
from app.numbers import registration_number
from app.registry import add_copy_event
from app.roles import BUSINESS_ROLES, Role
from app.scanning import copy_ref

if TYPE_CHECKING:
    from app.session import Session

PAPER = "纸质"
KINDS = ("光盘", "U盘", "移动硬盘")
CARRIERS = (PAPER, *KINDS)
_CAPACITY = re.compile(r"^(\d{1,5}(?:\.\d{1,2})?)\s*(MB|GB|TB)$", re.IGNORECASE)
_SERIAL = re.compile(r"^[0-9A-Za-z\-_/.]{3,40}$")


@dataclass(frozen=True)
class Carrier:
    copy_id: int
    label: str
    title: str
    level: str
    kind: str
    serial: str
    capacity: str
    state: str


def record(session: Session, copy_id: int, kind: str, serial: str, capacity: str) -> Carrier:
    """This copy is a carrier of `kind` with its serial number and capacity (once)."""
    session.require(Role.CUSTODIAN)
    if kind not in KINDS:
        raise InvalidInput("载体类型须为 " + "、".join(KINDS) + "。")
    serial = serial.strip().upper()
    if not _SERIAL.match(serial):
        raise InvalidInput("序列号为 3 到 40 位字母、数字或 - _ / .，按载体上的标签填写。")
    found = _CAPACITY.match(capacity.strip())
    if found is None:
        raise InvalidInput("容量请写成 4.7GB、32GB 或 1TB 的形式。")
    capacity = f"{found.group(1)}{found.group(2).upper()}"
    db = session.db
    now = session.clock.now()
    with db.transaction():
        copy = copy_ref(db, copy_id)
        row = db.one("SELECT carrier FROM copy WHERE id = ?", (copy_id,))
        if row["carrier"] != PAPER:
            raise InvalidInput(f"{copy.label} 已登记为{row['carrier']}，载体信息登记后不再更改。")
        if copy.state != "在柜":
            raise InvalidInput(f"{copy.label} 现为{copy.state}，在柜时才能登记载体。")
        taken = db.one(
            "SELECT c.id FROM copy c WHERE c.carrier = ? AND c.carrier_serial = ?", (kind, serial)
        )
        if taken is not None:
            raise InvalidInput(
                f"序列号 {serial} 的{kind}已经登记过（{copy_ref(db, taken[0]).label}）。"
            )
        db.execute(
            "UPDATE copy SET carrier = ?, carrier_serial = ?, capacity = ? WHERE id = ?",
            (kind, serial, capacity, copy_id),
        )
        details = {"carrier": kind, "serial": serial, "capacity": capacity}
        add_copy_event(db, copy_id, now, session.account.login, "登记载体", details)
        audit.record(
            db, session.clock, session.account.login, "登记载体", f"copy:{copy.label}", details
        )
    return next(c for c in listing(session) if c.copy_id == copy_id)


def listing(session: Session) -> list[Carrier]:
    """Every carrier the room has registered (not paper), in 收文编号 order."""
    session.require(*BUSINESS_ROLES)
    rows = session.db.query(
        "SELECT c.id, d.year, d.serial, c.copy_no, d.title, d.level, c.carrier,"
        " c.carrier_serial, c.capacity, c.state FROM copy c JOIN document d"
        " ON d.id = c.document_id WHERE c.carrier_serial IS NOT NULL"
        " ORDER BY d.year, d.serial, c.copy_no"
    )
    return [
        Carrier(
            r["id"],
            f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份",
            r["title"],
            r["level"],
            r["carrier"],
            r["carrier_serial"],
            r["capacity"],
            r["state"],
        )
        for r in rows
    ]
