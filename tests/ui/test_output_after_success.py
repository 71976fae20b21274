"""The window's print path records a side effect only after success (issue 12, item 4): pages
painted onto the printer or a file completely written; never a preview or a closed dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtPrintSupport import QPrinter

from app import audit, registry, scanning, slips
from tests.app.test_registry import doc
from tests.pdf_tools import rasterise
from ui.document_dialog import DocumentDialog
from ui.pages.reports_page import ReportsPage
from ui.printing import new_printer
from ui.report_dialog import ReportDialog
from ui.tasks import SyncRunner, use_runner


def _pdf_printer(target: Path) -> QPrinter:
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    return printer


@pytest.mark.qt_log_ignore("QPainter::begin")  # the printer that cannot start, on purpose
def test_printing_retires_and_a_failed_commit_says_print_again(
    counter, qtbot, tmp_path: Path
) -> None:
    custodian, _, _, _ = counter
    registered = registry.register(custodian, doc(copy_numbers="90", doc_number="G〔2026〕9号"))
    on_paper = slips.issue(custodian, [registered.copies[0].id], "传文处理笺")[0].payload
    dialog = DocumentDialog(custodian, registered.document.id)
    qtbot.addWidget(dialog)
    events = audit.count(custodian.db)

    slip_output = dialog.print_slips(all_copies=True)
    label_output = dialog.print_labels()  # laid out before the slips are printed
    assert slip_output is not None and label_output is not None
    assert audit.count(custodian.db) == events
    scanning.resolve(custodian.db, on_paper)  # opening the dialogs retired nothing

    # A printer that cannot start (here a PDF printer that cannot open its file): nothing retired.
    assert not slip_output.print_to(_pdf_printer(Path("/sys/printed.pdf")))
    assert "打印机未能启动" in slip_output.message_label.text()
    scanning.resolve(custodian.db, on_paper)
    assert audit.count(custodian.db) == events

    printed = tmp_path / "printed.pdf"
    assert slip_output.print_to(_pdf_printer(printed))
    assert "已送打印机" in slip_output.message_label.text()
    fresh = zxingcpp.read_barcodes(Image.open(rasterise(printed, dpi=150)[0]))[0].text
    assert scanning.resolve(custodian.db, fresh).copy.copy_no == "000090"  # type: ignore[union-attr]
    try:
        scanning.resolve(custodian.db, on_paper)
        raise AssertionError("the slip on paper should be retired")
    except slips.RetiredCode:
        pass

    # The labels' proposed serials were taken by the slips: the labels just printed are not
    # valid, and the dialog says so instead of pretending.
    assert not label_output.print_to(_pdf_printer(tmp_path / "labels.pdf"))
    assert "重新打印" in label_output.message_label.text()
    scanning.resolve(custodian.db, fresh)
    slip_output.close()
    label_output.close()


def test_reports_are_audited_when_written_not_when_shown(counter, qtbot, tmp_path: Path) -> None:
    custodian, _, _, _ = counter
    target = tmp_path / "out" / "recall.xlsx"
    page = ReportsPage(custodian, confirm=lambda _: True, choose=lambda _, __: target)
    qtbot.addWidget(page)
    use_runner(page, SyncRunner(custodian))
    page.select("recall")
    events = audit.count(custodian.db)

    shown = page.show_pdf().dialog
    assert shown is not None
    shown.close()  # laid out and closed: nothing on paper, nothing audited
    assert audit.count(custodian.db) == events

    page.export_sheet()  # the folder does not exist
    assert "文件夹不存在" in page.message_label.text()
    assert audit.count(custodian.db) == events and not target.parent.exists()

    missing = tmp_path / "gone" / "recall.pdf"
    dialog = ReportDialog(custodian, "recall", 2026, choose=lambda _, __: missing)
    qtbot.addWidget(dialog)
    use_runner(dialog, SyncRunner(custodian))
    dialog.save()
    assert dialog.saved is None and "无法写入" in dialog.message_label.text()
    assert audit.count(custodian.db) == events

    saved = tmp_path / "recall.pdf"
    shown = page.show_pdf().dialog
    assert shown is not None
    shown._choose = lambda _, __: saved
    assert shown.save() == saved
    shown.close()
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "输出报表" and event.details["to"] == str(saved)
    assert audit.count(custodian.db) == events + 1
    written = [p.name for p in tmp_path.iterdir() if not p.name.startswith("room.mjdb")]
    assert written == ["recall.pdf"]  # no temporary, no half file, no folder made
