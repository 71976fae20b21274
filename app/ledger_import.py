"""Importing an old ledger (收文登记簿 kept in Excel or CSV).

Columns are mapped by the usual headers of a paper ledger; every row is validated first; then all
valid rows are registered in one transaction, with a per-row report for the rest. A row whose
copies are already registered is "already there", so importing the same file twice registers
nothing twice.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from app import audit, registry
from app.classification import CLASSIFIED, LEVELS, SOURCES, URGENCIES
from app.entry import parse_date, parse_period
from app.numbers import normalise_doc_number, parse_copy_numbers
from app.registry import DocumentInput
from app.roles import Role
from db.errors import InvalidInput, MijianError

if TYPE_CHECKING:
    from app.session import Session

FIELDS = (
    "received",
    "issuer",
    "source",
    "doc_number",
    "title",
    "level",
    "period",
    "urgency",
    "count",
    "copy_numbers",
    "pages",
    "remarks",
    "old_number",
)
FIELD_LABELS = {
    "received": "收文日期",
    "issuer": "来文单位",
    "source": "来文类别",
    "doc_number": "文号",
    "title": "标题",
    "level": "密级",
    "period": "保密期限",
    "urgency": "紧急程度",
    "count": "份数",
    "copy_numbers": "份号",
    "pages": "页数",
    "remarks": "备注",
    "old_number": "收文编号",
}
HEADER_ALIASES = {
    "received": ("收文日期", "收文时间", "日期", "签收日期"),
    "issuer": ("来文单位", "来文机关", "发文机关", "发文单位"),
    "source": ("来文类别", "类别"),
    "doc_number": ("文号", "来文字号", "发文字号", "来文文号"),
    "title": ("标题", "文件标题", "文件名称", "题名"),
    "level": ("密级", "密级及保密期限"),
    "period": ("保密期限",),
    "urgency": ("紧急程度", "缓急"),
    "count": ("份数",),
    "copy_numbers": ("份号", "编号"),
    "pages": ("页数",),
    "remarks": ("备注",),
    "old_number": ("收文编号", "序号", "收文号"),
}


@dataclass(frozen=True)
class RowResult:
    line: int  # the row's line in the file (header = 1)
    status: str  # 可导入 / 已存在 / 错误 / 已导入
    message: str
    document: DocumentInput | None = None  # as validated, ready to register
    title: str = ""
    copy_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    rows: tuple[RowResult, ...]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def complete(self) -> bool:
        return all(r.status in ("已导入", "已存在") for r in self.rows)


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of an .xlsx (first sheet) or .csv file, as text."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            return _read_xlsx(path)
        if suffix == ".csv":
            return _read_csv(path.read_bytes())
    except (OSError, ValueError, KeyError) as exc:
        raise InvalidInput(f"无法读取 {path.name}：{exc}") from None
    raise InvalidInput("只能导入 .xlsx 或 .csv 文件（.xls 请先在 Excel 中另存为 .xlsx）。")


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return _split(rows)


def _read_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    # Excel on a Chinese Windows saves CSV as GB18030; everything else as UTF-8 (maybe with BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("CSV 文件的编码无法识别（应为 UTF-8 或 GBK）。")
    return _split([list(r) for r in csv.reader(io.StringIO(text))])


def _split(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InvalidInput("文件中没有内容。")
    return [h.strip() for h in rows[0]], rows[1:]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == time(0)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def map_columns(headers: Sequence[str]) -> dict[str, int]:
    """Field → column index, by the usual ledger headers (spaces and brackets ignored)."""
    normal = [re.sub(r"[\s（）()]", "", h) for h in headers]
    mapping: dict[str, int] = {}
    for field, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias in normal and normal.index(alias) not in mapping.values():
                mapping[field] = normal.index(alias)
                break
    return mapping


def guess_source(issuer: str) -> str:
    if re.search(r"中共中央|中央|国务院|中办|国办", issuer):
        return "中央"
    if "信访" in issuer:
        return "信访"
    if "省" in issuer:
        return "省"
    if "市" in issuer:
        return "市"
    return "区本级"


def check_rows(
    session: Session, rows: Sequence[Sequence[str]], mapping: dict[str, int], zone_now: datetime
) -> list[RowResult]:
    """Validate every row without writing anything."""
    session.require(Role.CUSTODIAN)  # it answers whether a copy is registered: business data
    for needed in ("received", "issuer", "title", "level"):
        if needed not in mapping:
            raise InvalidInput(f"找不到“{FIELD_LABELS[needed]}”列，请指定对应的列。")
    results: list[RowResult] = []
    seen: dict[tuple[str, str, str], int] = {}

    for offset, row in enumerate(rows):
        line = offset + 2

        def cell(field: str, row: Sequence[str] = row) -> str:
            index = mapping.get(field)
            return row[index].strip() if index is not None and index < len(row) else ""

        try:
            data, numbers, _ = registry.validate(_document(cell, zone_now), zone_now)
            status = _existing(session, data)
            number = normalise_doc_number(data.doc_number)[0]
            keys = {(data.issuer, number, n) for n in numbers}

            clash = sorted(keys & seen.keys())
            if clash:
                raise InvalidInput(f"份号 {clash[0][2]} 与本文件第 {seen[clash[0]]} 行重复。")
            seen.update(dict.fromkeys(keys, line))
        except MijianError as exc:
            results.append(RowResult(line, "错误", exc.message, title=cell("title")))
            continue
        status_text = "已存在" if status else "可导入"
        results.append(RowResult(line, status_text, status, data, data.title, tuple(numbers)))
    return results


def _document(cell: Callable[[str], str], now: datetime) -> DocumentInput:
    received_day = parse_date(cell("received"), "收文日期")
    if received_day is None:
        raise InvalidInput("缺少收文日期。")
    received = datetime.combine(received_day, time(9, 0), tzinfo=now.tzinfo)
    level_text = cell("level").replace(" ", "")
    level, _, period_text = level_text.partition("★")
    if level not in LEVELS:
        level = "非密" if level in ("", "无", "普通", "一般") else level
    if level not in LEVELS:
        raise InvalidInput(f"密级“{level_text}”无法识别（绝密、机密、秘密或非密）。")
    period = parse_period(cell("period") or period_text, level) if level != "非密" else None
    issuer = cell("issuer")
    source = cell("source") or guess_source(issuer)
    if source not in SOURCES:
        raise InvalidInput(f"来文类别“{source}”不正确。")
    urgency = cell("urgency") or "平件"
    urgency = "平件" if urgency in ("普通", "平", "") else urgency
    if urgency not in URGENCIES:
        raise InvalidInput(f"紧急程度“{urgency}”不正确。")
    count_text, pages_text = cell("count"), cell("pages")
    if count_text and not count_text.isdigit():
        raise InvalidInput(f"份数“{count_text}”不是数字。")
    if pages_text and not pages_text.isdigit():
        raise InvalidInput(f"页数“{pages_text}”不是数字。")
    copies = cell("copy_numbers")
    if level in CLASSIFIED and not copies:
        raise InvalidInput("密件缺少份号，无法逐份登记。")
    remarks = cell("remarks")
    if cell("old_number"):
        remarks = (remarks + "；" if remarks else "") + f"原收文编号 {cell('old_number')}"
    return DocumentInput(
        issuer=issuer,
        source=source,
        title=cell("title"),
        level=level,
        copy_numbers=copies,
        copy_count=int(count_text) if count_text else None,
        pages=int(pages_text) if pages_text else 0,
        doc_number=cell("doc_number"),
        period=period,
        urgency=urgency,
        received_at=received,
        remarks=remarks,
        handling="阅件",
    )


def _existing(session: Session, data: DocumentInput) -> str:
    """Why the row is already registered, or "" when it is new."""
    db = session.db
    doc_number, _ = normalise_doc_number(data.doc_number)
    if doc_number and data.copy_numbers:
        numbers = parse_copy_numbers(data.copy_numbers)
        marks = ",".join("?" * len(numbers))
        found = db.scalar(
            "SELECT count(*) FROM copy c JOIN document d ON d.id = c.document_id WHERE d.issuer = ?"
            f" AND d.doc_number = ? AND d.voided_at IS NULL AND c.copy_no IN ({marks})",
            (data.issuer.strip(), doc_number, *numbers),
        )
        if found == len(numbers):
            return "各份均已登记。"
        if found:  # some copies are registered and some not: say which one clashes
            registry.refuse_duplicates(db, data.issuer.strip(), doc_number, numbers)
        return ""

    assert data.received_at is not None
    same = db.one(
        "SELECT year, serial FROM document WHERE issuer = ? AND title = ? AND doc_number = ?"
        " AND substr(received_at, 1, 10) = ? AND voided_at IS NULL",
        (data.issuer.strip(), data.title.strip(), doc_number, data.received_at.date().isoformat()),
    )
    return "" if same is None else f"已于 {same['year']}-{same['serial']:04d} 登记。"


def import_rows(
    session: Session,
    checked: Sequence[RowResult],
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Register every 可导入 row in one transaction; the report keeps the others as they were."""
    session.require(Role.CUSTODIAN)
    todo = [r for r in checked if r.status == "可导入"]
    done: list[RowResult] = []
    db = session.db
    with db.transaction():
        for i, row in enumerate(checked):
            if row.status != "可导入" or row.document is None:
                done.append(row)
                continue
            result = registry.register_checked(session, row.document, list(row.copy_numbers), [])

            done.append(
                RowResult(row.line, "已导入", result.document.number, row.document, row.title)
            )

            if progress is not None and i % 200 == 0:
                progress(len([d for d in done if d.status == "已导入"]), len(todo))
        report = ImportReport(tuple(done))
        audit.record(
            db,
            session.clock,
            session.account.login,
            "导入台账",
            "ledger",
            {
                "imported": report.count("已导入"),
                "existing": report.count("已存在"),
                "refused": report.count("错误"),
            },
        )
    return report


def import_file(session: Session, path: Path) -> ImportReport:
    headers, rows = read_table(path)
    checked = check_rows(session, rows, map_columns(headers), session.clock.now())
    return import_rows(session, checked)
