"""Small dialogs for accounts: new account, set a password, change one's own password, grant
a role.

Each dialog calls the service itself and stays open with the reason when it refuses, so
nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.errors import InvalidInput, MijianError
from app.model import NewAccount
from app.roles import Role
from ui.errors import attempted


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(400)
        self.form = QFormLayout(self)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.form.addRow(self.error_label)
        self.form.addRow(self.buttons)

    def _submit(self) -> None:
        attempted(self, self.submit, self.accept, show=self.say_refused)

    def say_refused(self, exc: MijianError) -> None:
        """A refusal in red under the form: the dialog stays open with everything typed, and
        grows to show the refusal whole (walk-through: a long one was cut off at the top and
        ran over the 密码 field)."""
        self.error_label.setText(exc.message)
        self.form.activate()
        needed = self.form.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def submit(self) -> None:
        raise NotImplementedError


def _same(first: QLineEdit, second: QLineEdit) -> str:
    if first.text() != second.text():
        raise InvalidInput("两次输入的密码不一致。")
    return first.text()


class NewAccountDialog(FormDialog):
    def __init__(self, create: Callable[[NewAccount], object], parent: QWidget | None = None):
        super().__init__("新建账户", parent)
        self._create = create
        self.login_edit = QLineEdit()
        self.name_edit = QLineEdit()
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role.label, role.value)
        self.password_edit = _password_edit()
        self.again_edit = _password_edit()
        self.form.addRow("登录名", self.login_edit)
        self.form.addRow("姓名", self.name_edit)
        self.form.addRow("拟定角色", self.role_combo)
        self.form.addRow(QLabel("角色经安全保密管理员授予后生效（首任安全保密管理员随创建生效）。"))
        self.form.addRow("初始密码", self.password_edit)
        self.form.addRow("确认密码", self.again_edit)
        self.finish_layout()

    def submit(self) -> None:
        password = _same(self.password_edit, self.again_edit)
        role = Role(self.role_combo.currentData())
        self._create(
            NewAccount(self.login_edit.text().strip(), self.name_edit.text(), role, password)
        )


class SetPasswordDialog(FormDialog):
    """The system administrator sets a new password for someone who forgot theirs."""

    def __init__(self, who: str, apply: Callable[[str], object], parent: QWidget | None = None):
        super().__init__(f"重置 {who} 的密码", parent)
        self._apply = apply
        self.password_edit = _password_edit()
        self.again_edit = _password_edit()
        self.form.addRow("新密码", self.password_edit)
        self.form.addRow("确认新密码", self.again_edit)
        self.finish_layout()

    def submit(self) -> None:
        self._apply(_same(self.password_edit, self.again_edit))


class ChangePasswordDialog(FormDialog):
    def __init__(self, apply: Callable[[str, str], object], parent: QWidget | None = None):
        super().__init__("修改密码", parent)
        self._apply = apply
        self.old_edit = _password_edit()
        self.password_edit = _password_edit()
        self.again_edit = _password_edit()
        self.form.addRow("原密码", self.old_edit)
        self.form.addRow("新密码", self.password_edit)
        self.form.addRow("确认新密码", self.again_edit)
        self.finish_layout()

    def submit(self) -> None:
        self._apply(self.old_edit.text(), _same(self.password_edit, self.again_edit))


class GrantRoleDialog(FormDialog):
    """The 安全保密管理员 grants a role: the one the system administrator proposed, or another."""

    def __init__(
        self,
        who: str,
        proposed: Role,
        apply: Callable[[Role], object],
        parent: QWidget | None = None,
    ):
        super().__init__(f"为 {who} 授予角色", parent)
        self._apply = apply
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role.label, role.value)
        self.role_combo.setCurrentIndex(self.role_combo.findData(proposed.value))
        self.form.addRow(QLabel(f"系统管理员拟定的角色：{proposed.label}"))
        self.form.addRow("授予角色", self.role_combo)
        self.finish_layout()

    def submit(self) -> None:
        self._apply(Role(self.role_combo.currentData()))
