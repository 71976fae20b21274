"""收文登记簿 as a PDF in the columns of the paper register, oldest first, voided rows struck through."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from app import register_query
from app.register_query import REGISTER_COLUMNS, RegisterFilter, RegisterRow
from app.reports.fonts import register_fonts
from db.connection import Database

HEADERS = REGISTER_COLUMNS
WIDTHS_MM = (20, 19, 30, 36, 78, 22, 34, 20, 18)


def rows_of(db: Database, f: RegisterFilter) -> Iterator[RegisterRow]:
    """Every row of the filter, oldest first, a page of 500 at a time."""
    after = None
    while True:
        rows = register_query.page(db, f, after, 500, newest_first=False)
        yield from rows
        if len(rows) < 500:
            return
        after = rows[-1].key


def render_register(
    db: Database, f: RegisterFilter, unit: str, printed_at: datetime, title_period: str
) -> bytes:
    font = register_fonts()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontSize=8.5, alignment=1)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    sub = ParagraphStyle("sub", fontName=font, fontSize=9.5, leading=13, alignment=1)

    data: list[list[Paragraph]] = [[Paragraph(h, head) for h in HEADERS]]
    count = 0
    for row in rows_of(db, f):
        count += 1
        data.append([Paragraph(_mark(v, row.voided), cell) for v in _values(row)])
    if count == 0:
        data.append(
            [Paragraph("（本期无登记）", cell)] + [Paragraph("", cell)] * (len(HEADERS) - 1)
        )

    table = LongTable(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1)
    if count == 0:
        table.setStyle(
            TableStyle([("SPAN", (0, 1), (-1, 1)), ("ALIGN", (0, 1), (-1, 1), "CENTER")])
        )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story = [
        Paragraph("收文登记簿", title),
        Paragraph(escape(f"{unit}　　{title_period}　　共 {count} 件"), sub),
        Spacer(1, 4 * mm),
        table,
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title="收文登记簿",
        author=unit,
    )
    footer = _Footer(font, printed_at)
    doc.build(story, onFirstPage=footer.draw, onLaterPages=footer.draw, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _values(row: RegisterRow) -> tuple[str, ...]:
    status = "已作废" if row.voided else row.status_note
    return (
        row.number,
        row.received_at[:10],
        row.issuer,
        row.doc_number,
        row.title,
        row.level_label,
        f"{row.copies}份 {row.copy_ranges}",
        status,
        row.remarks,
    )


def _mark(text: str, voided: bool) -> str:
    text = escape(text)
    return f"<strike>{text}</strike>" if voided and text and text != "已作废" else text


class _Footer:
    def __init__(self, font: str, printed_at: datetime) -> None:
        self.font = font
        self.printed = printed_at.strftime("%Y-%m-%d %H:%M")

    def draw(self, canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(self.font, 8)
        width, _ = doc.pagesize
        canvas.drawString(
            12 * mm, 8 * mm, f"打印时间 {self.printed}　　本登记簿载有涉密文件目录，按涉密载体管理"
        )
        canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Writes 第 N 页 共 M 页 once the total is known."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab API)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(register_fonts(), 8)
            width = self._pagesize[0]
            self.drawRightString(
                width - 12 * mm, 8 * mm, f"第 {self._pageNumber} 页　共 {total} 页"
            )
            super().showPage()
        super().save()
