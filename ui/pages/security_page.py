"""安全管理 (安全保密管理员): grant and revoke roles, unlock accounts, read the security events.

Nothing here shows business content: the accounts and the security events only (failed logins,
lockouts, failed confirmations, refused scans).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import accounts, grants
from app.errors import InvalidInput
from app.model import Account
from app.session import Session
from ui.account_dialogs import GrantRoleDialog
from ui.accounts_model import AccountsModel
from ui.audit_model import SecurityEventsModel
from ui.errors import attempt, attempted
from ui.unlock_dialog import ask_unlock

Confirm = Callable[[QWidget, str], bool]


def ask_yes(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, "安全管理", text)
    return answer == QMessageBox.StandardButton.Yes


class SecurityPage(QWidget):
    def __init__(
        self, session: Session, confirm: Confirm = ask_yes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._confirm = confirm

        self.accounts_model = AccountsModel(self)
        self.accounts_table = _table(self.accounts_model)
        self.grant_button = QPushButton("授予角色…")
        self.revoke_button = QPushButton("撤销角色")
        self.unlock_button = QPushButton("解锁账户…")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.grant_button, self.revoke_button, self.unlock_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status_label, 1)
        account_box = QGroupBox(
            "账户与角色（系统管理员创建账户并拟定角色，由安全保密管理员授予或撤销；"
            "未授予角色的账户不能登录）"
        )
        account_layout = QVBoxLayout(account_box)
        account_layout.addWidget(self.accounts_table)
        account_layout.addLayout(buttons)

        self.events_model = SecurityEventsModel(session.db, self)
        self.events_table = _table(self.events_model)
        self.events_table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.refresh_button = QPushButton("刷新")
        self.older_button = QPushButton("查找更早的")
        self.events_label = QLabel()
        events_buttons = QHBoxLayout()
        events_buttons.addWidget(self.refresh_button)
        events_buttons.addWidget(self.older_button)
        events_buttons.addWidget(self.events_label, 1)
        events_box = QGroupBox("安全事件（登录失败、账户锁定、确认失败、扫描被拒）")
        events_layout = QVBoxLayout(events_box)
        events_layout.addWidget(self.events_table)
        events_layout.addLayout(events_buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(account_box, 1)
        layout.addWidget(events_box, 1)

        self.grant_button.clicked.connect(self._grant)
        self.revoke_button.clicked.connect(self._revoke)
        self.unlock_button.clicked.connect(self._unlock)
        self.refresh_button.clicked.connect(self._reload)
        self.older_button.clicked.connect(self._older)
        self._reload()

    def _reload(self) -> None:
        self.accounts_model.set_rows(accounts.list_accounts(self._session.db))
        self.events_model.reload()
        self._show_events_state()

    def _older(self) -> None:
        self.events_model.more()
        self._show_events_state()

    def _show_events_state(self) -> None:
        done = self.events_model.exhausted
        self.older_button.setEnabled(not done)
        if self.events_model.rowCount() == 0:
            where = "审计记录中" if done else "最近的审计记录中"
            self.events_label.setText(f"{where}没有安全事件。")
        else:
            self.events_label.setText("")

    def _selected(self) -> Account:
        rows = self.accounts_table.selectionModel().selectedRows()
        if not rows:
            raise InvalidInput("请先在表中选中一个账户。")
        account: Account = self.accounts_model.row_at(rows[0].row())
        return account

    def _grant(self) -> None:
        target = attempt(self, self._selected)
        if target is None:
            return
        dialog = GrantRoleDialog(
            f"{target.display_name}（{target.login}）",
            target.role,
            lambda role: grants.grant_role(self._session, target.login, role),
            self,
        )
        if dialog.exec():
            self._done(f"已为 {target.login} 授予角色。")

    def _revoke(self) -> None:
        target = attempt(self, self._selected)
        if target is None:
            return
        question = (
            f"撤销 {target.display_name}（{target.login}）的{target.role.label}角色？"
            "撤销后该账户不能登录，直到再次授予。"
        )
        if not self._confirm(self, question):
            return
        attempted(
            self,
            lambda: grants.revoke_role(self._session, target.login),
            lambda: self._done(f"已撤销 {target.login} 的角色。"),
        )

    def _unlock(self) -> None:
        ask_unlock(self, self._session)
        self._reload()

    def _done(self, message: str) -> None:
        self._reload()
        self.status_label.setText(message)


def _table(model: AccountsModel | SecurityEventsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view
