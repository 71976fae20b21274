"""Saving a report as PDF where the user chooses (the only way a printed page reaches the disk)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.reports.catalog import REPORTS, render
from app.session import Session
from db.errors import MijianError

ChoosePdf = Callable[[QWidget, str], Path | None]


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "保存为 PDF", suggested, "PDF 文件 (*.pdf)")
    return Path(name) if name else None


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
        self.save_button = QPushButton("保存为 PDF…")
        self.message_label = QLabel("PDF 含涉密文件目录，请保存到涉密存储介质。")
        self.message_label.setWordWrap(True)
        close = QPushButton("关闭")
        row = QHBoxLayout()
        row.addWidget(QLabel("年份"))
        row.addWidget(self.year_spin)
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message_label)
        self.save_button.clicked.connect(self.save)
        close.clicked.connect(self.accept)

    def save(self) -> Path | None:
        year = self.year_spin.value()
        target = self._choose(self, f"{REPORTS[self._kind].title}-{year}.pdf")
        if target is None:
            return None
        try:
            pdf = render(self._session, self._kind, year)
            target.write_bytes(pdf)
        except MijianError as exc:
            self.message_label.setText(exc.message)
            return None
        except OSError as exc:
            self.message_label.setText(f"无法写入 {target}：{exc.strerror}")
            return None
        self.message_label.setText(f"已保存到 {target}")
        return target
