"""Twenty malformed ledgers: each ends in a typed error or in row messages, never a traceback."""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.errors import MijianError
from app.ledger_import import import_file
from app.session import Session
from tests.app.test_ledger_import import HEADERS, ROWS, write_xlsx

GOOD = ROWS[0]  # 市委办公室, 秘密, 000011-000012


def _csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def _row(**changes: str) -> list[str]:
    columns = {h: i for i, h in enumerate(HEADERS)}
    row = list(GOOD)
    for header, value in changes.items():
        row[columns[header]] = value
    return row


def _xlsx_bytes(tmp: Path, rows: list[list[object]]) -> bytes:
    path = tmp / "_make.xlsx"
    write_xlsx(path, rows)
    data = path.read_bytes()
    path.unlink()
    return data


def _broken_sheet(tmp: Path) -> bytes:
    """A real workbook whose sheet XML is cut off in the middle."""
    source = _xlsx_bytes(tmp, [GOOD] * 50)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    return out.getvalue()


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return out.getvalue()


def _datetime_and_error_cells(tmp: Path) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(
        [1, "#REF!", "市委办公室", "市委办发〔2025〕8号", "公式出错的一行", "秘密", 1, 21, 2]
    )
    sheet.append(
        [2, 45000.5, "市委办公室", "市委办发〔2025〕9号", "数字日期的一行", "秘密", 1, 22, 2]
    )
    path = tmp / "_cells.xlsx"
    book.save(path)
    return path.read_bytes()


def malformed(tmp: Path) -> dict[str, tuple[str, bytes]]:
    """name → (file name, bytes)."""
    rng = random.Random(12)
    good_xlsx = _xlsx_bytes(tmp, [GOOD])
    return {
        "random bytes .xlsx": ("a.xlsx", rng.randbytes(4096)),
        "random bytes .csv": ("a.csv", rng.randbytes(4096)),
        "bad zip": ("b.xlsx", b"PK\x03\x04" + rng.randbytes(600)),
        "truncated xlsx": ("c.xlsx", good_xlsx[: len(good_xlsx) // 2]),
        "empty xlsx": ("d.xlsx", b""),
        "empty csv": ("d.csv", b""),
        "zip without a workbook": ("e.xlsx", _zip_without_workbook()),
        "sheet XML cut off": ("f.xlsx", _broken_sheet(tmp)),
        "only blank rows": ("g.csv", b",,,\r\n\r\n,,\r\n"),
        "wrong header": ("h.csv", "名称,数量\r\n某文件,1\r\n".encode()),
        "GBK-encoded CSV": ("i.csv", _csv([GOOD], "gb18030")),
        "UTF-8 BOM": ("j.csv", b"\xef\xbb\xbf" + _csv([GOOD])),
        "field over 128 KiB": ("k.csv", _csv([_row(文件标题="长" * 140_000)])),
        "quote never closed": (
            "l.csv",
            _csv([GOOD]) + b'2,"2025-03-05,unclosed\r\n' + b"x,y,z\r\n" * 20_000,
        ),
        "NUL bytes": ("m.csv", _csv([_row(文件标题="通知\x00正文")])),
        "wrong dates": ("n.csv", _csv([_row(收文日期="2025-13-40"), _row(收文日期="昨天")])),
        "unknown 密级": ("o.csv", _csv([_row(密级="超密")])),
        "invalid byte in UTF-8": ("p.csv", _csv([GOOD]) + b"3,\x80\xff,x\r\n"),
        "legacy .xls": ("q.xls", b"\xd0\xcf\x11\xe0" + rng.randbytes(512)),
        "formula error and number cells": ("r.xlsx", _datetime_and_error_cells(tmp)),
    }


ROW_MESSAGE = re.compile(r"第 \d+ 行")


def test_twenty_malformed_ledgers_end_in_a_message_not_a_traceback(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    cases = malformed(tmp_path)
    assert len(cases) == 20
    outcomes: dict[str, str] = {}
    for name, (file_name, data) in cases.items():
        path = tmp_path / file_name
        path.write_bytes(data)
        try:
            report = import_file(custodian, path)
        except MijianError as exc:
            assert re.search(r"[\u4e00-\u9fff]", exc.message), (name, exc.message)
            assert "Traceback" not in exc.message
            outcomes[name] = "error: " + exc.message
        else:  # anything else (a traceback) fails the test here
            refused = [r for r in report.rows if r.status == "错误"]
            assert all(r.message for r in refused), name
            outcomes[name] = f"imported {report.count('已导入')}, refused {len(refused)}"
        path.unlink()
    print("\n".join(f"{k}: {v}" for k, v in outcomes.items()))
    # Where the fault is in one row, the message names it.
    for name in ("field over 128 KiB", "quote never closed", "invalid byte in UTF-8"):
        assert ROW_MESSAGE.search(outcomes[name]), (name, outcomes[name])
    assert "第 2 行" in outcomes["field over 128 KiB"]
    assert "第 3 行" in outcomes["invalid byte in UTF-8"]
    # Read correctly (the row was registered already by the damaged sheet's readable part).
    assert outcomes["GBK-encoded CSV"] == outcomes["UTF-8 BOM"] == "imported 0, refused 0"
    assert outcomes["NUL bytes"] == "imported 0, refused 1"
    assert outcomes["wrong dates"] == "imported 0, refused 2"
    assert outcomes["unknown 密级"] == "imported 0, refused 1"
    assert outcomes["formula error and number cells"] == "imported 0, refused 2"
    assert "找不到“收文日期”列" in outcomes["wrong header"]
    assert "无法按表格文件读取" in outcomes["legacy .xls"]  # read since issue 18; this one is cut
    for name in ("random bytes .xlsx", "bad zip", "truncated xlsx", "zip without a workbook"):
        assert "不是有效的 .xlsx 工作簿" in outcomes[name], outcomes[name]
    assert "空文件" in outcomes["empty xlsx"] and "空文件" in outcomes["empty csv"]


def test_row_messages_name_the_row_and_say_why(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(
        _csv(
            [
                GOOD,
                _row(收文日期="2025-13-40"),
                _row(密级="超密"),
                _row(文件标题="通知\x00正文"),
                _row(收文日期="2099-01-01"),
            ]
        )
    )
    report = import_file(login("jiyao"), path)
    errors = {r.line: r.message for r in report.rows if r.status == "错误"}
    assert set(errors) == {3, 4, 5, 6}
    assert "日期" in errors[3]
    assert "密级“超密”无法识别" in errors[4]
    assert "控制字符（U+0000）" in errors[5]
    assert "晚于现在" in errors[6]


@pytest.mark.parametrize("blank_rows", [0, 2])
def test_row_numbers_are_the_ones_excel_shows(
    login: Callable[..., Session], tmp_path: Path, blank_rows: int
) -> None:
    path = tmp_path / "gaps.csv"
    body = _csv([GOOD]).decode() + "\r\n" * blank_rows
    body += "\r\n".join(",".join(_row(密级="超密")) for _ in range(1)) + "\r\n"
    path.write_text(body, encoding="utf-8")
    report = import_file(login("jiyao"), path)
    assert [r.line for r in report.rows if r.status == "错误"] == [3 + blank_rows]
