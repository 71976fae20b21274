"""The round trip a custodian depends on: print the slip from the window, rasterise it at
150 dpi, decode the QR, type it into the desk's scan field as the scanner would, and the right
copy goes out. Also the print path itself: the page painted for the printer still scans."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from app import audit, desk, registry, scanning
from app.output import PRINTER
from tests.app.test_registry import doc
from tests.pdf_tools import rasterise
from ui.document_dialog import DocumentDialog
from ui.pages.desk_page import DeskPage
from ui.printing import new_printer, paint_pages


def decode(png: Path) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(png))]


def test_print_scan_checkout(counter, qtbot, tmp_path: Path, shot) -> None:
    custodian, officer, readers, docs = counter
    registered = registry.register(
        custodian, doc(level="秘密", copy_numbers="61-62", doc_number="G〔2026〕1号")
    )
    dialog = DocumentDialog(custodian, registered.document.id)
    qtbot.addWidget(dialog)
    output = dialog.print_slips(all_copies=True)
    assert output is not None
    target = tmp_path / "slips.pdf"
    output._choose = lambda parent, name: target
    assert output.save() == target
    shot(output, "print-dialog")
    output.close()
    pages = rasterise(target, dpi=150)
    second = decode(pages[1])[0]

    page = DeskPage(custodian)
    qtbot.addWidget(page)
    for code in ("B0002", second):
        qtbot.keyClicks(page.scan_edit, code)
        qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert [c.copy_no for c in page.folder] == ["000062"]
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    out = desk.out_now(custodian.db)
    assert [(r.copy.copy_no, r.reader) for r in out] == [("000062", "王芳")]

    # F8 opens the reprint dialog; closing it without printing or saving retires nothing.
    events = len(audit.page(custodian.db, None, 1000))
    reprint = page.print_last_slip()
    assert reprint is not None
    reprint.close()
    assert scanning.resolve(custodian.db, second).copy.copy_no == "000062"  # type: ignore[union-attr]
    assert len(audit.page(custodian.db, None, 1000)) == events

    # Saving the reprint to a file retires the slip just used; the saved page is the valid one.
    reprint = page.print_last_slip()
    assert reprint is not None
    saved = tmp_path / "reprint.pdf"
    reprint._choose = lambda parent, name: saved
    assert reprint.save() == saved
    reprint.close()
    fresh = decode(rasterise(saved, dpi=150)[0])[0]
    assert scanning.resolve(custodian.db, fresh).copy.copy_no == "000062"  # type: ignore[union-attr]
    qtbot.keyClicks(page.scan_edit, second)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "此处理笺已作废，请使用新打印的处理笺" in page.banner.text()


def test_the_printed_page_still_scans(counter, qtbot, tmp_path: Path) -> None:
    custodian, _, _, _ = counter
    from app.slip_print import print_slips

    registered = registry.register(custodian, doc(copy_numbers="70", doc_number="G〔2026〕2号"))
    output = print_slips(custodian, registered.document.id)
    printer: QPrinter = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert paint_pages(printer, output.pdf) == 1
    output.delivered(PRINTER)  # what PdfOutputDialog does once the pages are painted
    code = decode(rasterise(printed, dpi=150)[0])
    assert len(code) == 1
    assert scanning.resolve(custodian.db, code[0]).copy.copy_no == "000070"  # type: ignore[union-attr]


def test_the_form_and_paper_can_be_changed(counter, qtbot, tmp_path: Path) -> None:
    from tests.pdf_tools import text_of

    custodian, _, _, _ = counter
    registered = registry.register(custodian, doc(copy_numbers="80", doc_number="G〔2026〕3号"))
    dialog = DocumentDialog(custodian, registered.document.id)
    qtbot.addWidget(dialog)
    assert dialog.form_combo.currentText() == "传文处理笺"  # 来文类别 市
    dialog.form_combo.setCurrentText("零星收文处理笺")
    dialog.paper_combo.setCurrentText("A5")
    output = dialog.print_slips(all_copies=True)
    assert output is not None
    target = tmp_path / "a5.pdf"
    output._choose = lambda parent, name: target
    output.save()
    output.close()
    assert "零星收文处理笺" in text_of(target)
    page = rasterise(target, dpi=150)[0]
    assert Image.open(page).size == (875, 1241)  # A5 (148 x 210 mm) at 150 dpi
    assert len(decode(page)) == 1
