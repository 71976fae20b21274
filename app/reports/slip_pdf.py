"""处理笺, copy labels and reader badges, drawn with reportlab in memory.

A slip is one A4 (or A5) page for one copy: the form's name, the copy's 份号, 密级★保密期限 and
紧急程度 at the top left where GB/T 9704 puts them, the QR and its text at the top right, the
ruled grid of the registration, a row per handover, and the line 阅后请及时退回.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from app.documents import Copy, Document
from app.reports.document import SongCanvas
from app.reports.fonts import markup, register_fonts, string_width
from app.slips import IssuedCode, qr_matrix

QUIET = 4  # modules of white around a QR, as the standard asks


@dataclass(frozen=True)
class SlipData:
    document: Document
    copy: Copy
    code: IssuedCode
    handovers: Sequence[tuple[str, str, str]]  # reader, out, back
    exceptions: Sequence[str] = ()  # one note per excepted handover above (※)
    instructions: Sequence[str] = ()  # 领导批示 already recorded, one line each
    copies_total: int = 0  # 份数: how many copies of the document the room received


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """A QR `size` wide (quiet zone included) with its lower-left corner at (x, y)."""
    draw_matrix(canvas, qr_matrix(payload), x, y, size)


def draw_matrix(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """A QR matrix drawn `size` wide (quiet zone included), one rectangle per run of dark
    modules in a row."""
    n = len(matrix) + 2 * QUIET
    module = size / n
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            path.rect(
                x + (start + QUIET) * module,
                y + size - (r + QUIET + 1) * module,
                (c - start) * module,
                module,
            )
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def render_slips(slips: Sequence[SlipData], unit: str, page: str = "A4") -> bytes:
    if page not in ("A4", "A5"):
        raise ValueError(page)
    buffer = io.BytesIO()
    canvas = SongCanvas(buffer, pagesize=A4 if page == "A4" else A5)
    canvas.setTitle("处理笺")
    canvas.setAuthor(unit)
    for slip in slips:
        if page == "A5":
            canvas.scale(A5[0] / A4[0], A5[1] / A4[1])
        _draw_slip(canvas, slip, unit)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# reportlab's default cell padding: 6 pt left and right, 3 pt above and below.
CELL_PAD_X, CELL_PAD_Y = 12.0, 6.0
SMALLEST = 6.0  # pt: the smallest type a slip is set in, still legible on paper
CUT = "……"


def fit_paragraph(text: str, style: ParagraphStyle, width: float, height: float) -> Paragraph:
    """`text` (lines split at "\\n") as a Paragraph that fits `width` x `height` points: in the
    style's size if it fits, else in the largest size down to SMALLEST that does, else cut short
    with "……" at SMALLEST. Either way it never runs over what is below it."""
    size = style.fontSize
    while True:
        paragraph = _sized(text, style, size)
        if paragraph.wrap(width, height)[1] <= height:
            return paragraph
        if size <= SMALLEST:
            break
        size = max(SMALLEST, size - 0.5)
    kept, longest = 0, len(text)
    while kept < longest:  # the longest start of `text` that fits with the mark
        middle = (kept + longest + 1) // 2
        if _sized(text[:middle] + CUT, style, SMALLEST).wrap(width, height)[1] <= height:
            kept = middle
        else:
            longest = middle - 1
    return _sized(text[:kept] + CUT, style, SMALLEST)


def _sized(text: str, style: ParagraphStyle, size: float) -> Paragraph:
    leading = size * style.leading / style.fontSize
    sized = ParagraphStyle(style.name, parent=style, fontSize=size, leading=leading)
    return Paragraph("<br/>".join(markup(line) for line in text.split("\n")), sized)


def _centred_line(canvas: Canvas, text: str, size: float, x: float, y: float, room: float) -> None:
    """One centred line no wider than `room` points: set smaller down to SMALLEST, then cut."""
    while size > SMALLEST and string_width(text, size) > room:
        size = max(SMALLEST, size - 0.5)
    while len(text) > 1 and string_width(text, size) > room:
        text = text[:-2] + CUT[0]
    canvas.setFont(register_fonts(), size)
    canvas.drawCentredString(x, y, text)


LABEL, VALUE = True, False
_RECEIVED = ("来文单位", "文号", "收文日期")


def _slip_table(s: SlipData, total: float) -> Table:
    """The slip's ruled table. Every row has its height whatever is typed: a long value is set
    smaller (fit_paragraph) instead of running over the rows below or off the page."""
    font = register_fonts()
    cell = ParagraphStyle("cell", fontName=font, fontSize=10.5, leading=14, wordWrap="CJK")
    label = ParagraphStyle("label", parent=cell, alignment=1)
    cols = [26 * mm, 66 * mm, 26 * mm, total - 118 * mm]
    d = s.document
    written = d.written_on.isoformat() if d.written_on else ""
    deadline = d.deadline.strftime("%Y-%m-%d %H:%M") if d.deadline else ""
    circulation = (list(s.handovers)[-6:] + [("", "", "")] * 6)[:6]
    # A 发文 (the office's own) in its own words: 发文机关, 发文字号, 登记日期.
    issuer, number, on = ("发文机关", "发文字号", "登记日期") if d.outgoing else _RECEIVED
    lines: list[tuple[float, list[tuple[str, bool]]]] = [
        (
            12 * mm,
            [
                (issuer, LABEL),
                (d.issuer if d.outgoing else f"{d.issuer}（{d.source}）", VALUE),
                (number, LABEL),
                (d.doc_number, VALUE),
            ],
        ),
        (14 * mm, [("标题", LABEL), (d.title, VALUE)]),
        (
            8 * mm,
            [
                ("签发日期" if d.outgoing else "成文日期", LABEL),
                (written, VALUE),
                (on, LABEL),
                (d.received_at.strftime("%Y-%m-%d %H:%M"), VALUE),
            ],
        ),
        (
            12 * mm,
            [
                ("页数", LABEL),
                (f"{s.copy.pages} 页（附件：{d.attachments or '无'}）", VALUE),
                ("办理时限", LABEL),
                (deadline, VALUE),
            ],
        ),
        (26 * mm, [("拟办意见", LABEL), (d.proposal, VALUE)]),
        (36 * mm, [("领导批示", LABEL), ("；".join(s.instructions), VALUE)]),
        (8 * mm, [("传阅/承办", LABEL), ("借出时间", LABEL), ("归还时间", LABEL), ("签名", LABEL)]),
        *[
            (9 * mm, [(who, LABEL), (out, LABEL), (back, LABEL), ("", VALUE)])
            for who, out, back in circulation
        ],
        (20 * mm, [("办理结果", LABEL), ("", VALUE)]),
    ]
    rows: list[list[object]] = []
    for height, cells in lines:
        widths = cols if len(cells) == 4 else [cols[0], sum(cols[1:])]  # or one spanning value
        row: list[object] = [
            fit_paragraph(text, label if is_label else cell, w - CELL_PAD_X, height - CELL_PAD_Y)
            for (text, is_label), w in zip(cells, widths, strict=True)
        ]
        rows.append(row + [""] * (4 - len(row)))
    table = Table(rows, colWidths=cols, rowHeights=[height for height, _ in lines])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                ("SPAN", (1, 1), (3, 1)),
                ("SPAN", (1, 4), (3, 4)),
                ("SPAN", (1, 5), (3, 5)),
                ("SPAN", (1, 13), (3, 13)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("VALIGN", (1, 4), (3, 5), "TOP"),
                ("BACKGROUND", (0, 6), (-1, 6), colors.Color(0.93, 0.93, 0.93)),
            ]
        )
    )
    return table


def _draw_slip(canvas: Canvas, s: SlipData, unit: str) -> None:
    font = register_fonts()
    width, height = A4
    left, right, top = 18 * mm, width - 18 * mm, height - 16 * mm
    d = s.document

    # Top left, as GB/T 9704 places them: 份号, then 密级★保密期限, then 紧急程度.
    canvas.setFont(font, 12)
    total = f"（共 {s.copies_total} 份）" if s.copies_total else ""
    canvas.drawString(left, top - 6 * mm, f"份号 {s.copy.copy_no}{total}")
    canvas.setFont(font, 14)
    canvas.drawString(left, top - 13 * mm, d.level_label)
    urgency = ("电报 " if d.telegram else "") + d.urgency
    if urgency != "平件":
        canvas.drawString(left, top - 20 * mm, urgency)

    # Top right: the QR, its text, and the room's number.
    qr_size = 26 * mm
    draw_qr(canvas, s.code.payload, right - qr_size, top - qr_size, qr_size)
    canvas.setFont(font, 7.5)
    canvas.drawRightString(right, top - qr_size - 3.5 * mm, s.code.short)
    canvas.setFont(font, 10)
    number = "发文登记号" if d.outgoing else "收文编号"
    canvas.drawRightString(right, top - qr_size - 8 * mm, f"{number} {d.number}")

    # The centre, between the 密级 on the left and the QR on the right.
    centre = 2 * min(width / 2 - (left + 40 * mm), (right - qr_size - 4 * mm) - width / 2)
    _centred_line(canvas, s.code.kind, 24, width / 2, top - 14 * mm, centre)
    _centred_line(canvas, unit, 10.5, width / 2, top - 21 * mm, centre)

    table = _slip_table(s, right - left)
    _, table_height = table.wrapOn(canvas, right - left, height)
    table_top = top - 40 * mm
    table.drawOn(canvas, left, table_top - table_height)

    canvas.setFont(font, 15)
    canvas.drawCentredString(width / 2, table_top - table_height - 10 * mm, "阅后请及时退回")
    canvas.setFont(font, 9)
    canvas.drawCentredString(
        width / 2,
        table_top - table_height - 16 * mm,
        "密件不过夜 · 一夹一传递 · 一人一记录 · 不得横传、复制、外借",
    )
    # The exceptions among the handovers shown: who let them through and, for a clearance or
    # 知悉范围 refusal, the approving 单位负责人 and the approval's reference.
    note = ParagraphStyle("note", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    y = table_top - table_height - 20 * mm
    if s.exceptions:
        paragraph = fit_paragraph("\n".join(s.exceptions), note, right - left, y - 10 * mm)
        _, h = paragraph.wrapOn(canvas, right - left, y - 10 * mm)
        paragraph.drawOn(canvas, left, y - h)


def render_labels(labels: Sequence[tuple[IssuedCode, str, str, str]], unit: str) -> bytes:
    """Sticker sheets of 4 x 10 labels (52.5 x 29.7 mm): QR, 收文编号, 份号, 密级."""
    font = register_fonts()
    buffer = io.BytesIO()
    canvas = SongCanvas(buffer, pagesize=A4)
    canvas.setTitle("文件标签")
    cols, rows_per_page = 4, 10
    w, h = A4[0] / cols, A4[1] / rows_per_page
    for i, (code, number, copy_no, level) in enumerate(labels):
        slot = i % (cols * rows_per_page)
        if i and slot == 0:
            canvas.showPage()
        x = (slot % cols) * w
        y = A4[1] - (slot // cols + 1) * h
        draw_qr(canvas, code.payload, x + 2 * mm, y + (h - 24 * mm) / 2, 24 * mm)
        canvas.setFont(font, 9)
        canvas.drawString(x + 27 * mm, y + h - 9 * mm, number)
        canvas.drawString(x + 27 * mm, y + h - 14 * mm, f"第{copy_no}份")
        canvas.drawString(x + 27 * mm, y + h - 19 * mm, level)
        _small_print(canvas, unit, font, x + 27 * mm, y + 4 * mm, w - 29 * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _small_print(canvas: Canvas, text: str, font: str, x: float, y: float, room: float) -> None:
    """The room's name under a label's lines, whole (walk-through: cut at ten characters): set
    smaller down to 3.5 pt, then on two lines."""
    size = 6.0
    while size > 3.5 and canvas.stringWidth(text, font, size) > room:
        size -= 0.25
    if canvas.stringWidth(text, font, size) <= room:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
        return
    half = (len(text) + 1) // 2
    canvas.setFont(font, size)
    canvas.drawString(x, y + size, text[:half])
    canvas.drawString(x, y, text[half:])


def render_badges(badges: Sequence[tuple[str, str, str, str]], unit: str) -> bytes:
    """Reader badges, 8 to an A4 sheet (85 x 54 mm): name, unit and position, badge QR."""
    font = register_fonts()
    buffer = io.BytesIO()
    canvas = SongCanvas(buffer, pagesize=A4)
    canvas.setTitle("读者证")
    w, h = 85 * mm, 54 * mm
    x0, y0 = (A4[0] - 2 * w) / 2, A4[1] - 20 * mm
    for i, (name, org, position, badge_code) in enumerate(badges):
        slot = i % 8
        if i and slot == 0:
            canvas.showPage()
        x = x0 + (slot % 2) * w
        y = y0 - (slot // 2 + 1) * h
        canvas.setLineWidth(0.4)
        canvas.setDash(2, 2)
        canvas.rect(x, y, w, h)
        canvas.setDash()
        canvas.setFont(font, 9)
        canvas.drawString(x + 5 * mm, y + h - 8 * mm, f"{unit} 机要室 读者证")
        canvas.setFont(font, 20)
        canvas.drawString(x + 5 * mm, y + h - 22 * mm, name)
        canvas.setFont(font, 10)
        canvas.drawString(x + 5 * mm, y + h - 30 * mm, org)
        canvas.drawString(x + 5 * mm, y + h - 36 * mm, position)
        canvas.setFont(font, 9)
        canvas.drawString(x + 5 * mm, y + 6 * mm, badge_code)
        draw_qr(canvas, badge_code, x + w - 33 * mm, y + 10 * mm, 30 * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
