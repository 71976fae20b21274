"""The printed 日终清点表 carries the counts, the exceptions and the chain head."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app import desk
from app.day_close import add_exception, close_day
from app.reports.day_close_pdf import render_day_close
from tests.app.test_register_pdf import SHOTS
from tests.conftest import BEIJING
from tests.pdf_tools import fonts_of, rasterise, text_of


def test_day_close_sheet(counter, clock, tmp_path: Path) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=BEIJING))
    handover = desk.checkout(custodian, readers["zhang"].id, [docs["confidential"].copies[0].id])[0]
    clock.set(datetime(2026, 11, 20, 17, 35, tzinfo=BEIJING))
    add_exception(officer, handover, "书记带回批阅", datetime(2026, 11, 21, 9, 0, tzinfo=BEIJING))
    closed = close_day(custodian)
    pdf = tmp_path / "day.pdf"
    pdf.write_bytes(render_day_close(closed, custodian.room.unit, custodian.account.display_name))
    text = text_of(pdf)
    assert "日终清点表" in text and "2026年11月20日" in text
    assert closed.chain_head in text.replace(" ", "").replace("\n", "")
    assert "书记带回批阅" in text and "张建国" in text
    assert "李晓梅（jiyao）" in text
    assert "UMing" in fonts_of(pdf)
    page = rasterise(pdf, dpi=150)[0]
    # The printed head scans back, and is found where the trail has it.
    import zxingcpp
    from PIL import Image

    from app.maintenance import find_head

    scanned = [r.text for r in zxingcpp.read_barcodes(Image.open(page))]
    assert scanned == [closed.chain_head]
    assert f"是第 {closed.chain_seq} 条" in find_head(custodian.db, scanned[0])
    SHOTS.mkdir(exist_ok=True)
    page.replace(SHOTS / "day-close-pdf.png")
