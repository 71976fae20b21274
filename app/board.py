"""今日时限: every time limit due today or overdue, in one list ordered by urgency.

The custodian's first screen each morning (issue 16): a registration's 办理时限 (办件, 阅件,
telegrams), a copy out past or at its reading limit (借出), a leader's 批示 — each row with who
physically holds the document's copies now and the last 催办. 挂牌督办 instructions come first
whatever their deadline, after only a classified copy out past its time (密件不过夜: the room's
first rule is being broken while it stays out). 催办 of a 批示 goes to its own log (app.instructions.chase); of
anything else, to this board's chase log, audited.

Reads: one query for the rows (each source walks its own partial index in deadline order and
is cut at `limit` before the merge, so 100,000 open items are never sorted), one for the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from app import audit, instructions, sign_clock, text_rules
from app.clock import parse_stamp, stamp
from app.errors import InvalidInput, MijianError
from app.numbers import registration_number
from app.roles import BUSINESS_ROLES, Role
from app.vocab import Level
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


class Kind(StrEnum):
    INSTRUCTION = "批示"
    HANDLE = "办件"
    READ = "阅件"
    TELEGRAM = "电报"
    OUT = "借出"


# Most urgent first, within the same deadline.
URGENCY_RANK = {"特提": 0, "特急": 1, "加急": 2, "平急": 3, "平件": 4}
CHASE_WAYS = instructions.CHASE_WAYS
# A registration is open while its 办理时限 is set, it is neither voided nor 办结 (answered,
# app.completion), and it is not a 阅件 read through by its whole route. This string is the
# partial index document_open_deadline's own condition, word for word (migration 0018; a test
# compares them), so a count is an index count. Columns are unqualified so that the same text
# serves the index and the queries (each reads `document` alone in its subquery).
REGISTRATION_OPEN = (
    "deadline IS NOT NULL AND voided_at IS NULL AND done_at IS NULL"
    " AND (handling = '办件' OR reading_state IS NOT '已阅毕')"
)


@dataclass(frozen=True)
class Item:
    kind: Kind
    key: int  # the instruction, document or handover id, by kind
    document_id: int
    copy_id: int | None
    copy_no: str  # 借出: the copy out
    number: str
    title: str
    level: str
    urgency: str
    due: datetime
    flagged: bool
    who: str  # 批示: leader; 借出: the reader; others: ''
    chase_to: str  # 批示: the 承办人 or 承办单位 (else the leader); 借出: the reader
    holders: str  # who physically holds the document's copies now: 张三（000031）、…
    last_chase: tuple[datetime, str] | None
    sign_late: bool = False  # signed for late at the exchange (app.sign_clock)

    def overdue(self, now: datetime) -> bool:
        return self.due <= now

    @property
    def label(self) -> str:
        return f"{self.number} 第{self.copy_no}份" if self.copy_no else self.number


@dataclass(frozen=True)
class Count:
    total: int
    overdue: int
    flagged: int
    late_signs: int = 0  # today's sign-fors at the exchange that were late


def when_text(at: datetime, now: datetime) -> str:
    """A time on the board: 11-20 17:30 this year, 2025-12-30 17:30 for an older (or later)
    year, so an item left over from last year never reads as this year's."""
    return f"{at:%m-%d %H:%M}" if at.year == now.year else f"{at:%Y-%m-%d %H:%M}"


def end_of_today(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


_HOLDERS = """(SELECT group_concat(name || '（' || copy_no || '）', '、') FROM
    (SELECT r.name, c.copy_no FROM copy c
     JOIN handover h ON h.copy_id = c.id AND h.back_at IS NULL
     JOIN reader r ON r.id = h.reader_id
     WHERE c.document_id = u.document_id ORDER BY c.copy_no))"""

_LAST_CHASE = f"""CASE u.kind
    WHEN '批示' THEN (SELECT e.at || ' ' || e.how FROM instruction_event e
                      WHERE e.instruction_id = u.key AND e.kind = '催办' ORDER BY e.id DESC LIMIT 1)
    WHEN '{Kind.OUT}' THEN (SELECT k.at || ' ' || k.how FROM chase k
                      WHERE k.copy_id = u.copy_id ORDER BY k.id DESC LIMIT 1)
    ELSE (SELECT k.at || ' ' || k.how FROM chase k
          WHERE k.document_id = u.document_id AND k.copy_id IS NULL ORDER BY k.id DESC LIMIT 1)
    END"""

_OPEN = "state <> '已办结'"
_URGENCY = " ".join(f"WHEN '{k}' THEN {v}" for k, v in URGENCY_RANK.items())

_ROWS = f"""
SELECT u.*, d.year, d.serial, d.title, d.level, d.urgency, {_HOLDERS} AS holders,
       {_LAST_CHASE} AS chased, coalesce(d.received_at > d.sign_due, 0) AS sign_late
FROM (
    SELECT * FROM (SELECT '批示' AS kind, i.id AS key, i.document_id, NULL AS copy_id,
                          NULL AS copy_no, i.deadline AS due, 1 AS flagged, i.leader AS who,
                          coalesce(nullif(i.handler, ''), nullif(i.unit, ''), i.leader) AS chase_to
                   FROM instruction i INDEXED BY instruction_flagged
                   WHERE i.flagged_at IS NOT NULL AND i.{_OPEN}
                   ORDER BY i.deadline LIMIT :limit)
    UNION ALL
    SELECT * FROM (SELECT '批示', i.id, i.document_id, NULL, NULL, i.deadline, 0, i.leader,
                          coalesce(nullif(i.handler, ''), nullif(i.unit, ''), i.leader)
                   FROM instruction i INDEXED BY instruction_open_due
                   WHERE i.{_OPEN} AND i.deadline < :end AND i.flagged_at IS NULL
                   ORDER BY i.deadline LIMIT :limit)
    UNION ALL
    SELECT * FROM (SELECT CASE WHEN d.telegram THEN '电报' ELSE d.handling END, d.id, d.id,
                          NULL, NULL, d.deadline, 0, '', ''
                   FROM document d INDEXED BY document_open_deadline
                   WHERE {REGISTRATION_OPEN} AND deadline < :end
                   ORDER BY deadline LIMIT :limit)
    UNION ALL
    SELECT * FROM (SELECT '{Kind.OUT}', h.id, c.document_id, h.copy_id, c.copy_no, h.due_at, 0, r.name,
                          r.name
                   FROM handover h INDEXED BY handover_open_due
                   JOIN copy c ON c.id = h.copy_id JOIN reader r ON r.id = h.reader_id
                   WHERE h.back_at IS NULL AND h.due_at < :end
                   ORDER BY h.due_at LIMIT :limit)
) AS u JOIN document d ON d.id = u.document_id
ORDER BY u.kind = '{Kind.OUT}' AND d.level <> '{Level.UNCLASSIFIED}' AND u.due < :now DESC,
         u.flagged DESC, u.due, CASE d.urgency {_URGENCY} END
LIMIT :limit"""


def items(db: Database, now: datetime, limit: int = 300) -> list[Item]:
    """The board's rows, most urgent first: a classified copy out past its time, then 挂牌督办,
    then by deadline (the overdue are the earliest), then by 紧急程度. At most `limit` rows;
    `count` gives the whole."""
    rows = db.query(_ROWS, {"end": stamp(end_of_today(now)), "now": stamp(now), "limit": limit})
    found = []
    for r in rows:
        chased = None
        if r["chased"]:
            at, how = r["chased"].split(" ", 1)
            chased = (parse_stamp(at), how)
        found.append(
            Item(
                Kind(r["kind"]),
                r["key"],
                r["document_id"],
                r["copy_id"],
                r["copy_no"] or "",
                registration_number(r["year"], r["serial"]),
                r["title"],
                r["level"],
                r["urgency"],
                parse_stamp(r["due"]),
                bool(r["flagged"]),
                r["who"],
                r["chase_to"],
                # 借出: the one copy this row is about; otherwise every copy out now
                f"{r['who']}（{r['copy_no']}）" if r["copy_no"] else r["holders"] or "",
                chased,
                bool(r["sign_late"]),
            )
        )
    return found


_COUNT = f"""SELECT
    (SELECT count(*) FROM instruction INDEXED BY instruction_open_due
     WHERE {_OPEN} AND deadline < :end),
    (SELECT count(*) FROM instruction INDEXED BY instruction_open_due
     WHERE {_OPEN} AND deadline <= :now),
    (SELECT count(*) FROM document INDEXED BY document_open_deadline
     WHERE {REGISTRATION_OPEN} AND deadline < :end),
    (SELECT count(*) FROM document INDEXED BY document_open_deadline
     WHERE {REGISTRATION_OPEN} AND deadline <= :now),
    (SELECT count(*) FROM handover INDEXED BY handover_open_due
     WHERE back_at IS NULL AND due_at < :end),
    (SELECT count(*) FROM handover INDEXED BY handover_open_due
     WHERE back_at IS NULL AND due_at <= :now),
    (SELECT count(*) FROM instruction INDEXED BY instruction_flagged
     WHERE flagged_at IS NOT NULL AND {_OPEN}),
    (SELECT count(*) FROM instruction INDEXED BY instruction_flagged
     WHERE flagged_at IS NOT NULL AND {_OPEN} AND deadline >= :end)"""


def count(db: Database, now: datetime) -> Count:
    """How many items are due today or overdue, how many overdue, how many flagged (for the
    status bar): one query over the same partial indexes."""
    end, at = stamp(end_of_today(now)), stamp(now)
    row = db.one(
        _COUNT,
        {"end": end, "now": at},
    )
    assert row is not None
    # Flagged instructions due later than today are on the board too.
    late = sign_clock.count_late(db, now.date(), now)
    return Count(row[0] + row[2] + row[4] + row[7], row[1] + row[3] + row[5], row[6], late)


def read_items(session: Session, limit: int = 300) -> list[Item]:
    """The board for a business role (the read path's role check)."""
    session.require(*BUSINESS_ROLES)
    return items(session.db, session.clock.now(), limit)


# ---- 催办 --------------------------------------------------------------------------------------
def default_whom(item: Item) -> str:
    """Whom a one-keystroke 催办 names: the reader holding the copy, the instruction's 承办,
    else whoever holds the document's copies, else the 承办单位 in general."""
    if item.chase_to:
        return item.chase_to
    if item.holders:
        return item.holders.split("（")[0]
    return "承办单位"


def chase(session: Session, item: Item, how: str = "电话", whom: str = "", note: str = "") -> None:
    """催办 one item of the board: a 批示 in its own log, anything else in the board's."""
    session.require(Role.CUSTODIAN)
    whom = whom.strip() or default_whom(item)
    if item.kind == Kind.INSTRUCTION:
        instructions.chase(session, item.key, how, whom, note)
        return
    if how not in CHASE_WAYS:
        raise InvalidInput("催办方式须为 电话、上门 或 督办单。")
    whom = text_rules.clean("chase_whom", whom)
    note = text_rules.clean("chase_note", note)
    db = session.db
    now = session.clock.now()
    with db.transaction():
        doc = db.one("SELECT year, serial FROM document WHERE id = ?", (item.document_id,))
        if doc is None:
            raise MijianError("没有这件登记。")
        db.execute(
            "INSERT INTO chase (item_kind, document_id, copy_id, at, account, how, whom, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(item.kind),
                item.document_id,
                item.copy_id,
                stamp(now),
                session.account.login,
                how,
                whom,
                note,
            ),
        )
        number = registration_number(doc["year"], doc["serial"])
        audit.record(
            db,
            session.clock,
            session.account.login,
            "催办",
            f"document:{number}" if item.copy_id is None else f"copy:{item.label}",
            {"kind": str(item.kind), "how": how, "whom": whom, "note": note},
        )
