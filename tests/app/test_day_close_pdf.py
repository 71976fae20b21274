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
    assert "王建国" in text and "baomi" not in text  # the approver by name, as they sign
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


def test_any_past_days_sheet_again_with_its_overrides_and_reopening(
    counter, clock, tmp_path: Path, monkeypatch, capsys
) -> None:
    """The 日终清点表 of a past day from the catalogue (报表 page) and `mijian report day-close`:
    the day's F7 overrides on it, and a close after a reopening on its own page."""
    import io
    import sys
    from datetime import date

    from app import audit, cli
    from app.day_close import reopen_day
    from app.desk import Override
    from app.reports import catalog
    from tests.conftest import PASSWORD

    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 17, 40, tzinfo=BEIJING))  # after the close time: F7
    plain = docs["secret"].copies[1].id
    desk.checkout(
        custodian, readers["wang"].id, [plain], Override("baomi", PASSWORD, "领导急需连夜批阅")
    )
    clock.set(datetime(2026, 11, 20, 18, 0, tzinfo=BEIJING))
    desk.take_back(custodian, plain)
    close_day(custodian)
    clock.set(datetime(2026, 11, 20, 18, 30, tzinfo=BEIJING))
    reopen_day(officer, "书记临时调阅")
    close_day(custodian)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=BEIJING))  # days later

    day = date(2026, 11, 20)
    report = catalog.output(custodian, "day-close", 2026, day=day)
    pdf = tmp_path / "again.pdf"
    pdf.write_bytes(report.pdf)
    text = text_of(pdf)
    assert "日终清点表" in text and "2026年11月20日" in text
    assert "例外放行" in text and "领导急需连夜批阅" in text and "闭库时间" in text
    assert "补充清点" in text and "书记临时调阅" in text
    assert "经保密员 王建国 重新开启" in text.replace("\n", "") and "baomi" not in text
    assert len(rasterise(pdf, dpi=40)) == 2  # one sheet per close
    SHOTS.mkdir(exist_ok=True)
    rasterise(pdf, dpi=70)[1].replace(SHOTS / "day-close-again.png")
    report.delivered(str(pdf))
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "输出报表" and event.details["day"] == "2026-11-20"

    out = tmp_path / "cli.pdf"
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    argv = ["report", "day-close", "--db", str(custodian.paths.db), "--user", "jiyao"]
    code = cli.main([*argv, "--password-stdin", "--day", "2026-11-20", "-o", str(out)])
    assert code == 0, capsys.readouterr()
    assert (
        "领导急需连夜批阅" in text_of(out)
        and "日终清点表（2026年11月20日）" in capsys.readouterr().out
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = cli.main([*argv, "--password-stdin", "--day", "2026-11-19", "-o", str(out) + "x.pdf"])
    assert code != 0 and "没有日终清点" in capsys.readouterr().err
