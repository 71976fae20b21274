"""密级, 保密期限, 紧急程度 and 来文类别 (DOMAIN.md). Default time limits: app.workdays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.vocab import CLASSIFIED as CLASSIFIED  # re-exported: the 密级 live in app.vocab
from app.vocab import LEVELS as LEVELS
from app.vocab import Level

SOURCES = ("中央", "省", "市", "区本级", "下级单位", "信访")
URGENCIES = ("特急", "加急", "平件")
TELEGRAM_URGENCIES = ("特提", "特急", "加急", "平急")
HANDLING = ("办件", "阅件")

# The law's defaults where a document shows no protection period.
DEFAULT_PERIOD_YEARS: dict[str, int] = {
    Level.TOP_SECRET: 30,
    Level.CONFIDENTIAL: 20,
    Level.SECRET: 10,
}


@dataclass(frozen=True)
class Period:
    """保密期限: N 年, N 月, 长期, a 解密日期, a 解密条件 (in words), or 无 (unclassified)."""

    kind: str
    value: str = ""
    defaulted: bool = False

    def label(self, level: str) -> str:
        if level == Level.UNCLASSIFIED or self.kind == "无":
            return level
        text = {
            "年": f"{self.value}年",
            "月": f"{self.value}个月",
            "长期": "长期",
            "解密日期": f"至{self.value}",
            "解密条件": f"解密条件：{self.value}",
        }[self.kind]
        return f"{level}★{text}"


def default_period(level: str) -> Period:
    if level not in DEFAULT_PERIOD_YEARS:
        return Period("无")
    return Period("年", str(DEFAULT_PERIOD_YEARS[level]), defaulted=True)


def period_end(period: Period, written_on: date | None, received: date) -> date | None:
    """When the protection period ends (counted from 成文日期, else from receipt)."""
    start = written_on or received
    if period.kind == "年":
        return _add_months(start, 12 * int(period.value))
    if period.kind == "月":
        return _add_months(start, int(period.value))
    if period.kind == "解密日期":
        return date.fromisoformat(period.value)
    return None


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
