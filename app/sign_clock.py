"""The exchange's sign-for clock (seed 003: ordinary mail signed for within 8 hours, 加急
within 4, 特急 at once — the room's short limit; app.workdays.sign_deadline).

A registration records when the item was waiting at the exchange (waiting_at) and by when it
should have been signed for (sign_due); it was signed for at its 签收时间 (received_at). A late
sign-for is flagged on the 今日时限 board and counted there and on the day's close sheet. Reads
walk the partial index document_late_sign, which holds the late ones only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from app.clock import parse_stamp, stamp
from app.numbers import registration_number
from app.roles import BUSINESS_ROLES
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class LateSign:
    document_id: int
    number: str
    title: str
    urgency: str
    waiting_at: datetime
    due: datetime
    signed_at: datetime

    @property
    def minutes_late(self) -> int:
        return max(1, round((self.signed_at - self.due).total_seconds() / 60))

    def text(self) -> str:
        late = self.minutes_late
        said = f"{late // 60} 小时 {late % 60} 分钟" if late >= 60 else f"{late} 分钟"
        return (
            f"{self.number}（{self.urgency}，交换站待取 {self.waiting_at:%m-%d %H:%M}，"
            f"应于 {self.due:%m-%d %H:%M} 前签收，{self.signed_at:%m-%d %H:%M} 签收，迟 {said}）"
        )


_LATE = """SELECT id, year, serial, title, urgency, waiting_at, sign_due, received_at
FROM document INDEXED BY document_late_sign
WHERE received_at > sign_due AND received_at >= ? AND received_at < ? AND voided_at IS NULL
ORDER BY received_at"""


def _day(day: date, zone: datetime) -> tuple[str, str]:
    start = datetime.combine(day, time(), zone.tzinfo)
    return stamp(start), stamp(start + timedelta(days=1))


def late_on(db: Database, day: date, now: datetime) -> list[LateSign]:
    """The sign-fors of `day` that were late (`now` gives the room's time zone)."""
    return [
        LateSign(
            r["id"],
            registration_number(r["year"], r["serial"]),
            r["title"],
            r["urgency"],
            parse_stamp(r["waiting_at"]),
            parse_stamp(r["sign_due"]),
            parse_stamp(r["received_at"]),
        )
        for r in db.query(_LATE, _day(day, now))
    ]


def count_late(db: Database, day: date, now: datetime) -> int:
    return int(
        db.scalar(
            "SELECT count(*) FROM document INDEXED BY document_late_sign"
            " WHERE received_at > sign_due AND received_at >= ? AND received_at < ?"
            " AND voided_at IS NULL",
            _day(day, now),
        )
    )


def read_late(session: Session, day: date) -> list[LateSign]:
    session.require(*BUSINESS_ROLES)
    return late_on(session.db, day, session.clock.now())
