"""保密柜: the room's cabinets (name, location, keeper) and where each copy is kept
(密级文件专人专柜保管, seed 000). Kept by the custodian; moving a copy is a scan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import audit, scanning, text_rules
from app.clock import stamp
from app.errors import InvalidInput, MijianError
from app.registry import add_copy_event
from app.roles import BUSINESS_ROLES, Role
from app.scanning import CopyRef
from app.vocab import IN_ROOM, CopyState, sql_in
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

# A copy in one of IN_ROOM's states (app.vocab) is in the room and has a place.


@dataclass(frozen=True)
class Cabinet:
    id: int
    name: str
    location: str
    keeper: str


@dataclass(frozen=True)
class CabinetRow:
    """A cabinet with the number of copies recorded in it now (in the room)."""

    cabinet: Cabinet
    copies: int


@dataclass(frozen=True)
class Placed:
    copy: CopyRef
    cabinet: Cabinet
    before: Cabinet | None

    @property
    def message(self) -> str:
        if self.before is None:
            return f"{self.copy.label} 已放入 {self.cabinet.name}。"
        if self.before.id == self.cabinet.id:
            return f"{self.copy.label} 已在 {self.cabinet.name}，未移动。"
        return f"{self.copy.label} 已从 {self.before.name} 移到 {self.cabinet.name}。"


def add_cabinet(session: Session, name: str, location: str = "", keeper: str = "") -> Cabinet:
    session.require(Role.CUSTODIAN)
    name = text_rules.clean("cabinet", name)
    if not name:
        raise InvalidInput("请填写保密柜名称。")
    location = text_rules.clean("cabinet_location", location)
    keeper = text_rules.clean("cabinet_keeper", keeper)
    db = session.db
    with db.transaction():
        if db.one("SELECT 1 FROM cabinet WHERE name = ?", (name,)):
            raise InvalidInput(f"保密柜“{name}”已存在。")
        cursor = db.execute(
            "INSERT INTO cabinet (name, location, keeper, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (name, location, keeper, stamp(session.clock.now()), session.account.login),
        )
        cabinet_id = int(cursor.lastrowid)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "新增保密柜",
            f"cabinet:{cabinet_id}",
            {"after": {"name": name, "location": location, "keeper": keeper}},
        )
    return get(db, cabinet_id)


def get(db: Database, cabinet_id: int) -> Cabinet:
    row = db.one("SELECT id, name, location, keeper FROM cabinet WHERE id = ?", (cabinet_id,))
    if row is None:
        raise MijianError(f"没有编号为 {cabinet_id} 的保密柜。")
    return Cabinet(row["id"], row["name"], row["location"], row["keeper"])


def listing(session: Session) -> list[CabinetRow]:
    """Every cabinet, by name, with its copies in the room now."""
    session.require(*BUSINESS_ROLES)
    db = session.db
    counts = {
        r[0]: r[1]
        for r in db.query(
            "SELECT cabinet_id, count(*) FROM copy WHERE cabinet_id IS NOT NULL"
            f" AND state IN {sql_in(IN_ROOM)} GROUP BY cabinet_id"
        )
    }
    rows = db.query("SELECT id, name, location, keeper FROM cabinet ORDER BY name")
    return [
        CabinetRow(Cabinet(r["id"], r["name"], r["location"], r["keeper"]), counts.get(r["id"], 0))
        for r in rows
    ]


def place_of(db: Database, copy_id: int) -> Cabinet | None:
    row = db.one("SELECT cabinet_id FROM copy WHERE id = ?", (copy_id,))
    if row is None or row[0] is None:
        return None
    return get(db, int(row[0]))


def place_by_scan(session: Session, cabinet_id: int, code: str) -> Placed:
    """Put the scanned copy in the cabinet (入柜, or a move from another). A forged or retired
    code is refused and audited by scanning.scan; a reader's badge is not a copy."""
    session.require(Role.CUSTODIAN)
    found = scanning.scan(session, code)
    if found.copy is None:
        raise InvalidInput("扫描到的是读者证件，不是文件；请扫描处理笺或标签上的二维码。")
    return place(session, cabinet_id, found.copy.copy_id)


def place(session: Session, cabinet_id: int, copy_id: int) -> Placed:
    session.require(Role.CUSTODIAN)
    db = session.db
    with db.transaction():
        cabinet = get(db, cabinet_id)
        copy = scanning.copy_ref(db, copy_id)
        if copy.state not in IN_ROOM:
            raise InvalidInput(_not_in_room(copy))
        before = place_of(db, copy_id)
        if before is not None and before.id == cabinet.id:
            return Placed(copy, cabinet, before)
        now = session.clock.now()
        db.execute("UPDATE copy SET cabinet_id = ? WHERE id = ?", (cabinet.id, copy_id))
        details = {"from": before.name if before else None, "to": cabinet.name}
        add_copy_event(db, copy_id, now, session.account.login, "入柜", details)
        audit.record(
            db, session.clock, session.account.login, "入柜", f"copy:{copy.label}", details
        )
    return Placed(copy, cabinet, before)


def _not_in_room(copy: CopyRef) -> str:
    if copy.state == CopyState.LENT:
        return f"{copy.label} 借出未还：请先在借阅台收回，再放入保密柜。"
    if copy.state == CopyState.LOST:
        return f"{copy.label} 记为遗失：找回须先由保密员处理遗失事件，再入柜。"
    return f"{copy.label} {copy.state}，已不在本室保管，不能入柜。"


def place_as_registered(session: Session) -> int:
    """Put every copy in the room that has no place yet into the cabinet its registration
    names (收文登记's 保密柜 field, typed text), where a cabinet of exactly that name exists.
    One audit event for the batch, a custody event per copy. Returns how many were placed."""
    session.require(Role.CUSTODIAN)
    db = session.db
    now = session.clock.now()
    with db.transaction():
        rows = db.query(
            "SELECT c.id, k.id AS cabinet_id FROM copy c JOIN document d ON d.id = c.document_id"
            " JOIN cabinet k ON k.name = d.cabinet"
            f" WHERE c.cabinet_id IS NULL AND c.state IN {sql_in(IN_ROOM)} AND d.voided_at IS NULL"
        )
        by_cabinet: dict[int, int] = {}
        for r in rows:
            db.execute("UPDATE copy SET cabinet_id = ? WHERE id = ?", (r["cabinet_id"], r["id"]))
            add_copy_event(
                db, r["id"], now, session.account.login, "入柜", {"from": None, "by": "登记"}
            )
            by_cabinet[r["cabinet_id"]] = by_cabinet.get(r["cabinet_id"], 0) + 1
        if rows:
            audit.record(
                db,
                session.clock,
                session.account.login,
                "按登记入柜",
                "cabinet",
                {get(db, k).name: n for k, n in sorted(by_cabinet.items())},
            )
    return len(rows)
