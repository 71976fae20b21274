"""A room file behind its anchor: the security officer decides, with their own password."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.anchor import RoomBehindAnchor
from app.model import Credential


class RollbackDialog(QDialog):
    def __init__(self, behind: RoomBehindAnchor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("机要室文件与本机记录不符")
        self.setMinimumWidth(480)
        self.login_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确认打开")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("不打开")
        explain = QLabel(
            f"<p><b>{behind.message}</b></p>"
            "<p>如果这是有意为之（例如经批准恢复了较早的文件），须由<b>安全保密管理员</b>本人"
            "输入登录名和密码确认；确认记入审计，并以现在的文件为准。否则请点“不打开”，"
            "保持现场，报告安全保密管理员。</p>"
        )
        explain.setWordWrap(True)
        explain.setTextFormat(Qt.TextFormat.RichText)
        form = QFormLayout(self)
        form.addRow(explain)
        form.addRow("安全保密管理员登录名", self.login_edit)
        form.addRow("密码", self.password_edit)
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.login_edit.returnPressed.connect(self.password_edit.setFocus)

    def credential(self) -> Credential:
        return Credential(self.login_edit.text().strip(), self.password_edit.text())


def ask_accept_rollback(parent: QWidget, behind: RoomBehindAnchor) -> Credential | None:
    dialog = RollbackDialog(behind, parent)
    return dialog.credential() if dialog.exec() else None
