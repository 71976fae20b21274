"""The audit trail as tables: the auditor's (newest first, 200 rows at a time by sequence
number, as app/audit_view lets the role read it) and the security officer's security events."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QColor

from app import audit, audit_view
from app.audit_view import AuditLine
from app.roles import Role
from db.connection import Database
from ui.table_model import Index, PagedModel, RowsModel

COLUMNS = ("序号", "时间", "账户", "操作", "对象", "详情")
REDUCED = "—（业务事件，不显示详情）"


def _cell(line: AuditLine, column: int) -> Any:
    details = REDUCED if line.reduced else line.details
    return (line.seq, line.at, line.account, line.action, line.object, details)[column]


class AuditModel(PagedModel):
    columns = COLUMNS
    page_size = 200

    def __init__(self, db: Database, role: Role, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._role = role

    def fetch_page(self, last: AuditLine | None) -> list[AuditLine]:
        events = audit.page(self._db, last.seq if last else None, self.page_size)
        return audit_view.for_role(self._role, events)

    def display(self, line: AuditLine, column: int) -> Any:
        return _cell(line, column)

    def decorate(self, line: AuditLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and line.reduced:
            return QColor("#777777")
        return None


class SecurityEventsModel(RowsModel):
    """Security events only; each fetch reads a bounded stretch of the trail (a big room's
    trail is mostly business events), and `more()` continues further back."""

    columns = COLUMNS

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._cursor: int | None = None
        self._exhausted = False

    @property
    def exhausted(self) -> bool:
        return self._exhausted

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
        lines, self._cursor = audit_view.security_events(self._db, self._cursor)
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
