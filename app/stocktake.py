"""清查 (stocktake) by scan: two named people check one cabinet or the whole room against the
record, scanning everything physically present at scanner speed; the finish, confirmed by the
second person's own password, records each discrepancy with what to do about it.

Contracts: one stocktake is open at a time (a unique index); scans and findings are append-only
(triggers). Each scan is one short transaction (the row only): the trail gets the start, the
finish with its counts, and every refused code (scanning.scan audits forged and retired codes);
not one event per scanned copy, which would bury the trail under thousands of lines a month.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app import accounts, audit, cabinets, scanning, slips
from app.cabinets import Cabinet
from app.clock import parse_stamp, stamp
from app.errors import InvalidInput, MijianError
from app.model import Credential
from app.roles import BUSINESS_ROLES, Role
from app.scanning import CopyRef
from app.vocab import IN_ROOM, CopyState, sql_in, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


class Finding(StrEnum):
    MISSING = "缺失"
    WRONG_CABINET = "错柜"
    RECORDED_OUT = "记录借出"
    RECORDED_ENDED = "记录已结"
    BAD_CODE = "伪造或作废"
    UNKNOWN = "无法识别"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def what_to_do(self) -> str:
        return _TO_DO[self]


_LABELS = {
    Finding.MISSING: "应在柜而未扫到",
    Finding.WRONG_CABINET: "放错保密柜",
    Finding.RECORDED_OUT: "记录为借出，实物在柜",
    Finding.RECORDED_ENDED: "记录为已清退、已销毁、已归档、遗失或作废，实物在柜",
    Finding.BAD_CODE: "伪造、作废或他室的二维码",
    Finding.UNKNOWN: "无法识别的编码",
}
_TO_DO = {
    Finding.MISSING: "立即查找；找不到的报保密员，按遗失事件处理",
    Finding.WRONG_CABINET: "移回记录的保密柜，或扫描入本柜更正柜位",
    Finding.RECORDED_OUT: "在借阅台办理归还，核对借阅人",
    Finding.RECORDED_ENDED: "封存该份，报保密员查明并更正记录",
    Finding.BAD_CODE: "封存该件，报保密员核查来源",
    Finding.UNKNOWN: "人工核对实物，补登记或重新打印标签",
}

OUTCOME_COPY = "份"


@dataclass(frozen=True)
class Stocktake:
    id: int
    cabinet: Cabinet | None
    started_at: datetime
    started_by: str
    second_person: str
    finished_at: datetime | None
    confirmed_by: str | None
    expected: int | None
    matched: int | None

    @property
    def scope(self) -> str:
        return self.cabinet.name if self.cabinet else "全室"


@dataclass(frozen=True)
class Scanned:
    """What one scan was, said at once so the person scanning can set the item apart."""

    ok: bool
    message: str
    copy: CopyRef | None
    scans: int


@dataclass(frozen=True)
class Summary:
    stocktake: Stocktake
    counts: dict[Finding, int]

    @property
    def discrepancies(self) -> int:
        return sum(self.counts.values())


# ---- start ------------------------------------------------------------------------------------
def start(session: Session, cabinet_id: int | None, second_login: str) -> Stocktake:
    """Open a stocktake of one cabinet (or the whole room, None) with a named second person."""
    session.require(Role.CUSTODIAN)
    db = session.db
    second = accounts.find(db, second_login)
    if second is None or not second.active or not second.granted:
        raise InvalidInput("第二清查人须是本室在用的账户（填写其登录名）。")
    if second.role not in BUSINESS_ROLES:
        raise InvalidInput("第二清查人须是机要员或保密员。")
    if second.login.lower() == session.account.login.lower():
        raise InvalidInput("清查须由两人进行：第二清查人不能是本人。")
    with db.transaction():
        if cabinet_id is not None:
            cabinets.get(db, cabinet_id)
        current = open_stocktake(db)
        if current is not None:
            raise InvalidInput(f"{current.scope}的清查尚未完成，请先完成它。")
        cursor = db.execute(
            "INSERT INTO stocktake (cabinet_id, started_at, started_by, second_person)"
            " VALUES (?, ?, ?, ?)",
            (cabinet_id, stamp(session.clock.now()), session.account.login, second.login),
        )
        stocktake_id = int(cursor.lastrowid)
        taken = get(db, stocktake_id)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "开始清查",
            f"stocktake:{stocktake_id}",
            {"scope": taken.scope, "second": second.login},
        )
    return taken


def get(db: Database, stocktake_id: int) -> Stocktake:
    row = db.one("SELECT * FROM stocktake WHERE id = ?", (stocktake_id,))
    if row is None:
        raise MijianError(f"没有编号为 {stocktake_id} 的清查。")
    return _stocktake(db, row)


def open_stocktake(db: Database) -> Stocktake | None:
    row = db.one("SELECT * FROM stocktake WHERE finished_at IS NULL")
    return None if row is None else _stocktake(db, row)


def last_per_cabinet(db: Database) -> dict[int | None, datetime]:
    """When each cabinet (None: the whole room) was last checked to the finish."""
    rows = db.query(
        "SELECT cabinet_id, max(finished_at) FROM stocktake WHERE finished_at IS NOT NULL"
        " GROUP BY cabinet_id"
    )
    return {r[0]: parse_stamp(r[1]) for r in rows}


# ---- scan -------------------------------------------------------------------------------------
def scan(session: Session, stocktake_id: int, code: str) -> Scanned:
    """Record one scan. A copy is kept once however often it is scanned; a forged, retired or
    unknown code is kept too (its first characters), since it is itself a finding."""
    session.require(Role.CUSTODIAN)
    db = session.db
    taken = get(db, stocktake_id)
    if taken.finished_at is not None:
        raise InvalidInput("这次清查已经完成，不再接受扫描。")
    try:
        found = scanning.scan(session, code)  # audits forged and retired codes
    except slips.MisreadCode:
        raise  # a half-read code is rescanned, not a finding
    except slips.ForgedCode as exc:
        return _refused(session, taken, "伪造", code, exc.message)
    except slips.RetiredCode as exc:
        return _refused(session, taken, "作废", code, exc.message)
    except InvalidInput as exc:
        if not code.strip():
            raise
        return _refused(session, taken, "无法识别", code, exc.message)
    if found.copy is None:
        return _refused(session, taken, "无法识别", code, "扫描到的是读者证件，不是文件")
    copy = found.copy
    with db.transaction():
        if db.one(
            "SELECT 1 FROM stocktake_scan WHERE stocktake_id = ? AND copy_id = ?",
            (taken.id, copy.copy_id),
        ):
            return Scanned(True, f"{copy.label} 已扫描过，不重复计数。", copy, _count(db, taken.id))
        cursor = db.execute(
            "INSERT INTO stocktake_scan (stocktake_id, at, copy_id, outcome) VALUES (?, ?, ?, ?)",
            (taken.id, stamp(session.clock.now()), copy.copy_id, OUTCOME_COPY),
        )
        problem = db.one(_CLASSIFY + " AND s.id = ?", (*_classify_params(taken), cursor.lastrowid))
    scans = _count(db, taken.id)
    if problem is None or problem["class"] is None:
        return Scanned(True, f"{copy.label} 相符。", copy, scans)
    finding = Finding(problem["class"])
    return Scanned(False, f"{copy.label}：{finding.label}（{problem['detail']}）", copy, scans)


def _refused(session: Session, taken: Stocktake, outcome: str, code: str, reason: str) -> Scanned:
    db = session.db
    with db.transaction():
        db.execute(
            "INSERT INTO stocktake_scan (stocktake_id, at, outcome, code, reason)"
            " VALUES (?, ?, ?, ?, ?)",
            (taken.id, stamp(session.clock.now()), outcome, code.strip()[:12], reason[:120]),
        )
    finding = Finding.UNKNOWN if outcome == "无法识别" else Finding.BAD_CODE
    return Scanned(False, f"{finding.label}：{reason}", None, _count(db, taken.id))


def _count(db: Database, stocktake_id: int) -> int:
    return int(
        db.one("SELECT count(*) FROM stocktake_scan WHERE stocktake_id = ?", (stocktake_id,))[0]
    )


# What each scan of a stocktake says against the record: its finding class (NULL when it
# agrees) and the detail. One statement serves the scan's instant answer (one scan id) and the
# finish (every scan, inserted in one pass), so both apply the same rules; the finish reads the
# record as it is then (a copy taken back at the desk meanwhile is no longer 记录借出). Parameters: the
# stocktake's cabinet id twice (NULL for the whole room, where any cabinet is right), then the
# stocktake id.
_CLASSIFY = f"""
SELECT s.id AS scan_id, c.id AS copy_id, c.document_id,
    CASE
        WHEN s.outcome = '无法识别' THEN '无法识别'
        WHEN s.outcome <> '份' THEN '伪造或作废'
        WHEN c.state = {sql_value(CopyState.LENT)} THEN '记录借出'
        WHEN c.state NOT IN {sql_in(IN_ROOM)} OR d.voided_at IS NOT NULL THEN '记录已结'
        WHEN ? IS NOT NULL AND c.cabinet_id IS NOT ? THEN '错柜'
    END AS class,
    CASE
        WHEN s.outcome <> '份' THEN s.code || '：' || s.reason
        WHEN c.state = {sql_value(CopyState.LENT)} THEN '借阅人 ' || coalesce(
            (SELECT r.name FROM handover h JOIN reader r ON r.id = h.reader_id
             WHERE h.copy_id = c.id AND h.back_at IS NULL), '不明')
        WHEN c.state NOT IN {sql_in(IN_ROOM)} THEN '记录为' || c.state
        WHEN d.voided_at IS NOT NULL THEN '登记已作废'
        ELSE '记录在 ' || coalesce(k.name, '未登记柜位')
    END AS detail
FROM stocktake_scan s
LEFT JOIN copy c ON c.id = s.copy_id
LEFT JOIN document d ON d.id = c.document_id
LEFT JOIN cabinet k ON k.id = c.cabinet_id
WHERE s.stocktake_id = ?"""


def _classify_params(taken: Stocktake) -> tuple[Any, ...]:
    cabinet_id = taken.cabinet.id if taken.cabinet else None
    return (cabinet_id, cabinet_id, taken.id)


# ---- finish -----------------------------------------------------------------------------------
def finish(session: Session, stocktake_id: int, second_password: str) -> Summary:
    """The second person confirms with their own password; the discrepancies are recorded."""
    session.require(Role.CUSTODIAN)
    db = session.db
    taken = get(db, stocktake_id)
    if taken.finished_at is not None:
        raise InvalidInput("这次清查已经完成。")
    session.confirm(Credential(taken.second_person, second_password), "清查确认", BUSINESS_ROLES)
    with db.transaction():
        taken = get(db, stocktake_id)
        if taken.finished_at is not None:
            raise InvalidInput("这次清查已经完成。")
        expected = _record_missing(db, taken)
        _record_scanned(db, taken)
        counts = finding_counts(db, taken.id)
        copies = db.one(
            "SELECT count(*) FROM stocktake_scan WHERE stocktake_id = ? AND copy_id IS NOT NULL",
            (taken.id,),
        )[0]
        scanned_findings = sum(
            counts[f] for f in (Finding.WRONG_CABINET, Finding.RECORDED_OUT, Finding.RECORDED_ENDED)
        )
        matched = int(copies) - scanned_findings
        # 件 for the year's figures (app/reports/selfcheck_stats): kept with the stocktake.
        documents = db.scalar(
            "SELECT count(DISTINCT document_id) FROM stocktake_finding WHERE stocktake_id = ?",
            (taken.id,),
        )
        db.execute(
            "UPDATE stocktake SET finished_at = ?, confirmed_by = ?, expected = ?, matched = ?,"
            " findings = ?, finding_documents = ? WHERE id = ?",
            (
                stamp(session.clock.now()),
                taken.second_person,
                expected,
                matched,
                sum(counts.values()),
                documents,
                taken.id,
            ),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "完成清查",
            f"stocktake:{taken.id}",
            {
                "scope": taken.scope,
                "confirmed_by": taken.second_person,
                "expected": expected,
                "matched": matched,
                "findings": {f.value: n for f, n in counts.items() if n},
            },
        )
    return Summary(get(db, stocktake_id), counts)


def _scope_sql(taken: Stocktake) -> tuple[str, tuple[Any, ...]]:
    if taken.cabinet is None:
        return "", ()
    return " AND c.cabinet_id = ?", (taken.cabinet.id,)


def unscanned(session: Session, stocktake_id: int) -> tuple[int, int]:
    """(copies expected in the stocktake's scope, those of them not scanned yet): what 完成清查
    would record as 缺失, said before the two people sign."""
    session.require(Role.CUSTODIAN)
    db = session.db
    taken = get(db, stocktake_id)
    where, params = _scope_sql(taken)
    row = db.one(
        "SELECT count(*), sum(NOT EXISTS (SELECT 1 FROM stocktake_scan s"
        "  WHERE s.stocktake_id = ? AND s.copy_id = c.id))"
        " FROM copy c JOIN document d ON d.id = c.document_id"
        f" WHERE c.state IN {sql_in(IN_ROOM)} AND d.voided_at IS NULL{where}",
        (taken.id, *params),
    )
    return int(row[0]), int(row[1] or 0)


def _record_missing(db: Database, taken: Stocktake) -> int:
    """Writes a 缺失 finding for each expected copy not scanned; returns how many were expected."""
    where, params = _scope_sql(taken)
    expected = db.one(
        "SELECT count(*) FROM copy c JOIN document d ON d.id = c.document_id"
        f" WHERE c.state IN {sql_in(IN_ROOM)} AND d.voided_at IS NULL{where}",
        params,
    )[0]
    db.execute(
        "INSERT INTO stocktake_finding (stocktake_id, class, copy_id, document_id, detail)"
        " SELECT ?, '缺失', c.id, c.document_id, coalesce('记录在 ' || k.name, '未登记柜位')"
        " FROM copy c JOIN document d ON d.id = c.document_id"
        " LEFT JOIN cabinet k ON k.id = c.cabinet_id"
        f" WHERE c.state IN {sql_in(IN_ROOM)} AND d.voided_at IS NULL{where}"
        " AND NOT EXISTS (SELECT 1 FROM stocktake_scan s"
        "  WHERE s.stocktake_id = ? AND s.copy_id = c.id)"
        " ORDER BY c.id",
        (taken.id, *params, taken.id),
    )
    return int(expected)


def _record_scanned(db: Database, taken: Stocktake) -> None:
    db.execute(
        "INSERT INTO stocktake_finding (stocktake_id, class, copy_id, document_id, scan_id,"
        f" detail) SELECT ?, class, copy_id, document_id, scan_id, detail FROM ({_CLASSIFY})"
        " WHERE class IS NOT NULL ORDER BY scan_id",
        (taken.id, *_classify_params(taken)),
    )


def finding_counts(db: Database, stocktake_id: int) -> dict[Finding, int]:
    found = Counter(
        {
            Finding(r[0]): int(r[1])
            for r in db.query(
                "SELECT class, count(*) FROM stocktake_finding WHERE stocktake_id = ?"
                " GROUP BY class",
                (stocktake_id,),
            )
        }
    )
    return {f: found[f] for f in Finding}


# ---- reading ----------------------------------------------------------------------------------
def summary(session: Session, stocktake_id: int) -> Summary:
    session.require(*BUSINESS_ROLES)
    return Summary(get(session.db, stocktake_id), finding_counts(session.db, stocktake_id))


person_name = accounts.display_name


def _stocktake(db: Database, row: Any) -> Stocktake:
    return Stocktake(
        row["id"],
        cabinets.get(db, row["cabinet_id"]) if row["cabinet_id"] is not None else None,
        parse_stamp(row["started_at"]),
        row["started_by"],
        row["second_person"],
        parse_stamp(row["finished_at"]) if row["finished_at"] else None,
        row["confirmed_by"],
        row["expected"],
        row["matched"],
    )
