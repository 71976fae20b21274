"""The room's accounts as a table (a few dozen rows at most, so held in memory)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.model import Account
from ui.table_model import Column, ColumnsModel


def grant_state(a: Account) -> str:
    if a.granted:
        return "已授予"
    return "待授予" if a.active else "—"


class AccountsModel(ColumnsModel):
    spec = (
        Column("login", "登录名"),
        Column("name", "姓名"),
        Column("role", "角色"),
        Column("grant", "授权"),
        Column("active", "状态"),
        Column("created", "创建时间"),
        Column("password_changed", "密码修改时间"),
    )

    def cells(self, a: Account) -> dict[str, Any]:
        return {
            "login": a.login,
            "name": a.display_name,
            "role": a.role.label,
            "grant": grant_state(a),
            "active": "在用" if a.active else "已停用",
            "created": a.created_at.replace("T", " ")[:16],
            "password_changed": a.password_changed_at.replace("T", " ")[:16],
        }

    def style(self, a: Account, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and key == "grant" and a.active and not a.granted:
            return QColor("#b00020")
        return None
