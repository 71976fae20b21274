"""销毁登记表 (every copy of a batch, totals by 密级, method, place, time, the builder, the approver
and the two witnesses with signature lines) and the 销毁载体移交单 for a destruction centre.

These records are kept long-term and are never destroyed with the material (DOMAIN.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from app.destruction import Batch, BatchItem
from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.tables import PagedTable, Progress, fitted, grid_style
from app.vocab import CLASSIFIED

HEADERS = ("序号", "登记编号", "文号", "标题", "密级", "份号", "份数", "页数")
WIDTHS_MM = (14, 22, 44, 117, 14, 18, 12, 12)


@dataclass(frozen=True)
class People:
    """Display names of the batch's builder, approver and witnesses."""

    builder: str
    approver: str
    witnesses: tuple[str, ...]


def _styles() -> tuple[str, ParagraphStyle, ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = register_fonts()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    sub = ParagraphStyle("sub", fontName=font, fontSize=10, leading=14, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16)
    return font, cell, title, sub, body


def _when(batch: Batch) -> str:
    if batch.sealed_at:
        return batch.sealed_at[:16].replace("T", " ")
    return f"{batch.planned_on:%Y-%m-%d}（计划）"


def _status(batch: Batch) -> str:
    if batch.state == "已销毁":
        return "已监销封存"
    return f"{batch.state}——尚未封存，不作销毁凭证"


PAPER = "纸质"
CARRIER_KINDS = ("光盘", "U盘", "移动硬盘")  # app.carriers.KINDS, counted apart from paper


def _totals(items: Sequence[BatchItem], carrier: str = PAPER) -> dict[str, tuple[int, int]]:
    """(copies, pages) by 密级, of one carrier kind."""
    result: dict[str, tuple[int, int]] = {level: (0, 0) for level in CLASSIFIED}
    for i in items:
        if i.carrier != carrier:
            continue
        copies, pages = result.get(i.level, (0, 0))
        result[i.level] = (copies + 1, pages + i.pages)
    return result


def _kinds(items: Sequence[BatchItem]) -> list[str]:
    present = {i.carrier for i in items}
    return [k for k in CARRIER_KINDS if k in present]


def _totals_table(items: Sequence[BatchItem], font: str) -> Table:
    paper = [i for i in items if i.carrier == PAPER]
    totals = _totals(items)
    data = [["密级", *CLASSIFIED, "合计"]]
    data.append(["纸质份数", *(str(totals[lv][0]) for lv in CLASSIFIED), str(len(paper))])
    data.append(
        ["纸质页数", *(str(totals[lv][1]) for lv in CLASSIFIED), str(sum(i.pages for i in paper))]
    )
    for kind in _kinds(items):
        counted = _totals(items, kind)
        n = sum(1 for i in items if i.carrier == kind)
        data.append([f"{kind}（个）", *(str(counted[lv][0]) for lv in CLASSIFIED), str(n)])
    table = Table(data, colWidths=[24 * mm] + [30 * mm] * 4)
    table.setStyle([*grid_style(font, 10), ("ALIGN", (0, 0), (-1, -1), "CENTER")])
    return table


def render_register(
    batch: Batch,
    items: Sequence[BatchItem],
    people: People,
    unit: str,
    printed_at: datetime,
    progress: Progress | None = None,
) -> bytes:
    """销毁登记表."""
    font, cell, title, sub, body = _styles()

    def make_row(entry: tuple[int, BatchItem]) -> list[object]:
        n, i = entry
        return [
            str(n),
            i.number,
            fitted(i.doc_number, cell, WIDTHS_MM[2] * mm),
            fitted(_described(i), cell, WIDTHS_MM[3] * mm),
            i.level,
            i.copy_no,
            "1",
            str(i.pages) if i.carrier == PAPER else i.carrier,
        ]

    style = [*grid_style(font, 8), ("ALIGN", (0, 1), (2, -1), "LEFT")]
    table = PagedTable(
        list(HEADERS),
        list(enumerate(items, 1)),
        make_row,
        [w * mm for w in WIDTHS_MM],
        style,
        progress,
    )
    witnesses = list(people.witnesses) + [""] * (2 - len(people.witnesses))
    signatures = Table(
        [
            ["经办人", people.builder, "签字", "", "批准人", people.approver, "签字", ""],
            ["监销人", witnesses[0], "签字", "", "监销人", witnesses[1], "签字", ""],
        ],
        colWidths=[18 * mm, 30 * mm, 14 * mm, 60 * mm] * 2,
        rowHeights=[13 * mm] * 2,
    )
    signatures.setStyle(grid_style(font, 10.5, 0))
    story: list[Flowable] = [
        Paragraph("涉密载体销毁登记表", title),
        Paragraph(markup(f"{unit}　　{batch.label}　　{_status(batch)}"), sub),
        Spacer(1, 3 * mm),
        Paragraph(
            markup(
                f"销毁方式：{batch.method}　　销毁地点：{batch.place}　　"
                f"销毁时间：{_when(batch)}　　共 {len(items)} 份"
            ),
            body,
        ),
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph("按密级合计", body),
                _totals_table(items, font),
                Spacer(1, 5 * mm),
                signatures,
                Spacer(1, 2 * mm),
                Paragraph("本登记表长期保存，不随载体销毁。", body),
            ]
        ),
    ]
    return build_pdf(
        story,
        f"涉密载体销毁登记表 {batch.label}",
        unit,
        landscape(A4),
        (12, 14),
        footer=f"{batch.label}　本表载有涉密文件目录，按涉密载体管理",
        printed_at=printed_at,
    )


def _described(i: BatchItem) -> str:
    """The title, and for a carrier its kind and serial number (the item destroyed)."""
    if i.carrier == PAPER:
        return i.title
    return f"{i.title}〔{i.carrier} {i.carrier_serial}〕"


def render_handover(
    batch: Batch, items: Sequence[BatchItem], people: People, unit: str, printed_at: datetime
) -> bytes:
    """销毁载体移交单: counts by 密级 and carrier (paper: 份数/页数), handed over / received by."""
    font, _, title, sub, body = _styles()
    totals = _totals(items)
    data: list[list[str]] = [["载体类型", "密级", "份数", "页数"]]
    for level in CLASSIFIED:
        data.append(["纸质", level, str(totals[level][0]), str(totals[level][1])])
    for kind in _kinds(items):
        counted = _totals(items, kind)
        for level in CLASSIFIED:
            if counted[level][0]:
                data.append([kind, level, str(counted[level][0]), "—"])
    paper_pages = sum(i.pages for i in items if i.carrier == PAPER)
    data.append(["合计", "", str(len(items)), str(paper_pages)])
    table = Table(data, colWidths=[40 * mm, 40 * mm, 40 * mm, 40 * mm])
    table.setStyle([*grid_style(font, 11), ("ALIGN", (0, 0), (-1, -1), "CENTER")])
    sign = Table(
        [
            ["移交单位（盖章）", "", "接收单位（盖章）", ""],
            ["移交人（签字）", people.builder, "接收人（签字）", ""],
            ["移交日期", f"{batch.planned_on:%Y年%m月%d日}", "接收日期", "　　年　　月　　日"],
        ],
        colWidths=[32 * mm, 48 * mm, 32 * mm, 48 * mm],
        rowHeights=[14 * mm] * 3,
    )
    sign.setStyle(grid_style(font, 10.5, 0))
    story: list[Flowable] = [
        Paragraph("涉密载体销毁移交单", title),
        Paragraph(markup(f"{batch.label}　　{_status(batch)}"), sub),
        Spacer(1, 6 * mm),
        Paragraph(markup(f"移交单位：{unit}"), body),
        Paragraph(markup(f"接收单位：{batch.place}"), body),
        Paragraph(
            markup(f"销毁方式：{batch.method}　　批准人：{people.approver or '（未审批）'}"), body
        ),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph("明细见同批次《涉密载体销毁登记表》。", body),
        Spacer(1, 8 * mm),
        sign,
    ]
    return build_pdf(story, f"涉密载体销毁移交单 {batch.label}", unit)
