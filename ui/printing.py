"""One print path for every page the room prints: preview, print, or save where the user says.

The PDF stays in memory: pages are rasterised with pdfium at the printer's resolution and
painted onto the QPrinter, so no temporary file ever holds a classified page. 300 dpi: Qt's
default 1200 dpi measured 6.6 s and 7.3 MB for two pages, and 300 keeps every QR sharp.

Side effects only after success: an `Output`'s record (new slip serials, a report's audit event)
is made after the pages were painted onto the printer or the file was completely written; a
preview, a cancelled print dialog or closing the dialog records nothing. Printing from inside
the preview goes through the same path (and is confirmed the same way): the preview is our own
dialog around QPrintPreviewWidget, because Qt's QPrintPreviewDialog prints (or exports a PDF)
behind the caller's back.

Print jobs are named by kind and number (处理笺 2026-0001-000004, 收文登记簿 2026), taken from the
suggested file name, which callers build from those alone: a job name is visible in the print
queue to anyone on the machine, so it never carries a title.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import MijianError
from app.output import PRINTER, Output, deliver_file
from app.progress import Cancelled, Progress
from app.session import Session
from ui.errors import attempt, attempted, show_error
from ui.file_dialogs import ask_path
from ui.tasks import Runner, Task, hand_over, job_session, run_with_progress, runner_for

PRINT_DPI = 300
ChoosePdf = Callable[[QWidget, str], Path | None]
AskPrinter = Callable[[QPrinter, QWidget], bool]


def write_to(label: QLabel, target: Path, write: Callable[[], str]) -> Path | None:
    """Run `write` (it writes `target` and returns what to tell the user) and say on `label`
    how it went: the message, or why the file could not be written."""
    try:
        said = write()
    except MijianError as exc:
        label.setText(exc.message)
        return None
    except OSError as exc:
        label.setText(f"无法写入 {target}：{exc.strerror}")
        return None
    label.setText(said)
    return target


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    """Ask where to save, starting where this user saved last or on the removable media
    (app never starts in the program's folder); remembers the folder chosen."""
    return ask_path(
        parent,
        "保存为 PDF（请选择涉密存储介质）",
        "PDF 文件 (*.pdf)",
        save=True,
        suggested=suggested,
        suffix="pdf",
    )


def job_name(suggested_name: str) -> str:
    """The print job's name from the suggested file name: `收文登记簿-2026.pdf` → 收文登记簿 2026."""
    stem = suggested_name.removesuffix(".pdf")
    kind, sep, number = stem.partition("-")
    return f"{kind} {number}" if sep else kind


def new_printer(job: str = "") -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(PRINT_DPI)
    printer.setFullPage(True)
    if job:
        printer.setDocName(job)
    return printer


def ask_printer(printer: QPrinter, parent: QWidget) -> bool:
    """Qt's print dialog: which printer, how many copies. False when cancelled."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    return dialog.exec() == QDialog.DialogCode.Accepted


class PrinterFailed(MijianError):
    message = "打印机未能启动，未作任何记录。请检查打印机后重试。"


def page_layout(width_pt: float, height_pt: float) -> QPageLayout:
    """The paper a PDF page was laid out for: its size (A4, A5 … when it is one) and its
    orientation, with no margins (the page carries its own)."""
    size = QPageSize(
        QSizeF(min(width_pt, height_pt), max(width_pt, height_pt)),
        QPageSize.Unit.Point,
        "",
        QPageSize.SizeMatchPolicy.FuzzyMatch,
    )
    landscape = width_pt > height_pt
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))


def paint_pages(printer: QPrinter, pdf: bytes) -> int:
    """Paint every page of `pdf` onto `printer`, each on the paper it was laid out for (a
    landscape 登记簿 across an A4 sheet, an A5 处理笺 on A5), whatever paper the printer last
    used; returns the number of pages. PrinterFailed if the printer could not start or did not
    take every page (nothing may be recorded then)."""
    document = pdfium.PdfDocument(pdf)
    painter = QPainter()
    try:
        for index in range(len(document)):
            page = document[index]
            # Set before the page starts: before begin() for the first, before newPage() after.
            printer.setPageLayout(page_layout(*page.get_size()))
            if index == 0 and not painter.begin(printer):
                raise PrinterFailed()
            if index and not printer.newPage():
                raise PrinterFailed("打印任务中断，未作任何记录。请检查打印机后重新打印。")
            image = page.render(scale=printer.resolution() / 72).to_pil().convert("RGB")
            qimage = QImage(
                image.tobytes("raw", "RGB"),
                image.width,
                image.height,
                3 * image.width,
                QImage.Format.Format_RGB888,
            )
            target = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
            painter.drawImage(target, qimage)
        pages = len(document)
    finally:
        ended = painter.end() if painter.isActive() else True
        document.close()
    if not ended:
        raise PrinterFailed("打印任务未能完成，未作任何记录。请检查打印机后重新打印。")
    return pages


def _nothing(where: str) -> None:
    """The record of a PDF whose output has no side effect."""


class PdfOutputDialog(QDialog):
    """Preview, print or save one PDF produced in memory. `output`'s record is made after each
    print or save that succeeded, never on preview or close."""

    def __init__(
        self,
        title: str,
        output: bytes | Output,
        suggested_name: str,
        choose: ChoosePdf | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if isinstance(output, bytes):
            output = Output(output, _nothing, "")
        self._output = output
        pdf = self._pdf = output.pdf
        self._name = suggested_name
        self.job = job_name(suggested_name)
        # Looked up when used, so that a test can stand in for the file and printer dialogs.
        self._choose: ChoosePdf = choose or (lambda parent, name: ask_pdf_path(parent, name))
        self._ask_printer: AskPrinter = lambda printer, parent: ask_printer(printer, parent)
        self.preview: PreviewDialog | None = None
        self.confirmation: QMessageBox | None = None
        self._printed_now = False
        self.setWindowTitle(title)
        pages = len(pdfium.PdfDocument(pdf))
        self.message_label = QLabel(
            f"{title}：共 {pages} 页。含涉密内容，只打印到本室打印机，或保存到涉密存储介质。"
        )
        self.message_label.setWordWrap(True)
        self.preview_button = QPushButton("打印预览…")
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("保存为 PDF…")
        close = QPushButton("关闭")
        row = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.save_button, close):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        layout.addLayout(row)
        self.preview_button.clicked.connect(self._preview)
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(self.save)
        close.clicked.connect(self.accept)

    def _preview(self) -> PreviewDialog:
        self.preview = PreviewDialog(self.windowTitle(), self._pdf, self.job, self)
        self.preview.print_button.clicked.connect(self._print_from_preview)
        self.preview.open()
        return self.preview

    def _print_from_preview(self) -> None:
        self._print()
        if self._printed_now and self.preview is not None:
            self.preview.accept()

    def _print(self) -> None:
        """Ask for the printer and print (subclasses extend this; SealSheetDialog does)."""
        printer = new_printer(self.job)
        parent = self.preview if self.preview is not None and self.preview.isVisible() else self
        self._printed_now = self._ask_printer(printer, parent) and self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Paint the pages onto `printer`, then record the output; says how it went, and once
        it succeeded confirms it in a message the person has to acknowledge."""
        if not printer.docName():
            printer.setDocName(self.job)
        pages = attempt(self, lambda: paint_pages(printer, self._pdf), show=self._said)
        if pages is None:
            return False
        recorded = attempted(
            self,
            lambda: self._output.delivered(PRINTER),
            show=lambda exc: self.message_label.setText(f"{exc.message} {self._output.if_lost}"),
        )
        if not recorded:
            return False
        said = (
            f"已送打印机：{pages} 页（打印任务“{printer.docName()}”）。请到打印机取件并核对页数。"
        )
        self.message_label.setText(said)
        self.confirmation = QMessageBox(QMessageBox.Icon.Information, "已打印", said, parent=self)
        self.confirmation.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
        self.confirmation.open()
        return True

    def save(self) -> Path | None:
        """Write the file completely, then record the output; a failure leaves no file."""
        target = self._choose(self, self._name)
        if target is None:
            return None
        saved = attempted(
            self,
            lambda: deliver_file(target, self._pdf, self._output.delivered, replace=True),
            show=self._said,
        )
        if not saved:
            return None
        self.message_label.setText(f"已保存到 {target}")
        return target

    def _said(self, exc: MijianError) -> None:
        self.message_label.setText(exc.message)


class PreviewDialog(QDialog):
    """打印预览: the pages as the printer will print them; 打印… goes through the owner's print
    path (PdfOutputDialog), so a print from here is recorded and confirmed like any other."""

    def __init__(self, title: str, pdf: bytes, job: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"打印预览 - {title}")
        self.resize(820, 900)
        self.printer = new_printer(job)
        self.view = QPrintPreviewWidget(self.printer, self)
        self.view.paintRequested.connect(lambda p: _paint_quietly(p, pdf))
        self.print_button = QPushButton("打印…")
        zoom_in = QPushButton("放大")
        zoom_out = QPushButton("缩小")
        fit = QPushButton("适合页宽")
        close = QPushButton("关闭")
        row = QHBoxLayout()
        for button in (zoom_in, zoom_out, fit):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.print_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        zoom_in.clicked.connect(lambda: self.view.zoomIn())
        zoom_out.clicked.connect(lambda: self.view.zoomOut())
        fit.clicked.connect(self.view.fitToWidth)
        close.clicked.connect(self.reject)


def _paint_quietly(printer: QPrinter, pdf: bytes) -> None:
    """The preview's painting: nothing is recorded, and a failure only leaves the view empty."""
    with contextlib.suppress(MijianError):
        paint_pages(printer, pdf)


def offer_pdf(
    parent: QWidget, title: str, name: str, make: Callable[[], bytes | Output]
) -> PdfOutputDialog | None:
    """Make the PDF (slips carry proposed serials, committed only when printed or saved) and
    offer preview, print and save."""
    try:
        pdf = make()
    except Cancelled:
        return None
    except MijianError as exc:
        show_error(parent, exc)
        return None
    dialog = PdfOutputDialog(title, pdf, name, parent=parent)
    dialog.open()
    return dialog


class LongPdf:
    """A long report laid out on the window's task runner (ui/tasks.py), never on the GUI
    thread: a ProgressWindow with 取消 meanwhile, then the PdfOutputDialog (`dialog`). The
    layout reads the room through the worker's own connection; the record of the output (its
    audit) is handed over to the window's session and made on the GUI thread after the bytes
    reached the printer or the file, as for any other PDF."""

    def __init__(
        self,
        parent: QWidget,
        session: Session,
        title: str,
        name: str,
        make: Callable[[Session, Progress], bytes | Output],
        runner: Runner | None = None,
    ) -> None:
        self.dialog: PdfOutputDialog | None = None
        self.failed: MijianError | None = None
        self._parent, self._session, self._title, self._name = parent, session, title, name

        def job(worker: Session, progress: Progress) -> tuple[bytes | Output, Session]:
            mine = job_session(worker)
            return make(mine, progress), mine

        self.progress = run_with_progress(
            parent,
            runner or runner_for(parent, session),
            title,
            f"正在生成{title}…",
            job,
            self._made,
            self._failed,
        )

    @property
    def task(self) -> Task | None:
        return self.progress.task

    def _made(self, result: tuple[bytes | Output, Session]) -> None:
        made, mine = result
        hand_over(mine, self._session)
        self.dialog = PdfOutputDialog(self._title, made, self._name, parent=self._parent)
        self.dialog.open()

    def _failed(self, exc: MijianError) -> None:
        self.failed = exc
        if not isinstance(exc, Cancelled):
            show_error(self._parent, exc)


def offer_long_pdf(
    parent: QWidget,
    session: Session,
    title: str,
    name: str,
    make: Callable[[Session, Progress], bytes | Output],
    runner: Runner | None = None,
) -> LongPdf:
    """offer_pdf for a long report: `make(session, progress)` runs on the window's task runner
    with the worker's session; the dialog follows when the pages are laid out."""
    return LongPdf(parent, session, title, name, make, runner)
