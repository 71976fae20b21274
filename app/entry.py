"""Parsing what the custodian types into the registration form: dates, times, periods, scope."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from app.classification import Period
from app.errors import InvalidInput
from app.numbers import halfwidth_digits
from app.vocab import Level
from db.connection import Database

_DATE = re.compile(r"^\s*(\d{4})\s*[-./年]?\s*(\d{1,2})\s*[-./月]?\s*(\d{1,2})\s*日?\s*$")


def parse_date(text: str, what: str = "日期") -> date | None:
    """`2026-11-10`, `2026.11.10`, `2026/11/10`, `20261110`, `2026年11月10日`; empty → None."""
    text = halfwidth_digits(text.strip())
    if not text:
        return None
    match = _DATE.match(text)
    if match is None:
        raise InvalidInput(f"{what}“{text}”无法识别，请写成 2026-11-10。")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise InvalidInput(f"{what}“{text}”不是有效日期。") from None


def parse_datetime(text: str, zone: tzinfo | None, what: str = "时间") -> datetime | None:
    """`2026-11-10 14:30` (a date alone means 00:00 is not assumed: it is refused)."""
    text = halfwidth_digits(text.strip())
    if not text:
        return None
    match = re.match(r"^(.*?)[\sT]+(\d{1,2})[:：](\d{2})$", text)
    if match is None:
        raise InvalidInput(f"{what}“{text}”无法识别，请写成 2026-11-10 14:30。")
    day = parse_date(match.group(1), what)
    assert day is not None
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise InvalidInput(f"{what}“{text}”不是有效时间。")
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def parse_period(text: str, level: str) -> Period | None:
    """保密期限: empty → None (the level's legal default); `10年`, `6个月`, `长期`, a 解密日期,
    or `解密条件：…` (a condition instead of a period)."""
    text = halfwidth_digits(text.strip())
    if not text:
        return None
    if level == Level.UNCLASSIFIED:
        raise InvalidInput("非密件没有保密期限。")
    if text == "长期":
        return Period("长期")
    condition = re.fullmatch(r"(?:解密)?条件\s*[:：]?\s*(.+)", text)
    if condition:
        return Period("解密条件", _condition(condition.group(1)))
    years = re.fullmatch(r"(\d{1,2})\s*年", text)
    if years:
        return Period("年", str(int(years.group(1))))
    months = re.fullmatch(r"(\d{1,3})\s*个?月", text)
    if months:
        return Period("月", str(int(months.group(1))))
    try:
        day = parse_date(text, "解密日期")
    except InvalidInput:
        raise InvalidInput(
            f"保密期限“{text}”无法识别：可写 10年、6个月、长期、解密日期或“解密条件：……”。"
        ) from None
    assert day is not None
    return Period("解密日期", day.isoformat())


def parse_scope(db: Database, text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """阅文范围: names of readers or groups separated by 、 , ， ; empty means by clearance only."""
    names = [n for n in re.split(r"[、,，;；\s]+", text.strip()) if n]
    readers: list[int] = []
    groups: list[int] = []
    for name in names:
        group = db.one("SELECT id FROM reader_group WHERE name = ?", (name,))
        if group is not None:
            groups.append(int(group[0]))
            continue
        found = db.query("SELECT id FROM reader WHERE name = ? AND active = 1", (name,))
        if len(found) == 1:
            readers.append(int(found[0][0]))
        elif len(found) > 1:
            raise InvalidInput(f"阅文范围中的“{name}”有重名，请在人员中区分后再选。")
        else:
            raise InvalidInput(f"阅文范围中的“{name}”既不是在岗读者，也不是读者分组。")
    return tuple(dict.fromkeys(readers)), tuple(dict.fromkeys(groups))


CONDITION_MAX = 40


def _condition(text: str) -> str:
    """A 解密条件 as written on the document, short enough for the slip's 密级 box."""
    text = text.strip()
    if len(text) < 2:
        raise InvalidInput("请写明解密条件，如“解密条件：项目验收后”。")
    if len(text) > CONDITION_MAX:
        raise InvalidInput(f"解密条件不超过 {CONDITION_MAX} 个字。")
    return text
