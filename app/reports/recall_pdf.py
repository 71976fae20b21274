"""清退清单: per issuer, sorted by 文号, 份号 as ranges, counts by 密级, 留用 and 已销毁 rows marked,
signature and stamp lines; every issuer's list printed twice (一式两份)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import groupby

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from app.numbers import format_copy_ranges
from app.recall import LEVELS, RecallRow
from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.tables import PagedTable, Progress, fitted, grid_style
from app.vocab import CopyState

HEADERS = ("序号", "文号", "标题", "密级", "份号", "份数", "备注")
WIDTHS_MM = (9, 40, 50, 11, 28, 9, 33)
PARTS = ("第一联　交退单位留存", "第二联　接收单位留存")


def _note(outcome: str, detail: str) -> str:
    if outcome == CopyState.RETAINED:
        return f"留用：{detail}"
    if outcome in (CopyState.DESTROYED, "待销毁"):
        return f"{outcome}（{detail}）"
    return ""


def _lines(rows: list[RecallRow]) -> list[tuple[RecallRow, list[str], str]]:
    """One line per document and disposition: (first row, its 份号, the note)."""
    lines = []
    for _, same_doc in groupby(rows, key=lambda r: r.document_id):
        doc_rows = list(same_doc)
        by_note: dict[str, list[RecallRow]] = {}
        for r in doc_rows:
            by_note.setdefault(_note(r.outcome, r.detail), []).append(r)
        for note, group in by_note.items():
            lines.append((group[0], [r.copy_no for r in group], note))
    return lines


@dataclass(frozen=True)
class _Look:
    font: str
    cell: ParagraphStyle
    title: ParagraphStyle
    sub: ParagraphStyle
    body: ParagraphStyle


Line = tuple[int, tuple[RecallRow, list[str], str]]


def render_recall_lists(
    rows: list[RecallRow],
    year: int,
    unit: str,
    printed_at: datetime,
    issuer: str | None = None,
    progress: Progress | None = None,
) -> bytes:
    font = register_fonts()
    look = _Look(
        font,
        ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK"),
        ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1),
        ParagraphStyle("sub", fontName=font, fontSize=10, leading=15, alignment=1),
        ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16),
    )
    issuers = sorted({r.issuer for r in rows} if issuer is None else {issuer})
    lists = []
    for name in issuers:
        mine = [r for r in rows if r.issuer == name]
        lists.append((name, mine, list(enumerate(_lines(mine), 1))))
    total = len(PARTS) * sum(len(lines) for _, _, lines in lists)
    story: list[Flowable] = []
    done = 0
    for name, mine, lines in lists:
        for part in PARTS:
            if story:
                story.append(PageBreak())
            step = None
            if progress is not None:
                step = partial(lambda base, d, _: progress(base + d, total), done)
            story += _one_list(mine, lines, name, year, unit, part, look, step)
            done += len(lines)
    if not story:
        story.append(Paragraph(f"{year} 年度没有需清退的中央、省、市密级文件。", look.body))
    return build_pdf(
        story,
        f"清退清单（{year}年度）",
        unit,
        margins_mm=(15, 16),
        footer="本清单一式两份，交退单位与接收单位各执一份",
        printed_at=printed_at,
    )


def _one_list(
    rows: list[RecallRow],
    lines: list[Line],
    issuer: str,
    year: int,
    unit: str,
    part: str,
    look: _Look,
    progress: Progress | None,
) -> list[Flowable]:
    cell = look.cell

    def make_row(entry: Line) -> list[object]:
        i, (first, numbers, note) = entry
        return [
            str(i),
            fitted(first.doc_number or "（无文号）", cell, WIDTHS_MM[1] * mm),
            fitted(first.title, cell, WIDTHS_MM[2] * mm),
            first.level,
            fitted(format_copy_ranges(numbers), cell, WIDTHS_MM[4] * mm),
            str(len(numbers)),
            fitted(note, cell, WIDTHS_MM[6] * mm),
        ]

    table = PagedTable(
        list(HEADERS),
        lines,
        make_row,
        [w * mm for w in WIDTHS_MM],
        grid_style(look.font, 8.5),
        progress,
    )
    returned = Counter(r.level for r in rows if r.outcome in (CopyState.RECALLED, "待处理"))
    kept = sum(r.outcome == CopyState.RETAINED for r in rows)
    destroyed = sum(r.outcome in (CopyState.DESTROYED, "待销毁") for r in rows)
    counts = "　".join(f"{level} {returned[level]} 份" for level in LEVELS)
    signatures = Table(
        [
            ["交退单位（盖章）", "", "接收单位（盖章）", ""],
            ["经办人（签字）", "", "接收人（签字）", ""],
            ["主管领导（签字）", "", "日期", "　　年　　月　　日"],
        ],
        colWidths=[32 * mm, 54 * mm, 32 * mm, 62 * mm],
        rowHeights=[12 * mm] * 3,
    )
    signatures.setStyle(
        [("FONTNAME", (0, 0), (-1, -1), look.font), ("FONTSIZE", (0, 0), (-1, -1), 10.5)]
    )
    return [
        Paragraph("清 退 清 单", look.title),
        Paragraph(markup(f"（{year}年度　{part}）"), look.sub),
        Spacer(1, 3 * mm),
        Paragraph(markup(f"交退单位：{unit}　　　接收单位：{issuer}"), look.body),
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 3 * mm),
        KeepTogether(
            [
                Paragraph(
                    markup(
                        f"清退合计 {sum(returned.values())} 份（{counts}）；"
                        f"留用 {kept} 份；本单位已监销 {destroyed} 份。"
                    ),
                    look.body,
                ),
                Spacer(1, 4 * mm),
                signatures,
            ]
        ),
    ]
