"""清查登记表: one stocktake's scope, times and counts, every discrepancy with what to do about
it, and the two people's signatures."""

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
from app.reports.tables import PagedTable, Progress, fitted, grid_style

if TYPE_CHECKING:
    from app.stocktake import Summary
    from app.stocktake_records import FindingRow

HEADERS = ("序号", "差异类别", "登记编号/份号", "密级", "标题", "说明", "处理意见")
WIDTHS_MM = (9, 17, 36, 10, 35, 37, 36)  # 收文编号/份号 on one line at 8.5 pt


@dataclass(frozen=True)
class Signers:
    first: str
    second: str
    second_confirmed: bool


def render_stocktake_sheet(
    summary: Summary,
    rows: Sequence[FindingRow],
    signers: Signers,
    unit: str,
    printed_at: datetime,
    progress: Progress | None = None,
) -> bytes:
    font = register_fonts()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16)
    taken = summary.stocktake
    finished = f"{taken.finished_at:%Y-%m-%d %H:%M}" if taken.finished_at else "未完成"
    counts = "；".join(f"{f.value} {n}" for f, n in summary.counts.items() if n) or "无"
    story: list[Flowable] = [
        Paragraph("清 查 登 记 表", title),
        Spacer(1, 3 * mm),
        Paragraph(
            markup(
                f"单位：{unit}　　清查范围：{taken.scope}　　"
                f"开始：{taken.started_at:%Y-%m-%d %H:%M}　完成：{finished}"
            ),
            body,
        ),
        Paragraph(
            markup(
                f"应在柜 {taken.expected if taken.expected is not None else '—'} 份，"
                f"扫描相符 {taken.matched if taken.matched is not None else '—'} 份；"
                f"差异 {summary.discrepancies} 项（{counts}）。"
            ),
            body,
        ),
        Spacer(1, 2 * mm),
    ]
    if rows:

        def make_row(entry: tuple[int, FindingRow]) -> list[object]:
            i, f = entry
            return [
                str(i),
                f.finding.value,
                fitted(f.item or "—", cell, WIDTHS_MM[2] * mm),
                f.level,
                fitted(f.title, cell, WIDTHS_MM[4] * mm),
                fitted(f.detail, cell, WIDTHS_MM[5] * mm),
                fitted(f.resolution or f.finding.what_to_do, cell, WIDTHS_MM[6] * mm),
            ]

        story.append(
            PagedTable(
                list(HEADERS),
                list(enumerate(rows, 1)),
                make_row,
                [w * mm for w in WIDTHS_MM],
                grid_style(font, 8.5),
                progress,
            )
        )
    else:
        story.append(Paragraph("经逐件扫描核对，账物相符，未发现差异。", body))
    confirmed = "（已以本人密码确认）" if signers.second_confirmed else ""
    signatures = Table(
        [
            [f"清查人：{signers.first}（签字）", "", f"清查人：{signers.second}（签字）", ""],
            ["日期", "　　年　　月　　日", "日期", "　　年　　月　　日"],
        ],
        colWidths=[48 * mm, 40 * mm, 52 * mm, 40 * mm],
        rowHeights=[14 * mm, 10 * mm],
    )
    signatures.setStyle(
        [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 10.5)]
    )
    story.append(
        KeepTogether(
            [
                Spacer(1, 5 * mm),
                Paragraph(markup(f"第二清查人 {signers.second}{confirmed}。"), body),
                Spacer(1, 3 * mm),
                signatures,
            ]
        )
    )
    return build_pdf(
        story,
        f"清查登记表 {taken.scope}",
        unit,
        margins_mm=(15, 16),
        footer="清查登记表由机要室长期保存",
        printed_at=printed_at,
    )
