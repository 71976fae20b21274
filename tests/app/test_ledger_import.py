"""Importing an old Excel/CSV ledger: mapped by header, validated per row, never twice."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from app import audit, register_query
from app.errors import InvalidInput
from app.ledger_import import AlreadyImported, import_file, map_columns, read_table
from app.register_query import RegisterFilter
from app.session import Session
from tests.app.test_cli import mijian
from tests.conftest import PASSWORD

HEADERS = [
    "序号",
    "收文日期",
    "来文机关",
    "来文字号",
    "文件标题",
    "密级",
    "份数",
    "份号",
    "页数",
    "备注",
]
ROWS = [
    [
        "1",
        "2025-03-02",
        "市委办公室",
        "市委办发[2025]7号",
        "关于做好春季防火工作的通知",
        "秘密★10年",
        "2",
        "000011-000012",
        "4",
        "",
    ],
    [
        "2",
        "2025/3/5",
        "国务院办公厅",
        "国办发〔2025〕3号",
        "关于印发某某方案的通知",
        "机密",
        "1",
        "000201",
        "12",
        "原件",
    ],
    ["3", "2025-03-07", "区信访局", "", "信访事项转办单", "", "1", "", "2", ""],
    [
        "4",
        "2025-03-09",
        "省委办公厅",
        "省委办发〔2025〕9号",
        "没有份号的密件",
        "机密",
        "3",
        "",
        "5",
        "",
    ],
    [
        "5",
        "2025-13-40",
        "市政府办公室",
        "市政办发〔2025〕1号",
        "日期写错的一件",
        "秘密",
        "1",
        "000001",
        "2",
        "",
    ],
    [
        "6",
        "2025-03-10",
        "市委办公室",
        "市委办发〔2025〕7号",
        "重复的份号",
        "秘密",
        "1",
        "000012",
        "4",
        "",
    ],
]


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_headers_of_a_paper_ledger_are_recognised() -> None:
    mapping = map_columns(HEADERS)
    assert mapping["received"] == 1 and mapping["issuer"] == 2 and mapping["doc_number"] == 3
    assert mapping["title"] == 4 and mapping["copy_numbers"] == 7 and mapping["old_number"] == 0


def test_import_xlsx_reports_each_refused_row_and_never_imports_twice(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    ledger = tmp_path / "台账.xlsx"
    write_xlsx(
        ledger, [*ROWS[:5], [r if i != 1 else datetime(2025, 3, 10) for i, r in enumerate(ROWS[5])]]
    )
    report = import_file(custodian, ledger)
    assert report.count("已导入") == 3
    errors = {r.line: r.message for r in report.rows if r.status == "错误"}
    assert set(errors) == {5, 6, 7}
    assert "份号" in errors[5] and "日期" in errors[6] and "与本文件第 2 行重复" in errors[7]
    assert not report.complete
    db = custodian.db
    row = register_query.page(db, RegisterFilter(search="春季防火"))[0]
    assert (row.number, row.doc_number, row.copy_ranges, row.level_label) == (
        "2025-0001",
        "市委办发〔2025〕7号",
        "000011-000012",
        "秘密★10年",
    )
    assert "原收文编号 1" in row.remarks
    with pytest.raises(AlreadyImported, match="该文件已于 .* 导入"):
        import_file(custodian, ledger)
    # The same rows in another file (a row corrected, say): each registered copy only once.
    write_xlsx(ledger, ROWS[:3])
    again = import_file(custodian, ledger)
    assert again.count("已导入") == 0 and again.count("已存在") == 3
    assert register_query.count(db, RegisterFilter()) == 3
    assert audit.page(db, None, 1)[0].action == "导入台账"


def test_a_gbk_csv_from_excel(login: Callable[..., Session], tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    with open(ledger, "w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(ROWS[:3])
    headers, rows = read_table(ledger)
    assert headers[2] == "来文机关" and len(rows) == 3
    report = import_file(login("jiyao"), ledger)
    assert report.complete and report.count("已导入") == 3


def test_files_that_cannot_be_imported(login: Callable[..., Session], tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf")  # a truncated Excel 97–2003 file
    with pytest.raises(InvalidInput, match="无法按表格文件读取"):
        read_table(tmp_path / "old.xls")
    (tmp_path / "x.csv").write_text("标题\n某文件\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="收文日期"):
        import_file(login("jiyao"), tmp_path / "x.csv")


def test_import_from_the_command_line(room, tmp_path: Path) -> None:
    ledger = tmp_path / "ok.xlsx"
    write_xlsx(ledger, ROWS[:3])
    args = ["import", "--db", str(room.db), "--user", "jiyao", "--password-stdin", str(ledger)]
    first = mijian(tmp_path, *args, stdin=PASSWORD + "\n")
    assert first.returncode == 0, first.stderr
    assert "已导入 3 行，已存在 0 行，未导入 0 行。" in first.stdout
    second = mijian(tmp_path, *args, stdin=PASSWORD + "\n")
    assert second.returncode == 2 and "该文件已于" in second.stderr + second.stdout
    assert "Traceback" not in second.stderr
    bad = tmp_path / "bad.xlsx"
    write_xlsx(bad, ROWS[3:5])
    third = mijian(tmp_path, *args[:-1], str(bad), stdin=PASSWORD + "\n")
    assert third.returncode == 1
    assert "第 2 行未导入：密件缺少份号" in third.stdout
