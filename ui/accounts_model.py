"""The room's accounts as a table (a few dozen rows at most, so held in memory)."""

from __future__ import annotations

from typing import Any

from app.model import Account
from ui.table_model import RowsModel


class AccountsModel(RowsModel):
    columns = ("登录名", "姓名", "角色", "状态", "创建时间", "密码修改时间")

    def display(self, a: Account, column: int) -> Any:
        values = (
            a.login,
            a.display_name,
            a.role.label,
            "在用" if a.active else "已停用",
            a.created_at.replace("T", " ")[:16],
            a.password_changed_at.replace("T", " ")[:16],
        )
        return values[column]
