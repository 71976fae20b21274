"""The audit trail as tables: the auditor's (newest first, filtered as app/audit_view lets the
role read it) and the security officer's security events. Both read a bounded stretch of the
trail per fetch (a big room's trail is mostly business events) and `more()` goes further back."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QColor

from app import audit_view
from app.audit_view import AuditFilter, AuditLine
from app.roles import Role
from app.session import Database
from ui.table_model import Index, RowsModel

COLUMNS = ("序号", "时间", "账户", "事项", "对象", "详情")
REDUCED = "—（业务事件，不显示详情）"


def _cell(line: AuditLine, column: int) -> Any:
    details = REDUCED if line.reduced else line.details
    return (line.seq, line.at, line.who, line.action, line.object, details)[column]


class _TrailModel(RowsModel):
    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cursor: int | None = None
        self._exhausted = False

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    @property
    def cursor(self) -> int | None:
        """The sequence number the next fetch reads back from (None: from the newest)."""
        return self._cursor

    def _fetch(self, cursor: int | None) -> tuple[list[AuditLine], int | None]:
        raise NotImplementedError

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._cursor = None
        self._exhausted = False
        self.endResetModel()
        self.more()

    def more(self) -> None:
        if self._exhausted:
            return
        lines, self._cursor = self._fetch(self._cursor)
        self._exhausted = self._cursor is None
        if lines:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(lines) - 1)
            self._rows.extend(lines)
            self.endInsertRows()

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted and bool(self._rows)

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if not parent.isValid():
            self.more()

    def display(self, line: AuditLine, column: int) -> Any:
        return _cell(line, column)

    def decorate(self, line: AuditLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and line.reduced:
            return QColor("#777777")
        if role == Qt.ItemDataRole.ToolTipRole and column >= 4:
            return _cell(line, column)  # the whole text where the column cuts it
        return None


class AuditModel(_TrailModel):
    page_size = 200

    def __init__(self, db: Database, role: Role, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._role = role
        self.filter = AuditFilter()

    def set_filter(self, f: AuditFilter) -> None:
        self.filter = f
        self.reload()

    def _fetch(self, cursor: int | None) -> tuple[list[AuditLine], int | None]:
        return audit_view.search(self._db, self._role, self.filter, cursor, self.page_size)


class SecurityEventsModel(_TrailModel):
    """Security events only (the 安全保密管理员's page)."""

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db

    def _fetch(self, cursor: int | None) -> tuple[list[AuditLine], int | None]:
        return audit_view.security_events(self._db, cursor)
