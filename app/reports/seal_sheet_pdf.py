"""审计验证密钥 sheet: the first sealing key of a room, printed once, kept in the safe.

The only copy of the key that can verify every sealed period of the audit trail. Rendered in
memory and sent to the printer; never written to the machine's disk by the program.
"""

from __future__ import annotations

import io
from datetime import datetime

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.reports.document import SongCanvas
from app.reports.fonts import register_fonts
from app.seal import VerificationKey


def render_seal_sheet(key: VerificationKey, unit: str, room_name: str, at: datetime) -> bytes:
    font = register_fonts()
    buffer = io.BytesIO()
    canvas = SongCanvas(buffer, pagesize=A4)
    canvas.setTitle("审计验证密钥")
    canvas.setAuthor(unit)
    width, height = A4
    left = 25 * mm
    y = height - 30 * mm
    canvas.setFont(font, 22)
    canvas.drawCentredString(width / 2, y, "审计验证密钥")
    y -= 14 * mm
    canvas.setFont(font, 11)
    for line in (
        f"单位：{unit}　　机要室：{room_name}",
        f"机要室标识：{key.room_id}",
        f"生成时间：{at:%Y-%m-%d %H:%M}",
    ):
        canvas.drawString(left, y, line)
        y -= 7 * mm
    y -= 4 * mm
    canvas.setFont(font, 15)
    groups = key.groups
    for row in range(4):
        canvas.drawString(left, y, "  ".join(groups[row * 4 : row * 4 + 4]))
        y -= 9 * mm
    canvas.setFont(font, 11)
    canvas.drawString(left, y, f"校验码：{key.check}")
    y -= 6 * mm
    size = 62 * mm
    _draw_qr(canvas, key.text, width - left - size, height - 40 * mm - size, size)
    y -= 8 * mm
    canvas.setFont(font, 10.5)
    for line in (
        "本密钥只打印这一次，程序不保存，丢失后无法补打。",
        "用途：安全审计员用它逐期验证审计记录未被改写（扫描右上二维码或输入上面 64 位）。",
        "持有本密钥者能伪造封存，请由安全保密管理员封存于保密柜，不得存入计算机或拍照。",
        "启用时签字：安全保密管理员＿＿＿＿＿＿　安全审计员＿＿＿＿＿＿　日期＿＿＿＿＿＿",
    ):
        canvas.drawString(left, y, line)
        y -= 8 * mm
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_qr(canvas: SongCanvas, payload: str, x: float, y: float, size: float) -> None:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = size / len(matrix)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + c * module, y + size - (r + 1) * module, module, module, stroke=0, fill=1
                )
    canvas.restoreState()
