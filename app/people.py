"""Readers (the people who receive copies across the counter) and their groups.

Kept by the 保密员 (the business approver): 涉密等级 decides what a reader may hold. Someone
who leaves is marked as left, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from app import audit, departure, text_rules
from app.clock import stamp
from app.errors import InvalidInput, MijianError
from app.pinyin import initials
from app.roles import Role

# The 涉密等级 live in app.vocab; re-exported here for the pages that list readers.
from app.vocab import CLEARANCE_LABELS as CLEARANCE_LABELS
from app.vocab import CLEARANCES as CLEARANCES
from app.vocab import Clearance
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class Reader:
    id: int
    name: str
    initials: str
    unit: str
    position: str
    clearance: str
    phone: str
    badge_code: str | None
    active: bool


@dataclass(frozen=True)
class ReaderInput:
    name: str
    unit: str = ""
    position: str = ""
    clearance: str = Clearance.GENERAL
    phone: str = ""
    badge_code: str | None = None


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    member_ids: tuple[int, ...]


def _validate(data: ReaderInput) -> ReaderInput:
    name = text_rules.clean("reader_name", data.name)
    if not name:
        raise InvalidInput("请填写读者姓名（不超过 20 个字）。")
    if data.clearance not in CLEARANCES:
        raise InvalidInput("涉密等级须为 核心、重要、一般 或 非涉密。")
    badge = text_rules.clean("badge_code", data.badge_code or "").upper() or None
    return replace(
        data,
        name=name,
        unit=text_rules.clean("reader_unit", data.unit),
        position=text_rules.clean("position", data.position),
        phone=text_rules.clean("phone", data.phone),
        badge_code=badge,
    )


def add_reader(session: Session, data: ReaderInput) -> Reader:
    session.require(Role.APPROVER)
    data = _validate(data)
    db = session.db
    with db.transaction():
        _refuse_badge_in_use(db, data.badge_code, None)
        cursor = db.execute(
            "INSERT INTO reader (name, initials, unit, position, clearance, phone, badge_code, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                data.name,
                initials(data.name),
                data.unit,
                data.position,
                data.clearance,
                data.phone,
                data.badge_code,
                stamp(session.clock.now()),
            ),
        )
        reader_id = int(cursor.lastrowid)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "新增读者",
            f"reader:{reader_id}",
            {"after": _as_dict(data)},
        )
    return get_reader(db, reader_id)


def update_reader(session: Session, reader_id: int, data: ReaderInput) -> Reader:
    session.require(Role.APPROVER)
    data = _validate(data)
    db = session.db
    with db.transaction():
        before = get_reader(db, reader_id)
        _refuse_badge_in_use(db, data.badge_code, reader_id)
        db.execute(
            "UPDATE reader SET name = ?, initials = ?, unit = ?, position = ?, clearance = ?,"
            " phone = ?, badge_code = ? WHERE id = ?",
            (
                data.name,
                initials(data.name),
                data.unit,
                data.position,
                data.clearance,
                data.phone,
                data.badge_code,
                reader_id,
            ),
        )
        after = _as_dict(data)
        changed = {k: v for k, v in _as_dict(_input_of(before)).items() if after[k] != v}
        audit.record(
            db,
            session.clock,
            session.account.login,
            "修改读者",
            f"reader:{reader_id}",
            {"before": changed, "after": {k: after[k] for k in changed}},
        )
    return get_reader(db, reader_id)


def mark_left(session: Session, reader_id: int) -> None:
    """离岗 (left, transferred, retired): refused while the reader still holds anything
    (调离前清退, app.departure.StillHolding lists it)."""
    session.require(Role.APPROVER)
    db = session.db
    with db.transaction():
        reader = get_reader(db, reader_id)
        if not reader.active:
            raise InvalidInput(f"{reader.name} 已是离岗状态。")
        departure.refuse_if_holding(db, reader.id, reader.name)
        db.execute(
            "UPDATE reader SET active = 0, left_at = ? WHERE id = ?",
            (stamp(session.clock.now()), reader_id),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "读者离岗",
            f"reader:{reader_id}",
            {"before": {"active": True}, "after": {"active": False}},
        )


def get_reader(db: Database, reader_id: int) -> Reader:
    row = db.one("SELECT * FROM reader WHERE id = ?", (reader_id,))
    if row is None:
        raise MijianError(f"没有编号为 {reader_id} 的读者。")
    return _reader(row)


def find_readers(
    db: Database, text: str, *, include_left: bool = False, limit: int = 20
) -> list[Reader]:
    """By pinyin initials (prefix), name (substring) or badge code (exact)."""
    text = text.strip()
    active = "" if include_left else " AND active = 1"
    if not text:
        rows = db.query(f"SELECT * FROM reader WHERE 1 = 1{active} ORDER BY name LIMIT ?", (limit,))
        return [_reader(r) for r in rows]
    rows = db.query(
        f"SELECT * FROM reader WHERE (initials LIKE ? OR name LIKE ? OR badge_code = ?){active}"
        " ORDER BY (initials = ?) DESC, initials, name LIMIT ?",
        (text.lower() + "%", f"%{text}%", text.upper(), text.lower(), limit),
    )
    return [_reader(r) for r in rows]


def list_readers(db: Database, include_left: bool = True) -> list[Reader]:
    where = "" if include_left else " WHERE active = 1"
    return [
        _reader(r) for r in db.query(f"SELECT * FROM reader{where} ORDER BY active DESC, initials")
    ]


def add_group(session: Session, name: str, member_ids: list[int]) -> Group:
    session.require(Role.APPROVER)
    name = text_rules.clean("group_name", name)
    if not name:
        raise InvalidInput("请填写分组名称。")
    db = session.db
    with db.transaction():
        if db.one("SELECT 1 FROM reader_group WHERE name = ?", (name,)):
            raise InvalidInput(f"分组“{name}”已存在。")
        cursor = db.execute(
            "INSERT INTO reader_group (name, created_at) VALUES (?, ?)",
            (name, stamp(session.clock.now())),
        )
        group_id = int(cursor.lastrowid)
        for reader_id in member_ids:
            get_reader(db, reader_id)
            db.execute(
                "INSERT INTO reader_group_member (group_id, reader_id) VALUES (?, ?)",
                (group_id, reader_id),
            )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "新增读者分组",
            f"group:{group_id}",
            {"after": {"name": name, "members": member_ids}},
        )
    return get_group(db, group_id)


def get_group(db: Database, group_id: int) -> Group:
    row = db.one("SELECT id, name FROM reader_group WHERE id = ?", (group_id,))
    if row is None:
        raise MijianError(f"没有编号为 {group_id} 的分组。")
    members = tuple(
        r[0]
        for r in db.query(
            "SELECT reader_id FROM reader_group_member WHERE group_id = ? ORDER BY reader_id",
            (group_id,),
        )
    )
    return Group(row["id"], row["name"], members)


def list_groups(db: Database) -> list[Group]:
    return [get_group(db, r[0]) for r in db.query("SELECT id FROM reader_group ORDER BY name")]


def _refuse_badge_in_use(db: Database, badge: str | None, own_id: int | None) -> None:
    if badge is None:
        return
    row = db.one("SELECT id, name FROM reader WHERE badge_code = ?", (badge,))
    if row is not None and row["id"] != own_id:
        raise InvalidInput(f"证件码 {badge} 已属于 {row['name']}。")


def _input_of(reader: Reader) -> ReaderInput:
    return ReaderInput(
        reader.name, reader.unit, reader.position, reader.clearance, reader.phone, reader.badge_code
    )


def _as_dict(data: ReaderInput) -> dict[str, Any]:
    return {
        "name": data.name,
        "unit": data.unit,
        "position": data.position,
        "clearance": data.clearance,
        "phone": data.phone,
        "badge_code": data.badge_code,
    }


def _reader(row: Any) -> Reader:
    return Reader(
        row["id"],
        row["name"],
        row["initials"],
        row["unit"],
        row["position"],
        row["clearance"],
        row["phone"],
        row["badge_code"],
        bool(row["active"]),
    )
