"""A report for a chosen year: preview and print through the common print path, or save as PDF
where the user chooses (the only way a printed page reaches the disk)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.output import Output, write_file
from app.progress import Progress
from app.reports.catalog import REPORTS, output
from app.session import Session
from ui.printing import ChoosePdf, LongPdf, ask_pdf_path, offer_long_pdf, write_to
from ui.tasks import ProgressWindow, hand_over, job_session, run_with_progress, runner_for


class ReportDialog(QDialog):
    def __init__(
        self,
        session: Session,
        kind: str,
        year: int,
        choose: ChoosePdf = ask_pdf_path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._kind = kind
        self._choose = choose
        self.saved: Path | None = None  # where the last save went, once written
        report = REPORTS[kind]
        self.setWindowTitle(f"输出{report.title}")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(year)
        self.year_spin.setSuffix(" 年")
        self.output_button = QPushButton("预览 / 打印…")
        self.save_button = QPushButton("保存为 PDF…")
        self.message_label = QLabel("PDF 含涉密文件目录，请保存到涉密存储介质。")
        self.message_label.setWordWrap(True)
        close = QPushButton("关闭")
        row = QHBoxLayout()
        row.addWidget(QLabel("年份"))
        row.addWidget(self.year_spin)
        row.addStretch(1)
        row.addWidget(self.output_button)
        row.addWidget(self.save_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message_label)
        self.output_button.clicked.connect(self.output)
        self.save_button.clicked.connect(self.save)
        close.clicked.connect(self.accept)

    def output(self) -> LongPdf:
        """Preview, print or save through the common print path; laid out on the task runner
        with a progress window and 取消."""
        year, kind = self.year_spin.value(), self._kind
        title = REPORTS[kind].title
        return offer_long_pdf(
            self,
            self._session,
            title,
            f"{title}-{year}.pdf",
            lambda session, progress: output(session, kind, year, progress=progress),
        )

    def save(self) -> ProgressWindow | None:
        """Laid out and written on the task runner (progress, 取消; a slow USB stick's fsync
        does not stall the window), the file whole or not at all; then, on the GUI thread, the
        output is audited on the window's session. No file is left without its record."""
        year, kind = self.year_spin.value(), self._kind
        target = self._choose(self, f"{REPORTS[kind].title}-{year}.pdf")
        if target is None:
            return None
        self.saved = None

        def job(worker: Session, progress: Progress) -> tuple[Output, Session]:
            mine = job_session(worker)
            report = output(mine, kind, year, progress=progress)
            progress.check()  # 取消 before anything reaches the medium
            write_file(target, report.pdf, replace=True)
            return report, mine

        def written(result: tuple[Output, Session]) -> None:
            report, mine = result
            hand_over(mine, self._session)

            def record() -> str:
                try:
                    report.delivered(str(target))  # the bytes are on the medium: audit now
                except BaseException:
                    target.unlink(missing_ok=True)  # app.output's rule: no file without record
                    raise
                return f"已保存到 {target}"

            self.saved = write_to(self.message_label, target, record)

        self.message_label.setText(f"正在生成{REPORTS[kind].title}…")
        return run_with_progress(
            self,
            runner_for(self, self._session),
            REPORTS[kind].title,
            f"正在生成{REPORTS[kind].title}…",
            job,
            written,
            lambda exc: self.message_label.setText(exc.message),
        )
