"""The year's figures for the 保密自查自评: counts in 件 (documents) and 份 (copies, or 人次 at
the desk) by month, quarter and year — received, distributed, handovers, circulation, copies
made, stocktake discrepancies, losses, 违规过夜, recalled, destroyed, filed, declassified — and
the copies held at each period's end by 密级.

Every figure is one grouped query over an indexed time column, so the year costs a few
aggregate passes, not a walk over the copies. Holdings are today's (copy_count) less the
registrations and plus the ends (recalled, destroyed, filed, lost) after each month's end; a
document whose 密级 a decision changed counts under the level it had at that month's end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.classification import LEVELS
from app.reports.sheets import Sheet
from app.roles import BUSINESS_ROLES
from app.vocab import CopyState, sql_in, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

MONTHS = tuple(range(1, 13))
QUARTERS = ("一季度", "二季度", "三季度", "四季度")
HEADERS = ("项目", "单位", *(f"{m}月" for m in MONTHS), *QUARTERS, "全年")
# The states as SQL literals. A loss is recorded by a copy event named after the state (遗失).
_LOST = sql_value(CopyState.LOST)
_FILED = sql_value(CopyState.FILED)
# A declassified document's copies gone from the room (not counted): recalled, destroyed, lost.
_GONE = sql_in((CopyState.RECALLED, CopyState.DESTROYED, CopyState.LOST))


@dataclass(frozen=True)
class Line:
    item: str
    unit: str  # 件, 份 or 人次
    months: tuple[int, ...]  # twelve
    stock: bool = False  # a holding at the period's end, not a count over the period

    def quarter(self, q: int) -> int:
        block = self.months[3 * q : 3 * q + 3]
        return block[-1] if self.stock else sum(block)

    @property
    def year(self) -> int:
        return self.months[-1] if self.stock else sum(self.months)


# (item, SQL giving (month 'MM', 件, 份) for the year's [start, end) range)
_FLOWS: tuple[tuple[str, str, str], ...] = (
    (
        "收文",
        "份",
        """SELECT substr(d.received_at, 6, 2), count(DISTINCT d.id), count(c.id)
           FROM document d JOIN copy c ON c.document_id = d.id AND c.derived_from IS NULL
           WHERE d.year = ? AND d.voided_at IS NULL
             AND d.id NOT IN (SELECT document_id FROM outgoing) GROUP BY 1""",
    ),
    (
        "分发",
        "份",
        """SELECT substr(i.out_at, 6, 2), count(DISTINCT c.document_id), count(*)
           FROM distribution_item i JOIN copy c ON c.id = i.copy_id
           WHERE i.out_at >= ? AND i.out_at < ? GROUP BY 1""",
    ),
    (
        "借阅",
        "人次",
        """SELECT substr(h.out_at, 6, 2), count(DISTINCT c.document_id), count(*)
           FROM handover h INDEXED BY handover_out_at JOIN copy c ON c.id = h.copy_id
           WHERE h.out_at >= ? AND h.out_at < ? GROUP BY 1""",
    ),
    (
        "传阅",
        "人次",
        """SELECT substr(read_at, 6, 2), count(DISTINCT document_id), count(*) FROM reading
           WHERE read_at >= ? AND read_at < ? GROUP BY 1""",
    ),
    (
        "复制",
        "份",
        """SELECT substr(a.recorded_at, 6, 2), count(DISTINCT s.document_id), sum(a.count)
           FROM copy_approval a JOIN copy s ON s.id = a.source_copy_id
           WHERE a.recorded_at >= ? AND a.recorded_at < ? GROUP BY 1""",
    ),
    (
        "清查差异",
        "份",
        # Each stocktake's counts, kept at its finish (migration 0022): 件 is the documents
        # each stocktake found a discrepancy in, added up over the month's stocktakes.
        """SELECT substr(finished_at, 6, 2), sum(finding_documents), sum(findings)
           FROM stocktake WHERE finished_at >= ? AND finished_at < ? GROUP BY 1""",
    ),
    (
        "遗失",
        "份",
        f"""SELECT substr(e.at, 6, 2), count(DISTINCT c.document_id), count(*)
           FROM copy c INDEXED BY copy_state JOIN copy_event e ON e.copy_id = c.id
           WHERE c.state = {_LOST} AND e.kind = {_LOST} AND e.at >= ? AND e.at < ? GROUP BY 1""",
    ),
    (
        "违规过夜",
        "份",
        """SELECT substr(i.night, 6, 2), count(DISTINCT c.document_id), count(*)
           FROM incident i JOIN copy c ON c.id = i.copy_id
           WHERE i.kind = '违规过夜' AND i.night >= ? AND i.night < ? GROUP BY 1""",
    ),
    (
        "清退",
        "份",
        """SELECT substr(r.returned_on, 6, 2), count(DISTINCT c.document_id), count(*)
           FROM recall_return r JOIN copy c ON c.id = r.copy_id
           WHERE r.returned_on >= ? AND r.returned_on < ? GROUP BY 1""",
    ),
    (
        "销毁",
        "份",
        """SELECT substr(b.sealed_at, 6, 2), count(DISTINCT c.document_id), count(*)
           FROM destruction_batch b JOIN destruction_item i ON i.batch_id = b.id
           JOIN copy c ON c.id = i.copy_id
           WHERE b.sealed_at >= ? AND b.sealed_at < ? GROUP BY 1""",
    ),
    (
        "归档",
        "份",
        f"""SELECT substr(f.filed_on, 6, 2), count(DISTINCT f.document_id), count(c.id)
           FROM filing f JOIN copy c ON c.document_id = f.document_id AND c.state = {_FILED}
           WHERE f.filed_on >= ? AND f.filed_on < ? GROUP BY 1""",
    ),
    (
        "解密",
        "份",
        f"""SELECT substr(x.decided_on, 6, 2), count(DISTINCT x.document_id), count(c.id)
           FROM declassification x
           LEFT JOIN copy c ON c.document_id = x.document_id
               AND c.state NOT IN {_GONE}
           WHERE x.decision = '解密' AND x.decided_on >= ? AND x.decided_on < ? GROUP BY 1""",
    ),
)


@dataclass(frozen=True)
class YearFigures:
    year: int
    lines: tuple[Line, ...]


def figures(session: Session, year: int) -> YearFigures:
    session.require(*BUSINESS_ROLES)
    return year_figures(session.db, year)


def year_figures(db: Database, year: int) -> YearFigures:
    span = (f"{year}-01-01", f"{year + 1}-01-01")
    lines: list[Line] = []
    for item, unit, sql in _FLOWS:
        docs, copies = [0] * 12, [0] * 12
        params = (year,) if item == "收文" else span  # 收文 by registration year (its index)
        for month, n_docs, n_copies in db.query(sql, params):
            docs[int(month) - 1] += int(n_docs or 0)
            copies[int(month) - 1] += int(n_copies or 0)
        lines.append(Line(item, "件", tuple(docs)))
        lines.append(Line(item, unit, tuple(copies)))
    held = holdings(db, year)
    for level in LEVELS:
        lines.append(Line(f"期末在管（{level}）", "份", held[level], stock=True))
    return YearFigures(year, tuple(lines))


# ---- holdings --------------------------------------------------------------------------------
# CROSS JOIN keeps SQLite's join order: the dated table first, read by its range (else the
# planner may walk all of copy, destruction_item or stocktake_finding).
# Counted backwards from today's holdings (copy_count, kept by triggers): a month's end held what
# is held now, less what was registered since, plus what has ended since. So the cost follows the
# activity since the year began (range reads on indexed dates), not the size of the room.
HELD = (CopyState.IN_CABINET, CopyState.LENT, CopyState.DISTRIBUTED)
_DECIDED = "SELECT document_id FROM declassification"
_REGISTERED_SINCE = f"""
SELECT substr(d.received_at, 1, 7), d.level, count(*) FROM document d
CROSS JOIN copy c ON c.document_id = d.id AND c.derived_from IS NULL
WHERE d.year >= ? AND d.voided_at IS NULL AND d.id NOT IN ({_DECIDED}) GROUP BY 1, 2
UNION ALL
SELECT substr(a.recorded_at, 1, 7), d.level, count(*) FROM copy_approval a
JOIN copy c ON c.approval_id = a.id JOIN document d ON d.id = c.document_id
WHERE a.recorded_at >= ? AND d.voided_at IS NULL AND d.id NOT IN ({_DECIDED}) GROUP BY 1, 2
"""
# When each copy that ended since did (the month), by its document's level.
_ENDED_SINCE = f"""
SELECT substr(r.returned_on, 1, 7), d.level, count(*) FROM recall_return r
JOIN copy c ON c.id = r.copy_id JOIN document d ON d.id = c.document_id
WHERE r.returned_on >= ? AND d.voided_at IS NULL AND d.id NOT IN ({_DECIDED}) GROUP BY 1, 2
UNION ALL
SELECT substr(b.sealed_at, 1, 7), d.level, count(*) FROM destruction_batch b
CROSS JOIN destruction_item i ON i.batch_id = b.id JOIN copy c ON c.id = i.copy_id
JOIN document d ON d.id = c.document_id
WHERE b.sealed_at >= ? AND d.voided_at IS NULL AND d.id NOT IN ({_DECIDED}) GROUP BY 1, 2
UNION ALL
SELECT substr(f.filed_on, 1, 7), d.level, count(*) FROM filing f
JOIN document d ON d.id = f.document_id
JOIN copy c ON c.document_id = d.id AND c.state = {_FILED}
WHERE f.filed_on >= ? AND d.id NOT IN ({_DECIDED}) GROUP BY 1, 2
UNION ALL
SELECT substr(e.at, 1, 7), d.level, count(*) FROM copy c INDEXED BY copy_state
JOIN copy_event e ON e.copy_id = c.id AND e.kind = {_LOST}
JOIN document d ON d.id = c.document_id
WHERE c.state = {_LOST} AND e.at >= ? AND d.voided_at IS NULL AND d.id NOT IN ({_DECIDED})
GROUP BY 1, 2
"""
# Held now but not counted: copies of voided registrations and of decided documents.
_HELD_APART = f"""
SELECT d.level, count(*) FROM document d CROSS JOIN copy c ON c.document_id = d.id
WHERE c.state IN {sql_in(HELD)}
  AND (d.voided_at IS NOT NULL OR d.id IN ({_DECIDED})) GROUP BY 1
"""


def holdings(db: Database, year: int) -> dict[str, tuple[int, ...]]:
    """Copies held at each month's end of `year`, by 密级."""
    keys = [f"{year}-{m:02d}" for m in MONTHS]
    since = f"{year}-01-01"
    now: dict[str, int] = defaultdict(int)
    for level, state, n in db.query("SELECT level, state, n FROM copy_count"):
        if state in HELD:
            now[level] += int(n)
    for level, n in db.query(_HELD_APART):
        now[level] -= int(n)
    # Registered after a month's end is not yet held then; ended after it still was.
    changes: list[tuple[str, str, int]] = []
    changes += [(k, lv, int(n)) for k, lv, n in db.query(_REGISTERED_SINCE, (year, since))]
    changes += [(k, lv, -int(n)) for k, lv, n in db.query(_ENDED_SINCE, (since,) * 4)]
    out: dict[str, list[int]] = {}
    for level in LEVELS:
        out[level] = [
            now[level] - sum(n for k, lv, n in changes if lv == level and k > key) for key in keys
        ]
    for doc_id in {int(r[0]) for r in db.query(_DECIDED)}:
        for level, months in _decided_document(db, doc_id, keys).items():
            out[level] = [a + b for a, b in zip(out[level], months, strict=True)]
    return {level: tuple(out[level]) for level in LEVELS}


def _decided_document(db: Database, doc_id: int, keys: list[str]) -> dict[str, list[int]]:
    """One document whose level a decision changed: its copies held at each month's end,
    under the level it had then (few documents; read copy by copy)."""
    doc = db.one("SELECT level, received_at, voided_at FROM document WHERE id = ?", (doc_id,))
    result: dict[str, list[int]] = {level: [0] * 12 for level in LEVELS}
    if doc is None or doc["voided_at"] is not None:
        return result
    decisions = db.query(
        "SELECT substr(decided_on, 1, 7), old_level FROM declassification"
        " WHERE document_id = ? ORDER BY id",
        (doc_id,),
    )
    copies = db.query(
        f"""SELECT coalesce(substr(a.recorded_at, 1, 7), ?) AS born,
                  coalesce(substr(r.returned_on, 1, 7), substr(b.sealed_at, 1, 7),
                           substr(f.filed_on, 1, 7)) AS ended
           FROM copy c LEFT JOIN copy_approval a ON a.id = c.approval_id
           LEFT JOIN recall_return r ON r.copy_id = c.id
           LEFT JOIN destruction_item i ON i.copy_id = c.id
           LEFT JOIN destruction_batch b ON b.id = i.batch_id AND b.sealed_at IS NOT NULL
           LEFT JOIN filing f ON f.document_id = c.document_id AND c.state = {_FILED}
           WHERE c.document_id = ? AND c.state <> {_LOST}""",
        (doc["received_at"][:7], doc_id),
    )
    for m, key in enumerate(keys):
        later = [old for on, old in decisions if on > key]
        level = later[0] if later else doc["level"]
        result[level][m] = sum(
            1 for born, ended in copies if born <= key and (ended is None or ended > key)
        )
    return result


# ---- the sheet ---------------------------------------------------------------------------------
def sheet(f: YearFigures) -> Sheet:
    rows: list[tuple[object, ...]] = [
        (
            line.item,
            line.unit,
            *line.months,
            *(line.quarter(q) for q in range(4)),
            line.year,
        )
        for line in f.lines
    ]
    return Sheet(f"保密自查自评统计（{f.year}年）", HEADERS, rows)
