"""交接清单 (调离前清退): everything a person held and has not settled, for two signatures —
the person handing over and the custodian taking it back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.tables import PagedTable, fitted, grid_style

if TYPE_CHECKING:
    from app.departure import Holding

HEADERS = ("序号", "类别", "收文编号/事项", "密级", "标题", "自", "备注")
WIDTHS_MM = (9, 18, 38, 11, 50, 20, 28)


@dataclass(frozen=True)
class Person:
    name: str
    unit: str
    position: str
    active: bool


def render_handover_list(
    person: Person, held: Sequence[Holding], unit: str, printed_at: datetime
) -> bytes:
    font = register_fonts()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16)
    who = "　".join(x for x in (person.unit, person.position) if x)
    state = "在岗" if person.active else "已离岗"
    story: list[Flowable] = [
        Paragraph("交 接 清 单", title),
        Paragraph(markup("（调离前清退）"), ParagraphStyle("sub", parent=title, fontSize=10)),
        Spacer(1, 4 * mm),
        Paragraph(markup(f"交接人：{person.name}　{who}（{state}）　　单位：{unit}"), body),
        Spacer(1, 2 * mm),
    ]
    if held:

        def make_row(entry: tuple[int, Holding]) -> list[object]:
            i, h = entry
            return [
                str(i),
                h.kind,
                fitted(h.item, cell, WIDTHS_MM[2] * mm),
                h.level,
                fitted(h.title, cell, WIDTHS_MM[4] * mm),
                f"{h.since:%Y-%m-%d}",
                fitted(h.note, cell, WIDTHS_MM[6] * mm),
            ]

        story.append(
            PagedTable(
                list(HEADERS),
                list(enumerate(held, 1)),
                make_row,
                [w * mm for w in WIDTHS_MM],
                grid_style(font, 8.5),
            )
        )
        summary = (
            f"未清退合计 {len(held)} 项。以上各项须逐项收回或办结后，方可办理离岗、调离或退休。"
        )
    else:
        summary = "经核对，交接人名下没有借出未还的文件，也没有未办结的批示。"
    signatures = Table(
        [
            ["交接人（签字）", "", "接收人（机要员，签字）", ""],
            ["日期", "　　年　　月　　日", "日期", "　　年　　月　　日"],
        ],
        colWidths=[30 * mm, 55 * mm, 40 * mm, 49 * mm],
        rowHeights=[14 * mm, 10 * mm],
    )
    signatures.setStyle(
        [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 10.5)]
    )
    story.append(
        KeepTogether(
            [Spacer(1, 4 * mm), Paragraph(markup(summary), body), Spacer(1, 6 * mm), signatures]
        )
    )
    return build_pdf(
        story,
        f"交接清单 {person.name}",
        unit,
        margins_mm=(15, 16),
        footer="本清单一式两份，交接人与机要室各执一份",
        printed_at=printed_at,
    )
