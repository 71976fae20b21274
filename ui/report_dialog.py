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

from app.output import deliver_file
from app.reports.catalog import REPORTS, output
from app.session import Session
from ui.printing import ChoosePdf, ask_pdf_path, offer_long_pdf, write_to


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

    def output(self) -> QDialog | None:
        """Preview, print or save through the common print path, with a progress bar."""
        year, kind = self.year_spin.value(), self._kind
        title = REPORTS[kind].title
        return offer_long_pdf(
            self,
            title,
            f"{title}-{year}.pdf",
            lambda progress: output(self._session, kind, year, progress=progress),
        )

    def save(self) -> Path | None:
        year = self.year_spin.value()
        target = self._choose(self, f"{REPORTS[self._kind].title}-{year}.pdf")
        if target is None:
            return None

        def write() -> str:
            report = output(self._session, self._kind, year)
            deliver_file(target, report.pdf, report.delivered, replace=True)  # audited once written
            return f"已保存到 {target}"

        return write_to(self.message_label, target, write)
