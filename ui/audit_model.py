"""The audit trail as a table, newest first, fetched 200 rows at a time by sequence number."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QObject

from app import audit
from db.connection import Database
from ui.table_model import PagedModel


class AuditModel(PagedModel):
    columns = ("序号", "时间", "账户", "操作", "对象", "详情")
    page_size = 200

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db

    def fetch_page(self, last: audit.AuditEvent | None) -> list[audit.AuditEvent]:
        return audit.page(self._db, last.seq if last else None, self.page_size)

    def display(self, event: audit.AuditEvent, column: int) -> Any:
        details = json.dumps(event.details, ensure_ascii=False) if event.details else ""
        values = (
            event.seq,
            event.at.replace("T", " ")[:19],
            event.account,
            event.action,
            event.object,
            details,
        )
        return values[column]
