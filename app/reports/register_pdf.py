"""收文登记簿 as a PDF in the columns of the paper register, oldest first, voided rows struck through."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from app import register_query
from app.numbers import is_outgoing
from app.register_query import REGISTER_COLUMNS, RegisterFilter, RegisterRow
from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.tables import PagedTable, Progress, grid_style
from db.connection import Database

# The paper form's columns, the same as the screen's.
HEADERS = REGISTER_COLUMNS
# 277 mm: 密级★期限 on one line, 办理情况 and 备注 at their longest still fit a page.
WIDTHS_MM = (18, 19, 22, 28, 48, 22, 30, 18, 14, 22, 18, 18)


def rows_of(db: Database, f: RegisterFilter, series: str = "收文") -> Iterator[RegisterRow]:
    """Every row of the filter in one series, oldest first, a page of 500 at a time: the
    office's own 发文 are in the 发文登记簿 (app/reports/outgoing_register.py)."""
    f = dataclasses.replace(f, series=series)
    after = None
    while True:
        rows = register_query.page(db, f, after, 500, newest_first=False)
        yield from rows
        if len(rows) < 500:
            return
        after = rows[-1].key


def earlier_outgoing(db: Database, f: RegisterFilter) -> list[str]:
    """The 收文编号 that an earlier version gave the office's own 发文 (before the F series,
    app/numbers.py) within the filter: they are in the 发文登记簿, and this book says so where
    its numbers skip them. The numbers stay: they are printed on those copies' slips and labels."""
    return [r.number for r in rows_of(db, f, series="发文") if not is_outgoing(r.serial)]


def earlier_outgoing_note(numbers: list[str]) -> str:
    if not numbers:
        return ""
    return (
        f"注：收文编号 {'、'.join(numbers)} 是启用发文登记号（F 编号）之前登记的本机关发文，"
        "载于发文登记簿，不在本簿。"
    )


def render_register(
    db: Database,
    f: RegisterFilter,
    unit: str,
    printed_at: datetime,
    title_period: str,
    progress: Progress | None = None,
) -> bytes:
    font = register_fonts()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontSize=8.5, alignment=1)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    sub = ParagraphStyle("sub", fontName=font, fontSize=9.5, leading=13, alignment=1)

    header = [Paragraph(h, head) for h in HEADERS]
    records: list[RegisterRow | None] = list(rows_of(db, f))
    count = len(records)

    def make_row(row: RegisterRow | None) -> list[Paragraph]:
        if row is None:
            return [Paragraph("（本期无登记）", cell)] + [""] * (len(HEADERS) - 1)
        return [Paragraph(_mark(v, row.voided), cell) for v in register_values(row)]

    style = grid_style(font, 8)
    if count == 0:
        records.append(None)
        style.append(("SPAN", (0, 1), (-1, 1)))
    table = PagedTable(header, records, make_row, [w * mm for w in WIDTHS_MM], style, progress)
    story = [
        Paragraph("收文登记簿", title),
        Paragraph(markup(f"{unit}　　{title_period}　　共 {count} 件"), sub),
        Spacer(1, 4 * mm),
        table,
    ]
    note = earlier_outgoing_note(earlier_outgoing(db, f))
    if note:
        story += [Spacer(1, 3 * mm), Paragraph(markup(note), cell)]
    return build_pdf(
        story,
        "收文登记簿",
        unit,
        landscape(A4),
        (12, 14),
        footer="本登记簿载有涉密文件目录，按涉密载体管理",
        printed_at=printed_at,
    )


def register_values(row: RegisterRow) -> tuple[str, ...]:
    status = "已作废" if row.voided else row.status_note
    if row.done_result and not row.voided:
        status = f"已办结：{row.done_result}"
    return (
        row.number,
        row.received_at[:10],
        row.issuer,
        row.doc_number,
        row.title,
        row.level_label,
        f"{row.copies}份 {row.copy_ranges}",
        row.handlers,
        row.signers,
        status,
        row.filed_on,
        row.remarks,
    )


def _mark(text: str, voided: bool) -> str:
    text = markup(text)
    return f"<strike>{text}</strike>" if voided and text and text != "已作废" else text
