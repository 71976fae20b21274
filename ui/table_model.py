"""Table models: rows in a list shown in fixed columns, and the keyset-paged variant.

A subclass names its columns and says what a cell shows (`display`) and, if it wants, how it
looks (`decorate`). `PagedModel` fetches one page after the last row held, as the view scrolls;
nothing loads an unbounded table into memory.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def display(self, row: Any, column: int) -> Any:
        raise NotImplementedError

    def decorate(self, row: Any, column: int, role: int) -> Any:
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        return self.decorate(row, index.column(), role)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None


class ListModel(RowsModel):
    """Tuples shown as they are (a document's copies, one copy's history, an import preview)."""

    def __init__(self, columns: tuple[str, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns

    def display(self, row: Any, column: int) -> Any:
        return row[column]


class PagedModel(RowsModel):
    page_size = 100

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._exhausted = False

    def fetch_page(self, last: Any | None) -> list[Any]:
        """The page that follows `last` (None: the first page)."""
        raise NotImplementedError

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        rows = self.fetch_page(self._rows[-1] if self._rows else None)
        if len(rows) < self.page_size:
            self._exhausted = True
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()


def table_view(
    model: QAbstractTableModel, *, select_rows: bool = True, fit_contents: bool = True
) -> QTableView:
    """A read-only table: no row numbers; columns fit their contents (short lists only)."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    if fit_contents:
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    if select_rows:
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    return view
