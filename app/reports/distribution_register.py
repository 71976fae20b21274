"""分发登记: every copy handed to a unit in a year, its receipt, signer, and when it came back;
counted in 件 (documents) and 份 (copies)."""

from __future__ import annotations

from datetime import datetime

from app import distribution
from app.clock import stamp
from app.reports.sheets import Sheet
from app.reports.tables import Progress
from app.reports.year_pdf import render_sheet
from db.connection import Database

HEADERS = (
    "签收单",
    "接收单位",
    "签收人",
    "登记编号",
    "份号",
    "标题",
    "密级",
    "分发时间",
    "收回时间",
    "状态",
)
WIDTHS_MM = (22, 38, 16, 22, 14, 70, 12, 26, 26, 26)  # 超过办理时限 and F2026-0001 whole


def sheet(db: Database, year: int, now: datetime) -> Sheet:
    lines = distribution.year_lines(db, year)
    rows: list[tuple[object, ...]] = [
        (
            line.receipt_label,
            line.unit,
            line.signer,
            line.copy.number,
            line.copy.copy_no,
            line.copy.title,
            line.copy.level,
            stamp(line.out_at)[:16].replace("T", " "),
            stamp(line.back_at)[:16].replace("T", " ") if line.back_at else "",
            "已收回" if line.back_at else (line.overdue(now) or "在外"),
        )
        for line in lines
    ]
    documents = len({line.copy.document_id for line in lines})
    # 份 are copies: one handed out twice in the year is one 份 on two lines (份次).
    copies = len({line.copy.copy_id for line in lines})
    times = f"，分发 {len(lines)} 份次" if len(lines) > copies else ""
    title = f"分发登记（{year}年，共 {documents} 件 {copies} 份{times}）"
    return Sheet(title, HEADERS, rows)


def render(
    db: Database, year: int, unit: str, now: datetime, progress: Progress | None = None
) -> bytes:
    return render_sheet(
        sheet(db, year, now), unit, now, WIDTHS_MM, frozenset({1, 5}), progress=progress
    )
