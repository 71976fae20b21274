"""A folder's label (一夹一传递): the folder's name in large letters and its QR, to stick on the
folder. One A4 page with the label at the top (cut along the dashed line)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.reports.document import SongCanvas
from app.reports.fonts import register_fonts
from app.reports.slip_pdf import draw_qr


def render_label(name: str, code: str, unit: str) -> bytes:
    font = register_fonts()
    buffer = io.BytesIO()
    canvas = SongCanvas(buffer, pagesize=A4)
    canvas.setTitle(f"文件夹标签 {name}")
    w, h = 100 * mm, 60 * mm
    x, y = (A4[0] - w) / 2, A4[1] - 20 * mm - h
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 2)
    canvas.rect(x, y, w, h)
    canvas.setDash()
    canvas.setFont(font, 9)
    canvas.drawString(x + 5 * mm, y + h - 8 * mm, f"{unit} 机要室 传递文件夹")
    canvas.setFont(font, 24)
    canvas.drawString(x + 5 * mm, y + h - 24 * mm, name)
    canvas.setFont(font, 9)
    canvas.drawString(x + 5 * mm, y + 14 * mm, "一夹一传递 · 阅后请及时退回")
    canvas.drawString(x + 5 * mm, y + 6 * mm, code)
    draw_qr(canvas, code, x + w - 43 * mm, y + 10 * mm, 40 * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
