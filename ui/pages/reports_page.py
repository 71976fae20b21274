"""报表: the year-end reports through the common print path, and CSV/XLSX export only after the
warning that the file will be plaintext."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.day_close import closed_days
from app.progress import Progress
from app.reports.catalog import REPORTS, output
from app.reports.export import PLAINTEXT_WARNING, export
from app.session import Session
from ui.file_dialogs import ask_path
from ui.printing import LongPdf, offer_long_pdf
from ui.tasks import ProgressWindow, run_with_progress, runner_for

DESCRIPTIONS = {
    "register": "全年收文，按收文编号，作废的划线保留",
    "handovers": "全年每一次借出与归还（借阅登记）",
    "instructions": "领导批示、时限、催办、延期与反馈",
    "recall": "本年度中央、省、市密级文件清退清单，按来文单位一式两份",
    "destruction": "本年内经监销封存的每一份",
    "stats": "收文、清退、销毁按密级和来文类别合计；违规过夜与例外；批示办理",
    "review": "保密期限将在所选月数内届满（或已届满）、仍在管的文件",
    "day-close": "所选日期的日终清点表（含重新开启后的补充清点），补打存档",
    "distribution": "全年分发给各单位的每一份，签收单、签收人与收回",
    "outgoing": "本机关发文：发文字号、签发、印制份数与份号、主送抄送、存档份、回执；作废号保留",
    "replies": "所选年度发文中回执尚未退回的单位，已催收次数",
    "returned": "直送件、越级件、乱投件的退文登记，退回对象与指出的问题",
    "filing": "本年度归档的文件，按卷号，交档案室签收",
    "ends": "本年度尚未清退、销毁、归档或解密的每一份及其所在",
    "copying": "经保密员批准的每一次复制：原份号、复制件份号、理由、批准人",
    "selfcheck": "按月、季、年的件数与份数：收发、借阅传阅、复制、清查、遗失、过夜、清退销毁归档解密、期末在管",
}

Confirm = Callable[[QWidget], bool]
ChooseFile = Callable[[QWidget, str], Path | None]


def confirm_plaintext(parent: QWidget) -> bool:
    answer = QMessageBox.warning(
        parent,
        "明文导出",
        PLAINTEXT_WARNING,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def choose_export_file(parent: QWidget, suggested: str) -> Path | None:
    return ask_path(
        parent, "导出", "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)", save=True, suggested=suggested
    )


class ReportsPage(QWidget):
    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        confirm: Confirm = confirm_plaintext,
        choose: ChooseFile = choose_export_file,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._confirm = confirm
        self._choose = choose
        now = session.clock.now()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, now.year)
        self.year_spin.setValue(now.year)
        self.year_spin.setSuffix(" 年")
        self.months_spin = QSpinBox()
        self.months_spin.setRange(1, 120)
        self.months_spin.setValue(12)
        self.months_spin.setSuffix(" 个月内")
        self.day_combo = QComboBox()  # the closed days, for the 日终清点表
        self.day_combo.setMinimumContentsLength(12)
        self.list = QListWidget()
        self.list.setStyleSheet("QListWidget::item { padding: 7px 4px; }")

        for kind, report in REPORTS.items():
            item = QListWidgetItem(f"{report.title}　—　{DESCRIPTIONS.get(kind, '')}")
            item.setData(256, kind)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.pdf_button = QPushButton("预览 / 打印 / 保存 PDF…")
        self.export_button = QPushButton("导出 CSV / XLSX（明文）…")
        self.message_label = QLabel(
            "报表含涉密文件目录：只打印到本室打印机，或保存到涉密存储介质。打印、保存与导出均记入审计。"
        )
        self.message_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year_spin)
        top.addWidget(QLabel("保密期限审查"))
        top.addWidget(self.months_spin)
        top.addWidget(QLabel("日终清点表日期"))
        top.addWidget(self.day_combo)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        self.pdf_button.clicked.connect(self.show_pdf)
        self.export_button.clicked.connect(self.export_sheet)
        self.list.itemDoubleClicked.connect(lambda _: self.show_pdf())
        self.refresh()

    def refresh(self) -> None:
        """The days closed so far (the window calls this whenever the page is shown)."""
        chosen = self.day_combo.currentData()
        self.day_combo.clear()
        for day in closed_days(self._session.db):
            self.day_combo.addItem(f"{day:%Y-%m-%d}", day)
        if chosen is not None and (at := self.day_combo.findData(chosen)) >= 0:
            self.day_combo.setCurrentIndex(at)

    def _day(self) -> date | None:
        day = self.day_combo.currentData()
        return day if isinstance(day, date) else None

    def _name(self, kind: str, year: int, suffix: str) -> str:
        day = self._day()
        if kind == "day-close" and day is not None:
            return f"{REPORTS[kind].title}-{day:%Y%m%d}{suffix}"
        return f"{REPORTS[kind].title}-{year}{suffix}"

    @property
    def kind(self) -> str:
        item = self.list.currentItem()
        return str(item.data(256)) if item else "register"

    def select(self, kind: str) -> None:
        self.list.setCurrentRow(list(REPORTS).index(kind))

    def show_pdf(self) -> LongPdf:
        """Laid out on the task runner with a progress window and 取消; the print dialog after."""
        kind, year, months = self.kind, self.year_spin.value(), self.months_spin.value()
        title, day = REPORTS[kind].title, self._day()
        if kind == "day-close" and day is not None:
            year = day.year
        return offer_long_pdf(
            self,
            self._session,
            title,
            self._name(kind, year, ".pdf"),
            lambda session, progress: output(
                session, kind, year, months=months, progress=progress, day=day
            ),
        )

    def export_sheet(self) -> ProgressWindow | None:
        """The sheet is gathered and written on the task runner (with 取消 until the file is
        written); the export's audit follows the complete file there, in the same job."""
        kind, year = self.kind, self.year_spin.value()
        if not self._confirm(self):
            self.message_label.setText("已取消导出。")
            return None
        day = self._day()
        if kind == "day-close" and day is not None:
            year = day.year
        target = self._choose(self, self._name(kind, year, ".xlsx"))
        if target is None:
            return None
        if not target.suffix:  # a name typed without .xlsx/.csv: the workbook it was offered
            target = target.with_suffix(".xlsx")

        months = self.months_spin.value()

        def job(session: Session, progress: Progress) -> int:
            progress.check()
            return export(session, kind, year, target, months, day=day)

        def done(rows: int) -> None:
            self.message_label.setText(f"已导出 {rows} 行到明文文件 {target}，请按涉密载体管理。")

        self.message_label.setText(f"正在导出到 {target}…")
        return run_with_progress(
            self,
            runner_for(self, self._session),
            "导出",
            f"正在导出{REPORTS[kind].title}…",
            job,
            done,
            lambda exc: self.message_label.setText(exc.message),
        )
