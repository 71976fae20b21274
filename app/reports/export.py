"""CSV/XLSX export of a report's rows. The file is plaintext outside the encrypted database: the
window warns before, and the export is audited with where it went and how many rows, once the
file is completely written (a failed write leaves no file and no record)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from app import audit
from app.errors import InvalidInput
from app.output import deliver_file
from app.reports.catalog import sheet
from app.reports.sheets import Sheet

if TYPE_CHECKING:
    from app.session import Session

PLAINTEXT_WARNING = (
    "导出的 CSV/XLSX 文件是明文，不受数据库加密保护。文件中含有涉密文件目录，"
    "只能保存在本机或经批准的涉密存储介质上，用后按涉密载体管理。确定导出吗？"
)


def export(
    session: Session,
    kind: str,
    year: int,
    target: Path,
    months: int = 12,
    *,
    replace: bool = True,
    day: date | None = None,
    month: int | None = None,
) -> int:
    """Write the report's rows to `target` (.csv or .xlsx); returns the row count. `replace`
    False refuses an existing file; `day` is the 日终清点表's day; `month` narrows the
    借阅登记 to one month."""
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InvalidInput("导出文件须以 .csv 或 .xlsx 结尾。")
    data = sheet(session, kind, year, months, day, month)
    payload = _csv(data) if suffix == ".csv" else _xlsx(data)

    def record(where: str) -> None:
        with session.db.transaction():
            audit.record(
                session.db,
                session.clock,
                session.account.login,
                "导出明文报表",
                f"report:{kind}",
                {"year": year, "rows": len(data.rows), "file": where},
            )

    deliver_file(target, payload, record, replace=replace)
    return len(data.rows)


def _csv(data: Sheet) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(data.headers)
    writer.writerows(data.rows)
    return text.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with a BOM correctly


def _xlsx(data: Sheet) -> bytes:
    book = Workbook()
    page = book.active
    page.title = data.title[:31].replace("（", "(").replace("）", ")")
    page.append(list(data.headers))
    for row in data.rows:
        page.append(list(row))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryWriter(book, archive).save()
    return buffer.getvalue()


class _InMemoryWriter(ExcelWriter):
    """openpyxl writes each worksheet to a named temporary file first; that would leave the
    rows on disk outside the file the custodian chose, so the sheet is built in memory."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        out = io.BytesIO()
        writer = WorksheetWriter(ws, out=out)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], out.getvalue())
        self.manifest.append(ws)
