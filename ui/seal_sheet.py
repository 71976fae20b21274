"""Printing the 审计验证密钥 sheet: once, at room creation (or when sealing begins)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QMessageBox, QWidget

from app.reports.seal_sheet_pdf import render_seal_sheet
from app.seal import VerificationKey
from ui.printing import PdfOutputDialog


class SealSheetDialog(PdfOutputDialog):
    """Preview and print the sheet; closing before printing asks, since it cannot be reprinted."""

    def __init__(self, pdf: bytes, parent: QWidget | None = None) -> None:
        super().__init__("审计验证密钥", pdf, "审计验证密钥.pdf", parent=parent)
        self.printed = False
        self.message_label.setText(
            "审计验证密钥只打印这一次，程序不保存。请现在打印，交安全保密管理员封存于保密柜；"
            "安全审计员凭它逐期验证审计记录未被改写。"
        )
        self.save_button.hide()  # the sheet never goes to a file from the window
        self.setMinimumWidth(520)

    def _print(self) -> None:
        super()._print()
        self.printed = "已送打印机" in self.message_label.text()

    def accept(self) -> None:
        if not self.printed and not confirm_unprinted(self):
            return
        super().accept()


def confirm_unprinted(parent: QWidget) -> bool:
    """True when the person really means to close without printing (buttons in Chinese)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "审计验证密钥",
        "还没有打印审计验证密钥。关闭后无法补打，审计记录将无法逐期验证。确定关闭吗？",
        parent=parent,
    )
    close = box.addButton("仍然关闭", QMessageBox.ButtonRole.DestructiveRole)
    back = box.addButton("返回打印", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.exec()
    return box.clickedButton() is close


def print_sheet(
    parent: QWidget | None, key: VerificationKey, unit: str, name: str, when: datetime
) -> None:
    dialog = SealSheetDialog(render_seal_sheet(key, unit, name, when), parent)
    dialog.exec()
