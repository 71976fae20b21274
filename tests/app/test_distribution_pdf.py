"""The printed 分发签收单: read back as a person reads it, its QR decoded as a scanner does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from app import audit, distribution, receipt_code
from app.distribution_print import print_receipt, read_receipt_code, sheet
from app.errors import InvalidInput
from app.output import PRINTER
from tests.app.test_distribution import handout  # noqa: F401
from tests.pdf_tools import rasterise, text_of, unembedded_fonts


def test_the_receipt_prints_ranges_counts_signatures_and_a_qr(handout, tmp_path: Path) -> None:  # noqa: F811
    custodian, readers, docs, office, _ = handout
    db = custodian.db
    copies = [c.id for c in docs["secret"].copies] + [c.id for c in docs["confidential"].copies]
    receipt = distribution.issue(
        custodian, office.id, readers["zhang"].id, copies, recall_by=date(2027, 5, 31)
    )
    distribution.take_back(custodian, copies[1])
    before = audit.count(db)
    output = print_receipt(custodian, receipt.id)
    assert audit.count(db) == before  # nothing recorded until the paper exists
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(output.pdf)
    text = text_of(pdf)
    for expected in (
        "分发签收单",
        "分2026-0001",
        "区委办公室",
        "张建国",
        "000001-000003",
        "共 2 件 4 份（机密 1 份、秘密 3 份）",
        "签收人签字",
        "2027年05月31日前",
        "1 份",  # one of the three 秘密 copies is back already
    ):
        assert expected in text, expected
    assert unembedded_fonts(pdf) == []
    pages = rasterise(pdf, dpi=150)
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(pages[0]))]
    assert len(found) == 1 and found[0].startswith("MJF")
    assert read_receipt_code(db, found[0]) == receipt.id
    output.delivered(PRINTER)
    event = audit.page(db, None, 1)[0]
    assert (event.action, event.object) == ("打印分发签收单", "receipt:分2026-0001")


def test_a_receipt_code_is_signed(handout) -> None:  # noqa: F811
    custodian, readers, docs, office, _ = handout
    receipt = distribution.issue(
        custodian, office.id, readers["zhang"].id, [docs["secret"].copies[0].id]
    )
    code = sheet(custodian.db, receipt.id).code
    assert read_receipt_code(custodian.db, code) == receipt.id
    flipped = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert read_receipt_code(custodian.db, flipped) is None
    assert receipt_code.decode(b"another room", "x", code) is None
    assert read_receipt_code(custodian.db, "MJ1ABC") is None


def test_the_year_register_from_the_catalogue_and_the_command_line(handout, tmp_path: Path) -> None:  # noqa: F811
    from app.reports import catalog
    from tests.app.test_cli import mijian
    from tests.conftest import PASSWORD

    custodian, readers, docs, office, town = handout
    secret = [c.id for c in docs["secret"].copies]
    distribution.issue(custodian, office.id, readers["zhang"].id, secret[:2])
    distribution.issue(custodian, town.id, readers["wang"].id, secret[2:])
    distribution.take_back(custodian, secret[0])
    sheet = catalog.sheet(custodian, "distribution", 2026)
    assert sheet.title == "分发登记（2026年，共 1 件 3 份）"
    assert [(r[0], r[1], r[9]) for r in sheet.rows] == [
        ("分2026-0001", "区委办公室", "已收回"),
        ("分2026-0001", "区委办公室", "在外"),
        ("分2026-0002", "城关镇", "在外"),
    ]
    out = tmp_path / "distribution.pdf"
    args = ("report", "distribution", "--db", str(custodian.paths.db), "--user", "jiyao")
    made = mijian(
        tmp_path, *args, "--password-stdin", "--year", "2026", "-o", str(out), stdin=PASSWORD + "\n"
    )
    assert made.returncode == 0, made.stderr
    text = text_of(out)
    assert "分发登记" in text and "共 1 件 3 份" in text and "城关镇" in text
    assert not unembedded_fonts(out)
    # The copy back goes out again: still 3 份, on 4 lines (walk-through: counted as 4 份).
    distribution.issue(custodian, town.id, readers["wang"].id, secret[:1])
    again = catalog.sheet(custodian, "distribution", 2026)
    assert again.title == "分发登记（2026年，共 1 件 3 份，分发 4 份次）" and len(again.rows) == 4


def test_the_chase_sheets_list_what_each_unit_still_holds(handout, tmp_path: Path) -> None:  # noqa: F811
    from app.distribution_print import chase_sheets, print_chases

    custodian, readers, docs, office, town = handout
    secret = [c.id for c in docs["secret"].copies]
    confidential = [c.id for c in docs["confidential"].copies]
    distribution.issue(custodian, office.id, readers["zhang"].id, secret[:2] + confidential)
    distribution.issue(custodian, town.id, readers["wang"].id, secret[2:])
    distribution.take_back(custodian, secret[0])
    sheets = chase_sheets(custodian, 2026, date(2027, 5, 31))
    assert [(s.unit, [(r.number, r.copy_ranges, r.returned) for r in s.rows]) for s in sheets] == [
        (
            "区委办公室",
            [("2026-0001", "000002", "分2026-0001"), ("2026-0002", "000010", "分2026-0001")],
        ),
        ("城关镇", [("2026-0001", "000003", "分2026-0002")]),
    ]
    assert chase_sheets(custodian, 2025, date(2027, 5, 31)) == []
    # The 退回期限: a month before the room's own recall deadline, never a day already gone.
    from datetime import timedelta

    from app.distribution_print import CHASE_NOTICE, chase_deadline
    from app.recall_records import default_deadline

    today = custodian.clock.now().date()
    room = default_deadline(custodian.db, 2026)
    assert chase_deadline(custodian.db, 2026, today) == room - timedelta(days=30)
    assert chase_deadline(custodian.db, 2024, today) == today + CHASE_NOTICE  # a late chase
    with pytest.raises(InvalidInput, match=r"^退回期限 2026-11-19 已过，请定今天以后的日期。$"):
        print_chases(custodian, 2026, today - timedelta(days=1))
    with pytest.raises(InvalidInput, match="^没有单位持有 2025 年度的文件，不需要催收。$"):
        print_chases(custodian, 2025, date(2027, 5, 31))
    with pytest.raises(InvalidInput, match="^城关镇 没有持有 2025 年度的文件"):
        print_chases(custodian, 2025, date(2027, 5, 31), town.id)
    one = chase_sheets(custodian, 2026, date(2027, 5, 31), town.id)
    assert [s.unit for s in one] == ["城关镇"]
    before = audit.count(custodian.db)
    output = print_chases(custodian, 2026, date(2027, 5, 31))
    assert audit.count(custodian.db) == before
    pdf = tmp_path / "chase.pdf"
    pdf.write_bytes(output.pdf)
    text = text_of(pdf)
    assert text.count("清退催收单") == 2 and "请于 2027年05月31日 前" in text
    assert "共 2 件 2 份（机密 1 份、秘密 1 份）" in text and "共 1 件 1 份（秘密 1 份）" in text
    assert len(rasterise(pdf)) == 2 and not unembedded_fonts(pdf)
    output.delivered(PRINTER)
    events = audit.page(custodian.db, None, 2)
    assert {(e.action, e.object, e.details["copies"]) for e in events} == {
        ("清退催收", "unit:区委办公室", 2),
        ("清退催收", "unit:城关镇", 1),
    }
