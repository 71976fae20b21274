"""传阅: a document's 阅文范围 as an ordered route of readers by 阅读层次, and 阅毕 per reader.

Rules (DOMAIN.md, seeds 000 and 003): the route is read one reader at a time, the copy back in
the room between readers (一对一送阅反馈, no 横传); the range is never widened or narrowed at
will — after it is set, each change is a decision with its reason, audited. A route stays within
the document's 知悉范围 (document_scope) and each reader's clearance: the law's outer bound is
the desk's, and a route that crossed it would only be refused at the counter.

The desk calls `record_read(session, copy_id, reader_id, instructed)` when a copy comes back
read, and `next_reader(db, copy_id)` to show "下一位：…".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import audit, desk, text_rules, workdays
from app.circulation_records import (
    InProgress,
    NextReader,
    RouteStatus,
    SavedRoute,
    in_progress,
    next_reader,
    rank_of,
    saved_routes,
    status,
)
from app.clock import parse_stamp, stamp
from app.errors import InvalidInput, MijianError
from app.numbers import registration_number
from app.people import Reader, find_readers, get_reader
from app.registry import add_copy_event
from app.roles import Role
from app.vocab import may_hold
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

__all__ = [
    "InProgress",
    "NextReader",
    "ReadResult",
    "RouteStatus",
    "SavedRoute",
    "in_progress",
    "narrow",
    "next_reader",
    "off_route",
    "readers_from_text",
    "reads_on_return",
    "record_read",
    "save_route",
    "saved_routes",
    "set_route",
    "status",
    "widen",
]


@dataclass(frozen=True)
class ReadResult:
    reader: str
    instructed: bool
    next: NextReader | None


# ---- saved routes -----------------------------------------------------------------------------
def save_route(session: Session, name: str, reader_ids: list[int]) -> SavedRoute:
    """Keep (or replace) a named route, in reading order."""
    session.require(Role.CUSTODIAN)
    name = text_rules.clean("route_name", name)
    if not name:
        raise InvalidInput("请填写路线名称。")
    _distinct(reader_ids)
    db = session.db
    with db.transaction():
        names = [_active(db, r).name for r in reader_ids]
        existing = db.scalar("SELECT id FROM route WHERE name = ?", (name,))
        before: list[str] = []
        if existing is None:
            cursor = db.execute(
                "INSERT INTO route (name, created_at, created_by) VALUES (?, ?, ?)",
                (name, stamp(session.clock.now()), session.account.login),
            )
            route_id = int(cursor.lastrowid)
        else:
            route_id = int(existing)
            before = [n for s in saved_routes(db) if s.id == route_id for n in s.names]
            db.execute("DELETE FROM route_member WHERE route_id = ?", (route_id,))
        for seq, reader_id in enumerate(reader_ids, start=1):
            db.execute(
                "INSERT INTO route_member (route_id, seq, reader_id) VALUES (?, ?, ?)",
                (route_id, seq, reader_id),
            )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "保存传阅路线",
            f"route:{name}",
            {"before": list(before), "after": names},
        )
    return next(s for s in saved_routes(db) if s.id == route_id)


# ---- a document's route -----------------------------------------------------------------------
def set_route(
    session: Session,
    document_id: int,
    reader_ids: list[int] | None = None,
    *,
    route_id: int | None = None,
    by_rank: bool = False,
) -> RouteStatus:
    """Set a document's route once: from a saved route or by hand (in the order given, or by
    阅读层次 with `by_rank`). Later changes go through `widen` and `narrow`, with a reason."""
    session.require(Role.CUSTODIAN)
    db = session.db
    if (reader_ids is None) == (route_id is None):
        raise InvalidInput("请选择已存的传阅路线，或逐一选定读者。")
    with db.transaction():
        number, level = _document(db, document_id)
        if db.scalar(
            "SELECT 1 FROM reading_step WHERE document_id = ? AND removed_at IS NULL",
            (document_id,),
        ):
            raise InvalidInput(
                f"{number} 已有传阅路线；如需扩大或缩小阅文范围，请逐人调整并写明理由。"
            )
        if route_id is not None:
            saved = next((s for s in saved_routes(db) if s.id == route_id), None)
            if saved is None:
                raise MijianError("没有这条传阅路线。")
            reader_ids = list(saved.reader_ids)
        assert reader_ids is not None
        if not reader_ids:
            raise InvalidInput("传阅路线至少要有一位读者。")
        _distinct(reader_ids)
        readers = [_eligible(db, document_id, level, r) for r in reader_ids]
        if by_rank:
            readers.sort(key=lambda r: rank_of(r.position))  # stable: equal ranks keep order
        limit = _start_reading_limit(db, document_id)
        now = stamp(session.clock.now())
        for seq, reader in enumerate(readers, start=1):
            db.execute(
                "INSERT INTO reading_step (document_id, reader_id, seq, added_kind, added_at,"
                " added_by) VALUES (?, ?, ?, '设定', ?, ?)",
                (document_id, reader.id, seq, now, session.account.login),
            )
        _mark_reading_state(db, document_id)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "设定传阅路线",
            f"document:{number}",
            {"after": [r.name for r in readers], "route_id": route_id, "reading_limit": limit},
        )
    return status(db, document_id)


def widen(
    session: Session, document_id: int, reader_id: int, reason: str, *, seq: int | None = None
) -> RouteStatus:
    """扩大阅文范围: add one reader, with the reason; placed by 阅读层次 unless `seq` is given."""
    session.require(Role.CUSTODIAN)
    reason = _reason(reason, "扩大")
    db = session.db
    with db.transaction():
        number, level = _document(db, document_id)
        reader = _eligible(db, document_id, level, reader_id)
        current = status(db, document_id)
        if not current.steps:
            raise InvalidInput(f"{number} 还没有传阅路线，请先设定。")
        if any(s.reader_id == reader_id for s in current.steps):
            raise InvalidInput(f"{reader.name} 已在 {number} 的传阅路线上。")
        if seq is None:
            mine = rank_of(reader.position)
            seq = 1 + sum(1 for s in current.steps if rank_of(s.position) <= mine)
        seq = max(1, min(seq, len(current.steps) + 1))
        db.execute(
            "UPDATE reading_step SET seq = seq + 1 WHERE document_id = ? AND removed_at IS NULL"
            " AND seq >= ?",
            (document_id, seq),
        )
        db.execute(
            "INSERT INTO reading_step (document_id, reader_id, seq, added_kind, added_at,"
            " added_by, added_reason) VALUES (?, ?, ?, '扩大', ?, ?, ?)",
            (
                document_id,
                reader.id,
                seq,
                stamp(session.clock.now()),
                session.account.login,
                reason,
            ),
        )
        _mark_reading_state(db, document_id)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "扩大阅文范围",
            f"document:{number}",
            {"reader": reader.name, "place": seq, "reason": reason},
        )
    return status(db, document_id)


def narrow(session: Session, document_id: int, reader_id: int, reason: str) -> RouteStatus:
    """缩小阅文范围: take one reader off the route, with the reason. Nobody who has read the
    document, or holds a copy of it now, is taken off: that would hide a disclosure."""
    session.require(Role.CUSTODIAN)
    reason = _reason(reason, "缩小")
    db = session.db
    with db.transaction():
        number, _ = _document(db, document_id)
        step = next((s for s in status(db, document_id).steps if s.reader_id == reader_id), None)
        if step is None:
            raise InvalidInput("该读者不在这件的传阅路线上。")
        if step.read_at is not None:
            raise InvalidInput(f"{step.name} 已阅毕，不能从传阅范围中去掉。")
        if step.holding is not None:
            raise InvalidInput(f"{step.name} 正持有第{step.holding.copy_no}份，请先收回。")
        db.execute(
            "UPDATE reading_step SET removed_at = ?, removed_by = ?, removed_reason = ?"
            " WHERE document_id = ? AND reader_id = ? AND removed_at IS NULL",
            (stamp(session.clock.now()), session.account.login, reason, document_id, reader_id),
        )
        db.execute(
            "UPDATE reading_step SET seq = seq - 1 WHERE document_id = ? AND removed_at IS NULL"
            " AND seq > ?",
            (document_id, step.seq),
        )
        _mark_reading_state(db, document_id)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "缩小阅文范围",
            f"document:{number}",
            {"reader": step.name, "reason": reason},
        )
    return status(db, document_id)


# ---- 阅毕 -------------------------------------------------------------------------------------
def record_read(session: Session, copy_id: int, reader_id: int, instructed: bool) -> ReadResult:
    """阅毕: `reader_id` has read the document on copy `copy_id` (which they hold or have just
    returned), and whether they wrote an instruction on it. Returns who is next for this copy.
    Once per reader per document."""
    session.require(Role.CUSTODIAN)
    db = session.db
    now = session.clock.now()
    with db.transaction():
        copy = db.one(
            "SELECT c.document_id, c.copy_no, d.year, d.serial FROM copy c"
            " JOIN document d ON d.id = c.document_id WHERE c.id = ?",
            (copy_id,),
        )
        if copy is None:
            raise MijianError(f"没有编号为 {copy_id} 的一份。")
        reader = get_reader(db, reader_id)
        label = f"{registration_number(copy['year'], copy['serial'])} 第{copy['copy_no']}份"
        handover = db.scalar(
            "SELECT id FROM handover WHERE copy_id = ? AND reader_id = ? ORDER BY id DESC LIMIT 1",
            (copy_id, reader_id),
        )
        if handover is None:
            raise InvalidInput(f"{reader.name} 没有借阅过 {label}，不能登记阅毕。")
        if db.scalar(
            "SELECT 1 FROM reading WHERE document_id = ? AND reader_id = ?",
            (copy["document_id"], reader_id),
        ):
            raise InvalidInput(f"{reader.name} 已登记阅毕。")
        db.execute(
            "INSERT INTO reading (document_id, copy_id, reader_id, handover_id, read_at,"
            " instructed, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                copy["document_id"],
                copy_id,
                reader_id,
                handover,
                stamp(now),
                int(instructed),
                session.account.login,
            ),
        )
        _mark_reading_state(db, copy["document_id"])
        details = {"reader": reader.name, "instructed": instructed}
        add_copy_event(db, copy_id, now, session.account.login, "阅毕", details)
        audit.record(db, session.clock, session.account.login, "阅毕", f"copy:{label}", details)
    return ReadResult(reader.name, instructed, next_reader(db, copy_id))


def return_and_read(
    session: Session, copy_id: int, note: str = "", instructed: bool = False
) -> ReadResult | None:
    """The desk's return of `copy_id` and, in the same transaction, 阅毕 for the reader who had it
    when they are on the document's route and had not read it (`instructed`: they wrote a 批示
    on it): both land or neither. Returns who read it and who is next (None when the reader
    is not on a route)."""
    db = session.db
    with db.transaction():
        reader_id = db.scalar(
            "SELECT reader_id FROM handover WHERE copy_id = ? AND back_at IS NULL", (copy_id,)
        )
        desk.take_back(session, copy_id, note)
        if note or reader_id is None or not _unread_on_route(db, copy_id, reader_id):
            return None
        return record_read(session, copy_id, int(reader_id), instructed=instructed)


def reads_on_return(db: Database, copy_id: int) -> str | None:
    """The name of the reader whose return of `copy_id` would record 阅毕 (they hold it, are on
    its route and have not read it), or None: the desk then asks whether they wrote a 批示."""
    row = db.one(
        "SELECT h.reader_id, r.name FROM handover h JOIN reader r ON r.id = h.reader_id"
        " WHERE h.copy_id = ? AND h.back_at IS NULL",
        (copy_id,),
    )
    if row is None or not _unread_on_route(db, copy_id, int(row["reader_id"])):
        return None
    return str(row["name"])


def off_route(db: Database, document_id: int, reader_id: int) -> bool:
    """True when the document has a route and `reader_id` is not on it (the desk warns)."""
    row = db.one(
        "SELECT count(*) AS steps, sum(reader_id = ?) AS mine FROM reading_step"
        " WHERE document_id = ? AND removed_at IS NULL",
        (reader_id, document_id),
    )
    return bool(row["steps"]) and not row["mine"]


def _unread_on_route(db: Database, copy_id: int, reader_id: int) -> bool:
    return bool(
        db.scalar(
            "SELECT 1 FROM copy c JOIN reading_step s ON s.document_id = c.document_id"
            " AND s.removed_at IS NULL AND s.reader_id = ? WHERE c.id = ?"
            " AND NOT EXISTS (SELECT 1 FROM reading g WHERE g.document_id = c.document_id"
            " AND g.reader_id = ?)",
            (reader_id, copy_id, reader_id),
        )
    )


def _mark_reading_state(db: Database, document_id: int) -> None:
    """Keep document.reading_state: 传阅中 while someone on the route has not read it,
    已阅毕 once all have (the board's and the 传阅 page's indexes read it)."""
    db.execute(
        """UPDATE document SET reading_state = CASE
               WHEN NOT EXISTS (SELECT 1 FROM reading_step s WHERE s.document_id = document.id
                                AND s.removed_at IS NULL) THEN NULL
               WHEN EXISTS (SELECT 1 FROM reading_step s WHERE s.document_id = document.id
                            AND s.removed_at IS NULL
                            AND NOT EXISTS (SELECT 1 FROM reading g
                                            WHERE g.document_id = document.id
                                              AND g.reader_id = s.reader_id)) THEN '传阅中'
               ELSE '已阅毕' END
           WHERE id = ?""",
        (document_id,),
    )


def _start_reading_limit(db: Database, document_id: int) -> str | None:
    """A 阅件 (not a telegram) with no limit yet gets its reading limit when its route is set:
    the whole range read within the room's limit from receipt (app.workdays.reading_deadline).
    Returns the limit set, if any."""
    row = db.one(
        "SELECT handling, telegram, urgency, received_at, deadline FROM document WHERE id = ?",
        (document_id,),
    )
    if row["handling"] != "阅件" or row["telegram"] or row["deadline"]:
        return None
    due = stamp(workdays.reading_deadline(db, parse_stamp(row["received_at"]), row["urgency"]))
    db.execute("UPDATE document SET deadline = ? WHERE id = ?", (due, document_id))
    return due


def readers_from_text(db: Database, text: str) -> list[int]:
    """Readers named one by one (name, pinyin initials or badge), separated by spaces, commas
    or 、, in the order typed: each must name exactly one active reader."""
    found: list[int] = []
    for token in re.split(r"[\s,，、;；]+", text.strip()):
        if not token:
            continue
        matches = find_readers(db, token)
        exact = [r for r in matches if r.name == token]
        if len(exact) == 1:
            matches = exact
        if not matches:
            raise InvalidInput(f"没有找到读者“{token}”。")
        if len(matches) > 1:
            names = "、".join(r.name for r in matches[:5])
            raise InvalidInput(f"“{token}”对应多位读者（{names}），请写全名。")
        found.append(matches[0].id)
    if not found:
        raise InvalidInput("请填写传阅的读者。")
    return found


# ---- checks -----------------------------------------------------------------------------------
def _document(db: Database, document_id: int) -> tuple[str, str]:
    row = db.one("SELECT year, serial, level, voided_at FROM document WHERE id = ?", (document_id,))
    if row is None:
        raise MijianError(f"没有编号为 {document_id} 的登记。")
    number = registration_number(row["year"], row["serial"])
    if row["voided_at"]:
        raise InvalidInput(f"{number} 的登记已作废。")
    return number, str(row["level"])


def _active(db: Database, reader_id: int) -> Reader:
    reader = get_reader(db, reader_id)
    if not reader.active:
        raise InvalidInput(f"{reader.name} 已离岗。")
    return reader


def _eligible(db: Database, document_id: int, level: str, reader_id: int) -> Reader:
    """An active reader cleared for the level and within the document's 知悉范围."""
    reader = _active(db, reader_id)
    if not may_hold(reader.clearance, level):
        raise InvalidInput(f"{reader.name} 的涉密等级不能阅{level}件。")
    scoped = db.scalar("SELECT count(*) FROM document_scope WHERE document_id = ?", (document_id,))
    if scoped and not db.scalar(
        "SELECT 1 FROM document_scope s WHERE s.document_id = ? AND (s.reader_id = ? OR"
        " s.group_id IN (SELECT group_id FROM reader_group_member WHERE reader_id = ?))",
        (document_id, reader_id, reader_id),
    ):
        raise InvalidInput(f"{reader.name} 不在本件的知悉范围内。")
    return reader


def _distinct(reader_ids: list[int]) -> None:
    if len(set(reader_ids)) != len(reader_ids):
        raise InvalidInput("同一位读者在路线上只能出现一次。")


def _reason(reason: str, what: str) -> str:
    reason = text_rules.clean("route_reason", reason).strip()
    if len(reason) < 2:
        raise InvalidInput(f"{what}阅文范围须写明理由。")
    return reason
