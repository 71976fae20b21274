"""一夹一传递 (issue 16): a folder with its own signed QR label; scanning it hands out every copy
in it; its return completes only when every 份号 is scanned back or recorded as a discrepancy.
Also: F4 takes one copy out of the 本次文件夹, and a reader off a document's route is warned."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from app import audit, circulation, desk, folder_code, folders
from app.counter import Counter, counter_key
from app.counter_view import Ask, EnterDoes, Tone
from app.errors import InvalidInput, PermissionDenied
from app.output import PRINTER
from app.slips import ForgedCode
from tests.pdf_tools import rasterise, text_of


def test_a_folder_code_is_signed_and_names_its_folder(counter, login) -> None:
    custodian, *_ = counter
    red = folders.create(custodian, "红夹1")
    assert red.code.startswith("MJJ") and folders.read_code(custodian, red.code) == red
    flipped = red.code[:-1] + ("A" if red.code[-1] != "A" else "B")
    with pytest.raises(ForgedCode):
        folders.read_code(custodian, flipped)
    assert audit.page(custodian.db, None, 1)[0].action == "扫描被拒"
    assert folder_code.decode(b"another room", "X", red.code) is None
    with pytest.raises(InvalidInput, match="已有名为"):
        folders.create(custodian, "红夹1")
    with pytest.raises(PermissionDenied):
        folders.create(login("baomi"), "红夹2")
    with pytest.raises(PermissionDenied):
        folders.read_code(login("shenji"), red.code)


def test_the_printed_label_reads_back(counter, tmp_path: Path) -> None:
    custodian, *_ = counter
    red = folders.create(custodian, "红夹1")
    before = audit.count(custodian.db)
    output = folders.print_label(custodian, red.id)
    assert audit.count(custodian.db) == before  # nothing recorded until the paper exists
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(output.pdf)
    assert "红夹1" in text_of(pdf) and "传递文件夹" in text_of(pdf)
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(rasterise(pdf, dpi=150)[0]))]
    assert found == [red.code]
    assert folders.read_code(custodian, found[0]).id == red.id
    output.delivered(PRINTER)
    event = audit.page(custodian.db, None, 1)[0]
    assert (event.action, event.object) == ("打印文件夹标签", "folder:红夹1")


def test_scan_the_folder_out_and_back_every_copy_accounted_for(counter) -> None:
    custodian, _, readers, docs = counter
    red = folders.create(custodian, "红夹1")
    first, second = (c.id for c in docs["secret"].copies[:2])
    at = Counter(custodian)
    at.line("B0001")  # 张建国
    at.line("2026-0001/1")
    at.line("2026-0001/2")
    at.line("2026-0002")  # 机密: put in by mistake
    removed = counter_key(at, "F4")  # the last one out again
    assert removed.banner.startswith("已移出：2026-0002 第000010份") and len(removed.folder) == 2
    bagged = at.line(red.code)
    assert "文件夹 红夹1：加入 0 份，本次共 2 份" in bagged.banner
    out = at.line("")
    assert out.banner.startswith("已借出 2 份给 张建国（装入文件夹 红夹1）"), out.banner
    assert [c.copy_id for c in folders.contents(custodian.db, red.id)] == [first, second]
    assert [o.copy.copy_id for o in folders.out_in(custodian.db, red.id)] == [first, second]
    assert any(e.action == "装夹" for e in audit.page(custodian.db, None, 5))

    # Back: the folder's label starts its return; nothing completes while a 份号 is missing.
    started = at.line(red.code)
    assert started.banner.startswith("文件夹 红夹1 收回：已核 0/2 份")
    assert started.enter is EnterDoes.TAKE_BACK
    assert [r.title.startswith("【未核】") for r in started.folder] == [True, True]
    refused = at.line("")
    assert refused.beep and "还有 2 份未核：000001、000002" in refused.banner
    assert at.line("2026-0003").beep  # not in this folder
    assert at.line("2026-0001/1").banner.startswith("2026-0001 第000001份 已核。")
    assert "还有 1 份未核：000002" in at.line("").banner
    asked = at.discrepancy()  # F6: for the copy not scanned back
    assert asked.asks is Ask.NOTE and asked.prompt.startswith("2026-0001 第000002份")
    noted = at.record_discrepancy("未随夹交回")
    assert "全部核毕——回车确认收回" in noted.banner
    assert len(desk.out_now(custodian.db)) == 2  # nothing written until Enter
    done = at.line("")
    assert done.banner == "文件夹 红夹1 已收回：1 份核对无误，1 份异常已登记，待保密员处理"
    assert done.tone is Tone.ALERT and done.changed
    assert [r.copy.copy_id for r in desk.out_now(custodian.db)] == [second]
    assert desk.pending_discrepancy(custodian.db, second) == "未随夹交回"

    # The next reader scans the folder: what is in the room goes; the missing copy is said.
    at.line("B0002")  # 王芳
    again = at.line(red.code)
    assert (
        again.beep
        and "加入 1 份" in again.banner
        and "未加入：2026-0001 第000002份" in again.banner
    )
    assert [r.label for r in again.folder] == ["2026-0001 第000001份"]
    at.line("")
    assert [c.copy_id for c in folders.contents(custodian.db, red.id)] == [first]


def test_a_whole_folder_goes_out_with_one_scan(counter) -> None:
    custodian, _, _, docs = counter
    red = folders.create(custodian, "红夹1")
    at = Counter(custodian)
    for line in ("B0001", "2026-0001/1", "2026-0002", red.code, ""):
        at.line(line)
    at.line(red.code)
    at.line("2026-0001/1")
    at.line("2026-0002")
    assert at.line("").banner.startswith("文件夹 红夹1 已收回：2 份核对无误")
    at.line("B0001")
    whole = at.line(red.code)  # one scan: every copy in the folder
    assert [r.label for r in whole.folder] == ["2026-0001 第000001份", "2026-0002 第000010份"]
    assert at.line("").banner.startswith("已借出 2 份给 张建国（装入文件夹 红夹1）")


def test_a_reader_off_the_route_is_warned(counter) -> None:
    custodian, _, readers, docs = counter
    circulation.set_route(custodian, docs["secret"].document.id, [readers["zhang"].id])
    at = Counter(custodian)
    at.line("B0002")  # 王芳: cleared, in scope, not on the route
    warned = at.line("2026-0001/1")
    assert warned.banner.startswith("注意：王芳 不在本件传阅路线上。已加入")
    assert warned.tone is Tone.CHECK and not warned.beep and len(warned.folder) == 1
    at.clear()
    at.line("B0001")
    assert at.line("2026-0001/2").tone is Tone.OK


def test_a_copy_of_a_folder_scanned_alone_starts_the_folders_return(counter) -> None:
    custodian, *_ = counter
    red = folders.create(custodian, "红夹1")
    at = Counter(custodian)
    for line in ("B0001", "2026-0001/1", "2026-0001/2", red.code, ""):
        at.line(line)
    alone = at.line("2026-0001/2")  # no folder label scanned: it belongs to 红夹1 all the same
    assert alone.banner.startswith("2026-0001 第000002份 已核。文件夹 红夹1 收回：已核 1/2 份")
    assert "还有 1 份未核：000001" in at.line("").banner
    at.line("2026-0001/1")
    assert at.line("").banner.startswith("文件夹 红夹1 已收回：2 份核对无误")
    assert desk.out_now(custodian.db) == []


def test_a_folder_read_on_its_route_asks_for_a_pishi_once(counter) -> None:
    """Item 5 for the folder: the return that records 阅毕 asks once whether the reader wrote
    a 批示; yes records it with each 阅毕 and opens the entry."""
    custodian, _, readers, docs = counter
    circulation.set_route(custodian, docs["secret"].document.id, [readers["zhang"].id])
    red = folders.create(custodian, "红夹1")
    at = Counter(custodian)
    for line in ("B0001", "2026-0001/1", "2026-0002", red.code, ""):
        at.line(line)
    at.line(red.code)
    at.line("2026-0001/1")
    at.line("2026-0002")
    asked = at.line("")
    assert asked.asks is Ask.INSTRUCTED and "张建国 是否作了批示？" in asked.banner
    assert len(desk.out_now(custodian.db)) == 2  # nothing written yet
    done = at.line("Y")
    assert done.asks is Ask.INSTRUCTION and done.instruction_number == "2026-0001"
    assert done.banner.startswith("文件夹 红夹1 已收回：2 份核对无误；张建国 阅毕")
    assert circulation.status(custodian.db, docs["secret"].document.id).steps[0].instructed
