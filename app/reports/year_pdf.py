"""Year-end PDFs built from sheets: the handover log, the recall and destruction lists, the
保密期限 review list, and the year's statistics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.sheets import Sheet
from app.reports.tables import PagedTable, Progress, fitted, grid_style

SECRET_LIST = "本表载有涉密文件目录，按涉密载体管理"


def _styles() -> tuple[str, ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = register_fonts()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    sub = ParagraphStyle("sub", fontName=font, fontSize=10, leading=14, alignment=1)
    return font, cell, title, sub


def sheet_table(
    sheet: Sheet,
    widths_mm: tuple[float, ...],
    wrap: frozenset[int],
    progress: Progress | None = None,
) -> Flowable:
    """The sheet as a ruled table; columns in `wrap` wrap their text, the rest stay one line."""
    font, cell, _, _ = _styles()

    wrapping = [(i, widths_mm[i] * mm) for i in sorted(wrap)]

    def make_row(row: tuple[object, ...]) -> list[object]:
        # A wrapping column's text is a plain cell when it fits on one line (most do): a
        # Paragraph costs ten times as much to build, measure and draw.
        texts = [str(v) for v in row]
        cells: list[object] = list(texts)
        for i, width in wrapping:
            cells[i] = fitted(texts[i], cell, width)
        return cells

    empty: Sequence[tuple[object, ...]] = [("（无）",) + ("",) * (len(sheet.headers) - 1)]
    records = sheet.rows if len(sheet.rows) else empty  # not copied: it may be read lazily
    return PagedTable(
        # Plain where they fit too (the grid centres the header row): the header is laid out
        # and drawn on every page.
        [
            fitted(h, ParagraphStyle("h", parent=cell, alignment=1), w * mm)
            for h, w in zip(sheet.headers, widths_mm, strict=True)
        ],
        records,
        make_row,
        [w * mm for w in widths_mm],
        grid_style(font, 8),
        progress,
    )


def render_sheet(
    sheet: Sheet,
    unit: str,
    printed_at: datetime,
    widths_mm: tuple[float, ...],
    wrap: frozenset[int],
    note: str = "",
    progress: Progress | None = None,
    signatures: str = "",
) -> bytes:
    """`signatures`: a line printed under the table for the people who sign the sheet."""
    _, _, title, sub = _styles()
    heading = sheet.title.split("（")[0]
    period = sheet.title[len(heading) :]
    story: list[Flowable] = [
        Paragraph(markup(heading), title),
        Paragraph(markup(f"{unit}　　{period}　　共 {len(sheet.rows)} 条{note}"), sub),
        Spacer(1, 4 * mm),
        sheet_table(sheet, widths_mm, wrap, progress),
    ]
    if signatures:
        sign = ParagraphStyle("sign", parent=sub, fontSize=11, leading=18, alignment=0)
        story += [Spacer(1, 10 * mm), Paragraph(markup(signatures), sign)]
    return build_pdf(
        story,
        sheet.title,
        unit,
        landscape(A4),
        (12, 14),
        footer=SECRET_LIST,
        printed_at=printed_at,
    )


def render_stats(
    stats: Sheet, overnight: Sheet, unit: str, year: int, printed_at: datetime
) -> bytes:
    font, cell, title, sub = _styles()
    section = ParagraphStyle("section", fontName=font, fontSize=12, leading=18, spaceBefore=8)
    table = Table(
        [list(stats.headers), *[[str(v) for v in row] for row in stats.rows]],
        colWidths=[30 * mm, 24 * mm] + [19 * mm] * 5,
        repeatRows=1,
    )
    style = grid_style(font, 9)
    # Group the rows by 项目: shade every other block so the eye finds 收文, 清退, 销毁 ...
    blocks = [i for i, row in enumerate(stats.rows, 1) if i == 1 or row[0] != stats.rows[i - 2][0]]
    for n, start in enumerate(blocks):
        stop = blocks[n + 1] - 1 if n + 1 < len(blocks) else len(stats.rows)
        style.append(("SPAN", (0, start), (0, stop)))
    style.append(("ALIGN", (2, 1), (-1, -1), "RIGHT"))
    table.setStyle(style)
    story: list[Flowable] = [
        Paragraph(f"{year} 年度机要工作统计", title),
        Paragraph(markup(f"{unit}　　统计至 {printed_at:%Y-%m-%d %H:%M}"), sub),
        Spacer(1, 4 * mm),
        Paragraph("一、收文、清退与销毁（份）及批示督办、违规过夜（件）", section),
        table,
        Paragraph("二、违规过夜与过夜例外明细", section),
        sheet_table(overnight, (20, 22, 34, 14, 20, 60), frozenset({5})),
    ]
    return build_pdf(
        story, f"{year} 年度机要工作统计", unit, footer=SECRET_LIST, printed_at=printed_at
    )
