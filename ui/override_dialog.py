"""The security officer's override: their login, their own password typed here, and a reason."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.desk import Override


class OverrideDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("例外放行")
        self.login_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason_edit = QLineEdit()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("放行")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                f"<b>{title}</b><br>须由安全保密管理员本人输入密码确认，并写明理由；此操作记入审计。"
            )
        )
        form.addRow("安全保密管理员登录名", self.login_edit)
        form.addRow("密码", self.password_edit)
        form.addRow("理由", self.reason_edit)
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def override(self) -> Override:
        return Override(
            self.login_edit.text().strip(), self.password_edit.text(), self.reason_edit.text()
        )


def ask_override(parent: QWidget, title: str) -> Override | None:
    dialog = OverrideDialog(title, parent)
    return dialog.override() if dialog.exec() else None
