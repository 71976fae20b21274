"""The register as a table: pages of 100 rows fetched by key as the view scrolls.

Filtering and ordering happen in SQL (app/register_query.py); this model holds only the rows
the view has asked for so far.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app import register_query
from app.register_query import REGISTER_COLUMNS, RegisterFilter, RegisterRow
from app.session import Database
from ui.table_model import PagedModel

# Returned from data() many times a second: built once and kept, never temporaries
# (a temporary QBrush handed back through multiData crashed PySide 6.12 here).
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


class RegisterModel(PagedModel):
    columns = REGISTER_COLUMNS

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._filter = RegisterFilter()
        self._newest_first = True
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    def set_query(self, f: RegisterFilter, newest_first: bool = True) -> None:
        self._filter = f
        self._newest_first = newest_first
        self.reload()

    def total(self) -> int:
        return register_query.count(self._db, self._filter)

    def fetch_page(self, last: RegisterRow | None) -> list[RegisterRow]:
        after = last.key if last else None
        return register_query.page(
            self._db, self._filter, after, self.page_size, self._newest_first
        )

    def display(self, row: RegisterRow, column: int) -> Any:
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

    def decorate(self, row: RegisterRow, column: int, role: int) -> Any:
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
