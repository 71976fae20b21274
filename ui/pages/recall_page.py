"""清退销毁: the year's recall (progress per issuer and 密级, the list, returns, retentions) on one
tab and the destruction batches on the other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import accounts, recall
from app.errors import MijianError
from app.recall import RecallRow
from app.reports.catalog import recall_list
from app.roles import Role
from app.session import Session
from ui.account_dialogs import FormDialog
from ui.errors import attempted, show_error
from ui.pages.batches_page import BatchesPage
from ui.pages.filing_page import FilingPage
from ui.printing import LongPdf, offer_long_pdf
from ui.recall_dialogs import CloseCampaignDialog, RetainDialog, ReturnDialog
from ui.table_model import RowsModel, table_view

FILTERS = ("全部", "待处理", "有阻碍", "已清退", "已销毁", "留用", "待销毁")
_RED = QBrush(QColor("#b00020"))
_GREY = QBrush(QColor("#666666"))


class RecallModel(RowsModel):
    columns = recall.COLUMNS

    def display(self, r: RecallRow, column: int) -> Any:
        return r.values()[column]

    def decorate(self, r: RecallRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.blocker:
                return _RED
            if r.settled:
                return _GREY
        return None


class CampaignPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.custodian = session.role is Role.CUSTODIAN
        now = session.clock.now()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, now.year)
        self.year_spin.setValue(now.year - 1 if now.month <= 6 else now.year)
        self.year_spin.setSuffix(" 年度")
        self.open_button = QPushButton("开始本年度清退")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.overall_bar = QProgressBar()
        self.bars = QGridLayout()
        self.filter_combo = QComboBox()
        self.filter_combo.addItems(list(FILTERS))
        self.issuer_combo = QComboBox()
        self.model = RecallModel(self)
        self.table = table_view(self.model)
        self.table.setSelectionMode(self.table.SelectionMode.ExtendedSelection)
        self.return_button = QPushButton("登记清退…")
        self.retain_button = QPushButton("留用…")
        self.batch_button = QPushButton("列入销毁批次")
        self.print_button = QPushButton("打印清退清单…")
        self.close_button = QPushButton("结束本年度清退…")
        self.add_to_batch: Callable[[list[int]], object] | None = None  # set by RecallPage

        top = QHBoxLayout()
        top.addWidget(QLabel("清退年度"))
        top.addWidget(self.year_spin)
        top.addWidget(self.open_button)
        top.addWidget(self.status_label, 1)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("显示"))
        filters.addWidget(self.filter_combo)
        filters.addWidget(QLabel("来文单位"))
        filters.addWidget(self.issuer_combo)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.return_button, self.retain_button, self.batch_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.overall_bar)
        layout.addLayout(self.bars)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        for b in (self.open_button, self.return_button, self.batch_button):
            b.setVisible(self.custodian)
        self.year_spin.valueChanged.connect(self.refresh)
        self.filter_combo.currentIndexChanged.connect(self._show)
        self.issuer_combo.currentIndexChanged.connect(self._show)
        self.open_button.clicked.connect(self.open_campaign)
        self.return_button.clicked.connect(self.return_selected)
        self.retain_button.clicked.connect(self.retain_selected)
        self.batch_button.clicked.connect(self._to_batch)
        self.print_button.clicked.connect(self.print_lists)
        self.close_button.clicked.connect(self.close_campaign)
        self._rows: list[RecallRow] = []
        self.refresh()

    @property
    def year(self) -> int:
        return self.year_spin.value()

    def refresh(self) -> None:
        db = self._session.db
        campaign = recall.campaign(db, self.year)
        self._rows = recall.rows(db, self.year)
        p = recall.progress(self._rows)
        if campaign is None:
            self.status_label.setText(
                f"{self.year} 年度清退尚未开始（截止日默认 {recall.default_deadline(db, self.year)}）。"
            )
        elif campaign.closed:
            approver = accounts.find(db, campaign.approved_by or "")
            name = approver.display_name if approver else campaign.approved_by
            self.status_label.setText(
                f"已于 {campaign.closed_at[:10]} 结束，{name}批准；记录不再更改。"  # type: ignore[index]
            )
        else:
            days = (campaign.deadline - self._session.clock.now().date()).days
            left = f"还有 {days} 天" if days >= 0 else f"已超期 {-days} 天"
            self.status_label.setText(
                f"截止 {campaign.deadline}（{left}）。阻碍 {p.blockers} 份："
                "借出未还、分发未收回的须先收回，遗失待查的须先查明，批示未办结的须先办结。"
            )
        self.open_button.setEnabled(campaign is None)
        live = campaign is not None and not campaign.closed
        for b in (self.return_button, self.retain_button, self.batch_button, self.close_button):
            b.setEnabled(live)
        self._set_bar(self.overall_bar, "全部", p.overall)
        self._fill_bars(p)
        current = self.issuer_combo.currentText()
        self.issuer_combo.blockSignals(True)
        self.issuer_combo.clear()
        self.issuer_combo.addItems(["全部", *sorted(p.by_issuer)])
        self.issuer_combo.setCurrentIndex(max(0, self.issuer_combo.findText(current)))
        self.issuer_combo.blockSignals(False)
        self._show()

    def _fill_bars(self, p: recall.CampaignProgress) -> None:
        while self.bars.count():
            item = self.bars.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.hide()  # deleteLater waits for the event loop; hide it from this paint on
                old.setParent(None)
                old.deleteLater()

        entries: list[tuple[str, recall.Tally]] = [
            (lv, p.by_level[lv]) for lv in recall.LEVELS if lv in p.by_level
        ]
        entries += sorted(p.by_issuer.items())
        for i, (name, tally) in enumerate(entries):
            bar = QProgressBar()
            self._set_bar(bar, name, tally)
            self.bars.addWidget(bar, i // 3, i % 3)
            bar.show()

    @staticmethod
    def _set_bar(bar: QProgressBar, name: str, tally: recall.Tally) -> None:
        bar.setMaximum(max(tally.total, 1))
        bar.setValue(tally.settled)
        bar.setFormat(f"{name}　{tally.settled}/{tally.total} 份（%p%）")

    def _show(self) -> None:
        wanted, issuer = self.filter_combo.currentText(), self.issuer_combo.currentText()
        rows = [
            r
            for r in self._rows
            if (issuer in ("", "全部") or r.issuer == issuer)
            and (
                wanted == "全部"
                or (wanted == "有阻碍" and r.blocker)
                or (wanted == "待处理" and r.outcome == "待处理" and not r.blocker)
                or r.outcome == wanted
            )
        ]
        self.model.set_rows(rows)

    def selected_ids(self) -> list[int]:
        picked = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.row_at(i).copy_id for i in sorted(picked)]

    def _with_selection(self, make: Any) -> FormDialog | None:
        ids = self.selected_ids()
        if not ids:
            show_error(self, MijianError("请先在列表中选择文件（可按住 Ctrl 或 Shift 多选）。"))
            return None
        dialog: FormDialog = make(ids)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def open_campaign(self) -> None:
        attempted(self, lambda: recall.open_campaign(self._session, self.year))
        self.refresh()  # whether or not it opened: the page shows the room as it is

    def return_selected(self) -> FormDialog | None:
        return self._with_selection(lambda ids: ReturnDialog(self._session, self.year, ids, self))

    def retain_selected(self) -> FormDialog | None:
        return self._with_selection(lambda ids: RetainDialog(self._session, self.year, ids, self))

    def close_campaign(self) -> FormDialog:
        dialog = CloseCampaignDialog(self._session, self.year, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def _to_batch(self) -> None:
        # The batches tab says `changed` once the copies are in, and this page refreshes then.
        if self.add_to_batch is not None:
            self.add_to_batch(self.selected_ids())

    def print_lists(self) -> LongPdf:
        """清退清单, laid out on the task runner."""
        issuer = self.issuer_combo.currentText()
        chosen = None if issuer in ("", "全部") else issuer
        name = f"清退清单-{self.year}-{chosen or '全部'}.pdf"
        year = self.year
        return offer_long_pdf(
            self,
            self._session,
            "清退清单",
            name,
            lambda session, progress: recall_list(session, year, chosen, progress),
        )


class RecallPage(QTabWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.campaign = CampaignPage(session)
        self.batches = BatchesPage(session)
        self.addTab(self.campaign, "年度清退")
        self.addTab(self.batches, "销毁批次")
        self.filing = FilingPage(session)
        self.addTab(self.filing, "归档")
        self.campaign.add_to_batch = self._add_to_batch
        self.batches.changed.connect(self.campaign.refresh)
        self.currentChanged.connect(lambda _: self._refresh_current())

    def _refresh_current(self) -> None:
        page = self.currentWidget()
        if hasattr(page, "refresh"):
            page.refresh()

    def _add_to_batch(self, ids: list[int]) -> None:
        if self.batches.add_copies(ids):
            self.setCurrentWidget(self.batches)
