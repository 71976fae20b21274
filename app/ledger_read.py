"""Reading an old ledger row by row: .csv and .xlsx in memory that does not grow with the file;
the older and other offices' formats (.xls of Excel 97–2003, WPS's .et, LibreOffice's .ods)
through calamine, whose sheets are bounded by their format (65,536 rows for .xls).

A ledger is opened once: its header row is found (the first row with any text) and its data
rows are then handed out one at a time with the row number the custodian sees in Excel (the
header's row counts; blank rows are skipped but keep their numbers). Everything a file can do
wrong — random bytes, a damaged or truncated workbook, an unknown encoding, a 200 KB cell —
ends in `LedgerUnreadable` with a Chinese message naming the row where one can be named.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from app.errors import InvalidInput

BLOCK = 1 << 20
# The csv module's own limit (131,072 characters); no cell of a paper ledger comes near it, and a
# field that reaches it is almost always a quote left open that swallowed the rest of the file.
FIELD_LIMIT = csv.field_size_limit()
ENCODINGS = ("utf-8-sig", "gb18030")  # Excel on a Chinese Windows saves CSV as GB18030


class LedgerUnreadable(InvalidInput):
    message = "台账文件无法读取。"


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes, read in blocks."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(BLOCK):
                digest.update(block)
    except OSError as exc:
        raise LedgerUnreadable(f"无法读取 {path.name}：{exc.strerror or exc}") from None
    return digest.hexdigest()


class Ledger:
    """An open ledger file. Use as a context manager; `records()` may be iterated once."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".xlsx", *CALAMINE_SUFFIXES):
            raise LedgerUnreadable(
                "只能导入 .xlsx、.xls、.et、.ods 或 .csv 文件；其他格式请先在 Excel 或 WPS 中"
                "另存为 .xlsx。"
            )
        try:
            size = self.path.stat().st_size
        except OSError as exc:
            raise LedgerUnreadable(f"无法读取 {self.name}：{exc.strerror or exc}") from None
        if size == 0:
            raise LedgerUnreadable(f"{self.name} 是空文件，没有任何内容。")
        self._source: _Csv | _Xlsx | _Calamine
        if suffix == ".csv":
            self._source = _Csv(self.path)
        elif suffix == ".xlsx":
            self._source = _Xlsx(self.path)
        else:
            self._source = _Calamine(self.path)
        self._rows = self._source.rows()
        try:
            self.headers, self.header_line = self._find_header()
        except BaseException:
            self.close()
            raise
        self.estimated_rows = max(0, self._source.estimated_lines() - self.header_line)

    def _find_header(self) -> tuple[list[str], int]:
        for line, cells in self._rows:
            if any(c.strip() for c in cells):
                return [c.strip() for c in cells], line
        raise LedgerUnreadable(f"{self.name} 中没有内容。")

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every non-blank row after the header."""
        for line, cells in self._rows:
            if any(c.strip() for c in cells):
                yield line, cells

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_ledger(path: Path) -> Ledger:
    return Ledger(path)


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Headers and every data row, in memory: for small files and tests only."""
    with open_ledger(path) as ledger:
        return ledger.headers, [cells for _, cells in ledger.records()]


# ---- CSV ------------------------------------------------------------------------------------
class _Csv:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.encoding, self._lines = _sniff(path)
        self._fh: IO[str] | None = None

    def estimated_lines(self) -> int:
        return self._lines

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            # Closed by close(): the generator hands rows out across the caller's loop.
            self._fh = open(self.path, encoding=self.encoding, newline="")  # noqa: SIM115
        except OSError as exc:
            raise LedgerUnreadable(f"无法读取 {self.path.name}：{exc.strerror or exc}") from None
        reader = csv.reader(self._fh)
        line = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise LedgerUnreadable(_csv_problem(line + 1, str(exc))) from None
            except UnicodeDecodeError:  # _sniff read it all; only a file changed meanwhile
                raise LedgerUnreadable(f"第 {line + 1} 行：文件在读取过程中被改动。") from None
            except OSError as exc:
                raise LedgerUnreadable(
                    f"第 {line + 1} 行：读取文件出错（{exc.strerror or exc}）。"
                ) from None
            line += 1
            yield line, cells

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def _csv_problem(line: int, text: str) -> str:
    if "field larger than field limit" in text:
        return (
            f"第 {line} 行：有一格超过 {FIELD_LIMIT // 1024} KB，不像台账内容"
            "（多半是一个引号没有配对，把后面的内容都并进了这一格）。请在 Excel 中检查该行。"
        )
    return f"第 {line} 行：CSV 格式有误（{text}）。"


def _sniff(path: Path) -> tuple[str, int]:
    """The encoding that decodes the whole file, and its line count (for progress).

    Decoding in blocks keeps memory flat; the pass costs about 0.1 s per 50 MB.
    """
    problems: list[str] = []
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            with open(path, "rb") as fh:
                while block := fh.read(BLOCK):
                    try:
                        decoder.decode(block)
                    except UnicodeDecodeError as exc:
                        where = lines + block.count(b"\n", 0, exc.start) + 1
                        raise _Undecodable(where) from None
                    lines += block.count(b"\n")
                decoder.decode(b"", final=True)
        except _Undecodable as exc:
            name = "UTF-8" if encoding.startswith("utf") else "GBK"
            problems.append(f"按 {name} 读，第 {exc.line} 行有无法识别的字节")
            continue
        except UnicodeDecodeError:
            problems.append("文件末尾的字不完整")
            continue
        except OSError as exc:
            raise LedgerUnreadable(f"无法读取 {path.name}：{exc.strerror or exc}") from None
        return encoding, lines + 1
    raise LedgerUnreadable(
        "CSV 文件的编码无法识别（应为 UTF-8 或 GBK），或不是文本文件（"
        + "；".join(problems)
        + "）。"
    )


class _Undecodable(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


# ---- XLSX -----------------------------------------------------------------------------------
NOT_A_WORKBOOK = "{name} 不是有效的 .xlsx 工作簿（文件已损坏、不完整，或并非 Excel 文件）。"


class _Xlsx:
    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        self.path = path
        try:
            # read_only streams the sheet's XML: memory stays flat however long the sheet is.
            self._book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise LedgerUnreadable(NOT_A_WORKBOOK.format(name=path.name)) from exc
        except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds on a broken file
            raise LedgerUnreadable(NOT_A_WORKBOOK.format(name=path.name)) from exc
        if not self._book.worksheets:
            self._book.close()
            raise LedgerUnreadable(f"{path.name} 中没有工作表。")
        self._sheet: Any = self._book.worksheets[0]

    def estimated_lines(self) -> int:
        try:
            return int(self._sheet.max_row or 0)
        except Exception:  # noqa: BLE001 — a missing or odd dimension only costs the estimate
            return 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        line = 0
        rows = self._sheet.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 — a damaged sheet part, mid-stream
                raise LedgerUnreadable(
                    f"第 {line + 1} 行起无法读取：{self.path.name} 已损坏或不完整。"
                ) from exc
            line += 1
            yield line, [_text(v, line) for v in values]

    def close(self) -> None:
        self._book.close()


# ---- XLS, ET, ODS --------------------------------------------------------------------------
CALAMINE_SUFFIXES = (".xls", ".et", ".ods")
NOT_A_SPREADSHEET = "{name} 无法按表格文件读取（文件已损坏、不完整，或扩展名与内容不符）。"


class _Calamine:
    """Excel 97–2003 (.xls), WPS (.et, the same BIFF format) and OpenDocument (.ods) sheets."""

    def __init__(self, path: Path) -> None:
        from python_calamine import CalamineWorkbook

        self.path = path
        try:
            book = CalamineWorkbook.from_path(str(path))
            if not book.sheet_names:
                raise LedgerUnreadable(f"{path.name} 中没有工作表。")
            self._sheet: Any = book.get_sheet_by_index(0)
        except LedgerUnreadable:
            raise
        except Exception as exc:  # noqa: BLE001 — calamine raises its own kinds on a broken file
            raise LedgerUnreadable(NOT_A_SPREADSHEET.format(name=path.name)) from exc

    def estimated_lines(self) -> int:
        return int(self._sheet.height or 0)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        # The sheet's used range may start below row 1: keep the row numbers Excel shows.
        first = (self._sheet.start or (0, 0))[0]
        line = first
        try:
            for values in self._sheet.iter_rows():
                line += 1
                yield line, [_text(v, line) for v in values]
        except LedgerUnreadable:
            raise
        except Exception as exc:  # noqa: BLE001 — a damaged sheet, mid-stream
            raise LedgerUnreadable(
                f"第 {line + 1} 行起无法读取：{self.path.name} 已损坏或不完整。"
            ) from exc

    def close(self) -> None:
        self._sheet = None


def _text(value: object, line: int) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == time(0)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if len(text) > FIELD_LIMIT:
        raise LedgerUnreadable(f"第 {line} 行：有一格超过 {FIELD_LIMIT // 1024} KB，不像台账内容。")
    return text
