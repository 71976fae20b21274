"""传阅单 (阅文单): the sheet in the folder — the document, the 阅文范围 as its route in reading
order, and per reader the times out and back, 阅毕, whether they wrote an instruction, and a
space to sign (DOMAIN.md, the paper forms)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from app.circulation_records import RouteStatus, Step
from app.documents import Document
from app.instruction_records import Instruction
from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.tables import fitted, grid_style

READER_COLUMNS = ("序", "阅文人", "职务", "送阅时间", "退回时间", "阅时", "阅毕", "批示", "签字")
READER_WIDTHS = (7, 20, 21, 23, 23, 19, 23, 10, 24)


SIGN_ROW_MM = 10
RESULT_BOX_MM = 22


def _when(value: datetime | None) -> str:
    return f"{value:%m-%d %H:%M}" if value else ""


def _duration(minutes: int) -> str:
    if minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    return f"{hours}小时{rest}分" if hours else f"{rest}分"


def _reader_row(step: Step, now: datetime) -> list[str]:
    first_out = step.held[0].out_at if step.held else None
    last = step.held[-1] if step.held else None
    return [
        str(step.seq),
        step.name + ("（增）" if step.added_kind == "扩大" else ""),
        step.position,
        _when(first_out),
        _when(last.back_at) if last else "",
        _duration(step.held_minutes(now)),
        _when(step.read_at) if step.read_at else ("在阅" if step.holding else "未阅"),
        "有" if step.instructed else "",
        "",
    ]


def render_circulation(
    doc: Document,
    route: RouteStatus,
    instructions: Sequence[Instruction],
    unit: str,
    printed_at: datetime,
) -> bytes:
    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12)
    title = ParagraphStyle("title", fontName=font, fontSize=22, leading=30, alignment=1)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(markup(text), style)

    copies = "、".join(c.copy_no for c in route.copies)
    scope = "→".join(s.name for s in route.steps) or "（未设定传阅路线）"
    given = "；".join(f"{i.leader}（{i.given_at:%m-%d}）：{i.text}" for i in instructions)
    head = [
        [p("来文单位"), p(doc.issuer), p("文号"), p(doc.doc_number or "—")],
        [p("收文编号"), p(doc.number), p("收文日期"), p(f"{doc.received_at:%Y-%m-%d %H:%M}")],
        [p("密级"), p(doc.level_label), p("紧急程度"), p(doc.urgency)],
        [p("标题"), p(doc.title), "", ""],
        [p("份数/份号"), p(f"{len(route.copies)} 份：{copies}"), "", ""],
        [p("拟办意见"), p(doc.proposal or ""), "", ""],
        [p("领导批示"), p(given), "", ""],
        [p("传阅范围"), p(scope), "", ""],
    ]
    header = Table(head, colWidths=[24 * mm, 74 * mm, 22 * mm, 50 * mm])
    header.setStyle(TableStyle(grid_style(font, 10.5, header_rows=0)))
    header.setStyle(TableStyle([("SPAN", (1, r), (3, r)) for r in range(3, 8)]))

    rows: list[list[str | Paragraph]] = [list(READER_COLUMNS)]
    cell = ParagraphStyle("cell", parent=small, fontSize=8.5, leading=10.5)
    for step in route.steps:
        values: list[str | Paragraph] = list(_reader_row(step, printed_at))
        for i in (1, 2):  # a long name or position wraps instead of running over
            values[i] = fitted(str(values[i]), cell, READER_WIDTHS[i] * mm)
        rows.append(values)
    for _ in range(max(0, 3 - len(route.steps))):
        rows.append([""] * len(READER_COLUMNS))  # blank lines to fill by hand
    # Each reader signs on their own line: rows tall enough for a pen (walk-through: 5 mm).
    readers = Table(
        rows,
        colWidths=[w * mm for w in READER_WIDTHS],
        rowHeights=[None] + [SIGN_ROW_MM * mm] * (len(rows) - 1),
        repeatRows=1,
    )
    readers.setStyle(TableStyle(grid_style(font, 8.5)))

    # 办理结果 in a box of its own, to be written in by hand when nothing is recorded yet.
    result = Table(
        [[p("办理结果"), p(doc.done_result or doc.status_note or "")]],
        colWidths=[24 * mm, 146 * mm],
        rowHeights=[RESULT_BOX_MM * mm],
    )
    result.setStyle(TableStyle(grid_style(font, 10.5, header_rows=0)))

    story = [
        Paragraph("传　阅　单", title),
        p(
            f"{unit}　　{doc.number}　　打印于 {printed_at:%Y-%m-%d %H:%M}",
            ParagraphStyle("c", parent=body, alignment=1),
        ),
        Spacer(1, 5 * mm),
        header,
        Spacer(1, 4 * mm),
        readers,
    ]
    if route.removed:
        story += [
            Spacer(1, 2 * mm),
            p(
                "调整："
                + "；".join(f"{r.name} {r.at:%m-%d} 移出（{r.reason}）" for r in route.removed),
                small,
            ),
        ]
    story += [
        Spacer(1, 4 * mm),
        result,
        Spacer(1, 6 * mm),
        p("阅后请及时退回机要室，不得横传、复制、带离。", small),
    ]
    return build_pdf(story, "传阅单", unit)
