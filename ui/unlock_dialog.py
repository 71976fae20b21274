"""解除锁定: the 安全保密管理员 picks a locked account and types their own password.

The dialog stays open after each unlock (several accounts may be locked) and after a refusal,
showing why in red; it closes with 关闭.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from app import lockout
from app.errors import InvalidInput
from app.session import Session
from ui.confirmed_dialog import ConfirmedFormDialog, Work
from ui.table_model import ListModel, table_view


class UnlockDialog(ConfirmedFormDialog):
    """The officer's own password is checked off the GUI thread (ui.confirmed_dialog)."""

    closes_when_done = False  # the list shows what is still locked

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("解除账户锁定", parent)
        self.setMinimumWidth(520)
        self._session = session
        self._locked: list[lockout.LockedAccount] = []
        self._unlocking: lockout.LockedAccount | None = None
        self.model = ListModel(("账户", "姓名", "角色", "锁定至"), self)
        self.view = table_view(self.model)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.done_label = QLabel()
        self.done_label.setStyleSheet("color: #1b5e20;")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("解除锁定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭")
        note = QLabel("连续输错密码被锁定的账户。解除锁定须输入您本人的密码，此操作记入审计。")
        note.setWordWrap(True)
        self.form.addRow(note)
        self.form.addRow(self.view)
        self.form.addRow("您的密码", self.password_edit)
        self.form.addRow(self.done_label)
        self.finish_layout()
        self.reload()

    def reload(self) -> None:
        self._locked = lockout.locked_accounts(self._session)
        today = self._session.clock.now().date()
        self.model.set_rows(
            [
                (
                    a.login,
                    a.display_name,
                    a.role.label,
                    f"{a.until:%H:%M}" if a.until.date() == today else f"{a.until:%Y-%m-%d %H:%M}",
                )
                for a in self._locked
            ]
        )
        if self._locked:
            self.view.selectRow(0)
        else:
            self.done_label.setText(self.done_label.text() or "当前没有被锁定的账户。")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self._locked))

    def chosen(self) -> lockout.LockedAccount | None:
        rows = self.view.selectionModel().selectedRows()
        return self._locked[rows[0].row()] if rows else None

    def work(self) -> Work:
        account = self.chosen()
        password = self.password_edit.text()
        self.password_edit.clear()
        if account is None:
            raise InvalidInput("请先选择要解除锁定的账户。")
        self._unlocking = account
        return lambda session: lockout.unlock(session, account.login, password)

    def done_with(self, result: object) -> None:
        account = self._unlocking
        assert account is not None
        self.done_label.setText(f"已解除 {account.display_name}（{account.login}）的锁定。")
        self.reload()


def ask_unlock(parent: QWidget | None, session: Session) -> None:
    """The 安全保密管理员's dialog to lift account locks (their page's button calls this)."""
    UnlockDialog(session, parent).exec()
