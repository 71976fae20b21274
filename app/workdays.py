"""Working days: weekends, plus the holidays and make-up workdays (调休) the room enters each
December from the State Council's notice (there is no network to fetch it).

The one place a default 办理时限 is computed, for registrations and instructions alike: the limits
are room settings (app.settings.TIME_LIMITS), the days are this calendar's working days.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from app import audit, settings
from app.errors import InvalidInput
from app.roles import Role
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


def is_workday(db: Database, day: date) -> bool:
    row = db.one("SELECT kind FROM calendar_day WHERE day = ?", (day.isoformat(),))
    if row is not None:
        return bool(row["kind"] == "班")
    return day.weekday() < 5


def add_working_days(db: Database, start: datetime, days: int) -> datetime:
    """`days` working days after `start`, at the same time of day."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if is_workday(db, current.date()):
            left -= 1
    return current


def registration_deadline(
    db: Database, received: datetime, urgency: str, telegram: bool, handling: str
) -> datetime | None:
    """The default 办理时限 of a registration; 阅件 have none by default (their reading limit
    starts with their route: `reading_deadline`).

    特急: hours; ordinary: working days. Telegrams: 特提 at once, 特急 and the others in working
    days. Every figure is a room setting (app.settings.TIME_LIMITS, the seeds' figures by default).
    """
    if handling != "办件":
        return None
    limits = settings.load_time_limits(db)
    if telegram:
        if urgency == "特提":  # 即收即办: a real short limit, a room setting
            return received + timedelta(minutes=limits.at_once_minutes)
        days = limits.telegram_urgent_days if urgency == "特急" else limits.telegram_other_days
        return add_working_days(db, received, days)
    if urgency == "特急":
        return received + timedelta(hours=limits.urgent_hours)
    return add_working_days(db, received, limits.ordinary_days)


def sign_deadline(db: Database, waiting: datetime, urgency: str) -> datetime:
    """By when an item waiting at the exchange since `waiting` should be signed for (seed 003:
    特急 at once — the room's short limit —, 加急 within 4 hours, others within 8; clock hours,
    each a room setting)."""
    limits = settings.load_time_limits(db)
    if urgency in ("特急", "特提"):
        return waiting + timedelta(minutes=limits.at_once_minutes)
    if urgency == "加急":
        return waiting + timedelta(hours=limits.sign_urgent_hours)
    return waiting + timedelta(hours=limits.sign_ordinary_hours)


def reading_deadline(db: Database, received: datetime, urgency: str) -> datetime:
    """A 阅件's reading limit: its whole 阅文范围 read by then. Seed 000 gives the figures in
    its paragraph on reading (特急 2 hours, ordinary 2 days); each is a room setting."""
    limits = settings.load_time_limits(db)
    if urgency in ("特急", "特提"):
        return received + timedelta(hours=limits.reading_urgent_hours)
    return add_working_days(db, received, limits.reading_days)


def instruction_deadline(db: Database, given: datetime, kind: str) -> datetime:
    """The default 办理时限 of a leader's instruction: 特急 and 会议通知 in hours; 政策性,
    事务性 and the others in working days, each a room setting."""
    limits = settings.load_time_limits(db)
    if kind in ("特急", "会议通知"):
        return given + timedelta(hours=limits.urgent_hours)
    days = {"政策性": limits.policy_days, "事务性": limits.routine_days}.get(
        kind, limits.ordinary_days
    )
    return add_working_days(db, given, days)


def warning_for(db: Database, year: int) -> str | None:
    """Said when a year has no calendar entries: only weekends are then known."""
    found = db.scalar("SELECT count(*) FROM calendar_day WHERE substr(day, 1, 4) = ?", (str(year),))
    if found:
        return None
    # Shown on the business pages; only the system administrator has the 设置 page.
    return (
        f"{year} 年的节假日尚未录入，办理时限暂按周末计算。请系统管理员在其“设置 → 节假日”中录入。"
    )


def entries(db: Database, year: int) -> list[tuple[date, str, str]]:
    rows = db.query(
        "SELECT day, kind, note FROM calendar_day WHERE substr(day, 1, 4) = ? ORDER BY day",
        (str(year),),
    )
    return [(date.fromisoformat(r["day"]), r["kind"], r["note"]) for r in rows]


def parse_entries(text: str) -> list[tuple[date, str, str]]:
    """Lines like `2026-10-01 休 国庆节`, `2026-09-27 班 国庆调休`; `2026-10-01~2026-10-07 休 国庆`."""
    found: list[tuple[date, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = re.match(
            r"^(\d{4}-\d{2}-\d{2})(?:\s*[~～至-]\s*(\d{4}-\d{2}-\d{2}))?\s+(休|班)\s*(.*)$", line
        )
        if match is None:
            raise InvalidInput(f"第 {number} 行“{line}”无法识别：请写成 2026-10-01 休 国庆节。")
        try:
            first = date.fromisoformat(match.group(1))
            last = date.fromisoformat(match.group(2)) if match.group(2) else first
        except ValueError:
            raise InvalidInput(f"第 {number} 行的日期无效。") from None
        if last < first or (last - first).days > 31:
            raise InvalidInput(f"第 {number} 行的日期范围不对。")
        day = first
        while day <= last:
            found.append((day, match.group(3), match.group(4).strip()))
            day += timedelta(days=1)
    return found


def set_year(session: Session, year: int, text: str) -> int:
    """Replace the year's entries with those in `text` (system administrator); audited."""
    session.require(Role.SYSADMIN)
    new = parse_entries(text)
    wrong = [d for d, _, _ in new if d.year != year]
    if wrong:
        raise InvalidInput(f"{wrong[0]} 不在 {year} 年。")
    db = session.db
    with db.transaction():
        before = len(entries(db, year))
        db.execute("DELETE FROM calendar_day WHERE substr(day, 1, 4) = ?", (str(year),))
        for day, kind, note in new:
            db.execute(
                "INSERT OR REPLACE INTO calendar_day (day, kind, note) VALUES (?, ?, ?)",
                (day.isoformat(), kind, note),
            )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "修改节假日",
            f"calendar:{year}",
            {"before": before, "after": len(new)},
        )
    return len(new)
