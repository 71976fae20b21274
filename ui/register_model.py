"""The register as a table: pages of 100 rows fetched by key as the view scrolls.

Filtering and ordering happen in SQL (app/register_query.py); this model holds only the rows
the view has asked for so far.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app import register_query
from app.register_query import RegisterFilter, RegisterRow
from app.session import Database
from app.vocab import Level
from ui.table_model import Column, ColumnsModel, PagedModel

# Returned from data() many times a second: built once and kept, never temporaries
# (a temporary QBrush handed back through multiData crashed PySide 6.12 here).
_BRUSHES = {
    name: QBrush(QColor(colour))
    for name, colour in {
        Level.TOP_SECRET: "#8b0000",
        Level.CONFIDENTIAL: "#b23c17",
        Level.SECRET: "#8a6d00",
        "void": "#888888",
        "out": "#b00020",
    }.items()
}


class RegisterModel(PagedModel, ColumnsModel):
    # The headers are app.register_query.columns_for(the series shown), in the same order.
    spec = (
        # Samples: the widest value each column shows in full; 来文单位 and 份号 lists may be
        # longer and are elided (the tooltip and the document dialog show them whole).
        Column("number", "登记编号", sample="F2026-0000"),
        Column("received", "登记日期", sample="2026-00-00"),
        Column("issuer", "来文单位/发文机关", sample="省政府办公厅"),
        Column("doc_number", "文号", sample="省委办发〔2026〕000号"),
        Column("title", "标题"),  # stretches
        Column("level", "密级", sample="机密★20年"),
        Column("copies", "份数/份号", sample="10份 000001-000010"),
        Column("handlers", "承办单位", sample="区委办公室"),  # longer lists are elided
        Column("signers", "签收人", sample="张建国"),
        Column("state", "办理情况", 80),
        Column("filed_on", "归卷日期", sample="2026-00-00"),
        Column("remarks", "备注", 90),
    )

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
        headers = register_query.columns_for(f.series)
        if headers != self.columns:
            self.columns = headers
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(headers) - 1)
        self.reload()

    def total(self) -> int:
        return register_query.count(self._db, self._filter)

    def fetch_page(self, last: RegisterRow | None) -> list[RegisterRow]:
        after = last.key if last else None
        return register_query.page(
            self._db, self._filter, after, self.page_size, self._newest_first
        )

    def cells(self, row: RegisterRow) -> dict[str, Any]:
        out = f"借出{row.copies_out}份" if row.copies_out else ""
        return {
            "number": row.number,
            "received": row.received_at[:10],
            "issuer": row.issuer,
            "doc_number": row.doc_number,
            "title": row.title,
            "level": row.level_label,
            "copies": f"{row.copies}份 {row.copy_ranges}",
            "handlers": row.handlers,
            "signers": row.signers,
            "state": "已作废" if row.voided else "　".join(p for p in (out, row.status_note) if p),
            "filed_on": row.filed_on,
            "remarks": row.remarks,
        }

    def style(self, row: RegisterRow, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and row.voided:
            return self._struck
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.voided:
                return _BRUSHES["void"]
            if key == "level" and row.level_label[:2] in _BRUSHES:
                return _BRUSHES[row.level_label[:2]]
            if key == "state" and row.copies_out:
                return _BRUSHES["out"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "已作废" if row.voided else (row.copy_ranges if key == "copies" else None)
        return None
