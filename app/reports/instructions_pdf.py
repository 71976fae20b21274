"""督办单 (the chasing notice for one instruction) and 批示件台账 (the year's instructions)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, Spacer, Table, TableStyle

from app.instructions import Event, Instruction
from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    title = ParagraphStyle("title", fontName=font, fontSize=22, leading=30, alignment=1)
    return body, small, title


def _grid(font_rows: int = 0) -> TableStyle:
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), register_fonts()),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("BOX", (0, 0), (-1, -1), 1.1, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            *(
                [("BACKGROUND", (0, 0), (-1, font_rows - 1), colors.Color(0.92, 0.92, 0.92))]
                if font_rows
                else []
            ),
        ]
    )


def render_chase_notice(
    item: Instruction, history: Sequence[Event], unit: str, now: datetime
) -> bytes:
    body, small, title = _styles()

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(markup(text), style)

    chases = [e for e in history if e.kind == "催办"]
    rows = [
        [p("收文编号"), p(item.number), p("批示领导"), p(item.leader)],
        [p("文件标题"), p(item.title), "", ""],
        [
            p("批示时间"),
            p(item.given_at.strftime("%Y-%m-%d %H:%M")),
            p("办理时限"),
            p(item.deadline.strftime("%Y-%m-%d %H:%M")),
        ],
        [p("批示内容"), p(item.text), "", ""],
        [p("承办单位"), p(item.unit or "—"), p("承办人"), p(item.handler or "—")],
        [
            p("督办事项"),
            p(
                f"请于 {item.deadline:%Y年%m月%d日 %H:%M} 前办结，并将办理情况书面反馈机要室。"
                "确有困难需延期的，请说明理由，报批示领导同意。"
            ),
            "",
            "",
        ],
        [
            p("已催办"),
            p(
                "；".join(
                    f"{e.at:%m-%d %H:%M} {e.how}催 {e.whom}" + (f"（{e.note}）" if e.note else "")
                    for e in chases
                )
                or "首次督办"
            ),
            "",
            "",
        ],
    ]
    table = Table(
        rows,
        colWidths=[24 * mm, 66 * mm, 24 * mm, 56 * mm],
        rowHeights=[None, 14 * mm, None, 30 * mm, None, 20 * mm, 18 * mm],
    )
    table.setStyle(_grid())
    table.setStyle(TableStyle([("SPAN", (1, r), (3, r)) for r in (1, 3, 5, 6)]))
    story = [
        Paragraph("督　办　单", title),
        p(
            f"{unit}　　督办〔{item.given_at:%Y}〕{item.id}号　　{now:%Y年%m月%d日}",
            ParagraphStyle("c", parent=body, alignment=1),
        ),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 14 * mm),
        p(
            "督办人签字：＿＿＿＿＿＿＿　　　承办单位签收：＿＿＿＿＿＿＿　　　签收时间：＿＿＿＿＿＿"
        ),
        Spacer(1, 6 * mm),
        p("件件有着落、事事有回音。", small),
    ]
    return build_pdf(story, "督办单", unit)


LEDGER_COLUMNS = (
    "收文编号",
    "文件标题",
    "批示领导",
    "批示时间",
    "批示内容",
    "承办单位/人",
    "办理时限",
    "催办",
    "状态",
    "办结日期",
    "反馈",
)
LEDGER_WIDTHS = (19, 40, 16, 18, 46, 26, 20, 26, 18, 18, 26)  # 状态 holds 【挂牌】


def render_ledger(
    items: Sequence[tuple[Instruction, Sequence[Event]]], unit: str, year: int, printed_at: datetime
) -> bytes:
    body, small, title = _styles()
    data: list[list[Paragraph]] = [[Paragraph(h, small) for h in LEDGER_COLUMNS]]
    for item, history in items:
        chases = [e for e in history if e.kind == "催办"]
        extensions = [e for e in history if e.kind == "延期批准"]
        chase_text = f"{len(chases)} 次" + (
            f"，末次 {chases[-1].at:%m-%d} {chases[-1].how}" if chases else ""
        )
        state = item.state + (f"（延期 {len(extensions)} 次）" if extensions else "")
        if item.flagged:  # 挂牌督办 (app.supervision)
            state = f"【挂牌】{state}"
        values = (
            item.number,
            item.title,
            item.leader,
            item.given_at.strftime("%Y-%m-%d"),
            item.text,
            "／".join(v for v in (item.unit, item.handler) if v) or "—",
            item.deadline.strftime("%Y-%m-%d %H:%M"),
            chase_text,
            state,
            item.done_at.strftime("%Y-%m-%d") if item.done_at else "",
            item.feedback or "",
        )
        data.append([Paragraph(markup(v), small) for v in values])
    if len(data) == 1:
        data.append(
            [Paragraph("（本年无批示件）", small)]
            + [Paragraph("", small)] * (len(LEDGER_COLUMNS) - 1)
        )
    table = LongTable(data, colWidths=[w * mm for w in LEDGER_WIDTHS], repeatRows=1)
    table.setStyle(_grid(1))
    story = [
        Paragraph("批示件台账", title),
        Paragraph(
            markup(
                f"{unit}　　{year}年　　共 {len(items)} 件　　打印于 {printed_at:%Y-%m-%d %H:%M}"
            ),
            ParagraphStyle("c", parent=body, alignment=1),
        ),
        Spacer(1, 4 * mm),
        table,
    ]
    return build_pdf(story, "批示件台账", unit, landscape(A4), (10, 12))
