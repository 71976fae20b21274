"""处理笺: the printed page, its QR decoded from a 150 dpi raster, and codes that must fail."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

from app import audit, qr_payload, registry, scanning, slips
from app.output import deliver_file
from app.session import Session
from app.slip_print import print_badges, print_labels, print_slips
from tests.app.test_register_pdf import SHOTS
from tests.app.test_registry import doc
from tests.pdf_tools import fonts_of, rasterise, text_of


def decode_all(png: Path) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(png))]


def test_slips_print_and_scan_back_from_a_150_dpi_raster(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    result = registry.register(
        custodian, doc(copy_numbers="31-33", urgency="特急", doc_number="市委办发〔2026〕12号")
    )
    pdf = tmp_path / "slips.pdf"
    slips_out = print_slips(custodian, result.document.id)
    deliver_file(pdf, slips_out.pdf, slips_out.delivered, replace=False)
    text = text_of(pdf)
    for expected in (
        "传文处理笺",
        "份号 000031（共 3 份）",
        "机密★20年",
        "特急",
        "收文编号 2026-0001",
        "市委办公室",
        "市委办发〔2026〕12号",
        "关于做好年终保密检查工作的通知",
        "阅后请及时退回",
        "领导批示",
        "拟办意见",
        "办理结果",
    ):
        assert expected in text, expected
    assert "UMing" in fonts_of(pdf)
    pages = rasterise(pdf, dpi=150)
    assert len(pages) == 3
    codes = [decode_all(page) for page in pages]
    assert all(len(c) == 1 for c in codes)
    copies = [scanning.resolve(custodian.db, c[0]).copy for c in codes]
    assert [c.copy_no for c in copies if c] == ["000031", "000032", "000033"]
    SHOTS.mkdir(exist_ok=True)
    shutil.copyfile(pages[0], SHOTS / "slip-page1.png")
    assert audit.page(custodian.db, None, 1)[0].action == "打印传文处理笺"


def test_reprinting_retires_the_old_slip(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    copy_id = registry.register(custodian, doc(copy_numbers="40")).copies[0].id
    old = slips.issue(custodian, [copy_id], "收文处理笺")[0]
    new = slips.issue(custodian, [copy_id], "收文处理笺")[0]
    label = slips.issue(custodian, [copy_id], slips.LABEL)[0]
    assert scanning.scan(custodian, new.payload).copy.copy_id == copy_id  # type: ignore[union-attr]
    assert scanning.scan(custodian, label.payload).copy.copy_id == copy_id  # type: ignore[union-attr]
    with pytest.raises(slips.RetiredCode, match="此处理笺已作废，请使用新打印的处理笺"):
        scanning.scan(custodian, old.payload)
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "扫描被拒" and event.details["code"] == old.payload[:12]


def test_flipped_forged_and_foreign_codes_are_refused(
    login: Callable[..., Session], template_room, tmp_path
) -> None:
    custodian = login("jiyao")
    copy_id = registry.register(custodian, doc(copy_numbers="50")).copies[0].id
    good = slips.issue(custodian, [copy_id], "收文处理笺")[0].payload
    flipped = good[:-3] + ("A" if good[-3] != "A" else "B") + good[-2:]
    other_serial = good.replace(f"-{good.split('-')[1]}-", "-Z9-")
    foreign = qr_payload.encode(
        b"another room's secret...........", custodian.room.room_id, copy_id, 1
    )
    for bad in (flipped, other_serial, foreign):
        with pytest.raises(slips.ForgedCode, match="二维码校验失败"):
            scanning.scan(custodian, bad)
    # A code of the room's kind not read whole (the scanner stopped half-way) is refused and
    # audited all the same, but asks for a rescan (walk-through: it was called a forgery).
    for half in ("MJ1XYZ", good[:-2]):
        with pytest.raises(slips.MisreadCode, match="扫描不完整"):
            scanning.scan(custodian, half)
    assert [e.action for e in audit.page(custodian.db, None, 5)] == ["扫描被拒"] * 5


def test_the_payload_is_compact_uppercase_and_pinned() -> None:
    payload = qr_payload.encode(b"k" * 32, "room", 1_000_000, 9_999_999)
    assert len(payload) <= 38 and payload == payload.upper()
    assert set(payload) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-")
    assert slips.QR_ERROR_CORRECTION == ERROR_CORRECT_Q
    # Copy ids and serials under 36**4 (1,679,616): version 2 (25 x 25) at level Q.
    largest_v2 = qr_payload.encode(b"k" * 32, "room", 36**4 - 1, 36**4 - 1)
    assert len(largest_v2) == 29 and len(slips.qr_matrix(largest_v2)) == 25
    # Beyond: version 3 (29 x 29), drawn at the same printed size; the longest payload fits.
    assert len(slips.qr_matrix(payload)) == 29
    longest = qr_payload.encode(b"k" * 32, "room", 36**8 - 1, 36**8 - 1)
    assert len(longest) == 37 and len(slips.qr_matrix(longest)) == 29
    with pytest.raises(DataOverflowError):  # the guard: never past version 3
        slips.qr_matrix(longest + "X" * 11)


def test_labels_and_badges(login: Callable[..., Session], tmp_path: Path) -> None:
    from app.people import ReaderInput, add_reader

    custodian = login("jiyao")
    officer = login("baomi")
    document = registry.register(custodian, doc(copy_numbers="1-40")).document
    sheet = tmp_path / "labels.pdf"
    labels = print_labels(custodian, document.id)
    deliver_file(sheet, labels.pdf, labels.delivered, replace=False)
    page = rasterise(sheet, dpi=150)
    assert len(page) == 1
    assert len(decode_all(page[0])) == 40
    shutil.copyfile(page[0], SHOTS / "labels-page1.png")
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", badge_code="B0001"))
    badges = tmp_path / "badges.pdf"
    badges.write_bytes(print_badges(officer, [reader.id]))
    assert decode_all(rasterise(badges, dpi=150)[0]) == ["B0001"]
    assert "张建国" in text_of(badges)


def test_pages_superseded_by_a_later_print_cannot_be_committed_again(
    login: Callable[..., Session],
) -> None:
    """A second delivery of the first pages after a newer print (the first dialog's 打印 pressed
    again): the newer slips stay the valid ones and the older are refused, not revived."""
    custodian = login("jiyao")
    copy = registry.register(custodian, doc(copy_numbers="61", doc_number="重〔2026〕1号")).copies[
        0
    ]
    first = slips.propose(custodian, [copy.id], "传文处理笺")
    slips.commit(custodian, first, "打印机")
    slips.commit(custodian, first, "打印机")  # the same pages again: still valid, only audited
    newer = slips.propose(custodian, [copy.id], "传文处理笺")
    slips.commit(custodian, newer, "打印机")
    with pytest.raises(slips.SerialTaken):
        slips.commit(custodian, first, "打印机")
    assert scanning.resolve(custodian.db, newer[0].payload).copy.copy_id == copy.id  # type: ignore[union-attr]
    with pytest.raises(slips.RetiredCode):
        scanning.resolve(custodian.db, first[0].payload)


@pytest.mark.parametrize(
    "unit", ["某市某区委办公室（演示）", "中国共产党某某省某某市某某区委员会办公室机要保密科"]
)
def test_a_label_prints_the_room_name_whole_inside_the_label(unit: str, tmp_path: Path) -> None:
    """Walk-through: the labels read 某市某区委办公室（演 — the name was cut at ten characters.
    It is set smaller, then on two lines, and never runs into the next label."""
    from reportlab.lib.pagesizes import A4

    from app.reports.slip_pdf import render_labels
    from tests.pdf_tools import word_boxes

    code = slips.IssuedCode(1, 1, slips.LABEL, "MJ11-1-ABCDEFGHIJKLMNOP")
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(render_labels([(code, "2026-0001", "000001", "机密★20年")], unit))
    boxes = [b for b in word_boxes(pdf) if b[1] not in ("2026-0001", "第000001份", "机密★20年")]
    assert "".join(b[1] for b in sorted(boxes, key=lambda b: (b[3], b[2]))) == unit
    assert max(b[4] for b in boxes) <= A4[0] / 4  # inside the first label's width
