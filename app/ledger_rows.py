"""One row of an old ledger: its columns found by header, its cells turned into a registration.

Nothing here writes. `document` reads a row as the custodian's paper would be typed in;
`existing` says whether the register already holds it (the same rule as registering by hand:
each copy of a 文号 only once, app/registry.py); `SeenInFile` catches a copy listed twice in one
file before either is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, time

from app import registration_checks
from app.classification import SOURCES, URGENCIES
from app.entry import parse_date, parse_period
from app.errors import InvalidInput
from app.numbers import normalise_doc_number, registration_number
from app.registration_checks import DocumentInput
from app.vocab import CLASSIFIED, LEVELS, Level
from db.connection import Database

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
REQUIRED = ("received", "issuer", "title", "level")


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


def require_columns(mapping: dict[str, int]) -> None:
    for needed in REQUIRED:
        if needed not in mapping:
            raise InvalidInput(f"找不到“{FIELD_LABELS[needed]}”列，请指定对应的列。")


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


def cell_reader(cells: Sequence[str], mapping: dict[str, int]) -> Callable[[str], str]:
    def cell(field: str) -> str:
        index = mapping.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    return cell


def check(
    cells: Sequence[str], mapping: dict[str, int], now: datetime
) -> tuple[DocumentInput, list[str]]:
    """The row as a validated registration and its copy numbers; InvalidInput says why not."""
    data, numbers, _ = registration_checks.validate(document(cell_reader(cells, mapping), now), now)
    return data, numbers


def document(cell: Callable[[str], str], now: datetime) -> DocumentInput:
    received_day = parse_date(cell("received"), "收文日期")
    if received_day is None:
        raise InvalidInput("缺少收文日期。")
    received = datetime.combine(received_day, time(9, 0), tzinfo=now.tzinfo)
    level_text = cell("level").replace(" ", "")
    level, _, period_text = level_text.partition("★")
    if level not in LEVELS:
        level = Level.UNCLASSIFIED if level in ("", "无", "普通", "一般") else level
    if level not in LEVELS:
        raise InvalidInput(f"密级“{level_text}”无法识别（绝密、机密、秘密或非密）。")
    period = (
        parse_period(cell("period") or period_text, level) if level != Level.UNCLASSIFIED else None
    )
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
    if len(count_text) > 6 or len(pages_text) > 6:
        raise InvalidInput("份数或页数过大。")
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


def existing(db: Database, data: DocumentInput, numbers: Sequence[str]) -> str:
    """Why the row is already registered, or "" when it is new.

    With a 文号 this is exactly the register's own rule (registration_checks.refuse_duplicates: each copy of
    an issuer's 文号 once), checked first so that registering never refuses: all its copies
    there is "已存在", some of them raises InvalidInput naming one, so a row is never half
    registered. Without a 文号 the same title from the same issuer on the same day is there.
    """
    doc_number, _ = normalise_doc_number(data.doc_number)
    issuer = data.issuer.strip()
    if doc_number:
        marks = ",".join("?" * len(numbers))
        found = db.scalar(
            "SELECT count(*) FROM copy c JOIN document d ON d.id = c.document_id WHERE d.issuer = ?"
            f" AND d.doc_number = ? AND d.voided_at IS NULL AND c.copy_no IN ({marks})",
            (issuer, doc_number, *numbers),
        )
        if found == len(numbers):
            return "各份均已登记。"
        if found:  # some copies are registered and some not: say which one clashes
            registration_checks.refuse_duplicates(db, issuer, doc_number, list(numbers))
        return ""
    assert data.received_at is not None
    same = db.one(SAME_DAY_SQL, (issuer, data.title.strip(), data.received_at.date().isoformat()))
    return (
        "" if same is None else f"已于 {registration_number(same['year'], same['serial'])} 登记。"
    )


# Without a 文号 the partial index document_without_number (migration 0014) finds the same
# title; the (issuer, 文号) index would walk every document of the issuer without one, a walk
# that grew with each row an import added.
SAME_DAY_SQL = (
    "SELECT year, serial FROM document WHERE issuer = ? AND title = ? AND doc_number = ''"
    " AND substr(received_at, 1, 10) = ? AND voided_at IS NULL"
)


class SeenInFile:
    """Each copy (来文单位, 文号, 份号) once per file, remembered by a 64-bit hash and its row.

    A hash and a row number are all that is kept, so 300,000 rows cost tens of MB, not the
    text of every key; a false clash needs a 64-bit collision (about 1 in 10^7 for a million
    copies). Rows without a 文号 are left to `existing`, as the register itself does.
    """

    def __init__(self) -> None:
        self._lines: dict[int, int] = {}

    def add(self, line: int, data: DocumentInput, numbers: Sequence[str]) -> None:
        number = normalise_doc_number(data.doc_number)[0]
        if not number:
            return
        keys = [hash((data.issuer, number, n)) for n in numbers]
        for n, key in zip(numbers, keys, strict=True):
            earlier = self._lines.get(key)
            if earlier is not None:
                raise InvalidInput(f"份号 {n} 与本文件第 {earlier} 行重复。")
        for key in keys:
            self._lines[key] = line
