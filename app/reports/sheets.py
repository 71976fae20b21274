"""The year-end figures and lists, read straight from the database: what the PDFs print and what
a CSV/XLSX export writes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast, overload

from app import day_close, destruction, recall
from app.declassify import review_items
from app.errors import InvalidInput
from app.numbers import registration_number
from app.register_query import RegisterFilter
from app.vocab import LEVELS, CopyState
from db.connection import Database

SOURCES = ("中央", "省", "市", "区本级", "下级单位", "信访")
OWN_OUTGOING = "本机关发文"  # the 来文类别 key the year's figures give the office's own 发文


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[object, ...]]


def register(db: Database, year: int) -> Sheet:
    from app.reports.register_pdf import (
        HEADERS,
        earlier_outgoing,
        earlier_outgoing_note,
        register_values,
        rows_of,
    )

    f = RegisterFilter(year=year)
    rows: list[tuple[object, ...]] = [register_values(r) for r in rows_of(db, f)]
    note = earlier_outgoing_note(earlier_outgoing(db, f))
    if note:
        rows.append((note,) + ("",) * (len(HEADERS) - 1))
    return Sheet(f"收文登记簿（{year}年）", HEADERS, rows)


HANDOVER_HEADERS = (
    "借出时间",
    "借阅人",
    "部门",
    "收文编号/份号",
    "文件名称",
    "密级",
    "应还时间",
    "实际归还",
    "核对情况",
    "例外放行（批准）",
)


def handovers(
    db: Database, year: int, month: int | None = None, reader_id: int | None = None
) -> Sheet:
    """借阅登记: every handover that began in the year (or in one `month` of it, or one
    reader's), in time order. An exception names who let it through, what it lifted, and, for
    a clearance or 知悉范围 refusal, the 单位负责人 who approved it and the approval's reference."""
    title, ids = _handover_ids(db, year, month, reader_id)
    return Sheet(title, HANDOVER_HEADERS, list(Chunked(ids, lambda part: _handover_rows(db, part))))


def handovers_paged(
    db: Database, year: int, month: int | None = None, reader_id: int | None = None
) -> Sheet:
    """The same sheet for a PDF: its rows are read a chunk at a time as the pages need them,
    so that a year's few hundred thousand handovers are never all in memory at once."""
    title, ids = _handover_ids(db, year, month, reader_id)
    return Sheet(title, HANDOVER_HEADERS, Chunked(ids, lambda part: _handover_rows(db, part)))


class Chunked(Sequence[tuple[object, ...]]):
    """Rows by position, read `size` at a time through `fetch` (the rows of some ids, in their
    order); only the chunk last read is kept."""

    def __init__(
        self,
        ids: list[int],
        fetch: Callable[[list[int]], list[tuple[object, ...]]],
        size: int = 2000,
    ) -> None:
        self._ids, self._fetch, self._size = ids, fetch, size
        self._first, self._rows = -1, cast(list[tuple[object, ...]], [])

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> tuple[object, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[object, ...]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        first = index - index % self._size
        if first != self._first:
            self._rows = self._fetch(self._ids[first : first + self._size])
            self._first = first
        return self._rows[index - first]


def _handover_ids(
    db: Database, year: int, month: int | None, reader_id: int | None
) -> tuple[str, list[int]]:
    """The sheet's title and its handovers' ids, in time order."""
    if month is None:
        start, end = f"{year}-01-01", f"{year + 1}-01-01"
        period = f"{year}年"
    else:
        if not 1 <= month <= 12:
            raise InvalidInput("月份须在 1 到 12 之间。")
        start = f"{year}-{month:02d}-01"
        end = f"{year + 1}-01-01" if month == 12 else f"{year}-{month + 1:02d}-01"
        period = f"{year}年{month}月"
    where = "out_at >= ? AND out_at < ?"
    params: tuple[object, ...] = (start, end)
    if reader_id is not None:
        name = db.scalar("SELECT name FROM reader WHERE id = ?", (reader_id,))
        if name is None:
            raise InvalidInput("没有这位读者。")
        where += " AND reader_id = ?"
        params += (reader_id,)
        period += f" {name}"
    found = db.query(f"SELECT id FROM handover WHERE {where} ORDER BY out_at, id", params)
    return f"借阅登记（{period}）", [r[0] for r in found]


def _handover_rows(db: Database, ids: list[int]) -> list[tuple[object, ...]]:
    """The printed rows of these handovers, in the order of `ids`; texts that repeat (names,
    units, titles, notes) are kept once. Read by position: a year's register reads 368,000."""
    found = db.tuples(
        """SELECT h.id, h.out_at, r.name, r.unit, d.year, d.serial, c.copy_no, d.title, d.level,
                  h.due_at, h.back_at, h.check_note, h.override_by, h.override_reason,
                  h.override_kind, h.override_head, h.override_ref, a.display_name
           FROM handover h JOIN reader r ON r.id = h.reader_id JOIN copy c ON c.id = h.copy_id
           JOIN document d ON d.id = c.document_id
           LEFT JOIN account a ON a.login = h.override_by
           WHERE h.id IN (SELECT value FROM json_each(?))""",
        (json.dumps(ids),),
    )
    once: dict[str, str] = {}
    keep = once.setdefault
    rows: dict[int, tuple[object, ...]] = {}
    for r in found:
        (hid, out_at, name, unit, year, serial, copy_no, title, level, due_at, back_at, note) = r[
            :12
        ]
        note = note or ""
        rows[hid] = (
            _minute(out_at),
            keep(name, name),
            keep(unit, unit),
            f"{registration_number(year, serial)}/{copy_no}",
            keep(title, title),
            keep(level, level),
            _minute(due_at),
            _minute(back_at) if back_at else "未还",
            keep(note, note),
            _override(*r[12:]) if r[12] else "",
        )
    return [rows[i] for i in ids]  # a handover is never deleted


def _override(by: str, reason: str, kind: str, head: str, ref: str, approver: str | None) -> str:
    return override_note(
        {
            "override_by": by,
            "override_reason": reason,
            "override_kind": kind,
            "override_head": head,
            "override_ref": ref,
            "approver": approver,
        }
    )


def override_note(row: Any) -> str:
    """One handover's exception as printed: who let it through and what it lifted; the
    approving 单位负责人 and the approval's reference for a refusal by law; the reason."""
    if not row["override_by"]:
        return ""
    who = row["approver"] or row["override_by"]
    kind = f"（{row['override_kind']}）" if row["override_kind"] else ""
    parts = [f"保密员 {who} 放行{kind}"]
    if row["override_head"]:
        parts.append(f"单位负责人 {row['override_head']} 批准，批准单号 {row['override_ref']}")
    if row["override_reason"]:
        parts.append(f"理由：{row['override_reason']}")
    return "；".join(parts)


def _minute(text: str) -> str:
    return text[:16].replace("T", " ")


def recall_rows(db: Database, year: int) -> Sheet:
    rows: list[tuple[object, ...]] = [r.values() for r in recall.rows(db, year)]
    return Sheet(f"清退情况（{year}年度）", recall.COLUMNS, rows)


def destroyed(db: Database, year: int) -> Sheet:
    """Every copy destroyed by a batch sealed in the year."""
    rows: list[tuple[object, ...]] = []
    for batch in destruction.batches(db, year):
        if batch.state != "已销毁":
            continue
        for i in destruction.items(db, batch.id):
            rows.append(
                (
                    batch.label,
                    i.number,
                    i.doc_number,
                    i.title,
                    i.level,
                    i.source,
                    i.copy_no,
                    i.pages,
                )
            )
    headers = ("批次", "登记编号", "文号", "标题", "密级", "来文类别", "份号", "页数")
    return Sheet(f"销毁情况（{year}年）", headers, rows)


# Still held by the room: in a cabinet, kept after the recall, or lent today.
HELD = (CopyState.IN_CABINET, CopyState.LENT, CopyState.RETAINED)


def review(db: Database, today: date, months: int = 12) -> Sheet:
    """保密期限 review: classified documents still held whose period ends within `months`, and
    those carrying a 解密条件 (app.declassify, where the 保密员 records the decisions)."""
    rows: list[tuple[object, ...]] = [
        (
            i.ends.isoformat() if i.ends else "—",
            i.number,
            i.issuer,
            i.doc_number,
            i.title,
            i.level_label,
            i.held,
            i.note(today),
        )
        for i in review_items(db, today, months)
    ]
    headers = ("期限届满", "收文编号", "来文单位", "文号", "标题", "密级★期限", "在管份数", "备注")
    return Sheet(f"保密期限届满审查清单（{months}个月内）", headers, rows)


# ---- the year's statistics --------------------------------------------------------------------
@dataclass(frozen=True)
class Stats:
    year: int
    received: dict[tuple[str, str], int]  # (来文类别, 密级) -> copies registered
    recall: dict[tuple[str, str], int]  # (结果, 密级) -> copies of the year's campaign
    destroyed: dict[tuple[str, str], int]  # (来文类别, 密级) -> copies destroyed in the year
    overnight: int
    exceptions: int
    instructions_opened: int
    instructions_done: int
    instructions_done_late: int
    instructions_overdue: int
    returned_mail: int = 0  # 退文 registered in the year


def stats(db: Database, year: int, now_stamp: str) -> Stats:
    start, end = f"{year}-01-01", f"{year + 1}-01-01"
    received = {
        (r[0], r[1]): r[2]
        for r in db.query(
            # The office's own 发文 are registered as 区本级 to keep their copies; counted apart.
            "SELECT CASE WHEN o.id IS NULL THEN d.source ELSE ? END AS source, d.level,"
            " count(c.id) FROM document d JOIN copy c ON c.document_id = d.id"
            " LEFT JOIN outgoing o ON o.document_id = d.id"
            " WHERE d.year = ? AND d.voided_at IS NULL GROUP BY 1, d.level",
            (OWN_OUTGOING, year),
        )
    }
    outcomes: Counter[tuple[str, str]] = Counter(
        (r.outcome if r.settled else "未完成", r.level) for r in recall.rows(db, year)
    )
    destroyed_counts = {
        (r[0], r[1]): r[2]
        for r in db.query(
            "SELECT d.source, d.level, count(*) FROM destruction_batch b"
            " JOIN destruction_item i ON i.batch_id = b.id JOIN copy c ON c.id = i.copy_id"
            " JOIN document d ON d.id = c.document_id"
            " WHERE b.sealed_at >= ? AND b.sealed_at < ? GROUP BY d.source, d.level",
            (start, end),
        )
    }
    exceptions = db.scalar(
        "SELECT count(*) FROM overnight_exception WHERE night >= ? AND night < ?", (start, end)
    )
    opened = db.scalar(
        "SELECT count(*) FROM instruction WHERE given_at >= ? AND given_at < ?", (start, end)
    )
    done = db.scalar(
        "SELECT count(*) FROM instruction WHERE given_at >= ? AND given_at < ?"
        " AND state = '已办结'",
        (start, end),
    )
    late = db.scalar(
        "SELECT count(*) FROM instruction WHERE given_at >= ? AND given_at < ?"
        " AND state = '已办结' AND done_at > deadline",
        (start, end),
    )
    overdue = db.scalar(
        "SELECT count(*) FROM instruction WHERE given_at >= ? AND given_at < ?"
        " AND state <> '已办结' AND deadline < ?",
        (start, end, now_stamp),
    )
    return Stats(
        year,
        received,
        dict(outcomes),
        destroyed_counts,
        day_close.overnight_count(db, year),
        int(exceptions),
        int(opened),
        int(done),
        int(late),
        int(overdue),
        int(db.scalar("SELECT count(*) FROM returned_mail WHERE year = ?", (year,))),
    )


def stats_sheet(s: Stats) -> Sheet:
    levels = LEVELS
    rows: list[tuple[object, ...]] = []

    def line(item: str, kind: str, counts: dict[tuple[str, str], int], key: str) -> None:
        values = [counts.get((key, lv), 0) for lv in levels]
        rows.append((item, kind, *values, sum(values)))

    for source in SOURCES:
        line("收文", source, s.received, source)
    line("发文", "本机关印制", s.received, OWN_OUTGOING)
    for outcome in (*recall.OUTCOMES, "未完成"):
        line("本年度收文清退", outcome, s.recall, outcome)
    for source in SOURCES:
        line("本年内监销销毁", source, s.destroyed, source)
    blank = ("",) * len(levels)
    rows += [
        ("退文", "件", *blank, s.returned_mail),
        ("违规过夜", "事件", *blank, s.overnight),
        ("过夜例外", "经批准", *blank, s.exceptions),
        ("批示", "登记", *blank, s.instructions_opened),
        ("批示", "已办结", *blank, s.instructions_done),
        ("批示", "超时办结", *blank, s.instructions_done_late),
        ("批示", "逾期未办结", *blank, s.instructions_overdue),
    ]
    return Sheet(f"年度统计（{s.year}年）", ("项目", "分类", *levels, "合计"), rows)


def overnight(db: Database, year: int) -> Sheet:
    """The year's 违规过夜 incidents and approved overnight exceptions."""
    start, end = f"{year}-01-01", f"{year + 1}-01-01"
    rows: list[tuple[object, ...]] = []
    for r in db.query(
        """SELECT i.night, d.year, d.serial, c.copy_no, d.level, r.name, i.resolution
           FROM incident i JOIN copy c ON c.id = i.copy_id JOIN document d ON d.id = c.document_id
           LEFT JOIN handover h ON h.id = i.handover_id LEFT JOIN reader r ON r.id = h.reader_id
           WHERE i.kind = '违规过夜' AND i.night >= ? AND i.night < ? ORDER BY i.night, i.id""",
        (start, end),
    ):
        label = f"{registration_number(r[1], r[2])}/{r[3]}"
        rows.append(("违规过夜", r[0], label, r[4], r[5] or "", r[6] or "未处理"))
    for r in db.query(
        """SELECT e.night, d.year, d.serial, c.copy_no, d.level, rd.name, e.reason, e.approver
           FROM overnight_exception e JOIN handover h ON h.id = e.handover_id
           JOIN copy c ON c.id = h.copy_id JOIN document d ON d.id = c.document_id
           JOIN reader rd ON rd.id = h.reader_id
           WHERE e.night >= ? AND e.night < ? ORDER BY e.night, e.id""",
        (start, end),
    ):
        label = f"{registration_number(r[1], r[2])}/{r[3]}"
        rows.append(("过夜例外", r[0], label, r[4], r[5], f"{r[6]}（{r[7]}批准）"))
    headers = ("类别", "日期", "收文编号/份号", "密级", "持有人", "说明")
    return Sheet(f"违规过夜与过夜例外（{year}年）", headers, rows)
