"""日终清点表: the day's counts by 密级, the exceptions, who closed, and the audit-chain head.

The printed head is the anchor on paper: a database later rolled back to an older file will
not contain it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from app.day_close import COUNTED, DayClose
from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.vocab import LEVELS


def _head_code(head: str) -> Drawing:
    """The head as a QR code, so the auditor scans it instead of typing 64 characters."""
    size = 24 * mm
    widget = QrCodeWidget(head, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    drawing.hAlign = "LEFT"
    return drawing


def render_day_close(close: DayClose, unit: str, closed_by_name: str) -> bytes:
    return render_day_closes([close], unit, {close.closed_by: closed_by_name})


def render_day_closes(closes: Sequence[DayClose], unit: str, names: Mapping[str, str]) -> bytes:
    """One sheet per close of a day (the day's close, then each close after a reopening), as
    printed on the day; `names` gives the display name of each login that closed."""
    story: list[Flowable] = []
    for close in closes:
        if story:
            story.append(PageBreak())
        story += _sheet(close, unit, names.get(close.closed_by, close.closed_by))
    return build_pdf(story, "日终清点表", unit)


def _sheet(close: DayClose, unit: str, closed_by_name: str) -> list[Flowable]:
    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12)
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1)
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 10.5),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    rows = [["密级", "在柜（份）", "借出（份）", "分发在外（份）"]]
    for level in LEVELS:
        c = close.counts.get(level, {})
        rows.append([level, *(str(c.get(state, 0)) for state in COUNTED)])
    counts = Table(rows, colWidths=[34 * mm, 42 * mm, 42 * mm, 42 * mm])
    counts.setStyle(grid)

    ex_rows = [[Paragraph(h, small) for h in ("份", "持有人", "理由", "批准人", "预计归还")]]
    for e in close.exceptions:
        shown = {**e, "expected_return": str(e["expected_return"])[:16].replace("T", " ")}
        ex_rows.append(
            [
                Paragraph(markup(str(shown[k])), small)
                for k in ("copy", "reader", "reason", "approver", "expected_return")
            ]
        )

    if len(ex_rows) == 1:
        ex_rows.append([Paragraph("无（当日密件全部归还）", small)] + [""] * 4)
    exceptions = Table(
        ex_rows, colWidths=[38 * mm, 22 * mm, 60 * mm, 22 * mm, 32 * mm], repeatRows=1
    )
    exceptions.setStyle(TableStyle([*grid.getCommands(), ("ALIGN", (0, 0), (-1, -1), "LEFT")]))
    if len(close.exceptions) == 0:
        exceptions.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))

    ov_rows = [
        [
            Paragraph(h, small)
            for h in ("份", "读者", "借出", "放行事由", "批准人", "理由、单位负责人")
        ]
    ]
    for o in close.overrides:
        ov_rows.append(
            [
                Paragraph(markup(str(v)), small)
                for v in (
                    o["copy"],
                    o["reader"],
                    str(o["out_at"])[11:16],
                    o["kind"],
                    o["approver"],
                    "；".join(x for x in (o["reason"], o["head"]) if x),
                )
            ]
        )
    if len(ov_rows) == 1:
        ov_rows.append([Paragraph("无", small)] + [""] * 5)
    overrides = Table(
        ov_rows, colWidths=[38 * mm, 20 * mm, 14 * mm, 26 * mm, 20 * mm, 52 * mm], repeatRows=1
    )
    overrides.setStyle(TableStyle([*grid.getCommands(), ("ALIGN", (0, 0), (-1, -1), "LEFT")]))
    if not close.overrides:
        overrides.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))

    heading = (
        "日终清点表" if close.round == 1 else f"日终清点表（补充清点，当日第 {close.round} 次）"
    )
    reopened: list[Flowable] = []
    if close.reopen is not None:
        at = str(close.reopen["at"])[11:16]
        reopened = [
            Spacer(1, 2 * mm),
            Paragraph(
                markup(
                    f"当日曾清点关闭，{at} 经保密员 {close.reopen['by']} 重新开启，"
                    f"理由：{close.reopen['reason']}。前次清点表仍然有效，本表记重新开启后的清点。"
                ),
                small,
            ),
        ]
    story: list[Any] = [
        Paragraph(heading, title),
        Paragraph(
            markup(f"{unit}　　{close.day:%Y年%m月%d日}"),
            ParagraphStyle("c", parent=body, alignment=1),
        ),
        *reopened,
        Spacer(1, 6 * mm),
        Paragraph("一、密件在柜与借出情况", body),
        Spacer(1, 2 * mm),
        counts,
        Spacer(1, 2 * mm),
        _late_signs(close, small),
        Spacer(1, 6 * mm),
        Paragraph("二、经批准的过夜例外", body),
        Spacer(1, 2 * mm),
        exceptions,
        Spacer(1, 6 * mm),
        Paragraph("三、当日例外放行（借阅台 F7）", body),
        Spacer(1, 2 * mm),
        overrides,
        Spacer(1, 6 * mm),
        Paragraph("四、未结事项（事件、清查未见）", body),
        Spacer(1, 2 * mm),
        _matters(close, small, grid),
        Spacer(1, 6 * mm),
        Paragraph("五、清点与审计链", body),
        Spacer(1, 2 * mm),
        Paragraph(
            markup(
                f"清点人：{closed_by_name}（{close.closed_by}）　　清点时间：{close.closed_at:%Y-%m-%d %H:%M}"
            ),
            body,
        ),
        Paragraph(markup(f"审计链第 {close.chain_seq} 条，链头："), body),
        Paragraph(f"<font face='Courier' size='9.5'>{close.chain_head}</font>", body),
        _head_code(close.chain_head),
        Paragraph(
            "本表存档备查：日后数据库若被替换为较早的文件，或该日以前的记录被改写，其中将找不到以上链头。"
            "安全审计员可扫描上方二维码（审计页“链头”栏，或 mijian audit verify --head）核对。",
            small,
        ),
        Spacer(1, 16 * mm),
        Paragraph("清点人签字：＿＿＿＿＿＿＿＿　　　　复核人签字：＿＿＿＿＿＿＿＿", body),
    ]
    return story


def _late_signs(close: DayClose, small: ParagraphStyle) -> Paragraph:
    """The day's late sign-fors at the exchange (seed 003's clock), counted."""
    if not close.late_signs:
        return Paragraph("当日交换站签收逾时：无。", small)
    lines = "；".join(close.late_signs)
    return Paragraph(markup(f"当日交换站签收逾时 {len(close.late_signs)} 件：{lines}。"), small)


def _matters(close: DayClose, small: ParagraphStyle, grid: TableStyle) -> Table:
    """What was still open when the day closed: the sheet never reads as if all were well."""
    rows: list[list[Any]] = [[Paragraph(h, small) for h in ("类别", "份", "情况")]]
    for m in close.open_matters:
        rows.append([Paragraph(markup(str(m[k])), small) for k in ("kind", "copy", "note")])
    if len(rows) == 1:
        rows.append([Paragraph("无", small), "", ""])
    table = Table(rows, colWidths=[24 * mm, 40 * mm, 110 * mm], repeatRows=1)
    table.setStyle(TableStyle([*grid.getCommands(), ("ALIGN", (0, 0), (-1, -1), "LEFT")]))
    if not close.open_matters:
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    return table
