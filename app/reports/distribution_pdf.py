"""分发签收单: one unit's receipt for the copies it takes away, with the room's signed QR; and
the 清退催收单 listing what a unit still holds of a year's documents.

Per document: 收文编号, 文号, 标题, 密级★期限, the 份号 as ranges, 份数 and 页数, and where a
copy has already come back, when. Totals in 件 and 份 by 密级; lines for the custodian's and the
signer's signatures; the QR at the top right names the receipt when it is scanned back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.slip_pdf import draw_matrix
from app.reports.tables import PagedTable, fitted, grid_style
from app.slips import qr_matrix
from app.vocab import LEVELS


@dataclass(frozen=True)
class SheetRow:
    number: str  # 收文编号
    doc_number: str
    title: str
    level: str
    level_label: str  # 密级★保密期限
    copy_ranges: str
    copies: int
    pages: int
    returned: str = ""  # '' while held; else when (and how many) came back


@dataclass(frozen=True)
class ReceiptSheet:
    label: str
    unit: str
    unit_kind: str
    signer: str
    issued_at: datetime
    issued_by: str
    recall_by: date | None
    code: str  # the signed QR payload
    rows: tuple[SheetRow, ...]


class _Code(Flowable):
    """The receipt's QR and its text, at the right of the frame."""

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self._matrix = qr_matrix(payload)
        self._payload = payload
        self._size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._width = available_width
        return available_width, self._size + 4 * mm

    def draw(self) -> None:
        canvas: Canvas = self.canv
        x = self._width - self._size
        draw_matrix(canvas, self._matrix, x, 4 * mm, self._size)
        canvas.setFont(register_fonts(), 7)
        canvas.drawRightString(self._width, 1 * mm, self._payload)


def totals(rows: tuple[SheetRow, ...]) -> str:
    by_level: dict[str, int] = {}
    for row in rows:
        by_level[row.level] = by_level.get(row.level, 0) + row.copies
    parts = "、".join(f"{lv} {by_level[lv]} 份" for lv in LEVELS if by_level.get(lv))
    return f"共 {len(rows)} 件 {sum(r.copies for r in rows)} 份（{parts}）"


def render_receipt(sheet: ReceiptSheet, room_unit: str) -> bytes:
    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5)
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1)
    centred = ParagraphStyle("centred", parent=body, alignment=1)
    header = ["序号", "登记编号", "文号", "标题", "密级", "份号", "份数", "页数", "收回"]
    rows: list[list[Any]] = [header]
    for i, r in enumerate(sheet.rows, 1):
        rows.append(
            [
                str(i),
                r.number,
                Paragraph(markup(r.doc_number), cell),
                Paragraph(markup(r.title), cell),
                Paragraph(markup(r.level_label), cell),
                Paragraph(markup(r.copy_ranges), cell),
                str(r.copies),
                str(r.pages),
                Paragraph(markup(r.returned), cell),
            ]
        )
    widths = [8, 21, 36, 24, 23, 28, 9, 9, 22]  # a 文号 and an F number never split
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle(grid_style(font, 9)))
    recall = f"{sheet.recall_by:%Y年%m月%d日}前" if sheet.recall_by else "按清退通知"
    facts = (
        f"单号：{sheet.label}　　接收单位：{sheet.unit}（{sheet.unit_kind}）<br/>"
        f"签收人：{markup(sheet.signer)}　　分发时间：{sheet.issued_at:%Y-%m-%d %H:%M}"
        f"　　清退期限：{recall}"
    )
    story: list[Flowable] = [
        _Code(sheet.code, 24 * mm),
        Paragraph("分发签收单", title),
        Paragraph(markup(room_unit), centred),
        Spacer(1, 4 * mm),
        Paragraph(facts, body),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 2 * mm),
        Paragraph(markup(totals(sheet.rows)), body),
        Spacer(1, 3 * mm),
        Paragraph(
            "以上密件由接收单位专人专柜保管，不得复制、转借、扩大知悉范围；清退时按份号"
            "全部退回机要室，凭本单核销。本单一式两份，机要室与接收单位各执一份。",
            cell,
        ),
        Spacer(1, 12 * mm),
        Paragraph(
            f"分发人（机要员）：{markup(sheet.issued_by)}　签字：＿＿＿＿＿＿"
            "　　签收人签字：＿＿＿＿＿＿　　日期：＿＿＿＿＿",
            body,
        ),
        Spacer(1, 10 * mm),
        Paragraph(
            "收回核对人签字：＿＿＿＿＿＿　　收回日期：＿＿＿＿＿",
            body,
        ),
    ]
    return build_pdf(story, f"分发签收单 {sheet.label}", room_unit, margins_mm=(15, 15))


@dataclass(frozen=True)
class ChaseSheet:
    """清退催收单: what one unit still holds of a year's documents, to return by `deadline`."""

    unit: str
    contact: str
    phone: str
    year: int
    deadline: date
    printed_at: datetime
    rows: tuple[SheetRow, ...]  # `returned` carries the receipts the copies went out on


def render_chases(sheets: list[ChaseSheet], room_unit: str) -> bytes:
    """One unit per page (or more), in the order given."""
    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5)
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1)
    centred = ParagraphStyle("centred", parent=body, alignment=1)
    story: list[Flowable] = []
    for n, s in enumerate(sheets):
        if n:
            story.append(PageBreak())
        table = _chase_table(s.rows, font, cell)
        contact = "　".join(x for x in (s.contact, s.phone) if x)
        story += [
            Paragraph("清退催收单", title),
            Paragraph(markup(room_unit), centred),
            Spacer(1, 4 * mm),
            Paragraph(
                markup(
                    f"{s.unit}{'（' + contact + '）' if contact else ''}："
                    f"按照密级文件清退要求，贵单位签收的 {s.year} 年度以下文件尚未退回，"
                    f"请于 {s.deadline:%Y年%m月%d日} 前按份号全部退回机要室。"
                ),
                body,
            ),
            Spacer(1, 3 * mm),
            table,
            Spacer(1, 2 * mm),
            Paragraph(markup(totals(s.rows)), body),
            Spacer(1, 10 * mm),
            Paragraph(
                "催收人（机要员）签字：＿＿＿＿＿＿　　接收单位签收：＿＿＿＿＿＿"
                f"　　日期：{s.printed_at:%Y年%m月%d日}",
                body,
            ),
        ]
    if not story:
        story.append(Paragraph("各单位均已退回，无需催收。", body))
    return build_pdf(story, "清退催收单", room_unit, margins_mm=(15, 15))


CHASE_HEADERS = ["序号", "登记编号", "文号", "标题", "密级", "份号", "份数", "签收单"]
CHASE_WIDTHS = [w * mm for w in (8, 21, 36, 33, 23, 28, 9, 22)]  # 文号, F numbers whole


def _chase_table(rows: tuple[SheetRow, ...], font: str, cell: ParagraphStyle) -> Flowable:
    """A unit's outstanding copies as plain cells in a paged grid (the year's sheets for every
    unit run to thousands of rows: app/reports/grid.py)."""

    def make_row(entry: tuple[int, SheetRow]) -> list[object]:
        i, r = entry
        w = CHASE_WIDTHS
        return [
            str(i),
            r.number,
            fitted(r.doc_number, cell, w[2]),
            fitted(r.title, cell, w[3]),
            fitted(r.level_label, cell, w[4]),
            fitted(r.copy_ranges, cell, w[5]),
            str(r.copies),
            fitted(r.returned, cell, w[7]),
        ]

    return PagedTable(
        CHASE_HEADERS, list(enumerate(rows, 1)), make_row, CHASE_WIDTHS, grid_style(font, 9)
    )
