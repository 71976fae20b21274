"""退文通知: the note that goes back with an item returned for coming by the wrong route,
naming the rule it broke and how to send it properly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.tables import grid_style

if TYPE_CHECKING:
    from app.returned_mail import ReturnedMail


def render_notice(item: ReturnedMail, room_unit: str) -> bytes:
    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=body, fontSize=10, leading=13)
    title = ParagraphStyle("title", fontName=font, fontSize=22, leading=30, alignment=1)
    right = ParagraphStyle("right", parent=body, alignment=2)
    rows = [
        ["退文编号", item.label, "退文原因", str(item.rule)],
        ["来件单位", Paragraph(markup(item.sender), cell), "文号", markup(item.doc_number or "—")],
        ["标题", Paragraph(markup(item.title), cell), "密级", item.level],
        [
            "收到时间",
            f"{item.came_at:%Y-%m-%d %H:%M}",
            "退回时间",
            f"{item.returned_at:%Y-%m-%d %H:%M}",
        ],
    ]
    table = Table(rows, colWidths=[w * mm for w in (24, 66, 24, 50)])
    table.setStyle(TableStyle(grid_style(font, 10, header_rows=0)))
    note = f"具体问题：{markup(item.note)}。" if item.note else ""
    story: list[Flowable] = [
        Paragraph("退文通知", title),
        Spacer(1, 6 * mm),
        Paragraph(markup(f"{item.returned_to}："), body),
        Paragraph(
            markup(
                f"　　你单位报送的《{item.title}》属于{item.rule}（{item.rule.explanation}），"
                "根据公文统一收发的规定，现予退回。请按规定程序和权限，经机要室统一报送。"
            )
            + note,
            body,
        ),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 16 * mm),
        Paragraph(markup(f"{room_unit}机要室"), right),
        Paragraph(f"{item.returned_at:%Y年%m月%d日}", right),
        Spacer(1, 12 * mm),
        Paragraph("退件人（机要员）签字：＿＿＿＿＿＿　　接收人签字：＿＿＿＿＿＿", cell),
    ]
    return build_pdf(story, f"退文通知 {item.label}", room_unit, margins_mm=(20, 20))
