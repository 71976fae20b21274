"""Leader instructions as the room reads them: frozen records, lookups and the page's counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.clock import parse_stamp, stamp
from app.errors import MijianError
from app.numbers import parse_registration_number, registration_number
from db.connection import Database


@dataclass(frozen=True)
class Instruction:
    id: int
    document_id: int
    number: str
    title: str
    leader: str
    given_at: datetime
    text: str
    unit: str
    handler: str
    kind: str
    deadline: datetime
    state: str
    feedback: str | None
    done_at: datetime | None
    flag_reason: str | None = None  # 挂牌督办 (app.supervision), with its reason

    @property
    def flagged(self) -> bool:
        return self.flag_reason is not None

    def due_label(self, now: datetime) -> str:
        if self.state == "已办结":
            return "已办结"
        if now > self.deadline:
            return "逾期"
        if self.deadline.date() == now.date():
            return "今日到期"
        if self.deadline.date() <= (now + timedelta(days=6 - now.weekday())).date():
            return "本周到期"
        return "未到期"


@dataclass(frozen=True)
class Event:
    at: datetime
    account: str
    kind: str
    how: str
    whom: str
    note: str
    old_deadline: str | None
    new_deadline: str | None


_SELECT = """SELECT i.*, d.year, d.serial, d.title FROM instruction i
             JOIN document d ON d.id = i.document_id"""


def get(db: Database, item: int) -> Instruction:
    row = db.one(f"{_SELECT} WHERE i.id = ?", (item,))
    if row is None:
        raise MijianError("没有这条批示。")
    return _instruction(row)


def of_document(db: Database, document_id: int) -> list[Instruction]:
    return [
        _instruction(r)
        for r in db.query(f"{_SELECT} WHERE i.document_id = ? ORDER BY i.id", (document_id,))
    ]


DUE_FILTERS = ("全部时限", "逾期", "今日到期", "本周到期")


@dataclass(frozen=True)
class Listed:
    """One row of the 批示督办 page: the instruction, who holds its document's copies now
    (name（份号）, …) and its last chase (when, how), read in the same query."""

    item: Instruction
    holders: str
    last_chase: tuple[datetime, str] | None


def search(
    db: Database,
    *,
    text: str = "",
    leader: str = "",
    unit: str = "",
    open_only: bool = False,
    year: int | None = None,
    limit: int = 500,
) -> list[Instruction]:
    """By leader, instruction text, document (title, 文号, 收文编号) or 承办单位; soonest due first."""
    where, params = _filters(text, leader, unit, open_only, year)
    rows = db.query(f"{_SELECT} WHERE {where} {_ORDER} LIMIT ?", (*params, limit))
    return [_instruction(r) for r in rows]


def listing(
    db: Database,
    now: datetime,
    *,
    text: str = "",
    leader: str = "",
    unit: str = "",
    open_only: bool = False,
    due: str = "全部时限",
    limit: int = 500,
) -> list[Listed]:
    """The page's rows in one query: the filters (the due filter included, so the limit never
    hides an overdue item behind 500 others), with holders and last chase beside each."""
    where, params = _filters(text, leader, unit, open_only, None)
    if due != "全部时限":
        bounds = _bounds(now)
        low, high = {
            "逾期": (None, bounds[0]),
            "今日到期": (bounds[0], bounds[1]),
            "本周到期": (bounds[0], bounds[2]),
        }[due]
        where += f" AND i.state IN {_OPEN}"
        if low is not None:
            where += " AND i.deadline >= ?"
            params.append(low)
        where += " AND i.deadline < ?"
        params.append(high)
    rows = db.query(
        f"""SELECT i.*, d.year, d.serial, d.title,
              (SELECT group_concat(name || '（' || copy_no || '）', '、') FROM
                 (SELECT r.name, c.copy_no FROM copy c
                  JOIN handover h ON h.copy_id = c.id AND h.back_at IS NULL
                  JOIN reader r ON r.id = h.reader_id
                  WHERE c.document_id = i.document_id ORDER BY c.copy_no)) AS holders,
              (SELECT e.at || ' ' || e.how FROM instruction_event e
                 WHERE e.instruction_id = i.id AND e.kind = '催办'
                 ORDER BY e.id DESC LIMIT 1) AS chased
            FROM instruction i JOIN document d ON d.id = i.document_id
            WHERE {where} {_ORDER} LIMIT ?""",
        (*params, limit),
    )
    listed = []
    for r in rows:
        chased = None
        if r["chased"]:
            at, how = r["chased"].split(" ", 1)
            chased = (parse_stamp(at), how)
        listed.append(Listed(_instruction(r), r["holders"] or "", chased))
    return listed


_OPEN = "('待办', '办理中', '延期')"
_ORDER = "ORDER BY i.state = '已办结', i.deadline"


def _filters(
    text: str, leader: str, unit: str, open_only: bool, year: int | None
) -> tuple[str, list[Any]]:
    clauses, params = ["1 = 1"], []  # type: tuple[list[str], list[Any]]
    if open_only:
        clauses.append(f"i.state IN {_OPEN}")
    if leader.strip():
        clauses.append("instr(i.leader, ?) > 0")
        params.append(leader.strip())
    if unit.strip():
        clauses.append("(instr(i.unit, ?) > 0 OR instr(i.handler, ?) > 0)")
        params += [unit.strip(), unit.strip()]
    if year is not None:
        clauses.append("substr(i.given_at, 1, 4) = ?")
        params.append(str(year))
    if text.strip():
        t = text.strip()
        # A 收文编号 or F number (app/numbers.py) is looked up by its key, anything else as text.
        number = parse_registration_number(t) or (0, 0)
        clauses.append(
            "(instr(i.text, ?) > 0 OR instr(d.title, ?) > 0 OR instr(d.doc_number, ?) > 0"
            " OR (d.year = ? AND d.serial = ?))"
        )
        params += [t, t, t, *number]
    return " AND ".join(clauses), params


def _bounds(now: datetime) -> tuple[str, str, str]:
    """now, the start of tomorrow and the start of next Monday, as stamps: the edges of
    Instruction.due_label (逾期 < now ≤ 今日到期 < tomorrow ≤ 本周到期 < next Monday)."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = midnight + timedelta(days=1)
    monday = midnight + timedelta(days=7 - now.weekday())
    return stamp(now), stamp(tomorrow), stamp(monday)


def events(db: Database, item: int) -> list[Event]:
    rows = db.query("SELECT * FROM instruction_event WHERE instruction_id = ? ORDER BY id", (item,))
    return [
        Event(
            parse_stamp(r["at"]),
            r["account"],
            r["kind"],
            r["how"],
            r["whom"],
            r["note"],
            r["old_deadline"],
            r["new_deadline"],
        )
        for r in rows
    ]


def last_chase(db: Database, item: int) -> Event | None:
    found = [e for e in events(db, item) if e.kind == "催办"]
    return found[-1] if found else None


def holders(db: Database, document_id: int) -> list[tuple[str, str, str]]:
    """Who holds the document's copies right now (from the desk): (份号, reader, since)."""
    rows = db.query(
        "SELECT c.copy_no, r.name, h.out_at FROM copy c JOIN handover h ON h.copy_id = c.id"
        " AND h.back_at IS NULL JOIN reader r ON r.id = h.reader_id WHERE c.document_id = ?"
        " ORDER BY c.copy_no",
        (document_id,),
    )
    return [(r[0], r[1], r[2]) for r in rows]


def summary(db: Database, now: datetime) -> dict[str, int]:
    """Counts for the page's header: open, overdue, due today, due this week (one query)."""
    at, tomorrow, monday = _bounds(now)
    row = db.one(
        f"""SELECT count(*),
                   coalesce(sum(deadline < ?), 0),
                   coalesce(sum(deadline >= ? AND deadline < ?), 0),
                   coalesce(sum(deadline >= ? AND deadline < ?), 0)
            FROM instruction WHERE state IN {_OPEN}""",
        (at, at, tomorrow, tomorrow, monday),
    )
    assert row is not None
    return {"在办": row[0], "逾期": row[1], "今日到期": row[2], "本周到期": row[3]}


def _instruction(row: Any) -> Instruction:
    return Instruction(
        row["id"],
        row["document_id"],
        registration_number(row["year"], row["serial"]),
        row["title"],
        row["leader"],
        parse_stamp(row["given_at"]),
        row["text"],
        row["unit"],
        row["handler"],
        row["kind"],
        parse_stamp(row["deadline"]),
        row["state"],
        row["feedback"],
        parse_stamp(row["done_at"]) if row["done_at"] else None,
        row["flag_reason"],
    )
