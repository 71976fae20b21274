"""The audit trail as a table, newest first, fetched 200 rows at a time by sequence number."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app import audit
from db.connection import Database

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("序号", "时间", "账户", "操作", "对象", "详情")
PAGE = 200


class AuditModel(QAbstractTableModel):
    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._rows: list[audit.AuditEvent] = []
        self._exhausted = False

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        before = self._rows[-1].seq if self._rows else None
        page = audit.page(self._db, before, PAGE)
        if len(page) < PAGE:
            self._exhausted = True
        if page:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        event = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return event.seq
        if column == 1:
            return event.at.replace("T", " ")[:19]
        if column == 2:
            return event.account
        if column == 3:
            return event.action
        if column == 4:
            return event.object
        return json.dumps(event.details, ensure_ascii=False) if event.details else ""

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None
