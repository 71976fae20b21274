"""The room's accounts as a table (a few dozen rows at most, so held in memory)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.model import Account
from ui.table_model import RowsModel


def grant_state(a: Account) -> str:
    if a.granted:
        return "已授予"
    return "待授予" if a.active else "—"


class AccountsModel(RowsModel):
    columns = ("登录名", "姓名", "角色", "授权", "状态", "创建时间", "密码修改时间")

    def display(self, a: Account, column: int) -> Any:
        values = (
            a.login,
            a.display_name,
            a.role.label,
            grant_state(a),
            "在用" if a.active else "已停用",
            a.created_at.replace("T", " ")[:16],
            a.password_changed_at.replace("T", " ")[:16],
        )
        return values[column]

    def decorate(self, a: Account, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and a.active and not a.granted:
            return QColor("#b00020")
        return None
