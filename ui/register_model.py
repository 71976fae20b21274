"""The register as a table: pages of 100 rows fetched by key as the view scrolls.

Filtering and ordering happen in SQL (app/register_query.py); this model holds only the rows
the view has asked for so far.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app import register_query
from app.register_query import RegisterFilter, RegisterRow
from db.connection import Database

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (
    "收文编号",
    "收文日期",
    "来文单位",
    "文号",
    "标题",
    "密级",
    "份数/份号",
    "办理情况",
    "备注",
)
PAGE = 100
_BRUSHES = {
    name: QBrush(QColor(colour))
    for name, colour in {
        "绝密": "#8b0000",
        "机密": "#b23c17",
        "秘密": "#8a6d00",
        "void": "#888888",
        "out": "#b00020",
    }.items()
}


class RegisterModel(QAbstractTableModel):
    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._filter = RegisterFilter()
        self._newest_first = True
        self._rows: list[RegisterRow] = []
        self._exhausted = False
        # Returned from data() many times a second: built once and kept, never temporaries
        # (a temporary QBrush handed back through multiData crashed PySide 6.12 here).
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    def set_query(self, f: RegisterFilter, newest_first: bool = True) -> None:
        self._filter = f
        self._newest_first = newest_first
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def total(self) -> int:
        return register_query.count(self._db, self._filter)

    def row_at(self, row: int) -> RegisterRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        after = self._rows[-1].key if self._rows else None
        rows = register_query.page(self._db, self._filter, after, PAGE, self._newest_first)
        if len(rows) < PAGE:
            self._exhausted = True
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, column)
        if role == Qt.ItemDataRole.FontRole and row.voided:
            return self._struck
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.voided:
                return _BRUSHES["void"]
            if column == 5 and row.level_label[:2] in _BRUSHES:
                return _BRUSHES[row.level_label[:2]]
            if column == 7 and row.copies_out:
                return _BRUSHES["out"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "已作废" if row.voided else (row.copy_ranges if column == 6 else None)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


def _cell(row: RegisterRow, column: int) -> Any:
    if column == 6:
        return f"{row.copies}份 {row.copy_ranges}"
    if column == 7:
        if row.voided:
            return "已作废"
        out = f"借出{row.copies_out}份" if row.copies_out else ""
        return "　".join(p for p in (out, row.status_note) if p)
    values = (
        row.number,
        row.received_at[:10],
        row.issuer,
        row.doc_number,
        row.title,
        row.level_label,
        None,
        None,
        row.remarks,
    )
    return values[column]
