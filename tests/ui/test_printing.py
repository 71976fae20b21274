"""The common print path (issue 13, item 10): jobs named by kind and number, never by a title;
a print from inside the preview recorded and confirmed; the save dialog starts on the removable
media or in the folder this user saved to last."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from app import audit, registry
from tests.app.test_registry import doc
from tests.pdf_tools import rasterise
from ui import save_folder
from ui.document_dialog import DocumentDialog
from ui.pages.reports_page import ReportsPage
from ui.printing import PdfOutputDialog, ask_pdf_path, job_name

TITLE = "关于某绝密事项的请示"


def _to_pdf(target: Path, seen: list[str]):
    """Stands in for the print dialog: the person picks a PDF queue (the file `target`)."""

    def ask(printer: QPrinter, parent: QWidget) -> bool:
        seen.append(printer.docName())
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    return ask


def _pdf_title(pdf: Path) -> str:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return next(ln for ln in info.stdout.splitlines() if ln.startswith("Title:")).split(":", 1)[1]


def _page_sizes(pdf: Path) -> list[str]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(pdf)], check=True, capture_output=True, text=True
    )
    lines = info.stdout.splitlines()
    return [ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("Page") and " size:" in ln]


def test_each_page_prints_on_the_paper_it_was_laid_out_for(qtbot, tmp_path: Path) -> None:
    """Walk-through: the landscape 发文登记簿 came out of the printer squeezed onto a portrait
    A4 sheet, and an A5 处理笺 blown up to A4: every page was stretched over whatever paper the
    printer last used. Now each page sets the paper (A4 landscape, A5, A4) before it starts,
    and the print of a page is the page itself, not stretched."""
    from reportlab.lib.pagesizes import A4, A5, landscape
    from reportlab.pdfgen.canvas import Canvas

    from ui.printing import new_printer, paint_pages

    source = tmp_path / "mixed.pdf"
    canvas = Canvas(str(source))
    for size in (landscape(A4), A5, A4):
        canvas.setPageSize(size)
        canvas.rect(36, 36, size[0] - 72, size[1] - 72, fill=1)  # a black box, 0.5 in inset
        canvas.showPage()
    canvas.save()
    printer = new_printer("test")
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))  # the printer's last paper
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert paint_pages(printer, source.read_bytes()) == 3
    assert _page_sizes(printed) == [
        "842 x 595 pts (A4)",  # landscape
        "420 x 595 pts (A5)",
        "595 x 842 pts (A4)",
    ]
    # The box keeps its shape: its inset is the same on every side of every page.
    for png in rasterise(printed, dpi=36):
        dark = Image.open(png).convert("L").point(lambda v: 255 if v < 128 else 0)
        left, top, right, bottom = dark.getbbox() or (0, 0, 0, 0)
        width, height = dark.size
        insets = (left, top, width - right, height - bottom)
        assert max(insets) - min(insets) <= 2, (png.name, insets, dark.size)


def test_job_names_are_kind_and_number() -> None:
    assert job_name("处理笺-2026-0001.pdf") == "处理笺 2026-0001"
    assert job_name("收文登记簿-2026.pdf") == "收文登记簿 2026"
    assert job_name("审计验证密钥.pdf") == "审计验证密钥"


def test_a_slip_prints_as_a_job_named_by_kind_and_number(counter, qtbot, tmp_path: Path) -> None:
    custodian, _, _, _ = counter
    registered = registry.register(custodian, doc(title=TITLE, copy_numbers="7"))
    dialog = DocumentDialog(custodian, registered.document.id)
    qtbot.addWidget(dialog)
    output = dialog.print_slips(all_copies=True)
    assert output is not None
    seen: list[str] = []
    printed = tmp_path / "printed.pdf"
    output._ask_printer = _to_pdf(printed, seen)
    output.print_button.click()
    number = registered.document.number
    assert seen == [f"处理笺 {number}"]
    assert _pdf_title(printed).strip() == f"处理笺 {number}"  # what CUPS shows as the job
    assert TITLE not in seen[0]
    assert output.confirmation is not None and output.confirmation.isVisible()
    assert "已送打印机" in output.confirmation.text() and number in output.confirmation.text()
    output.confirmation.close()
    output.close()

    reports = ReportsPage(custodian, confirm=lambda _: True, choose=lambda _, __: None)
    qtbot.addWidget(reports)
    reports.select("register")
    long_pdf = reports.show_pdf()  # laid out on the window's task runner
    qtbot.waitUntil(lambda: long_pdf.dialog is not None, timeout=30_000)
    shown = long_pdf.dialog
    assert shown is not None and shown.job == "收文登记簿 2026"
    shown.close()


def test_printing_from_the_preview_is_recorded_and_confirmed(
    counter, qtbot, tmp_path: Path, shot
) -> None:
    custodian, _, _, _ = counter
    registered = registry.register(custodian, doc(copy_numbers="8"))
    dialog = DocumentDialog(custodian, registered.document.id)
    qtbot.addWidget(dialog)
    output = dialog.print_slips(all_copies=True)
    assert isinstance(output, PdfOutputDialog)
    events = audit.count(custodian.db)
    seen: list[str] = []
    printed = tmp_path / "from-preview.pdf"
    output._ask_printer = _to_pdf(printed, seen)

    output.preview_button.click()
    preview = output.preview
    assert preview is not None and preview.isVisible()
    qtbot.waitUntil(lambda: preview.view.pageCount() == 1, timeout=5000)
    assert audit.count(custodian.db) == events and not printed.exists()  # a preview records nothing
    shot(preview, "print-preview")

    preview.print_button.click()
    assert printed.exists() and seen == [f"处理笺 {registered.document.number}"]
    assert audit.count(custodian.db) == events + 1  # the slip serials, once on paper
    assert not preview.isVisible()
    assert output.confirmation is not None and output.confirmation.isVisible()
    assert "已送打印机：1 页" in output.confirmation.text()
    assert [b.text() for b in output.confirmation.buttons()] == ["确定"]
    output.confirmation.close()
    output.close()


def _answer_save_dialog(answers: list[Path], seen: list[str]) -> None:
    """Reads where the save dialog starts, then saves as the next of `answers`."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.directory().absolutePath())
        dialog.selectFile(str(answers.pop(0)))
        dialog.accept()

    QTimer.singleShot(0, answer)


def test_the_save_dialog_starts_on_the_media_then_where_this_user_saved_last(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    media = tmp_path / "media" / "jiyao"
    stick = media / "USB-盘"
    (stick / "2026").mkdir(parents=True)
    monkeypatch.setattr(save_folder, "settings_file", lambda: tmp_path / "config" / "printing.ini")
    monkeypatch.setattr(
        save_folder, "media_roots", lambda user=None: (media, tmp_path / "run-media", Path("/mnt"))
    )
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []

    _answer_save_dialog([stick / "2026" / "a.pdf"], seen)
    assert ask_pdf_path(parent, "收文登记簿-2026.pdf") == stick / "2026" / "a.pdf"
    assert seen == [str(stick)]  # the one medium plugged in, not the program's folder

    _answer_save_dialog([stick / "2026" / "b.pdf"], seen)
    assert ask_pdf_path(parent, "b.pdf") == stick / "2026" / "b.pdf"
    assert seen[-1] == str(stick / "2026")  # remembered for this user
    assert (tmp_path / "config" / "printing.ini").read_text(encoding="utf-8").count("2026") == 1

    (stick / "2026").rmdir()  # the stick was changed: back to the media folder
    (stick.parent / "other").mkdir()
    _answer_save_dialog([stick / "c.pdf"], seen)
    assert ask_pdf_path(parent, "c.pdf") == stick / "c.pdf"
    assert seen[-1] == str(media)

    monkeypatch.setattr(save_folder, "media_roots", lambda user=None: (tmp_path / "none",))
    (tmp_path / "config" / "printing.ini").unlink()
    assert save_folder.start_folder() == Path.home()
