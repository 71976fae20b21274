"""发文 forms: the 文件分发单 (what each recipient gets) followed by one 回执 per recipient with
its signed QR, cut off and sent back signed; and the 催收回执 list of the 回执 still missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from app.reports.distribution_pdf import _Code
from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.tables import grid_style


@dataclass(frozen=True)
class ReplySlip:
    unit: str
    role: str
    copy_ranges: str
    copies: int
    receipt: str  # the 分发签收单 its copies left on
    code: str  # the signed QR payload (MJH…)


@dataclass(frozen=True)
class DispatchSheet:
    doc_number: str
    title: str
    level_label: str
    urgency: str
    signed_by: str
    signed_on: date
    printed: int
    pages: int
    kept: str  # 存档份
    sent_at: datetime | None
    slips: tuple[ReplySlip, ...]


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5)
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1)
    centred = ParagraphStyle("centred", parent=body, alignment=1)
    return body, cell, title, centred


def render_dispatch(sheet: DispatchSheet, room_unit: str) -> bytes:
    body, cell, title, centred = _styles()
    font = register_fonts()
    rows: list[list[Any]] = [["序号", "主送/抄送", "收文单位", "份号", "份数", "分发签收单"]]
    for i, s in enumerate(sheet.slips, 1):
        rows.append(
            [
                str(i),
                s.role,
                Paragraph(markup(s.unit), cell),
                s.copy_ranges,
                str(s.copies),
                s.receipt,
            ]
        )
    table = Table(rows, colWidths=[w * mm for w in (10, 20, 60, 36, 12, 30)], repeatRows=1)
    table.setStyle(TableStyle(grid_style(font, 9)))
    sent = f"{sheet.sent_at:%Y-%m-%d %H:%M}" if sheet.sent_at else "未发出"
    facts = (
        f"发文字号：{markup(sheet.doc_number)}　　密级：{markup(sheet.level_label)}"
        f"　　紧急程度：{sheet.urgency}<br/>标题：{markup(sheet.title)}<br/>"
        f"签发人：{markup(sheet.signed_by)}　　签发日期：{sheet.signed_on:%Y-%m-%d}"
        f"　　印制 {sheet.printed} 份，每份 {sheet.pages} 页　　存档份：{sheet.kept or '无'}"
        f"　　发出时间：{sent}"
    )
    story: list[Flowable] = [
        Paragraph("文件分发单", title),
        Paragraph(markup(room_unit), centred),
        Spacer(1, 4 * mm),
        Paragraph(facts, body),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 2 * mm),
        Paragraph(
            markup(
                f"共 {len(sheet.slips)} 个单位 {sum(s.copies for s in sheet.slips)} 份。"
                "各单位收到后在回执上签字，并于 3 日内将回执退回机要室：没有回执，就是没报。"
            ),
            body,
        ),
    ]
    for s in sheet.slips:
        story += [
            PageBreak(),
            _Code(s.code, 24 * mm),
            Paragraph("回　执", title),
            Paragraph(markup(room_unit), centred),
            Spacer(1, 5 * mm),
            Paragraph(
                markup(
                    f"{s.unit}（{s.role}）：现送上 {sheet.doc_number}《{sheet.title}》"
                    f"（{sheet.level_label}）第 {s.copy_ranges} 号，共 {s.copies} 份，"
                    f"每份 {sheet.pages} 页（分发签收单 {s.receipt}）。请核对份号、份数，"
                    "签收后将本回执退回机要室。"
                ),
                body,
            ),
            Spacer(1, 14 * mm),
            Paragraph(
                "收件单位（盖章）：＿＿＿＿＿＿　　签收人：＿＿＿＿＿＿　　"
                "签收时间：＿＿＿＿年＿＿月＿＿日＿＿时",
                body,
            ),
            Spacer(1, 8 * mm),
            Paragraph("机要室收回回执时扫描右上角二维码登记。", cell),
        ]
    return build_pdf(story, f"文件分发单 {sheet.doc_number}", room_unit, margins_mm=(15, 15))


@dataclass(frozen=True)
class ChaseRow:
    doc_number: str
    title: str
    level_label: str
    unit: str
    role: str
    copy_ranges: str
    copies: int
    sent_at: datetime
    chases: int  # earlier chases


def render_reply_chase(rows: list[ChaseRow], room_unit: str, printed_at: datetime) -> bytes:
    body, cell, title, centred = _styles()
    font = register_fonts()
    table_rows: list[list[Any]] = [
        ["序号", "发文字号", "标题", "密级", "收文单位", "份号", "份数", "发出时间", "已催"]
    ]
    for i, r in enumerate(rows, 1):
        table_rows.append(
            [
                str(i),
                Paragraph(markup(r.doc_number), cell),
                Paragraph(markup(r.title), cell),
                Paragraph(markup(r.level_label), cell),
                Paragraph(markup(f"{r.unit}（{r.role}）"), cell),
                Paragraph(markup(r.copy_ranges), cell),
                str(r.copies),
                f"{r.sent_at:%Y-%m-%d}",
                f"{r.chases} 次" if r.chases else "",
            ]
        )
    widths = (8, 28, 40, 20, 30, 22, 9, 19, 10)
    table = Table(table_rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle(grid_style(font, 9)))
    documents = len({r.doc_number for r in rows})
    story: list[Flowable] = [
        Paragraph("催收回执", title),
        Paragraph(markup(room_unit), centred),
        Spacer(1, 4 * mm),
        Paragraph(
            markup(
                "以下发文已送达各单位，回执尚未退回。请各单位核对份号后，即将签字盖章的回执"
                "退回机要室。"
            ),
            body,
        ),
        Spacer(1, 3 * mm),
        table if rows else Paragraph("各单位回执均已退回，无需催收。", body),
        Spacer(1, 2 * mm),
        Paragraph(
            markup(
                f"共 {documents} 件、{len(rows)} 个单位、{sum(r.copies for r in rows)} 份"
                f"未回执。　　催收人（机要员）签字：＿＿＿＿＿＿"
                f"　　日期：{printed_at:%Y年%m月%d日}"
            ),
            body,
        ),
    ]
    return build_pdf(story, "催收回执", room_unit, margins_mm=(12, 15))
