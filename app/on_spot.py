"""在室阅读: a 绝密 copy read in the room, the custodian present (即阅即批即退, seed 000).

At the desk a 绝密 copy is offered for reading on the spot instead of being handed out
(app.refusals: RefusalKind.ON_SPOT refuses the checkout unless the 保密员 lifts it with the
单位负责人 named). The reading is a handover marked `on_spot`, with the custodian who confirmed
being present: the copy's record, the out-list and the day's close see it like any other
holding, and the desk's return ends it (app.desk.close_handover writes how long it lasted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from app import audit
from app.clock import parse_stamp, stamp
from app.desk import check_open, due_time
from app.errors import InvalidInput
from app.numbers import registration_number
from app.refusals import RefusalKind, refusals
from app.registry import add_copy_event
from app.roles import BUSINESS_ROLES, Role
from app.scanning import active_reader, copy_ref
from app.vocab import CopyState, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

NOT_PRESENT = "在室阅读须机要员在场监阅：请确认在场后再开始。"


@dataclass(frozen=True)
class Reading:
    handover_id: int
    copy_id: int
    label: str
    title: str
    reader: str
    since: datetime
    present_by: str

    def elapsed(self, now: datetime) -> str:
        """How long it has run, as the desk's timer shows it: 05:07 or 1:05:07."""
        seconds = max(0, int((now - self.since).total_seconds()))
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def start(session: Session, reader_id: int, copy_id: int, present: bool) -> Reading:
    """Begin `reader_id`'s reading of `copy_id` in the room; `present`: the custodian at the
    desk confirms being present. Every refusal but ON_SPOT itself still holds."""
    session.require(Role.CUSTODIAN)
    if not present:
        raise InvalidInput(NOT_PRESENT)
    db = session.db
    now = session.clock.now()
    with db.transaction():
        check_open(db, now)
        reader = active_reader(db, reader_id)
        copy = copy_ref(db, copy_id)
        found = [r for r in refusals(db, reader, copy, now) if r.kind is not RefusalKind.ON_SPOT]
        if found:
            raise InvalidInput(found[0].message)
        due = due_time(db, copy, now)
        cursor = db.execute(
            "INSERT INTO handover (copy_id, reader_id, out_at, due_at, out_by, on_spot,"
            " present_by) VALUES (?, ?, ?, ?, ?, 1, ?)",
            (
                copy_id,
                reader.id,
                stamp(now),
                stamp(max(due, now)),
                session.account.login,
                session.account.login,
            ),
        )
        db.execute(f"UPDATE copy SET state = {sql_value(CopyState.LENT)} WHERE id = ?", (copy_id,))
        details = {"reader": reader.name, "present": session.account.login}
        add_copy_event(db, copy_id, now, session.account.login, "在室阅读", details)
        audit.record(
            db, session.clock, session.account.login, "在室阅读", f"copy:{copy.label}", details
        )
        handover_id = int(cursor.lastrowid)
    return Reading(
        handover_id, copy_id, copy.label, copy.title, reader.name, now, session.account.login
    )


_READINGS = """SELECT h.id, h.copy_id, h.out_at, h.present_by, r.name, c.copy_no, d.year,
       d.serial, d.title
FROM handover h INDEXED BY handover_open_due
JOIN reader r ON r.id = h.reader_id JOIN copy c ON c.id = h.copy_id
JOIN document d ON d.id = c.document_id
WHERE h.back_at IS NULL AND h.on_spot = 1 ORDER BY h.out_at"""


def under_way(db: Database) -> list[Reading]:
    """Every reading in the room now, the earliest first (the desk's timers)."""
    return [
        Reading(
            r["id"],
            r["copy_id"],
            f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份",
            r["title"],
            r["name"],
            parse_stamp(r["out_at"]),
            r["present_by"],
        )
        for r in db.query(_READINGS)
    ]


def read_under_way(session: Session) -> list[Reading]:
    session.require(*BUSINESS_ROLES)
    return under_way(session.db)
