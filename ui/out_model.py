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
from app.vocab import Level
from ui.table_model import CELL_MARGIN, Column, ColumnsModel, table_view

RED, AMBER = "#b00020", "#b26a00"


class OutModel(ColumnsModel):
    # Each sample is the widest text the column shows (None: the title, which stretches).
    spec = (
        Column("copy", "份", sample="2026-0000 第000000份"),
        Column("title", "标题"),
        Column("level", "密级", sample="非密"),
        Column("reader", "读者", sample="欧阳建国"),
        Column("phone", "电话", sample="13800000000"),
        Column("out_at", "借出", sample="00-00"),
        Column("due_at", "应还", sample="00-00 00:00"),
        Column("status", "状态", sample="已登记例外"),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.now = datetime.now().astimezone()
        self._brushes = {"将到期": QBrush(QColor(AMBER)), "逾期": QBrush(QColor(RED))}

    def cells(self, r: OutRow) -> dict[str, Any]:
        status = r.status(self.now) if r.copy.level != Level.UNCLASSIFIED else "—"
        if r.excepted:
            status = "已登记例外"
        elif r.on_spot and status == "正常":
            status = "在室阅读"  # read in the room, the custodian present (app.on_spot)
        return {
            "copy": r.copy.label,
            "title": r.copy.title,
            "level": r.copy.level,
            "reader": r.reader,
            "phone": r.phone,
            # Out since an earlier day: the day, the time in the tooltip (walk-through: "08:47").
            # Formatted by hand: strftime imports `time` on every call, through PySide's hook.
            "out_at": _clock(r.out_at) if self._today(r) else _day(r.out_at),
            "due_at": f"{_day(r.due_at)} {_clock(r.due_at)}",
            "status": status,
        }

    def _today(self, r: OutRow) -> bool:
        return r.out_at.date() == self.now.date()

    def style(self, r: OutRow, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and key == "out_at":
            return f"{r.out_at.year}-{_day(r.out_at)} {_clock(r.out_at)}"
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and r.copy.level != Level.UNCLASSIFIED
            and not r.excepted
        ):
            return self._brushes.get(r.status(self.now))
        return None


def _day(at: datetime) -> str:
    return f"{at.month:02d}-{at.day:02d}"


def _clock(at: datetime) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


OUT_SAMPLES = tuple(c.sample for c in OutModel.spec)


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
