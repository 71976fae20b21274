"""The register (收文登记簿) as pages of rows: filters and search in SQL, keyset paging.

Rows are ordered by 收文编号, newest first, and a page starts after the last (year, serial) seen,
never at an OFFSET. Search: three characters or more use the trigram FTS index; one or two
characters fall back to LIKE (the trigram tokenizer cannot match them); a 收文编号 or a six-digit
份号 is looked up exactly.

Contract: these rows are business content. The callers are the 收文登记 page (built only for the
business roles, app/roles.PAGES_BY_ROLE) and the register report (app/reports/catalog, which
requires them); a new caller that holds a session checks `session.require(*BUSINESS_ROLES)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.classification import Period
from app.numbers import (
    format_copy_ranges,
    parse_registration_number,
    registration_number,
)
from app.vocab import CopyState
from db.connection import Database

Key = tuple[int, int]  # (year, serial)

# The columns of a paper 收文登记簿, on screen and on the printed page.
REGISTER_COLUMNS = (
    "收文编号",
    "收文日期",
    "来文单位",
    "文号",
    "标题",
    "密级",
    "份数/份号",
    "承办单位",
    "签收人",
    "办理情况",
    "归卷日期",
    "备注",
)


def columns_for(series: str | None) -> tuple[str, ...]:
    """The headers for one series or both: a 发文's number, date and issuer are 发文登记号,
    登记日期 and 发文机关 (its 文号 is the 发文字号), and a list of both uses words that fit each."""
    first = {
        "收文": REGISTER_COLUMNS[:4],
        "发文": ("发文登记号", "登记日期", "发文机关", "发文字号"),
        None: ("登记编号", "登记日期", "来文单位/发文机关", "文号"),
    }[series]
    return first + REGISTER_COLUMNS[4:]


@dataclass(frozen=True)
class RegisterFilter:
    year: int | None = None
    level: str | None = None
    source: str | None = None
    state: str | None = None  # documents with at least one copy in this state
    issuer: str | None = None
    search: str = ""
    include_voided: bool = True
    # One series only: "收文" (the printed 收文登记簿) or "发文" (the office's own, app/outgoing.py:
    # F2026-0001, and the 发文 an earlier version registered under a 收文编号); None for both.
    series: str | None = None


@dataclass(frozen=True)
class RegisterRow:
    id: int
    year: int
    serial: int
    received_at: str
    issuer: str
    source: str
    doc_number: str
    title: str
    level_label: str
    copies: int
    copy_ranges: str
    copies_out: int
    status_note: str
    remarks: str
    voided: bool
    done_result: str = ""  # 办理结果 once 办结 (app.completion)
    # The paper register's 承办单位, 签收人 and 归卷日期 (app/reports/register_pdf.py).
    handlers: str = ""
    signers: str = ""
    filed_on: str = ""

    @property
    def number(self) -> str:
        return registration_number(self.year, self.serial)

    @property
    def key(self) -> Key:
        return (self.year, self.serial)


def _where(f: RegisterFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.year is not None:
        clauses.append("d.year = ?")
        params.append(f.year)
    if f.level:
        clauses.append("d.level = ?")
        params.append(f.level)
    if f.source:
        clauses.append("d.source = ?")
        params.append(f.source)
    if f.issuer:  # part of the name is enough: 市委 finds 市委办公室 and 中共某市委
        clauses.append("instr(d.issuer, ?) > 0")
        params.append(f.issuer)

    if f.state:
        # Driven from the (state, document_id) index: rare states (借出, 遗失) stay fast.
        clauses.append("d.id IN (SELECT document_id FROM copy WHERE state = ?)")

        params.append(f.state)
    if not f.include_voided:
        clauses.append("d.voided_at IS NULL")
    if f.series is not None:
        # By the 发文登记簿's own rows, not by the number: a room registered 发文 under 收文编号
        # before the F series (app/numbers.py), and those numbers stay as printed.
        clauses.append(
            f"d.id {'' if f.series == '发文' else 'NOT '}IN (SELECT document_id FROM outgoing)"
        )
    text = f.search.strip()
    if text:
        clause, extra = _search_clause(text)
        clauses.append(clause)
        params.extend(extra)
    return (" AND ".join(clauses) or "1 = 1"), params


def _search_clause(text: str) -> tuple[str, list[Any]]:
    number = parse_registration_number(text)
    if number is not None:
        return "(d.year = ? AND d.serial = ?)", list(number)
    if re.fullmatch(r"\d{6}", text):
        return (
            "(d.id IN (SELECT document_id FROM copy WHERE copy_no = ?) OR d.doc_number LIKE ?)",
            [text, f"%{text}%"],
        )
    if len(text) >= 3:
        phrase = '"' + text.replace('"', '""') + '"'
        return "d.id IN (SELECT rowid FROM document_fts WHERE document_fts MATCH ?)", [phrase]
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return (
        "(d.title LIKE ? ESCAPE '\\' OR d.doc_number LIKE ? ESCAPE '\\'"
        " OR d.issuer LIKE ? ESCAPE '\\')",
        [like, like, like],
    )


# A 发文's 办理情况 is kept in the 发文登记簿 (app/outgoing.set_notes).
_SELECT = """
SELECT d.id, d.year, d.serial, d.received_at, d.issuer, d.source, d.doc_number, d.title,
       d.level, d.period_kind, d.period_value,
       coalesce(nullif(d.status_note, ''),
                (SELECT o.notes FROM outgoing o WHERE o.document_id = d.id), '') AS status_note,
       d.remarks, d.voided_at, d.done_result
FROM document d
"""


def page(
    db: Database,
    f: RegisterFilter,
    after: Key | None = None,
    limit: int = 100,
    newest_first: bool = True,
) -> list[RegisterRow]:
    """One page after the key `after`; `newest_first=False` starts at the end of the register."""
    where, params = _where(f)
    if after is not None:
        op = "<" if newest_first else ">"
        where += f" AND (d.year {op} ? OR (d.year = ? AND d.serial {op} ?))"
        params += [after[0], after[0], after[1]]
    order = "DESC" if newest_first else "ASC"
    rows = db.query(
        f"{_SELECT} WHERE {where} ORDER BY d.year {order}, d.serial {order} LIMIT ?",
        (*params, limit),
    )
    return _with_copies(db, rows)


def count(db: Database, f: RegisterFilter) -> int:
    where, params = _where(f)
    return int(db.scalar(f"SELECT count(*) FROM document d WHERE {where}", params))


def years(db: Database) -> list[int]:
    return [r[0] for r in db.query("SELECT DISTINCT year FROM document ORDER BY year DESC")]


def _with_copies(db: Database, rows: list[Any]) -> list[RegisterRow]:
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    marks = ",".join("?" * len(ids))
    numbers: dict[int, list[str]] = {i: [] for i in ids}
    out: dict[int, int] = dict.fromkeys(ids, 0)
    for c in db.query(
        f"SELECT document_id, copy_no, state FROM copy WHERE document_id IN ({marks})", ids
    ):
        numbers[c["document_id"]].append(c["copy_no"])
        if c["state"] == CopyState.LENT:
            out[c["document_id"]] += 1
    handlers, signers, filed_on = _paper_columns(db, ids, marks)
    return [
        RegisterRow(
            id=r["id"],
            year=r["year"],
            serial=r["serial"],
            received_at=r["received_at"],
            issuer=r["issuer"],
            source=r["source"],
            doc_number=r["doc_number"],
            title=r["title"],
            level_label=Period(r["period_kind"], r["period_value"]).label(r["level"]),
            copies=len(numbers[r["id"]]),
            copy_ranges=format_copy_ranges(numbers[r["id"]]),
            copies_out=out[r["id"]],
            status_note=r["status_note"],
            remarks=r["remarks"],
            voided=r["voided_at"] is not None,
            done_result=r["done_result"] or "",
            handlers="、".join(handlers.get(r["id"], [])),
            signers="、".join(signers.get(r["id"], [])),
            filed_on=filed_on.get(r["id"], ""),
        )
        for r in rows
    ]


def _paper_columns(
    db: Database, ids: list[int], marks: str
) -> tuple[dict[int, list[str]], dict[int, list[str]], dict[int, str]]:
    """Per document of a page: the 承办单位 (a 批示's unit, the units it was distributed to),
    the 签收人 (readers who signed for a copy at the desk or for a unit) and the 归卷日期."""
    handlers: dict[int, list[str]] = {}
    signers: dict[int, list[str]] = {}

    def add(into: dict[int, list[str]], doc: int, name: str) -> None:
        names = into.setdefault(doc, [])
        if name and name not in names:
            names.append(name)

    for r in db.query(
        f"SELECT document_id, unit FROM instruction WHERE document_id IN ({marks}) ORDER BY id",
        ids,
    ):
        add(handlers, r[0], r[1])
    for r in db.query(
        "SELECT c.document_id, u.name, s.name FROM copy c"
        " JOIN distribution_item i ON i.copy_id = c.id"
        " JOIN distribution_receipt dr ON dr.id = i.receipt_id"
        " JOIN unit u ON u.id = dr.unit_id JOIN reader s ON s.id = dr.signer_id"
        f" WHERE c.document_id IN ({marks}) ORDER BY i.id",
        ids,
    ):
        add(handlers, r[0], r[1])
        add(signers, r[0], r[2])
    for r in db.query(
        "SELECT c.document_id, p.name FROM copy c JOIN handover h ON h.copy_id = c.id"
        f" JOIN reader p ON p.id = h.reader_id WHERE c.document_id IN ({marks}) ORDER BY h.id",
        ids,
    ):
        add(signers, r[0], r[1])
    filed_on = {
        int(r[0]): str(r[1])
        for r in db.query(
            f"SELECT document_id, filed_on FROM filing WHERE document_id IN ({marks})", ids
        )
    }
    return handlers, signers, filed_on
