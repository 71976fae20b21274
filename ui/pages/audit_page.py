"""审计: the auditor reads, filters, searches and verifies the trail, opens one event in full and
prints a 审计报告 for a period; nothing here changes anything.

The administrators' actions are shown in full, business events reduced (app/audit_view.py);
the filters and the search box match only what the role may read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import audit, audit_view
from app.audit_view import AuditFilter
from app.audit_words import KIND_GROUPS, OBJECT_KINDS, OTHER_GROUP, WHOLE_OBJECTS
from app.errors import MijianError
from app.progress import Cancelled, Progress
from app.reports.audit_pdf import audit_report
from app.roles import Role
from app.session import Database, Session
from ui.audit_detail import AuditDetailDialog
from ui.audit_model import AuditModel
from ui.out_model import size_columns
from ui.printing import LongPdf, offer_long_pdf
from ui.seal_panel import SealPanel
from ui.tasks import run_with_progress, runner_for

SEARCH_DELAY_MS = 300  # the search waits until typing pauses, then reads the trail once
NO_DATE = QDate(2000, 1, 1)  # the date edits' 不限


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("不限")
    edit.setDate(NO_DATE)
    return edit


def _combo(first: str, items: Sequence[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(first, None)
    for text, data in items:
        combo.addItem(text, data)
    return combo


class AuditPage(QWidget):
    def __init__(
        self,
        db: Database,
        role: Role = Role.AUDITOR,
        parent: QWidget | None = None,
        session: Session | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._session = session
        self._build(db, role)
        self._connect()
        self.model.reload()
        self._show_count()

    # ---- layout ---------------------------------------------------------------------------
    def _build(self, db: Database, role: Role) -> None:
        self.verify_button = QPushButton("校验审计链")
        self.result_label = QLabel("尚未校验。")
        self.result_label.setWordWrap(True)
        note = QLabel(
            "管理员的操作完整显示；业务事件只显示类别、时间、账户和对象编号。双击一行看全部内容。"
        )
        note.setStyleSheet("color: #555;")
        note.setWordWrap(True)

        people = sorted(
            audit_view.actors(db).values(), key=lambda a: (a.login == audit.SYSTEM, a.login)
        )
        self.account_combo = _combo("全部账户", [(f"{a.label} {a.login}", a.login) for a in people])
        self.role_combo = _combo("全部角色", [(r.label, r.value) for r in Role])
        self.group_combo = _combo("全部类别", [(g, g) for g in (*KIND_GROUPS, OTHER_GROUP)])
        self.action_combo = _combo("全部事项", [])
        self._fill_actions()
        self.since_edit = _date_edit()
        self.until_edit = _date_edit()
        objects = [(label, key) for key, label in {**OBJECT_KINDS, **WHOLE_OBJECTS}.items()]
        self.object_combo = _combo("全部对象", objects)
        self.object_edit = QLineEdit()
        self.object_edit.setPlaceholderText("对象编号，如 2026-0118 或 000004")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("搜索：姓名、登录名、事项、对象或管理员操作的内容")
        self.search_edit.setClearButtonEnabled(True)
        self.clear_button = QPushButton("清除筛选")
        self.count_label = QLabel()
        self.more_button = QPushButton("继续向前查找")
        self.detail_button = QPushButton("查看详情…")
        self.report_button = QPushButton("打印审计报告…")
        self.report_button.setToolTip("按当前筛选条件和期间输出审计报告（预览、打印或保存为 PDF）")
        self.report_button.setVisible(
            self._session is not None and self._session.role is Role.AUDITOR
        )
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)

        self.model = AuditModel(db, role, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        # Widths measured from the fonts (a fixed 150 px cut the time to "2026-12-02 05:0…").
        size_columns(
            self.table,
            (
                "0000000",
                "2026-12-02 17:30:59",
                "李晓梅（安全保密管理员）",
                "打印分发签收单",
                "分发签收单 分2026-0001",
                None,
            ),
        )

        top = QHBoxLayout()
        top.addWidget(self.verify_button)
        top.addWidget(self.result_label, 1)
        filters = QGridLayout()
        filters.addWidget(self.account_combo, 0, 0)
        filters.addWidget(self.role_combo, 0, 1)
        filters.addWidget(self.group_combo, 0, 2)
        filters.addWidget(self.action_combo, 0, 3)
        dates = QHBoxLayout()
        dates.addWidget(QLabel("日期"))
        dates.addWidget(self.since_edit)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.until_edit)
        filters.addLayout(dates, 0, 4)
        filters.addWidget(self.object_combo, 1, 0)
        filters.addWidget(self.object_edit, 1, 1)
        filters.addWidget(self.search_edit, 1, 2, 1, 2)
        filters.addWidget(self.clear_button, 1, 4)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.more_button)
        bottom.addWidget(self.detail_button)
        bottom.addWidget(self.report_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.seal_panel = SealPanel(self._session) if self._session is not None else None
        if self.seal_panel is not None:
            layout.addWidget(self.seal_panel)
        layout.addWidget(note)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.verify_button.clicked.connect(self._verify)
        for combo in (self.account_combo, self.role_combo, self.action_combo, self.object_combo):
            combo.currentIndexChanged.connect(self._apply)
        self.group_combo.currentIndexChanged.connect(self._group_changed)
        self.since_edit.dateChanged.connect(self._apply)
        self.until_edit.dateChanged.connect(self._apply)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.object_edit.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self._apply)
        self.clear_button.clicked.connect(self.clear_filters)
        self.more_button.clicked.connect(self._more)
        self.detail_button.clicked.connect(self.show_detail)
        self.table.doubleClicked.connect(lambda index: self.show_detail(index.row()))
        self.table.activated.connect(lambda index: self.show_detail(index.row()))
        self.report_button.clicked.connect(self.print_report)

    # ---- behaviour ------------------------------------------------------------------------
    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            account=self.account_combo.currentData() or "",
            role=Role(self.role_combo.currentData()) if self.role_combo.currentData() else None,
            group=self.group_combo.currentData() or "",
            action=self.action_combo.currentData() or "",
            since=_day(self.since_edit),
            until=_day(self.until_edit),
            object_kind=self.object_combo.currentData() or "",
            object_text=self.object_edit.text(),
            text=self.search_edit.text(),
        )

    def _apply(self) -> None:
        self._search_timer.stop()
        wanted = self.current_filter()
        if wanted != self.model.filter:
            self.model.set_filter(wanted)
        self._show_count()

    def _group_changed(self) -> None:
        self._fill_actions()
        self._apply()

    def _fill_actions(self) -> None:
        group = self.group_combo.currentData()
        actions = (
            KIND_GROUPS.get(group, ()) if group else [a for g in KIND_GROUPS.values() for a in g]
        )
        self.action_combo.blockSignals(True)
        self.action_combo.clear()
        self.action_combo.addItem("全部事项", None)
        for action in actions:
            self.action_combo.addItem(action, action)
        self.action_combo.blockSignals(False)

    def clear_filters(self) -> None:
        for combo in (self.account_combo, self.role_combo, self.group_combo, self.object_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._fill_actions()
        for edit in (self.since_edit, self.until_edit):
            edit.blockSignals(True)
            edit.setDate(NO_DATE)
            edit.blockSignals(False)
        for line in (self.object_edit, self.search_edit):
            line.blockSignals(True)
            line.clear()
            line.blockSignals(False)
        self._apply()

    def _more(self) -> None:
        self.model.more()
        self._show_count()

    def _show_count(self) -> None:
        shown = self.model.rowCount()
        if self.model.exhausted:
            self.count_label.setText(
                f"共 {shown} 条符合条件。" if shown else "没有符合条件的记录。"
            )
        else:
            self.count_label.setText(
                f"已显示 {shown} 条（查至第 {self.model.cursor} 条）；更早的记录请滚动或“继续向前查找”。"
            )
        self.more_button.setVisible(not self.model.exhausted)

    def show_detail(self, row: int | None = None) -> AuditDetailDialog | None:
        if row is None or isinstance(row, bool):
            selected = self.table.selectionModel().selectedRows()
            row = selected[0].row() if selected else (0 if self.model.rowCount() else None)
        if row is None or not 0 <= row < self.model.rowCount():
            return None
        dialog = AuditDetailDialog(self.model.row_at(row), self)
        dialog.open()
        return dialog

    def print_report(self) -> LongPdf | None:
        session = self._session
        if session is None:
            return None
        wanted = self.current_filter()
        name = f"审计报告-{wanted.period().replace(' ', '')}.pdf"
        return offer_long_pdf(
            self, session, "审计报告", name, lambda s, progress: audit_report(s, wanted, progress)
        )

    def _verify(self) -> None:
        """The chain is read whole (17 s on the stress room): on the window's task runner. A
        page without a session (a bare trail viewer) verifies in place."""
        if self._session is None:
            self._verified(audit.verify(self._db))
            return
        self.verify_button.setEnabled(False)
        self.result_label.setText("正在校验审计链…")

        def done(report: audit.ChainReport) -> None:
            self.verify_button.setEnabled(True)
            self._verified(report)

        def job(session: Session, progress: Progress) -> audit.ChainReport:
            total = audit.count(session.db)
            return audit.verify(session.db, lambda done: progress(done, total))  # 取消 stops it

        def failed(exc: MijianError) -> None:
            self.verify_button.setEnabled(True)
            self.result_label.setText("已取消校验。" if isinstance(exc, Cancelled) else exc.message)

        run_with_progress(
            self,
            runner_for(self, self._session),
            "校验审计链",
            "正在校验审计链…",
            job,
            done,
            failed,
        )

    def _verified(self, report: audit.ChainReport) -> None:
        color = "#1b5e20" if report.ok else "#b00020"
        self.result_label.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.result_label.setText(report.message)
        self.model.reload()
        self._show_count()

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0, QModelIndex()))


def _day(edit: QDateEdit) -> date | None:
    chosen = edit.date()
    return None if chosen == NO_DATE else date(chosen.year(), chosen.month(), chosen.day())
