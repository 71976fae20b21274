"""The year's 保密自查自评 figures: each count lands in its month, the quarters and the year add
up, and the copies held at each month's end follow registrations, ends and a 解密."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlcipher3

from app import copying, declassify, desk, destruction, recall, stocktake
from app.errors import PermissionDenied
from app.model import Credential
from app.numbers import registration_number
from app.reports import catalog
from app.reports.selfcheck_stats import figures
from tests.conftest import BEIJING, PASSWORD
from tests.pdf_tools import rasterise, text_of

OFFICER = Credential("baomi", PASSWORD)


def test_the_year_in_months_quarters_and_holdings(counter, clock, login, tmp_path: Path) -> None:
    custodian, officer, readers, docs = counter
    secret = [c.id for c in docs["secret"].copies]
    desk.checkout(custodian, readers["wang"].id, [secret[0]])
    desk.take_back(custodian, secret[0])
    copying.approve(custodian, secret[1], 2, "传达学习需要", OFFICER)
    recall.open_campaign(custodian, 2026)
    recall.record_return(custodian, 2026, [secret[2]], date(2026, 11, 20), "市委办", "R-1")
    # 留用 is no end: the copy stays in the safe and in the holdings.
    recall.retain(custodian, 2026, [secret[0]], "年度总结仍需参阅", OFFICER)
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=BEIJING))
    declassify.decide(
        custodian, docs["scoped"].document.id, "解密", date(2026, 12, 1), "期满", OFFICER
    )
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 12, 2))
    destruction.add(custodian, batch.id, [docs["confidential"].copies[0].id])
    destruction.approve(custodian, batch.id, OFFICER)
    destruction.seal(custodian, batch.id, (OFFICER, Credential("zhuren", PASSWORD)))

    started = time.perf_counter()
    year = figures(officer, 2026)
    took = time.perf_counter() - started
    lines = {(line.item, line.unit): line for line in year.lines}
    received = lines[("收文", "份")]
    assert received.months[10] == 6 and received.quarter(3) == 6 and received.year == 6
    assert lines[("收文", "件")].year == 4
    assert lines[("借阅", "人次")].months[10] == 1
    assert (lines[("复制", "件")].year, lines[("复制", "份")].year) == (1, 2)
    assert lines[("清退", "份")].months[10] == 1
    assert lines[("销毁", "份")].months[11] == 1 and lines[("销毁", "份")].months[10] == 0
    assert (lines[("解密", "件")].months[11], lines[("解密", "份")].months[11]) == (1, 1)
    assert lines[("遗失", "份")].year == 0 and lines[("违规过夜", "份")].year == 0
    # Held at each month's end: 3 + 2 made − 1 recalled (the 留用 one still held) + the scoped one,
    # until it was declassified.
    secret_held = lines[("期末在管（秘密）", "份")]
    assert secret_held.months[9] == 0 and secret_held.months[10] == 5
    assert secret_held.months[11] == 4 and secret_held.year == 4 and secret_held.quarter(3) == 4
    assert lines[("期末在管（机密）", "份")].months[10:] == (1, 0)
    assert lines[("期末在管（非密）", "份")].months[10:] == (1, 2)
    print(f"selfcheck figures: {took:.2f} s (the figure is bench/custody.py's)")

    pdf = tmp_path / "selfcheck.pdf"
    pdf.write_bytes(catalog.render(officer, "selfcheck", 2026))
    text = text_of(pdf)
    assert "保密自查自评统计" in text and "期末在管（秘密）" in text and "四季度" in text
    assert rasterise(pdf)
    with pytest.raises(PermissionDenied):
        figures(login("shenji"), 2026)


def test_stocktake_discrepancies_are_counted_per_stocktake(counter, login) -> None:
    """清查差异: each finished stocktake's findings (份) and the documents they touch (件), kept
    at its finish (migration 0022) and added up over the month: a document found in two
    stocktakes counts in both."""
    custodian, officer, _, _ = counter
    db = custodian.db
    copies = db.query(
        "SELECT c.id, d.year, d.serial, c.copy_no, c.document_id FROM copy c"
        " JOIN document d ON d.id = c.document_id WHERE c.state = '在柜' ORDER BY c.id"
    )
    documents = {r["document_id"] for r in copies}
    first = stocktake.start(custodian, None, "baomi")  # nothing scanned: every copy 缺失
    stocktake.finish(custodian, first.id, PASSWORD)
    second = stocktake.start(custodian, None, "baomi")  # all but the first copy scanned
    for r in copies[1:]:
        stocktake.scan(custodian, second.id, f"{registration_number(r[1], r[2])}/{r[3]}")
    stocktake.finish(custodian, second.id, PASSWORD)
    lines = {(line.item, line.unit): line for line in figures(officer, 2026).lines}
    assert lines[("清查差异", "份")].months[10] == len(copies) + 1
    assert lines[("清查差异", "件")].months[10] == len(documents) + 1
    assert lines[("清查差异", "件")].year == len(documents) + 1
    stored = db.query("SELECT findings, finding_documents FROM stocktake ORDER BY id")
    assert [tuple(r) for r in stored] == [(len(copies), len(documents)), (1, 1)]
    # A finish that does not say what it found is refused by the database itself.
    third = stocktake.start(custodian, None, "baomi")
    with pytest.raises(sqlcipher3.IntegrityError, match="records its findings"):
        db.execute(
            "UPDATE stocktake SET finished_at = '2026-11-20T10:00:00+08:00',"
            " confirmed_by = second_person WHERE id = ?",
            (third.id,),
        )
