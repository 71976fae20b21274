"""Copies out of the room, with the overnight rule's colours: amber from 30 minutes before
close, red after."""

from __future__ import annotations

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


def out_view(model: OutModel) -> QTableView:
    """Fixed column widths: fitting to contents would read every row on each refresh (hundreds
    of copies out at a big office) and cost a scan its 100 ms."""
    view = table_view(model, fit_contents=False)
    header = view.horizontalHeader()
    for column, width in enumerate((150, 0, 48, 70, 100, 52, 96, 80)):
        if width:
            view.setColumnWidth(column, width)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(26)
    return view
