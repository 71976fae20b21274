"""Room settings kept in the encrypted database; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING

from app import audit
from app.roles import Role
from db.connection import Database
from db.errors import InvalidInput

if TYPE_CHECKING:
    from app.session import Session

DEFAULTS = {
    "idle_lock_minutes": "10",
    "close_time": "17:30",
    "working_days": "1,2,3,4,5",
    "unclassified_loan_days": "7",
    "recall_deadline": "06-30",
}


@dataclass(frozen=True)
class Settings:
    idle_lock_minutes: int
    close_time: time  # classified copies are due back by then, every day
    working_days: tuple[int, ...]  # ISO weekdays, Monday = 1
    unclassified_loan_days: int
    recall_deadline: tuple[int, int]  # (month, day) of the year after the one recalled


def load(db: Database) -> Settings:
    values = dict(DEFAULTS)
    values.update({r["key"]: r["value"] for r in db.query("SELECT key, value FROM setting")})
    hour, minute = values["close_time"].split(":")
    return Settings(
        idle_lock_minutes=int(values["idle_lock_minutes"]),
        close_time=time(int(hour), int(minute)),
        working_days=tuple(int(d) for d in values["working_days"].split(",") if d),
        unclassified_loan_days=int(values["unclassified_loan_days"]),
        recall_deadline=_month_day(values["recall_deadline"]),
    )


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(p) for p in text.split("-"))
    return month, day


def set_recall_deadline(session: Session, text: str) -> Settings:
    """清退截止日: month and day in the year after the one recalled, `06-30` or `6月30日`."""
    session.require(Role.SYSADMIN)
    cleaned = text.strip().replace("月", "-").replace("日", "").replace("/", "-")
    try:
        month, day = _month_day(cleaned)
        date(2025, month, day)  # a year without 29 February: the date must exist every year
    except ValueError:
        raise InvalidInput("清退截止日请写成 06-30 的形式。") from None
    db = session.db
    value = f"{month:02d}-{day:02d}"
    with db.transaction():
        before = db.scalar("SELECT value FROM setting WHERE key = 'recall_deadline'")
        db.execute(
            "INSERT INTO setting (key, value) VALUES ('recall_deadline', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (value,),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "修改设置",
            "setting:recall_deadline",
            {"before": before, "after": value},
        )
    return load(db)


def set_idle_lock_minutes(session: Session, minutes: int) -> Settings:
    session.require(Role.SYSADMIN)
    if not 1 <= minutes <= 60:
        raise InvalidInput("空闲锁定时间须在 1 到 60 分钟之间。")
    db = session.db
    with db.transaction():
        before = load(db).idle_lock_minutes
        db.execute(
            "INSERT INTO setting (key, value) VALUES ('idle_lock_minutes', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(minutes),),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "修改设置",
            "setting:idle_lock_minutes",
            {"before": before, "after": minutes},
        )
    return load(db)


def set_close_time(session: Session, text: str) -> Settings:
    """闭库时间: classified copies are due back by then. `17:30`, `17：30` or `1730`."""
    session.require(Role.SYSADMIN)
    cleaned = text.strip().replace("：", ":")
    if ":" not in cleaned and len(cleaned) == 4 and cleaned.isdigit():
        cleaned = f"{cleaned[:2]}:{cleaned[2:]}"
    try:
        hour, minute = (int(p) for p in cleaned.split(":"))
        value = time(hour, minute)
    except ValueError:
        raise InvalidInput("闭库时间请写成 17:30 的形式。") from None
    if not time(12, 0) <= value <= time(23, 0):
        raise InvalidInput("闭库时间须在 12:00 到 23:00 之间。")
    db = session.db
    with db.transaction():
        before = db.scalar("SELECT value FROM setting WHERE key = 'close_time'")
        db.execute(
            "INSERT INTO setting (key, value) VALUES ('close_time', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (f"{value:%H:%M}",),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "修改设置",
            "setting:close_time",
            {"before": before, "after": f"{value:%H:%M}"},
        )
    return load(db)
