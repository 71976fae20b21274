"""When each cabinet is next due for a check, by the highest 密级 it holds (rooms report 绝密
weekly, 机密 fortnightly, 秘密 monthly; DOMAIN.md). The periods are room settings with those
defaults; a whole-room stocktake counts as a check of every cabinet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from app import cabinets
from app.cabinets import Cabinet
from app.clock import parse_stamp
from app.roles import BUSINESS_ROLES
from app.vocab import CLASSIFIED, IN_ROOM, Level, sql_in
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

# Days between checks by the highest 密级 held, and the setting that changes each. HOOK for the
# lead: the 设置 page may offer these keys; until then they are changed in the setting table.
CADENCE: dict[str, tuple[str, int]] = {
    Level.TOP_SECRET: ("stocktake_days_top_secret", 7),
    Level.CONFIDENTIAL: ("stocktake_days_confidential", 14),
    Level.SECRET: ("stocktake_days_secret", 30),
}


@dataclass(frozen=True)
class Due:
    cabinet: Cabinet
    level: str | None  # the highest 密级 in the cabinet now; None: nothing classified
    last: datetime | None
    due_on: date | None  # None: no cadence applies (nothing classified in it)

    def label(self, today: date) -> str:
        if self.due_on is None:
            return "无密件"
        if self.last is None:
            return "从未清查，应即清查"
        if today > self.due_on:
            return f"已逾期 {(today - self.due_on).days} 天"
        return f"{self.due_on:%Y-%m-%d} 前"

    def overdue(self, today: date) -> bool:
        return self.due_on is not None and (self.last is None or today > self.due_on)


def cadence_days(db: Database) -> dict[str, int]:
    values = {r[0]: r[1] for r in db.query("SELECT key, value FROM setting")}
    return {level: int(values.get(key, default)) for level, (key, default) in CADENCE.items()}


def due(session: Session) -> list[Due]:
    """Every cabinet (by name) with its next check."""
    session.require(*BUSINESS_ROLES)
    db = session.db
    days = cadence_days(db)
    rank: dict[str, int] = {level: i for i, level in enumerate(CLASSIFIED)}  # 绝密 first
    highest: dict[int, str] = {}
    for cabinet_id, level in db.query(
        "SELECT c.cabinet_id, d.level FROM copy c JOIN document d ON d.id = c.document_id"
        f" WHERE c.cabinet_id IS NOT NULL AND c.state IN {sql_in(IN_ROOM)}"
        " GROUP BY c.cabinet_id, d.level"
    ):
        if level in days and rank[level] < rank.get(highest.get(cabinet_id, ""), 99):
            highest[cabinet_id] = level
    checked = {
        r[0]: parse_stamp(r[1])
        for r in db.query(
            "SELECT cabinet_id, max(finished_at) FROM stocktake WHERE finished_at IS NOT NULL"
            " GROUP BY cabinet_id"
        )
    }
    room = checked.get(None)
    found = []
    for row in cabinets.listing(session):
        c = row.cabinet
        last = max((t for t in (checked.get(c.id), room) if t is not None), default=None)
        level = highest.get(c.id)
        if level is None:
            due_on = None
        elif last is None:
            due_on = session.clock.now().date()
        else:
            due_on = last.date() + timedelta(days=days[level])
        found.append(Due(c, level, last, due_on))
    return found
