"""Room settings kept in the encrypted database; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING

from app import audit
from app.errors import InvalidInput
from app.roles import Role
from db.connection import Database

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
class TimeLimit:
    """One default time limit the room may change; `source` says where the default comes from."""

    key: str
    label: str
    unit: str  # "小时" (clock hours) or "个工作日" (the holiday calendar's working days)
    default: int
    high: int
    source: str


# Every default 办理时限 is a room setting; the defaults are the seeds' figures (DOMAIN.md).
TIME_LIMITS = (
    TimeLimit(
        "limit_urgent_hours",
        "特急件、会议通知",
        "小时",
        2,
        72,
        "种子000：会议通知、特急件做到2小时办结",
    ),
    TimeLimit("limit_ordinary_days", "普通件", "个工作日", 2, 30, "种子000：普通件2天办结"),
    TimeLimit(
        "limit_telegram_urgent_days",
        "特急电报",
        "个工作日",
        2,
        30,
        "种子003：特急电报要求在两天内办结（特提电报即收即办）",
    ),
    TimeLimit(
        "limit_telegram_other_days",
        "加急、平急电报",
        "个工作日",
        6,
        30,
        "种子003：其他电报最长不超过6天",
    ),
    TimeLimit(
        "limit_policy_days",
        "政策性批示件",
        "个工作日",
        3,
        30,
        "种子003的“政策性3天”原是本机关发文的审核时限，不是收文批示的规定；本室可改",
    ),
    TimeLimit(
        "limit_routine_days",
        "事务性批示件",
        "个工作日",
        1,
        30,
        "种子003的“事务性1个工作日”原是本机关发文的审核时限，不是收文批示的规定；本室可改",
    ),
    # Seed 000 gives its figures in the paragraph on reading: they are 阅件 limits too (the
    # time to read the whole 阅文范围), kept apart so that a room may set them differently.
    TimeLimit(
        "limit_reading_urgent_hours",
        "特急阅件",
        "小时",
        2,
        72,
        "种子000（规范文件阅读）：会议通知、特急件做到2小时办结",
    ),
    TimeLimit(
        "limit_reading_days",
        "普通阅件",
        "个工作日",
        2,
        30,
        "种子000（规范文件阅读）：普通件2天办结",
    ),
    # "At once" is a real limit, not the instant of receipt: a 特提 telegram's 办理时限 and a
    # 特急 item's sign-for at the exchange are due this many minutes after.
    TimeLimit(
        "limit_at_once_minutes",
        "即办（特提电报、特急件签收）",
        "分钟",
        30,
        240,
        "种子003：特提电报即收即办，特急件即到即签；“即时”按本室设定的分钟数计",
    ),
    TimeLimit("limit_sign_urgent_hours", "加急件签收", "小时", 4, 24, "种子003：加急件4小时内签收"),
    TimeLimit(
        "limit_sign_ordinary_hours", "普通件签收", "小时", 8, 48, "种子003：普通件8小时内签收"
    ),
)
TIME_LIMIT_KEYS = {limit.key: limit for limit in TIME_LIMITS}
DEFAULTS.update({limit.key: str(limit.default) for limit in TIME_LIMITS})


@dataclass(frozen=True)
class TimeLimits:
    urgent_hours: int  # 特急 and 会议通知, clock hours
    ordinary_days: int  # everything else, working days
    telegram_urgent_days: int
    telegram_other_days: int  # 加急 and 平急 telegrams (特提: at once)
    policy_days: int  # 政策性 instructions
    routine_days: int  # 事务性 instructions
    reading_urgent_hours: int  # 特急 阅件: the whole 阅文范围 read within, clock hours
    reading_days: int  # other 阅件, working days
    at_once_minutes: int  # 特提 telegrams' 办理时限, 特急 (and 特提) sign-for at the exchange
    sign_urgent_hours: int  # 加急 sign-for at the exchange, clock hours
    sign_ordinary_hours: int  # other sign-for at the exchange, clock hours


@dataclass(frozen=True)
class Settings:
    idle_lock_minutes: int
    close_time: time  # classified copies are due back by then, every day
    working_days: tuple[int, ...]  # ISO weekdays, Monday = 1
    unclassified_loan_days: int
    recall_deadline: tuple[int, int]  # (month, day) of the year after the one recalled
    time_limits: TimeLimits


def _values(db: Database) -> dict[str, str]:
    values = dict(DEFAULTS)
    values.update({r["key"]: r["value"] for r in db.query("SELECT key, value FROM setting")})
    return values


def load_time_limits(db: Database) -> TimeLimits:
    return _time_limits(_values(db))


def time_limit_values(db: Database) -> dict[str, int]:
    """Each TIME_LIMITS key with its current value (the settings page shows them so)."""
    values = _values(db)
    return {limit.key: int(values[limit.key]) for limit in TIME_LIMITS}


def _time_limits(values: dict[str, str]) -> TimeLimits:
    return TimeLimits(*(int(values[limit.key]) for limit in TIME_LIMITS))


def load(db: Database) -> Settings:
    values = _values(db)
    hour, minute = values["close_time"].split(":")
    return Settings(
        idle_lock_minutes=int(values["idle_lock_minutes"]),
        close_time=time(int(hour), int(minute)),
        working_days=tuple(int(d) for d in values["working_days"].split(",") if d),
        unclassified_loan_days=int(values["unclassified_loan_days"]),
        recall_deadline=_month_day(values["recall_deadline"]),
        time_limits=_time_limits(values),
    )


def set_time_limit(session: Session, key: str, value: int) -> Settings:
    """Change one default time limit (system administrator, like the other room settings)."""
    session.require(Role.SYSADMIN)
    limit = TIME_LIMIT_KEYS.get(key)
    if limit is None:
        raise InvalidInput("没有这项时限设置。")
    if not 1 <= value <= limit.high:
        raise InvalidInput(f"{limit.label}的时限须在 1 到 {limit.high} {limit.unit}之间。")
    db = session.db
    with db.transaction():
        before = int(_values(db)[key])
        if before == value:
            return load(db)
        db.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "修改设置",
            f"setting:{key}",
            {"before": before, "after": value},
        )
    return load(db)


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
