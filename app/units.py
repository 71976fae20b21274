"""单位: the departments, towns, lower units and upper 机要 channels the room hands copies to.

Kept by the custodian (机要员), who distributes to them; found by pinyin initials like readers.
A unit that no longer exists is retired, never deleted: its receipts keep pointing at it.
Readers may belong to a unit; the one who signs for its copies is usually one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app import audit, text_rules
from app.clock import stamp
from app.errors import InvalidInput, MijianError
from app.people import Reader, get_reader
from app.pinyin import plain_initials
from app.roles import BUSINESS_ROLES, Role
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


class UnitKind(StrEnum):
    DEPARTMENT = "部门"
    TOWN = "乡镇街道"
    LOWER = "下级单位"
    UPPER_CHANNEL = "上级机要渠道"


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    short_name: str
    initials: str
    kind: UnitKind
    contact: str
    phone: str
    active: bool

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class UnitInput:
    name: str
    kind: str = UnitKind.DEPARTMENT
    short_name: str = ""
    contact: str = ""
    phone: str = ""


def _validate(data: UnitInput) -> UnitInput:
    name = text_rules.clean("unit_name", data.name)
    if not name:
        raise InvalidInput("请填写单位名称（不超过 60 个字）。")
    if data.kind not in tuple(UnitKind):
        raise InvalidInput("单位类别须为 " + "、".join(UnitKind) + "。")
    return replace(
        data,
        name=name,
        kind=UnitKind(data.kind),
        short_name=text_rules.clean("unit_short_name", data.short_name),
        contact=text_rules.clean("unit_contact", data.contact),
        phone=text_rules.clean("phone", data.phone),
    )


def add_unit(session: Session, data: UnitInput) -> Unit:
    session.require(Role.CUSTODIAN)
    data = _validate(data)
    db = session.db
    with db.transaction():
        _refuse_name_in_use(db, data.name, None)
        cursor = db.execute(
            "INSERT INTO unit (name, short_name, initials, kind, contact, phone, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                data.name,
                data.short_name,
                _initials(data),
                str(data.kind),
                data.contact,
                data.phone,
                stamp(session.clock.now()),
            ),
        )
        unit_id = int(cursor.lastrowid)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "新增单位",
            f"unit:{unit_id}",
            {"after": _as_dict(data)},
        )
    return get_unit(db, unit_id)


def update_unit(session: Session, unit_id: int, data: UnitInput) -> Unit:
    session.require(Role.CUSTODIAN)
    data = _validate(data)
    db = session.db
    with db.transaction():
        before = get_unit(db, unit_id)
        _refuse_name_in_use(db, data.name, unit_id)
        db.execute(
            "UPDATE unit SET name = ?, short_name = ?, initials = ?, kind = ?, contact = ?,"
            " phone = ? WHERE id = ?",
            (
                data.name,
                data.short_name,
                _initials(data),
                str(data.kind),
                data.contact,
                data.phone,
                unit_id,
            ),
        )
        after = _as_dict(data)
        changed = {k: v for k, v in _as_dict(_input_of(before)).items() if after[k] != v}
        audit.record(
            db,
            session.clock,
            session.account.login,
            "修改单位",
            f"unit:{unit_id}",
            {"before": changed, "after": {k: after[k] for k in changed}},
        )
    return get_unit(db, unit_id)


def retire_unit(session: Session, unit_id: int) -> None:
    """The unit no longer exists (merged, renamed away). It must hold nothing."""
    session.require(Role.CUSTODIAN)
    db = session.db
    with db.transaction():
        unit = get_unit(db, unit_id)
        if not unit.active:
            raise InvalidInput(f"{unit.name} 已撤销。")
        held = int(
            db.scalar(
                "SELECT count(*) FROM distribution_item i JOIN distribution_receipt r"
                " ON r.id = i.receipt_id WHERE r.unit_id = ? AND i.back_at IS NULL",
                (unit_id,),
            )
        )
        if held:
            raise InvalidInput(f"{unit.name} 还持有 {held} 份分发件，收回后才能撤销。")
        db.execute(
            "UPDATE unit SET active = 0, retired_at = ? WHERE id = ?",
            (stamp(session.clock.now()), unit_id),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "撤销单位",
            f"unit:{unit_id}",
            {"before": {"active": True}, "after": {"active": False}},
        )


def set_reader_unit(session: Session, reader_id: int, unit_id: int | None) -> None:
    """Put a reader in a unit (or in none)."""
    session.require(*BUSINESS_ROLES)
    db = session.db
    with db.transaction():
        reader = get_reader(db, reader_id)
        before = unit_of(db, reader_id)
        if unit_id is not None and not get_unit(db, unit_id).active:
            raise InvalidInput("该单位已撤销，不能再加入人员。")
        if (before.id if before else None) == unit_id:
            return
        db.execute("UPDATE reader SET unit_id = ? WHERE id = ?", (unit_id, reader_id))
        audit.record(
            db,
            session.clock,
            session.account.login,
            "读者所属单位",
            f"reader:{reader.id}",
            {
                "before": {"unit": before.name if before else None},
                "after": {"unit": get_unit(db, unit_id).name if unit_id is not None else None},
            },
        )


def unit_of(db: Database, reader_id: int) -> Unit | None:
    row = db.one(
        "SELECT u.* FROM unit u JOIN reader r ON r.unit_id = u.id WHERE r.id = ?", (reader_id,)
    )
    return None if row is None else _unit(row)


def members(db: Database, unit_id: int, include_left: bool = False) -> list[Reader]:
    active = "" if include_left else " AND active = 1"
    ids = [
        r[0]
        for r in db.query(
            f"SELECT id FROM reader WHERE unit_id = ?{active} ORDER BY initials", (unit_id,)
        )
    ]
    return [get_reader(db, i) for i in ids]


def member_names(db: Database) -> dict[int, list[str]]:
    """Every unit's active members' names, in one read (for a list of units)."""
    out: dict[int, list[str]] = {}
    for row in db.query(
        "SELECT unit_id, name FROM reader WHERE unit_id IS NOT NULL AND active = 1"
        " ORDER BY initials"
    ):
        out.setdefault(int(row[0]), []).append(str(row[1]))
    return out


def get_unit(db: Database, unit_id: int) -> Unit:
    row = db.one("SELECT * FROM unit WHERE id = ?", (unit_id,))
    if row is None:
        raise MijianError(f"没有编号为 {unit_id} 的单位。")
    return _unit(row)


def find_units(
    db: Database, text: str, *, include_retired: bool = False, limit: int = 20
) -> list[Unit]:
    """By pinyin initials (prefix), name or short name (substring)."""
    text = text.strip()
    active = "" if include_retired else " AND active = 1"
    if not text:
        rows = db.query(
            f"SELECT * FROM unit WHERE 1 = 1{active} ORDER BY initials LIMIT ?", (limit,)
        )
        return [_unit(r) for r in rows]
    rows = db.query(
        f"SELECT * FROM unit WHERE (initials LIKE ? OR name LIKE ? OR short_name LIKE ?){active}"
        " ORDER BY (initials = ?) DESC, (short_name = ? OR name = ?) DESC, initials LIMIT ?",
        (text.lower() + "%", f"%{text}%", f"%{text}%", text.lower(), text, text, limit),
    )
    return [_unit(r) for r in rows]


def list_units(db: Database, include_retired: bool = True) -> list[Unit]:
    where = "" if include_retired else " WHERE active = 1"
    return [_unit(r) for r in db.query(f"SELECT * FROM unit{where} ORDER BY active DESC, initials")]


def _initials(data: UnitInput) -> str:
    return plain_initials(data.name)


def _refuse_name_in_use(db: Database, name: str, own_id: int | None) -> None:
    row = db.one("SELECT id FROM unit WHERE name = ?", (name,))
    if row is not None and row["id"] != own_id:
        raise InvalidInput(f"单位“{name}”已登记。")


def _input_of(unit: Unit) -> UnitInput:
    return UnitInput(unit.name, unit.kind, unit.short_name, unit.contact, unit.phone)


def _as_dict(data: UnitInput) -> dict[str, Any]:
    return {
        "name": data.name,
        "kind": str(data.kind),
        "short_name": data.short_name,
        "contact": data.contact,
        "phone": data.phone,
    }


def _unit(row: Any) -> Unit:
    return Unit(
        row["id"],
        row["name"],
        row["short_name"],
        row["initials"],
        UnitKind(row["kind"]),
        row["contact"],
        row["phone"],
        bool(row["active"]),
    )
