"""Table models: rows in a list shown in fixed columns, and the keyset-paged variant.

A subclass names its columns and says what a cell shows (`display`) and, if it wants, how it
looks (`decorate`). A model with several computed columns names them instead (`Column`s: key,
header, width, alignment) and answers by key (`ColumnsModel.cells`), so that the header, the
value and the width of a column are written on one line and cannot drift apart.
`PagedModel` fetches one page after the last row held, as the view scrolls; nothing loads an
unbounded table into memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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

    def rows(self) -> list[Any]:
        return list(self._rows)

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


@dataclass(frozen=True)
class Column:
    """One column of a table: its key (what the model's `cells` answers under), its header,
    and how the view lays it out: a fixed width in pixels, or a sample text measured with the
    view's fonts (set_widths), or neither (the column that stretches)."""

    key: str
    header: str
    width: int | None = None
    sample: str | None = None
    align: Qt.AlignmentFlag | None = None


class ColumnsModel(RowsModel):
    """Rows shown in named columns. A subclass sets `spec` and answers `cells(row)`: a mapping
    from each column's key to what that cell shows; `decorate` is asked with the key.

    What a cell shows and looks like is worked out once per row and kept until the rows change:
    a view asks for every visible cell's text, alignment, colour, font and tooltip again at
    every repaint (at the counter, thirty rows by eight columns by seven roles after each scan),
    and working the whole row out again for each cell cost a scan a quarter of its time."""

    spec: tuple[Column, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.columns = tuple(c.header for c in cls.spec)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cells: dict[int, dict[str, Any]] = {}
        self._looks: dict[tuple[int, int, int], Any] = {}
        for signal in (
            self.modelAboutToBeReset,
            self.rowsAboutToBeInserted,
            self.rowsAboutToBeRemoved,
            self.rowsAboutToBeMoved,
            self.layoutAboutToBeChanged,
            self.dataChanged,
        ):
            signal.connect(self._forget)

    def _forget(self, *_: Any) -> None:
        self._cells.clear()
        self._looks.clear()

    def key(self, column: int) -> str:
        return self.spec[column].key

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.spec) if c.key == key)

    def cells(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        at, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            cells = self._cells.get(at)
            if cells is None:
                cells = self._cells[at] = self.cells(self._rows[at])
            return cells[self.spec[column].key]
        place = (at, column, role)
        try:
            return self._looks[place]
        except KeyError:
            look = self._looks[place] = self.decorate(self._rows[at], column, role)
            return look

    def display(self, row: Any, column: int) -> Any:
        return self.cells(row)[self.spec[column].key]

    def decorate(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.spec[column].align
        return self.style(row, self.spec[column].key, role)

    def style(self, row: Any, key: str, role: int) -> Any:
        """What a cell looks like for roles other than display (colour, font, tooltip)."""
        return None


CELL_MARGIN = 20  # a cell's padding and focus frame, with room to spare


def set_widths(view: QTableView, spec: Sequence[Column]) -> None:
    """Each column as wide as the widest of its pixel width, its sample and its header, measured
    with the view's own fonts (a fixed pixel width alone cut 2026-0001 to 2026-0… at the
    window's font); a column with neither width nor sample is left to stretch. The user may
    still drag a column wider or narrower."""
    cells, heads = view.fontMetrics(), view.horizontalHeader().fontMetrics()
    for column, c in enumerate(spec):
        if c.width is None and c.sample is None:
            continue
        measured = [heads.horizontalAdvance(c.header) + CELL_MARGIN, c.width or 0]
        if c.sample:
            measured.append(cells.horizontalAdvance(c.sample) + CELL_MARGIN)
        view.setColumnWidth(column, max(measured))


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
    """A read-only table: no row numbers; columns fit their contents (short lists only), but a
    标题 column takes the room left and elides, so that a long title never pushes the other
    columns out of sight (walk-through: 发文登记簿)."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    if fit_contents:
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    titles = [
        i
        for i in range(model.columnCount())
        if model.headerData(i, Qt.Orientation.Horizontal) == "标题"
    ]
    if fit_contents and titles:
        header.setSectionResizeMode(titles[0], QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    if select_rows:
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    return view
