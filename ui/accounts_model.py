"""The room's accounts as a table (a few dozen rows at most, so held in memory)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.model import Account

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("登录名", "姓名", "角色", "状态", "创建时间", "密码修改时间")


class AccountsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Account] = []

    def set_accounts(self, accounts: list[Account]) -> None:
        self.beginResetModel()
        self._rows = list(accounts)
        self.endResetModel()

    def account_at(self, row: int) -> Account:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        a = self._rows[index.row()]
        values = (
            a.login,
            a.display_name,
            a.role.label,
            "在用" if a.active else "已停用",
            a.created_at.replace("T", " ")[:16],
            a.password_changed_at.replace("T", " ")[:16],
        )
        return values[index.column()]

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None
