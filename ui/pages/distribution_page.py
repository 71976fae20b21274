"""分发 (custodian): hand copies to a unit against a 分发签收单, and take them back, by scanner.

Choose the unit (or scan the signer's badge: their unit is chosen with them), scan the copies,
press Enter on the empty field to register the receipt, F8 prints it. A scanned copy that is out
with a unit, or a printed receipt's QR, is a return: check the copies and press Enter. Esc
clears. The unit's holdings and receipts are shown beside. app.distribution decides; this page
shows. The scan field takes no input method, so a Chinese IME never swallows a scan.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import distribution, distribution_scan, units
from app.distribution import Receipt
from app.distribution_print import chase_deadline, print_chases, print_receipt
from app.errors import InvalidInput, MijianError
from app.people import Reader
from app.progress import Progress
from app.scanning import CopyRef
from app.session import Session
from ui.account_dialogs import FormDialog
from ui.errors import attempt, attempted
from ui.printing import PdfOutputDialog, offer_pdf
from ui.table_model import ListModel, table_view
from ui.tasks import runner_for

GREEN, AMBER, RED, GREY = "#1b5e20", "#e65100", "#b00020", "#455a64"


class ChaseDialog(FormDialog):
    """Which year's copies to chase, and by when the units must return them: by default a
    month before the room's own recall deadline, so the room can still make its."""

    def __init__(self, session: Session, unit: str | None, parent: QWidget | None = None):
        super().__init__("清退催收单", parent)
        self._session = session
        now = session.clock.now()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, now.year)
        self.year_spin.setValue(now.year - 1)
        self.deadline_edit = QDateEdit()
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setDisplayFormat("yyyy-MM-dd")
        self.year_spin.valueChanged.connect(self._default_deadline)
        self._default_deadline()
        target = unit if unit is not None else "全部持有该年度文件的单位"
        self.form.addRow("催收对象", QLabel(target))
        self.form.addRow("文件年度", self.year_spin)
        self.form.addRow("退回期限", self.deadline_edit)
        self.finish_layout()

    def _default_deadline(self) -> None:
        today = self._session.clock.now().date()
        day = chase_deadline(self._session.db, self.year_spin.value(), today)
        self.deadline_edit.setDate(QDate(day.year, day.month, day.day))

    def submit(self) -> None:
        pass


class DistributionPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.signer: Reader | None = None
        self.signed_by_badge = False
        self.pending: list[CopyRef] = []
        self.pending_return: distribution.Line | None = None
        self.pending_receipt: Receipt | None = None
        self.last_receipt: Receipt | None = None
        self._receipts: list[Receipt] = []

        self.banner = QLabel()
        self.banner.setMinimumHeight(64)
        self.banner.setWordWrap(True)
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText(
            "扫描 / 输入：签收人证件、姓名、拼音首字母，收文编号/份号，或签收单二维码；空行回车＝确认"
        )
        self.scan_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.scan_edit.setStyleSheet("font-size: 20px; padding: 6px;")
        self.unit_combo = QComboBox()
        self.signer_label = QLabel("签收人：—")
        self.signer_label.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.pending_model = ListModel(("份", "标题", "密级", "页数"), self)
        self.pending_view = table_view(self.pending_model, select_rows=False)
        self.holdings_title = QLabel()
        self.holdings_model = ListModel(
            ("单位", "签收单", "份", "标题", "密级", "分发时间", "状态"), self
        )
        self.overdue_check = QCheckBox("逾期清单（全部单位）")
        self.overdue_check.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.holdings_view = table_view(self.holdings_model, select_rows=False)
        self.receipts_model = ListModel(("签收单", "签收人", "分发时间", "份数", "在外"), self)
        self.receipts_view = table_view(self.receipts_model)
        self.confirm_button = QPushButton("确认（回车）")
        self.clear_button = QPushButton("清空（Esc）")
        self.print_button = QPushButton("打印签收单（F8）")
        self.return_all_button = QPushButton("整单收回…")
        self.chase_button = QPushButton("清退催收单…")
        self._lay_out()
        self._connect()
        self.refresh()
        self._say("请选择单位或扫描签收人证件，再扫描要分发的文件；扫描在外文件即收回", GREY)

    def _lay_out(self) -> None:
        for view in (self.pending_view, self.holdings_view, self.receipts_view):
            view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        who = QHBoxLayout()
        who.addWidget(QLabel("接收单位"))
        who.addWidget(self.unit_combo, 1)
        who.addWidget(self.signer_label, 1)
        left = QVBoxLayout()
        left.addLayout(who)
        left.addWidget(QLabel("本次分发"))
        left.addWidget(self.pending_view, 1)
        buttons = QHBoxLayout()
        for button in (
            self.confirm_button,
            self.clear_button,
            self.print_button,
            self.return_all_button,
            self.chase_button,
        ):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button)
        left.addLayout(buttons)
        right = QVBoxLayout()
        title_row = QHBoxLayout()
        title_row.addWidget(self.holdings_title, 1)
        title_row.addWidget(self.overdue_check)
        right.addLayout(title_row)
        right.addWidget(self.holdings_view, 2)
        right.addWidget(QLabel("该单位的分发签收单"))
        right.addWidget(self.receipts_view, 1)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.scan_edit)
        layout.addLayout(body, 1)

    def _connect(self) -> None:
        self.scan_edit.returnPressed.connect(self._on_enter)
        self.unit_combo.currentIndexChanged.connect(self._unit_changed)
        self.confirm_button.clicked.connect(self.confirm)
        self.clear_button.clicked.connect(lambda: self.clear())
        self.print_button.clicked.connect(self.print_receipt)
        self.return_all_button.clicked.connect(self._ask_return_selected)
        self.overdue_check.toggled.connect(self.refresh)
        self.chase_button.clicked.connect(self._ask_chase)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self.print_receipt)

    # ---- scanning -----------------------------------------------------------------------
    def _on_enter(self) -> None:
        text = self.scan_edit.text()
        self.scan_edit.clear()
        if text.strip():
            self.scan(text)
        else:
            self.confirm()

    def scan(self, code: str) -> None:
        found = attempt(
            self, lambda: distribution_scan.read(self._session, code), show=self._refused
        )
        if found is None:
            return
        if found.receipt is not None:
            self._offer_receipt_return(found.receipt)
        elif found.reader is not None:
            self._take_signer(found.reader, found.reader_unit, code)
        elif found.held is not None:
            self.pending_return = found.held
            self.pending_receipt = None
            line = found.held
            self._say(
                f"收回 {line.copy.label}《{line.copy.title}》（{line.unit}，{line.receipt_label}）："
                f"核对 {line.copy.pages} 页完整无误按回车",
                AMBER,
            )
        elif found.copy is not None:
            self._add(found.copy)

    def _take_signer(self, reader: Reader, home: units.Unit | None, code: str) -> None:
        if home is not None:
            self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(home.id)))
        self.signer = reader
        self.signed_by_badge = (reader.badge_code or "") == code.strip().upper()
        how = "（已扫证件）" if self.signed_by_badge else ""
        if home is None:
            how += "（未登记所属单位）"
            self.signer_label.setText(f"签收人：{reader.name}{how}")
            self._say(
                f"签收人 {reader.name} 未登记所属单位：将按本人签字代所选单位签收并记入审计；"
                "如属某单位，请先到“单位”页将其加入。请扫描要分发的文件",
                AMBER,
            )
            return
        self.signer_label.setText(f"签收人：{reader.name}{how}")
        self._say(f"签收人 {reader.name}：请扫描要分发的文件", GREEN)

    def _add(self, copy: CopyRef) -> None:
        if self._unit_id() is None or self.signer is None:
            self._refuse("请先选择接收单位并扫描（或输入）签收人，再扫描文件。")
            return
        if any(c.copy_id == copy.copy_id for c in self.pending):
            self._refuse(f"{copy.label} 已在本次分发中。")
            return
        why = distribution.why_not(self._session.db, self.signer, copy)
        if why:
            self._refuse(f"{copy.label} {why}")
            return
        self.pending.append(copy)
        self._show_pending()
        self._say(
            f"已加入：{copy.label}《{copy.title}》，共 {len(self.pending)} 份——回车登记分发",
            GREEN,
        )

    def _offer_receipt_return(self, receipt: Receipt) -> None:
        held = distribution.holdings_on(self._session.db, receipt.id)
        if not held:
            self._refuse(f"分发签收单 {receipt.label} 的文件已全部收回。")
            return
        self.pending_receipt, self.pending_return = receipt, None
        self._say(
            f"整单收回 {receipt.label}（{receipt.unit.name}）：在外 {held} 份，逐份核对无误按回车",
            AMBER,
        )

    def confirm(self) -> None:
        attempted(self, self._confirm, self.refresh, show=self._refused)

    def _confirm(self) -> None:
        if self.pending_return is not None:
            line, self.pending_return = self.pending_return, None
            distribution.take_back(self._session, line.copy.copy_id)
            self._say(f"已收回：{line.copy.label}（{line.unit}）", GREEN)
        elif self.pending_receipt is not None:
            receipt, self.pending_receipt = self.pending_receipt, None
            back = distribution.take_back_receipt(self._session, receipt.id)
            self._say(f"已整单收回 {receipt.label}：{len(back)} 份", GREEN)
        elif self.pending:
            self._issue()
        else:
            raise InvalidInput("没有要确认的操作：先扫描签收人和文件，或扫描要收回的文件。")

    def _issue(self) -> None:
        unit_id = self._unit_id()
        assert unit_id is not None and self.signer is not None
        receipt = distribution.issue(
            self._session,
            unit_id,
            self.signer.id,
            [c.copy_id for c in self.pending],
            signed_by_badge=self.signed_by_badge,
        )
        self.last_receipt = receipt
        count = len(self.pending)
        self.clear(quiet=True)
        self._say(
            f"已登记分发 {receipt.label}：{count} 份交 {receipt.unit.name}，签收人 {receipt.signer}"
            "——按 F8 打印签收单",
            GREEN,
        )

    def clear(self, quiet: bool = False) -> None:
        self.signer = None
        self.signed_by_badge = False
        self.pending = []
        self.pending_return = None
        self.pending_receipt = None
        self.signer_label.setText("签收人：—")
        self._show_pending()
        if not quiet:
            self._say("已清空，请扫描签收人证件或文件", GREY)
        self.scan_edit.setFocus()

    # ---- receipts -----------------------------------------------------------------------
    def _selected_receipt(self) -> Receipt | None:
        rows = self.receipts_view.selectionModel().selectedRows()
        if rows:
            return self._receipts[rows[0].row()]
        return self.last_receipt

    def print_receipt(self) -> PdfOutputDialog | None:
        receipt = self._selected_receipt()
        if receipt is None:
            self._refuse("先登记分发，或在右侧选中一张签收单。")
            return None
        dialog = offer_pdf(
            self,
            f"分发签收单 {receipt.label}",
            f"分发签收单-{receipt.label}-{receipt.unit.name}.pdf",
            lambda: print_receipt(self._session, receipt.id),
        )
        self.scan_edit.setFocus()
        return dialog

    def _ask_return_selected(self) -> None:
        receipt = self._selected_receipt()
        if receipt is None:
            self._refuse("先在右侧选中一张签收单，或扫描签收单二维码。")
            return
        self._offer_receipt_return(receipt)

    def _ask_chase(self) -> None:
        unit = self.unit_combo.currentText() if self._unit_id() is not None else None
        dialog = ChaseDialog(self._session, unit, self)
        if dialog.exec():
            chosen = dialog.deadline_edit.date()
            deadline = date(chosen.year(), chosen.month(), chosen.day())
            self.print_chases(dialog.year_spin.value(), deadline)
        self.scan_edit.setFocus()

    def print_chases(self, year: int, deadline: date) -> PdfOutputDialog | None:
        """The 清退催收单 of the chosen unit, or of every unit when none is chosen."""
        unit_id = self._unit_id()
        who = self.unit_combo.currentText() if unit_id is not None else "各单位"
        return offer_pdf(
            self,
            f"清退催收单 {year}年 {who}",
            f"清退催收单-{year}-{who}.pdf",
            lambda: print_chases(self._session, year, deadline, unit_id),
        )

    # ---- showing ------------------------------------------------------------------------
    def _fill_units(self) -> None:
        """The unit list as the room has it now, keeping the unit chosen."""
        current = self._unit_id()
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        self.unit_combo.addItem("（请选择单位）", None)
        for unit in units.list_units(self._session.db, include_retired=False):
            self.unit_combo.addItem(unit.name, unit.id)
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(current)))
        self.unit_combo.blockSignals(False)

    def _unit_id(self) -> int | None:
        data = self.unit_combo.currentData()
        return None if data is None else int(data)

    def _unit_changed(self) -> None:
        self.pending = []
        self._show_pending()
        if self.signer is not None:
            home = units.unit_of(self._session.db, self.signer.id)
            if home is not None and home.id != self._unit_id():
                self.signer = None
                self.signer_label.setText("签收人：—")
        self.refresh()

    def refresh(self) -> None:
        """The page as the room is now (the window calls this each time the page is shown)."""
        self._fill_units()
        unit_id = self._unit_id()
        self._show_holdings(unit_id)
        self._show_receipts(unit_id)

    def _show_holdings(self, unit_id: int | None) -> None:
        db = self._session.db
        now = self._session.clock.now()
        if self.overdue_check.isChecked():
            # Every unit's overdue copies: seconds at a stress room's 150,000 (bench/
            # distribution.py), so listed on the task runner, the page usable meanwhile.
            self.holdings_title.setText("<b>正在列出逾期未收回的份…</b>")
            self.holdings_model.set_rows([])

            def job(session: Session, _progress: Progress) -> tuple[str, list[tuple[object, ...]]]:
                late = distribution.overdue(session.db, now)
                units_late = len({line.unit_id for line in late})
                title = f"<b>逾期未收回 {len(late)} 份</b>（{units_late} 个单位）"
                return title, [self._holding(line, now) for line in late]

            runner_for(self, self._session).run(job, self._show_overdue, self._overdue_failed)
            return
        if unit_id is None:
            title, rows = "<b>单位持有</b>（选择单位后显示）", []
        else:
            rows = distribution.holdings(db, unit_id)
            late = [line for line in rows if line.overdue(now)]
            title = f"<b>单位持有 {len(rows)} 份</b>" + (
                f"　<span style='color:{RED}'>逾期 {len(late)} 份</span>" if late else ""
            )
        self.holdings_model.set_rows([self._holding(line, now) for line in rows])
        self.holdings_title.setText(title)

    def _show_overdue(self, listed: tuple[str, list[tuple[object, ...]]]) -> None:
        if not self.overdue_check.isChecked():  # unticked while the list was made
            return
        title, rows = listed
        self.holdings_model.set_rows(rows)
        self.holdings_title.setText(title)

    def _overdue_failed(self, exc: MijianError) -> None:
        self.holdings_title.setText(exc.message)

    def _show_receipts(self, unit_id: int | None) -> None:
        db = self._session.db
        self._receipts = [] if unit_id is None else distribution.receipts(db, unit_id)
        counts = distribution.receipt_counts(db, [r.id for r in self._receipts])
        self.receipts_model.set_rows(
            [
                (
                    r.label,
                    r.signer,
                    f"{r.issued_at:%Y-%m-%d %H:%M}",
                    counts.get(r.id, (0, 0))[0],
                    counts.get(r.id, (0, 0))[1],
                )
                for r in self._receipts
            ]
        )

    @staticmethod
    def _holding(line: distribution.Line, now: datetime) -> tuple[object, ...]:
        return (
            line.unit,
            line.receipt_label,
            line.copy.label,
            line.copy.title,
            line.copy.level,
            f"{line.out_at:%Y-%m-%d}",
            line.overdue(now) or "在外",
        )

    def _show_pending(self) -> None:
        self.pending_model.set_rows([(c.label, c.title, c.level, c.pages) for c in self.pending])

    def _say(self, text: str, colour: str) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(
            f"font-size: 22px; font-weight: bold; color: white; background: {colour}; padding: 10px;"
        )
        self.scan_edit.setFocus()

    def _refuse(self, text: str) -> None:
        self._say(text, RED)
        QApplication.beep()

    def _refused(self, exc: MijianError) -> None:
        self._refuse(exc.message)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.scan_edit.setFocus()
