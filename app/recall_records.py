"""The recall list read from the database: the year's campaign, each copy's outcome or blocker,
and the progress per issuer and 密级 (app.recall changes them)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from app import settings
from app.numbers import registration_number
from app.vocab import CLASSIFIED, CopyState, sql_in
from db.connection import Database

SOURCES = ("中央", "省", "市")
LEVELS = CLASSIFIED
# A copy done with for the recall is in one of these states (留用 read from its retention).
OUTCOMES = (CopyState.RECALLED, CopyState.DESTROYED, CopyState.RETAINED)
COLUMNS = ("来文单位", "文号", "收文编号", "标题", "密级", "份号", "结果", "阻碍", "说明")


@dataclass(frozen=True)
class Campaign:
    year: int
    deadline: date
    opened_at: str
    opened_by: str
    closed_at: str | None
    approved_by: str | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class RecallRow(NamedTuple):  # a NamedTuple: a year's list is 100,000 of them
    copy_id: int
    document_id: int
    number: str
    issuer: str
    doc_number: str
    title: str
    level: str
    source: str
    copy_no: str
    pages: int
    state: str
    detail: str  # the receipt, the reason kept, or the batch
    outcome: str  # 已清退, 已销毁, 留用, 待销毁 (in an open batch) or 待处理
    blocker: str  # why it cannot be settled now, or ""

    @property
    def settled(self) -> bool:
        return self.outcome in OUTCOMES

    def values(self) -> tuple[str, ...]:
        """The row as the list shows and exports it, in the order of COLUMNS."""
        return (
            self.issuer,
            self.doc_number,
            self.number,
            self.title,
            self.level,
            self.copy_no,
            self.outcome,
            self.blocker,
            self.detail,
        )


@dataclass
class Tally:
    settled: int = 0
    total: int = 0


@dataclass
class CampaignProgress:
    """How far a recall campaign has come (not a job's progress reporter: that is app/progress.py)."""

    overall: Tally = field(default_factory=Tally)
    by_issuer: dict[str, Tally] = field(default_factory=dict)
    by_level: dict[str, Tally] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    blockers: int = 0


def campaign(db: Database, year: int) -> Campaign | None:
    row = db.one("SELECT * FROM recall_campaign WHERE year = ?", (year,))
    return _campaign(row) if row is not None else None


def campaigns(db: Database) -> list[Campaign]:
    return [_campaign(r) for r in db.query("SELECT * FROM recall_campaign ORDER BY year DESC")]


def _campaign(row: Any) -> Campaign:
    return Campaign(
        row["year"],
        date.fromisoformat(row["deadline"]),
        row["opened_at"],
        row["opened_by"],
        row["closed_at"],
        row["approved_by"],
    )


# What the year's recall covers: classified documents from the upper levels, not voided.
_SCOPE = f"""
WHERE d.year = ? AND d.source IN ('中央', '省', '市') AND d.level IN {sql_in(CLASSIFIED)}
  AND d.voided_at IS NULL
"""
# The year's documents once (titles are long and each has about ten copies), then their copies.
_DOCUMENTS_SQL = f"""
SELECT d.id, d.year, d.serial, d.issuer, d.doc_number, d.title, d.level, d.source,
       EXISTS (SELECT 1 FROM instruction s WHERE s.document_id = d.id
               AND s.state IN ('待办', '办理中', '延期')) AS open_instruction
FROM document d {_SCOPE}"""
_COPIES_SQL = f"""
SELECT c.id, c.document_id, c.copy_no, c.pages, c.state,
       rr.returned_on, rr.receiver, rr.receipt_no, rt.reason,
       (SELECT b.year || '年第' || b.serial || '批' || CASE WHEN b.sealed_at IS NULL
               THEN '（未封存）' ELSE '' END
        FROM destruction_item i JOIN destruction_batch b ON b.id = i.batch_id
        WHERE i.copy_id = c.id AND b.cancelled_at IS NULL ORDER BY b.id DESC LIMIT 1)
FROM document d JOIN copy c ON c.document_id = d.id
LEFT JOIN recall_return rr ON rr.copy_id = c.id
LEFT JOIN recall_retention rt ON rt.copy_id = c.id {_SCOPE}"""


@dataclass(frozen=True)
class _Doc:
    number: str
    issuer: str
    doc_number: str
    title: str
    level: str
    source: str
    open_instruction: bool
    order: tuple[Any, ...]


def rows(db: Database, year: int, copy_ids: list[int] | None = None) -> list[RecallRow]:
    """The year's recall list, by issuer, then 文号 in number order, then 份号; or the rows of
    the chosen copies (a long choice is filtered here, past SQLite's limit on parameters)."""
    if copy_ids is not None and len(copy_ids) > 500:
        wanted = set(copy_ids)
        return [r for r in rows(db, year) if r.copy_id in wanted]
    docs = {
        r[0]: _Doc(
            registration_number(r[1], r[2]),
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            bool(r[8]),
            doc_number_key(r[4]),
        )
        for r in db.query(_DOCUMENTS_SQL, (year,))
    }
    sql, params = _COPIES_SQL, [year]
    if copy_ids is not None:
        sql += f" AND c.id IN ({','.join('?' * len(copy_ids))})"
        params += copy_ids
    keyed = []
    for r in db.query(sql, params):
        doc = docs[r[1]]
        keyed.append(((doc.issuer, doc.order, doc.number, r[2]), _row(r, doc)))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


def _row(r: Any, doc: _Doc) -> RecallRow:
    # Columns by position (see _COPIES_SQL): a year's list reads 100,000 of these.
    state, blocker, detail = r[4], "", ""
    outcome: str
    if state == CopyState.RECALLED:
        outcome = CopyState.RECALLED
        detail = f"{r[5]} 交{r[6]}，回执 {r[7]}"
    elif state == CopyState.DESTROYED:
        outcome, detail = CopyState.DESTROYED, r[9] or ""
    elif state == CopyState.LOST:  # a loss shows, even on a copy kept earlier (留用 never hides it)
        outcome = "待处理"
    elif r[8] is not None:
        outcome, detail = CopyState.RETAINED, r[8]
    elif r[9]:
        outcome, detail = "待销毁", r[9]
    else:
        outcome = "待处理"
    if outcome not in OUTCOMES:
        if state == CopyState.LENT:
            blocker = "借出未还"
        elif state == CopyState.DISTRIBUTED:
            blocker = "分发未收回"
        elif state == CopyState.LOST:
            blocker = "遗失待查"
        elif doc.open_instruction:
            blocker = "批示未办结"
    return RecallRow(
        r[0],
        r[1],
        doc.number,
        doc.issuer,
        doc.doc_number,
        doc.title,
        doc.level,
        doc.source,
        r[2],
        r[3],
        state,
        detail,
        outcome,
        blocker,
    )


def doc_number_key(text: str) -> tuple[Any, ...]:
    """文号 in number order: 市委发〔2026〕3号 before 〔2026〕12号."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def progress(items: list[RecallRow]) -> CampaignProgress:
    result = CampaignProgress()
    # Counted once over a handful of distinct keys, not row by row.
    kinds = Counter((r.issuer, r.level, r.outcome, r.blocker != "") for r in items)
    for (issuer, level, outcome, blocked), n in kinds.items():
        settled = n if outcome in OUTCOMES else 0
        for tally in (
            result.overall,
            result.by_issuer.setdefault(issuer, Tally()),
            result.by_level.setdefault(level, Tally()),
        ):
            tally.total += n
            tally.settled += settled
        result.outcomes[outcome] += n
        result.blockers += n if blocked else 0
    return result


def default_deadline(db: Database, year: int) -> date:
    month, day = settings.load(db).recall_deadline
    return date(year + 1, month, day)
