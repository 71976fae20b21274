"""First run: create the room and its first accounts (the three administrators, the 保密员 and a
custodian), whose roles the creation grants (app/grants.py: the bootstrap)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import InvalidInput
from app.model import NewAccount
from app.passwords import MIN_LENGTH
from app.roles import Role
from ui.errors import attempted

CreateFn = Callable[[str, str, list[NewAccount]], object]
ROLES = (Role.SYSADMIN, Role.SECURITY_OFFICER, Role.AUDITOR, Role.APPROVER, Role.CUSTODIAN)


class _RoomPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("新建机要室")
        self.name_edit = QLineEdit()
        self.unit_edit = QLineEdit()
        grid = QGridLayout(self)
        grid.addWidget(QLabel("本机还没有机要室数据库。请填写名称和所属单位。"), 0, 0, 1, 2)
        grid.addWidget(QLabel("机要室名称"), 1, 0)
        grid.addWidget(self.name_edit, 1, 1)
        grid.addWidget(QLabel("所属单位"), 2, 0)
        grid.addWidget(self.unit_edit, 2, 1)
        grid.setRowStretch(3, 1)
        self.registerField("name*", self.name_edit)
        self.registerField("unit*", self.unit_edit)


class _AccountsPage(QWizardPage):
    def __init__(self, create: CreateFn, room_page: _RoomPage) -> None:
        super().__init__()
        self._create = create
        self._room_page = room_page
        self.setTitle("首批账户（三员分立）")
        rule = QLabel(
            f"系统管理员、安全保密管理员、安全审计员须由不同的人担任。\n密码至少 {MIN_LENGTH} 位，"
            "含大写字母、小写字母、数字、符号中的至少三类。\n"
            "首批账户的角色随建库授予；此后的账户由系统管理员创建，角色由安全保密管理员授予。"
        )
        rule.setWordWrap(True)
        grid = QGridLayout()
        for col, head in enumerate(("角色", "登录名", "姓名", "密码", "确认密码")):
            grid.addWidget(QLabel(f"<b>{head}</b>"), 0, col)
        self.rows: dict[Role, tuple[QLineEdit, QLineEdit, QLineEdit, QLineEdit]] = {}
        for r, role in enumerate(ROLES, start=1):
            edits = (QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit())
            for edit in edits[2:]:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            grid.addWidget(QLabel(role.label), r, 0)
            for c, edit in enumerate(edits, start=1):
                grid.addWidget(edit, r, c)
            self.rows[role] = edits
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(rule)
        layout.addLayout(grid)
        layout.addWidget(self.error_label)

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        return attempted(
            self, self._create_room, show=lambda e: self.error_label.setText(e.message)
        )

    def _create_room(self) -> None:
        accounts = []
        for role, (login, name, pw, again) in self.rows.items():
            if pw.text() != again.text():
                raise InvalidInput(f"{role.label}两次输入的密码不一致。")
            accounts.append(NewAccount(login.text().strip(), name.text().strip(), role, pw.text()))
        self._create(self._room_page.name_edit.text(), self._room_page.unit_edit.text(), accounts)


class SetupWizard(QWizard):
    def __init__(self, create: CreateFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("密件台账 · 首次使用")
        self.setMinimumSize(760, 420)
        self.room_page = _RoomPage()
        self.accounts_page = _AccountsPage(create, self.room_page)
        self.addPage(self.room_page)
        self.addPage(self.accounts_page)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步")
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "创建")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
