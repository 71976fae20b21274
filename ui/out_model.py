"""Copies out of the room, with the overnight rule's colours: amber from 30 minutes before
close, red after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableView

from app.desk import OutRow
from ui.table_model import RowsModel, table_view

RED, AMBER = "#b00020", "#b26a00"


class OutModel(RowsModel):
    columns = ("份", "标题", "密级", "读者", "电话", "借出", "应还", "状态")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.now = datetime.now().astimezone()
        self._brushes = {"将到期": QBrush(QColor(AMBER)), "逾期": QBrush(QColor(RED))}

    def display(self, r: OutRow, column: int) -> Any:
        status = r.status(self.now) if r.copy.level != "非密" else "—"
        if r.excepted:
            status = "已登记例外"
        elif r.on_spot and status == "正常":
            status = "在室阅读"  # read in the room, the custodian present (app.on_spot)
        values = (
            r.copy.label,
            r.copy.title,
            r.copy.level,
            r.reader,
            r.phone,
            r.out_at.strftime("%H:%M"),
            r.due_at.strftime("%m-%d %H:%M"),
            status,
        )
        return values[column]

    def decorate(self, r: OutRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and r.copy.level != "非密" and not r.excepted:
            return self._brushes.get(r.status(self.now))
        return None


# The widest text each column of the out-tables shows (None: the title, which stretches).
OUT_SAMPLES = (
    "2026-0000 第000000份",
    None,
    "非密",
    "欧阳建国",
    "13800000000",
    "00:00",
    "00-00 00:00",
    "已登记例外",
)
CELL_MARGIN = 20  # the cell's padding and focus frame, with room to spare


def size_columns(view: QTableView, samples: Sequence[str | None]) -> None:
    """Fixed widths measured from the view's own fonts, so that no 份号 is ever elided (two
    copies would look alike), and the one column without a sample (the title) takes the rest.
    Measuring samples, not rows: fitting to contents would read every row on each refresh."""
    header = view.horizontalHeader()
    cells, heads = view.fontMetrics(), header.fontMetrics()
    model = view.model()
    header.setStretchLastSection(False)
    for column, sample in enumerate(samples):
        if sample is None:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            continue
        name = str(model.headerData(column, Qt.Orientation.Horizontal))
        width = max(cells.horizontalAdvance(sample), heads.horizontalAdvance(name)) + CELL_MARGIN
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        view.setColumnWidth(column, width)


def out_view(model: OutModel) -> QTableView:
    view = table_view(model, fit_contents=False)
    size_columns(view, OUT_SAMPLES)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(26)
    return view
