"""传阅 as the room reads it: a document's route, who has read it, who is next, where each copy is.

Read-only; the changes are in app.circulation. Times held come from the desk's handover records
(one row per person per copy per handover), which this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.clock import parse_stamp
from app.errors import MijianError
from app.numbers import registration_number
from db.connection import Database

# 阅读层次: the order a route is read in when it is set by rank. A position is ranked by the
# longest of these words it contains (副书记 before 书记 is matched as 副书记).
RANKS = (
    "书记",
    "区长",
    "县长",
    "市长",
    "副书记",
    "常委",
    "副区长",
    "副县长",
    "副市长",
    "秘书长",
    "主任",
    "副主任",
    "部长",
    "副部长",
    "局长",
    "副局长",
    "副秘书长",
    "科长",
    "副科长",
    "科员",
)
_BY_LENGTH = sorted(RANKS, key=len, reverse=True)


def rank_of(position: str) -> int:
    """The reading level of a position: its index in RANKS; unknown positions read last."""
    for word in _BY_LENGTH:
        if word in position:
            return RANKS.index(word)
    return len(RANKS)


@dataclass(frozen=True)
class Held:
    copy_no: str
    out_at: datetime
    back_at: datetime | None

    def minutes(self, now: datetime) -> int:
        return int(((self.back_at or now) - self.out_at) / timedelta(minutes=1))


@dataclass(frozen=True)
class Step:
    """One reader on a document's route."""

    seq: int
    reader_id: int
    name: str
    position: str
    added_kind: str  # 设定 or 扩大
    added_reason: str
    read_at: datetime | None
    instructed: bool
    held: tuple[Held, ...]

    @property
    def holding(self) -> Held | None:
        return next((h for h in self.held if h.back_at is None), None)

    def held_minutes(self, now: datetime) -> int:
        return sum(h.minutes(now) for h in self.held)


@dataclass(frozen=True)
class CopyWhere:
    copy_id: int
    copy_no: str
    state: str
    holder: str | None  # who holds it now, if it is out
    since: datetime | None


@dataclass(frozen=True)
class Removed:
    name: str
    at: datetime
    by: str
    reason: str


@dataclass(frozen=True)
class RouteStatus:
    document_id: int
    number: str
    title: str
    level: str
    steps: tuple[Step, ...]
    removed: tuple[Removed, ...]
    copies: tuple[CopyWhere, ...]

    @property
    def read(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.read_at is not None)

    @property
    def unread(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.read_at is None)

    @property
    def complete(self) -> bool:
        return bool(self.steps) and not self.unread


@dataclass(frozen=True)
class NextReader:
    reader_id: int
    name: str
    position: str
    seq: int


@dataclass(frozen=True)
class SavedRoute:
    id: int
    name: str
    reader_ids: tuple[int, ...]
    names: tuple[str, ...]


def status(db: Database, document_id: int) -> RouteStatus:
    """The document's route with 阅毕 and times held, and where each copy is (four queries)."""
    doc = db.one("SELECT year, serial, title, level FROM document WHERE id = ?", (document_id,))
    if doc is None:
        raise MijianError(f"没有编号为 {document_id} 的登记。")
    steps = db.query(
        """SELECT s.seq, s.reader_id, r.name, r.position, s.added_kind, s.added_reason,
                  s.removed_at, s.removed_by, s.removed_reason, g.read_at, g.instructed
           FROM reading_step s JOIN reader r ON r.id = s.reader_id
           LEFT JOIN reading g ON g.document_id = s.document_id AND g.reader_id = s.reader_id
           WHERE s.document_id = ? ORDER BY s.removed_at IS NOT NULL, s.seq, s.id""",
        (document_id,),
    )
    handovers = db.query(
        """SELECT h.reader_id, c.copy_no, h.out_at, h.back_at FROM copy c
           JOIN handover h ON h.copy_id = c.id WHERE c.document_id = ? ORDER BY h.id""",
        (document_id,),
    )
    held: dict[int, list[Held]] = {}
    for h in handovers:
        held.setdefault(h["reader_id"], []).append(
            Held(
                h["copy_no"],
                parse_stamp(h["out_at"]),
                parse_stamp(h["back_at"]) if h["back_at"] else None,
            )
        )
    live, removed = [], []
    for s in steps:
        if s["removed_at"]:
            removed.append(
                Removed(
                    s["name"], parse_stamp(s["removed_at"]), s["removed_by"], s["removed_reason"]
                )
            )
            continue
        live.append(
            Step(
                s["seq"],
                s["reader_id"],
                s["name"],
                s["position"],
                s["added_kind"],
                s["added_reason"],
                parse_stamp(s["read_at"]) if s["read_at"] else None,
                bool(s["instructed"]),
                tuple(held.get(s["reader_id"], ())),
            )
        )
    return RouteStatus(
        document_id,
        registration_number(doc["year"], doc["serial"]),
        doc["title"],
        doc["level"],
        tuple(live),
        tuple(removed),
        tuple(copies_where(db, document_id)),
    )


def copies_where(db: Database, document_id: int) -> list[CopyWhere]:
    rows = db.query(
        """SELECT c.id, c.copy_no, c.state, r.name, h.out_at FROM copy c
           LEFT JOIN handover h ON h.copy_id = c.id AND h.back_at IS NULL
           LEFT JOIN reader r ON r.id = h.reader_id
           WHERE c.document_id = ? ORDER BY c.copy_no""",
        (document_id,),
    )
    return [CopyWhere(r[0], r[1], r[2], r[3], parse_stamp(r[4]) if r[4] else None) for r in rows]


def next_reader(db: Database, copy_id: int) -> NextReader | None:
    """Who this copy goes to next: the first reader on its document's route, in order, who has
    not read the document and holds none of its copies now (parallel copies run the route in
    parallel). None when the route is done or the document has none. One query."""
    row = db.one(
        """SELECT s.reader_id, r.name, r.position, s.seq
           FROM copy c JOIN reading_step s ON s.document_id = c.document_id
                AND s.removed_at IS NULL
           JOIN reader r ON r.id = s.reader_id
           WHERE c.id = ?
             AND NOT EXISTS (SELECT 1 FROM reading g WHERE g.document_id = s.document_id
                             AND g.reader_id = s.reader_id)
             AND NOT EXISTS (SELECT 1 FROM copy o JOIN handover h ON h.copy_id = o.id
                             AND h.back_at IS NULL
                             WHERE o.document_id = s.document_id AND h.reader_id = s.reader_id)
           ORDER BY s.seq LIMIT 1""",
        (copy_id,),
    )
    if row is None:
        return None
    return NextReader(row[0], row[1], row[2], row[3])


def saved_routes(db: Database) -> list[SavedRoute]:
    rows = db.query(
        """SELECT t.id, t.name, m.reader_id, r.name AS reader FROM route t
           LEFT JOIN route_member m ON m.route_id = t.id
           LEFT JOIN reader r ON r.id = m.reader_id ORDER BY t.name, m.seq"""
    )
    found: dict[int, tuple[str, list[int], list[str]]] = {}
    for r in rows:
        entry = found.setdefault(r["id"], (r["name"], [], []))
        if r["reader_id"] is not None:
            entry[1].append(r["reader_id"])
            entry[2].append(r["reader"])
    return [SavedRoute(i, n, tuple(ids), tuple(names)) for i, (n, ids, names) in found.items()]


@dataclass(frozen=True)
class InProgress:
    """A document still going round its route: how far, who holds its copies now."""

    document_id: int
    number: str
    title: str
    level: str
    deadline: datetime | None
    readers: int
    read: int
    holders: str


def in_progress(db: Database, limit: int = 500) -> list[InProgress]:
    """Documents whose route is not yet read through (传阅中), the earliest limit first: one
    query over their partial index, the counts only for the rows shown."""
    rows = db.query(
        """SELECT d.id, d.year, d.serial, d.title, d.level, d.deadline,
                  (SELECT count(*) FROM reading_step s WHERE s.document_id = d.id
                   AND s.removed_at IS NULL) AS readers,
                  (SELECT count(*) FROM reading_step s JOIN reading g
                     ON g.document_id = s.document_id AND g.reader_id = s.reader_id
                   WHERE s.document_id = d.id AND s.removed_at IS NULL) AS read,
                  (SELECT group_concat(r.name || '（' || c.copy_no || '）', '、')
                   FROM copy c JOIN handover h ON h.copy_id = c.id AND h.back_at IS NULL
                   JOIN reader r ON r.id = h.reader_id WHERE c.document_id = d.id) AS holders
           FROM document d INDEXED BY document_in_circulation
           WHERE d.reading_state = '传阅中' AND d.voided_at IS NULL
           ORDER BY d.deadline IS NULL, d.deadline, d.id LIMIT ?""",
        (limit,),
    )
    return [
        InProgress(
            r["id"],
            registration_number(r["year"], r["serial"]),
            r["title"],
            r["level"],
            parse_stamp(r["deadline"]) if r["deadline"] else None,
            r["readers"],
            r["read"],
            r["holders"] or "",
        )
        for r in rows
    ]
