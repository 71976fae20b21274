"""Ledgers as offices keep them (issue 18, item 5): Excel 97–2003 .xls, WPS .et, LibreOffice
.ods, and an .xlsx written by another program than openpyxl — each read by the import, each
row registered as from the .xlsx the tests write themselves."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app import register_query
from app.ledger_import import import_file
from app.ledger_read import LedgerUnreadable, read_table
from app.register_query import RegisterFilter
from app.session import Session
from tests.app.test_ledger_import import HEADERS

LEDGERS = Path(__file__).resolve().parents[1] / "fixtures" / "ledgers"
FILES = [
    "ledger-libreoffice.xls",
    "ledger-wps.et",
    "ledger-libreoffice.ods",
    "ledger-libreoffice.xlsx",
]


@pytest.mark.parametrize("name", FILES)
def test_a_ledger_of_each_format_is_read_and_imported(
    name: str, login: Callable[..., Session], tmp_path: Path
) -> None:
    ledger = tmp_path / name
    shutil.copy(LEDGERS / name, ledger)
    headers, rows = read_table(ledger)
    assert headers == HEADERS
    assert rows[0][1] == "2025-03-02" and rows[0][6] == "2" and rows[0][7] == "000011-000012"
    assert [r[4] for r in rows] == [
        "关于做好春季防火工作的通知",
        "关于印发某某方案的通知",
        "信访事项转办单",
    ]

    custodian = login("jiyao")
    report = import_file(custodian, ledger)
    assert report.count("已导入") == 3 and report.complete
    row = register_query.page(custodian.db, RegisterFilter(search="春季防火"))[0]
    assert (row.doc_number, row.copy_ranges, row.level_label) == (
        "市委办发〔2025〕7号",
        "000011-000012",
        "秘密★10年",
    )


@pytest.mark.parametrize("suffix", [".xls", ".et", ".ods"])
def test_a_damaged_old_format_file_is_a_message(suffix: str, tmp_path: Path) -> None:
    broken = tmp_path / f"台账{suffix}"
    broken.write_bytes((LEDGERS / "ledger-libreoffice.xls").read_bytes()[:700])
    with pytest.raises(LedgerUnreadable, match="无法按表格文件读取|已损坏"):
        read_table(broken)
    (tmp_path / "空.xls").write_bytes(b"")
    with pytest.raises(LedgerUnreadable, match="空文件"):
        read_table(tmp_path / "空.xls")
