"""日终清点 and the overnight rule.

The day cannot be closed while a classified copy is out, unless the security officer has
recorded an exception for that copy and that night. Closing writes the day's audit-chain head
into the database and onto the printed 日终清点表: the paper in the file is the anchor that
catches a database rolled back to an older file. At the next start, a classified copy that
stayed out overnight without an exception becomes a 违规过夜 incident.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from app import accounts, audit, seal, sign_clock
from app.clock import parse_stamp, stamp
from app.desk import OutRow, close_handover, counter_closed, out_now
from app.errors import InvalidInput
from app.model import Credential
from app.numbers import registration_number
from app.registry import add_copy_event
from app.roles import Role
from app.scanning import CopyRef, copy_ref
from app.vocab import CLASSIFIED, LEVELS, CopyState, Level, sql_in, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class Incident:
    id: int
    kind: str
    copy_label: str
    at: datetime
    description: str

    @property
    def summary(self) -> str:
        """One line for a list of events: kind, the copy, what happened (no closing 。, so
        that the list's ；joins cleanly)."""
        text = self.description.strip().rstrip("。；;，, ")
        if not text.startswith(self.copy_label):
            text = f"{self.copy_label}：{text}"
        return f"【{self.kind}】{text}"


@dataclass(frozen=True)
class DayClose:
    day: date
    closed_at: datetime
    closed_by: str
    chain_seq: int
    chain_head: str
    counts: dict[str, dict[str, int]]  # 密级 → {在柜, 借出}
    exceptions: list[dict[str, str]]
    # The day's exceptions at the counter (F7), handed over before this close.
    overrides: list[dict[str, str]] = field(default_factory=list)
    # 1 for the day's close; 2, 3 … for a close after the 保密员 reopened the day, with
    # who reopened it, when and why.
    round: int = 1
    reopen: dict[str, str] | None = None
    # What was still open when the day closed and the signed sheet must not hide: incidents
    # (违规过夜, 核对异常) and classified copies a stocktake found missing, not yet settled.
    open_matters: list[dict[str, str]] = field(default_factory=list)
    # The day's sign-fors at the exchange that were late (app.sign_clock), one line each.
    late_signs: list[str] = field(default_factory=list)


def blockers(db: Database, day: date) -> list[OutRow]:
    """Classified copies out now with no exception for tonight."""
    return [
        r for r in out_now(db, day.isoformat()) if r.copy.level in CLASSIFIED and not r.excepted
    ]


def add_exception(
    session: Session, handover_id: int, reason: str, expected_return: datetime
) -> None:
    session.require(Role.APPROVER)
    reason = reason.strip()
    if len(reason) < 2:
        raise InvalidInput("例外须写明理由。")
    db = session.db
    now = session.clock.now()
    if expected_return <= now:
        raise InvalidInput("预计归还时间须晚于现在。")
    with db.transaction():
        row = db.one(
            "SELECT copy_id FROM handover WHERE id = ? AND back_at IS NULL", (handover_id,)
        )
        if row is None:
            raise InvalidInput("该份已归还，无需例外。")
        copy = copy_ref(db, row["copy_id"])
        night = now.date().isoformat()
        if db.one(
            "SELECT 1 FROM overnight_exception WHERE handover_id = ? AND night = ?",
            (handover_id, night),
        ):
            raise InvalidInput(f"{copy.label} 今晚的例外已登记。")
        db.execute(
            "INSERT INTO overnight_exception (handover_id, night, reason, approver, expected_return,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (handover_id, night, reason, session.account.login, stamp(expected_return), stamp(now)),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "过夜例外",
            f"copy:{copy.label}",
            {"night": night, "reason": reason, "expected_return": stamp(expected_return)},
        )


COUNTED = (CopyState.IN_CABINET, CopyState.LENT, CopyState.DISTRIBUTED)


def counts(db: Database) -> dict[str, dict[str, int]]:
    """In the room, lent today and held by units (分发在外, its own count: not an open loan), by
    密级, from the trigger-kept counts, not from the copies."""
    result: dict[str, dict[str, int]] = {level: dict.fromkeys(COUNTED, 0) for level in LEVELS}
    for row in db.query(f"SELECT level, state, n FROM copy_count WHERE state IN {sql_in(COUNTED)}"):
        result[row["level"]][row["state"]] = row["n"]
    return result


def close_day(session: Session) -> DayClose:
    """Close today on paper. A day reopened by the 保密员 is closed again (补充清点): that close
    is written on the reopening, and the first close and its signed sheet stay as they were."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    db = session.db
    now = session.clock.now()
    day = now.date()
    with db.transaction():
        reopened = None
        if db.one("SELECT 1 FROM day_close WHERE day = ?", (day.isoformat(),)):
            reopened = db.scalar(
                "SELECT id FROM day_reopen WHERE day = ? AND closed_at IS NULL", (day.isoformat(),)
            )
            if reopened is None:
                raise InvalidInput(f"{day:%Y年%m月%d日} 已清点关闭。")
        waiting = blockers(db, day)
        if waiting:
            names = "；".join(f"{r.copy.label}（{r.reader}）" for r in waiting[:5])
            more = f" 等 {len(waiting)} 份" if len(waiting) > 5 else ""
            raise InvalidInput(
                f"尚有密件未归还，不能日终清点：{names}{more}。收回或由保密员登记例外后再清点。"
            )
        tally = counts(db)
        exceptions = [
            {
                "copy": copy_ref(db, r["copy_id"]).label,
                "reader": r["name"],
                "reason": r["reason"],
                "approver": accounts.display_name(db, r["approver"]),
                "expected_return": r["expected_return"],
            }
            for r in db.query(
                "SELECT h.copy_id, rd.name, e.reason, e.approver, e.expected_return"
                " FROM overnight_exception e JOIN handover h ON h.id = e.handover_id"
                " JOIN reader rd ON rd.id = h.reader_id WHERE e.night = ?",
                (day.isoformat(),),
            )
        ]
        matters = open_matters(db)
        late = [s.text() for s in sign_clock.late_on(db, day, now)]
        details: dict[str, object] = {
            "counts": tally,
            "exceptions": len(exceptions),
            "open_matters": len(matters),
            "late_signs": len(late),
        }
        if reopened is not None:
            details["reopen"] = reopened
        event = audit.record(
            db, session.clock, session.account.login, "日终清点", f"day:{day}", details
        )
        stored = json.dumps(
            {
                "counts": tally,
                "exceptions": exceptions,
                "open_matters": matters,
                "late_signs": late,
            },
            ensure_ascii=False,
        )
        closing = (stamp(now), session.account.login, event.seq, event.hash, stored)
        if reopened is None:
            db.execute(
                "INSERT INTO day_close (closed_at, closed_by, chain_seq, chain_head, counts, day)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (*closing, day.isoformat()),
            )
        else:
            db.execute(
                "UPDATE day_reopen SET closed_at = ?, closed_by = ?, chain_seq = ?,"
                " chain_head = ?, counts = ? WHERE id = ?",
                (*closing, reopened),
            )
        # The day's events are sealed with the close: once the paper is signed, nobody holding
        # tomorrow's key can rewrite today (app/seal.py).
        seal.seal(db, session.clock, session.room.room_id)
    return closes_of(db, day)[-1]


def reopen_day(session: Session, reason: str, approver: Credential | None = None) -> None:
    """The 保密员 reopens today after its close, so that a copy may still go out; the day is
    then closed again. At the counter the custodian's session carries the 保密员's login and
    password (`approver`), checked on the one confirmation path; a 保密员 logged in gives none."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    reason = reason.strip()
    if len(reason) < 2:
        raise InvalidInput("重新开启须写明理由。")
    db = session.db
    day = session.clock.now().date()
    if not counter_closed(db, day):
        raise InvalidInput(f"{day:%Y年%m月%d日} 尚未清点关闭，无需重新开启。")
    by = session.account.login
    if session.role is not Role.APPROVER:
        if approver is None:
            raise InvalidInput("重新开启当日须由保密员输入本人密码确认。")
        by = session.confirm(approver, "重新开启当日", Role.APPROVER).login
    now = session.clock.now()
    with db.transaction():
        if not counter_closed(db, day):
            raise InvalidInput(f"{day:%Y年%m月%d日} 已重新开启。")
        cursor = db.execute(
            "INSERT INTO day_reopen (day, reopened_at, reopened_by, reason) VALUES (?, ?, ?, ?)",
            (day.isoformat(), stamp(now), by, reason),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "重开当日",
            f"day:{day}",
            {"approver": by, "reason": reason, "reopen": int(cursor.lastrowid)},
        )


def closes_of(db: Database, day: date) -> list[DayClose]:
    """Every close of `day`, in order: the day's close, then one per reopening closed again."""
    first = db.one("SELECT * FROM day_close WHERE day = ?", (day.isoformat(),))
    if first is None:
        return []
    found = [_close(db, first, 1, None)]
    for n, row in enumerate(
        db.query(
            "SELECT * FROM day_reopen WHERE day = ? AND closed_at IS NOT NULL ORDER BY id",
            (day.isoformat(),),
        ),
        start=2,
    ):
        reopen = {
            "by": accounts.display_name(db, row["reopened_by"]),
            "at": row["reopened_at"],
            "reason": row["reason"],
        }
        found.append(_close(db, row, n, reopen))
    return found


def closed_days(db: Database, limit: int = 400) -> list[date]:
    """The days closed, newest first."""
    rows = db.query("SELECT day FROM day_close ORDER BY day DESC LIMIT ?", (limit,))
    return [date.fromisoformat(r["day"]) for r in rows]


def _close(db: Database, row: Any, n: int, reopen: dict[str, str] | None) -> DayClose:
    stored = json.loads(row["counts"])
    closed_at = parse_stamp(row["closed_at"])
    return DayClose(
        date.fromisoformat(row["day"]),
        closed_at,
        row["closed_by"],
        row["chain_seq"],
        row["chain_head"],
        stored["counts"],
        stored["exceptions"],
        overrides(db, closed_at),
        n,
        reopen,
        stored.get("open_matters", []),
        stored.get("late_signs", []),
    )


def open_matters(db: Database) -> list[dict[str, str]]:
    """What is still open tonight, for the sheet: every open incident, and every classified
    copy the last stocktakes found missing whose finding is not settled (a copy that may be
    lost still counts as 在柜 until it is resolved; the paper must say so)."""
    matters = [
        {"kind": i.kind, "copy": i.copy_label, "note": i.description} for i in open_incidents(db)
    ]
    for r in db.query(
        "SELECT f.detail, d.year, d.serial, d.level, c.copy_no, s.started_at"
        " FROM stocktake_finding f JOIN stocktake s ON s.id = f.stocktake_id"
        " JOIN copy c ON c.id = f.copy_id JOIN document d ON d.id = c.document_id"
        " WHERE f.class = '缺失' AND f.resolved_at IS NULL"
        f" AND d.level <> {sql_value(Level.UNCLASSIFIED)}"
        f" AND c.state = {sql_value(CopyState.IN_CABINET)} ORDER BY f.id"
    ):
        matters.append(
            {
                "kind": "清查未见",
                "copy": f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份",
                "note": f"{r['level']}；{str(r['started_at'])[:10]} 清查时应在柜而未扫到，"
                "尚未查明（仍计在柜）",
            }
        )
    return matters


def overrides(db: Database, until: datetime) -> list[dict[str, str]]:
    """The exceptions at the counter (F7) on `until`'s day up to `until`: copy, reader, what
    was lifted, who approved, why, and for a clearance or 知悉范围 refusal the 单位负责人."""
    start = datetime.combine(until.date(), time(0), until.tzinfo)
    rows = db.query(
        "SELECT h.copy_id, h.out_at, r.name, h.override_by, h.override_kind, h.override_reason,"
        " h.override_head, h.override_ref FROM handover h INDEXED BY handover_out_at"
        " JOIN reader r ON r.id = h.reader_id"
        " WHERE h.out_at >= ? AND h.out_at <= ? AND h.override_by IS NOT NULL ORDER BY h.id",
        (stamp(start), stamp(until)),
    )
    return [
        {
            "copy": copy_ref(db, r["copy_id"]).label,
            "reader": r["name"],
            "out_at": r["out_at"],
            "kind": r["override_kind"] or "",
            "approver": accounts.display_name(db, r["override_by"]),
            "reason": r["override_reason"] or "",
            "head": " ".join(x for x in (r["override_head"], r["override_ref"]) if x),
        }
        for r in rows
    ]


def last_close(db: Database) -> DayClose | None:
    row = db.one("SELECT day FROM day_close ORDER BY day DESC LIMIT 1")
    return None if row is None else closes_of(db, date.fromisoformat(row["day"]))[-1]


def detect_overnight(session: Session) -> list[int]:
    """Record a 违规过夜 incident for each classified copy that spent a night out without an
    exception (once per copy and night). Looks back 31 days from the handover index."""
    db = session.db
    now = session.clock.now()
    today = now.date()
    since = stamp(now - timedelta(days=31))
    found: list[int] = []
    with db.transaction():
        rows = db.query(
            f"""SELECT h.id, h.copy_id, h.out_at, h.back_at, r.name FROM handover h INDEXED BY handover_out_at
               JOIN copy c ON c.id = h.copy_id JOIN document d ON d.id = c.document_id
               JOIN reader r ON r.id = h.reader_id
               WHERE h.out_at >= ? AND d.level IN {sql_in(CLASSIFIED)}
                 AND (h.back_at IS NULL OR substr(h.back_at, 1, 10) > substr(h.out_at, 1, 10))""",
            (since,),
        )
        for row in rows:
            first = parse_stamp(row["out_at"]).date()
            last = parse_stamp(row["back_at"]).date() if row["back_at"] else today
            night = first
            while night < last:
                if not _excepted(db, row["id"], night) and not db.one(
                    "SELECT 1 FROM incident WHERE handover_id = ? AND night = ? AND kind = '违规过夜'",
                    (row["id"], night.isoformat()),
                ):
                    copy = copy_ref(db, row["copy_id"])
                    cursor = db.execute(
                        "INSERT INTO incident (kind, copy_id, handover_id, night, at, noted_by, description)"
                        " VALUES ('违规过夜', ?, ?, ?, ?, ?, ?)",
                        (
                            row["copy_id"],
                            row["id"],
                            night.isoformat(),
                            stamp(now),
                            audit.SYSTEM,
                            f"{copy.label} {night:%m月%d日} 夜间在 {row['name']} 处，未登记例外。",
                        ),
                    )
                    found.append(int(cursor.lastrowid))
                    audit.record(
                        db,
                        session.clock,
                        audit.SYSTEM,
                        "违规过夜",
                        f"copy:{copy.label}",
                        {"night": night.isoformat(), "reader": row["name"]},
                    )
                night += timedelta(days=1)
    return found


def _excepted(db: Database, handover_id: int, night: date) -> bool:
    return (
        db.one(
            "SELECT 1 FROM overnight_exception WHERE handover_id = ? AND night = ?",
            (handover_id, night.isoformat()),
        )
        is not None
    )


def open_incidents(db: Database, limit: int | None = None) -> list[Incident]:
    """The open incidents, oldest first (the first `limit` of them): one query, the copy's
    label joined in rather than looked up per incident."""
    rows = db.query(
        "SELECT i.id, i.kind, i.at, i.description, d.year, d.serial, c.copy_no"
        " FROM incident i INDEXED BY incident_open JOIN copy c ON c.id = i.copy_id"
        " JOIN document d ON d.id = c.document_id"
        " WHERE i.resolved_at IS NULL ORDER BY i.id LIMIT ?",
        (-1 if limit is None else limit,),
    )
    return [
        Incident(
            r["id"],
            r["kind"],
            f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份",
            parse_stamp(r["at"]),
            r["description"],
        )
        for r in rows
    ]


def count_open_incidents(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM incident WHERE resolved_at IS NULL") or 0)


def resolve_incident(
    session: Session, incident_id: int, resolution: str, outcome: str = "归还"
) -> None:
    """The security officer closes an incident. For a 核对异常 the copy is then taken back
    (outcome 归还) or recorded lost (outcome 遗失); a copy the incident found missing in the room
    (a stocktake's 缺失: no handover open) is recorded lost (确认遗失) or stays as it is (found)."""
    session.require(Role.APPROVER)
    resolution = resolution.strip()
    if len(resolution) < 2:
        raise InvalidInput("请写明处理意见。")
    if outcome not in ("归还", "遗失"):
        raise InvalidInput("处理结果须为 归还 或 遗失。")
    db = session.db
    with db.transaction():
        row = db.one("SELECT * FROM incident WHERE id = ? AND resolved_at IS NULL", (incident_id,))
        if row is None:
            raise InvalidInput("该事件已处理。")
        db.execute(
            "UPDATE incident SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?",
            (stamp(session.clock.now()), session.account.login, resolution, incident_id),
        )
        copy = copy_ref(db, row["copy_id"])
        if row["kind"] == "核对异常":
            open_row = db.one(
                "SELECT h.id, r.name FROM handover h JOIN reader r ON r.id = h.reader_id"
                " WHERE h.id = ? AND h.back_at IS NULL",
                (row["handover_id"],),
            )
            if open_row is not None:
                close_handover(
                    session,
                    copy,
                    open_row["id"],
                    open_row["name"],
                    # What was found at the return stays beside what was decided about it.
                    f"核对异常：{row['description']}；处理：{resolution}",
                    CopyState.IN_CABINET if outcome == "归还" else CopyState.LOST,
                )
            elif outcome == "遗失":
                _record_lost(session, copy, resolution)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "处理事件",
            f"incident:{incident_id}",
            {"kind": row["kind"], "copy": copy.label, "resolution": resolution, "outcome": outcome},
        )


def _record_lost(session: Session, copy: CopyRef, resolution: str) -> None:
    """A copy not out at the desk (a stocktake's 缺失, a check in the room) is recorded lost on
    the 保密员's decision: its state, its history and the trail, in the caller's transaction."""
    if copy.state != "在柜":
        raise InvalidInput(f"{copy.label} 现为{copy.state}，不能登记遗失。")
    db, now, login = session.db, session.clock.now(), session.account.login
    db.execute(f"UPDATE copy SET state = {sql_value(CopyState.LOST)} WHERE id = ?", (copy.copy_id,))
    add_copy_event(db, copy.copy_id, now, login, "遗失", {"note": resolution})
    audit.record(db, session.clock, login, "确认遗失", f"copy:{copy.label}", {"note": resolution})


def overnight_count(db: Database, year: int) -> int:
    return int(
        db.scalar(
            "SELECT count(*) FROM incident WHERE kind = '违规过夜' AND substr(night, 1, 4) = ?",
            (str(year),),
        )
    )
