"""保管 (custodian): the room's 保密柜 with their copies, placing a copy by scan, and the
stocktake (清查) by scan with its 清查登记表. The decisions are app.cabinets and app.stocktake;
this page renders them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import accounts, cabinets, stocktake, stocktake_records
from app.cabinets import CabinetRow
from app.custodian_handover import current as current_handover
from app.errors import InvalidInput, MijianError
from app.roles import BUSINESS_ROLES
from app.session import Session
from app.stocktake import Stocktake
from app.stocktake_due import due
from app.stocktake_records import FindingRow
from app.stocktake_resolve import Resolution, resolve
from ui.account_dialogs import FormDialog
from ui.carrier_dialog import CarrierDialog
from ui.copy_dialog import CopyDialog
from ui.custodian_handover_dialog import SignHandoverDialog, StartHandoverDialog
from ui.errors import attempt, attempted
from ui.holds_box import HoldsBox
from ui.printing import LongPdf, offer_long_pdf
from ui.table_model import Column, ColumnsModel, PagedModel
from ui.tasks import Call, on_own_connection

OK_STYLE = "font-size: 16px; color: #1b5e20;"
BAD_STYLE = "font-size: 16px; color: #b00020; font-weight: bold;"


class CabinetsModel(ColumnsModel):
    spec = (
        Column("name", "保密柜"),
        Column("location", "存放位置"),
        Column("keeper", "保管人"),
        Column("copies", "在柜份数"),
        Column("last_check", "上次清查"),
        Column("next_check", "下次清查"),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.checks: dict[int, tuple[str, str]] = {}  # cabinet id: (last check, next check)

    def cells(self, r: CabinetRow) -> dict[str, Any]:
        c = r.cabinet
        last, next_check = self.checks.get(c.id, ("未清查", ""))
        return {
            "name": c.name,
            "location": c.location,
            "keeper": c.keeper,
            "copies": r.copies,
            "last_check": last,
            "next_check": next_check,
        }


class FindingsModel(PagedModel, ColumnsModel):
    """The last stocktake's discrepancies, a page at a time as the view scrolls."""

    page_size = 200
    spec = (
        Column("finding", "差异"),
        Column("item", "登记编号/份号"),
        Column("level", "密级"),
        Column("detail", "说明"),
        Column("resolution", "处理"),
    )

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.stocktake_id: int | None = None

    def show(self, stocktake_id: int) -> None:
        self.stocktake_id = stocktake_id
        self.reload()

    def fetch_page(self, last: FindingRow | None) -> list[FindingRow]:
        if self.stocktake_id is None:
            return []
        return stocktake_records.findings_page(
            self._session, self.stocktake_id, last, self.page_size
        )

    def cells(self, r: FindingRow) -> dict[str, Any]:
        return {
            "finding": r.finding.value,
            "item": r.item or "—",
            "level": r.level,
            "detail": r.detail,
            "resolution": r.resolution or f"待处理（{r.finding.what_to_do}）",
        }


class CabinetDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("新增保密柜", parent)
        self._session = session
        self.name_edit = QLineEdit()
        self.location_edit = QLineEdit()
        self.keeper_edit = QLineEdit(session.account.display_name)
        self.form.addRow("名称", self.name_edit)
        self.form.addRow("存放位置", self.location_edit)
        self.form.addRow("保管人", self.keeper_edit)
        self.finish_layout()

    def submit(self) -> None:
        cabinets.add_cabinet(
            self._session,
            self.name_edit.text(),
            self.location_edit.text(),
            self.keeper_edit.text(),
        )


def _scan_field(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    # A keyboard-wedge scanner types keys: an input method would swallow them.
    edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    edit.setStyleSheet("font-size: 18px; padding: 4px;")
    return edit


class CustodyPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.current: Stocktake | None = None
        self._finish_call: Call | None = None
        self.last_finished: int | None = None
        # Asked before 完成清查 while expected copies are unscanned (a test answers it).
        self.confirm_unscanned: Callable[[str], bool] = self._ask_unscanned
        self._expected_of: tuple[int, int] | None = None  # (stocktake id, copies expected)
        self._build()
        self._connect()
        self.refresh()

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.model = CabinetsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("新增保密柜…")
        self.registered_button = QPushButton("按登记入柜")
        self.registered_button.setToolTip("尚无柜位的文件，放入收文登记时填写的同名保密柜")
        self.copy_button = QPushButton("复制审批…")
        self.carrier_button = QPushButton("登记载体…")
        self.handover_button = QPushButton("机要员交接…")
        self.copy_dialog: CopyDialog | None = None
        self.place_edit = _scan_field("扫描处理笺或标签：放入表中选中的保密柜（或从他柜移来）")
        self.place_label = QLabel("选中一个保密柜，再扫描文件。")
        cabinet_box = QGroupBox("保密柜")
        box = QVBoxLayout(cabinet_box)
        top = QHBoxLayout()
        top.addWidget(self.place_edit, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.registered_button)
        top.addWidget(self.copy_button)
        top.addWidget(self.carrier_button)
        top.addWidget(self.handover_button)
        box.addWidget(self.table, 1)
        box.addLayout(top)
        box.addWidget(self.place_label)

        self.scope_combo = QComboBox()
        self.second_combo = QComboBox()
        self.start_button = QPushButton("开始清查")
        self.stocktake_edit = _scan_field("清查扫描：逐件扫描柜中实物")
        self.state_label = QLabel()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("第二清查人的密码")
        self.finish_button = QPushButton("完成清查")
        self.sheet_button = QPushButton("清查登记表…")
        check_box = QGroupBox("清查（两人）")
        check = QVBoxLayout(check_box)
        row = QHBoxLayout()
        row.addWidget(QLabel("范围"))
        row.addWidget(self.scope_combo, 1)
        row.addWidget(QLabel("第二清查人"))
        row.addWidget(self.second_combo, 1)
        row.addWidget(self.start_button)
        check.addLayout(row)
        check.addWidget(self.state_label)
        check.addWidget(self.stocktake_edit)
        check.addWidget(self.result_label)
        end = QHBoxLayout()
        end.addWidget(self.password_edit, 1)
        end.addWidget(self.finish_button)
        end.addWidget(self.sheet_button)
        check.addLayout(end)
        self.findings_model = FindingsModel(self._session, self)
        self.findings_view = QTableView()
        self.findings_view.setModel(self.findings_model)
        self.findings_view.verticalHeader().setVisible(False)
        self.findings_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.findings_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.findings_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.resolution_combo = QComboBox()
        for kind in Resolution:
            self.resolution_combo.addItem(kind.value, kind)
        self.resolution_edit = QLineEdit()
        self.resolution_edit.setPlaceholderText("处理情况，如：柜内复查未找到，报保密员")
        self.resolve_button = QPushButton("处理所选差异")
        check.addWidget(self.findings_view, 1)
        settle = QHBoxLayout()
        settle.addWidget(self.resolution_combo)
        settle.addWidget(self.resolution_edit, 1)
        settle.addWidget(self.resolve_button)
        check.addLayout(settle)

        self.holds_box = HoldsBox(self._session)
        layout = QVBoxLayout(self)
        layout.addWidget(cabinet_box, 1)
        layout.addWidget(check_box, 1)
        layout.addWidget(self.holds_box)

    def _connect(self) -> None:
        self.add_button.clicked.connect(self._add)
        self.registered_button.clicked.connect(self._place_registered)
        self.copy_button.clicked.connect(self.copy_approval)
        self.carrier_button.clicked.connect(self.record_carrier)
        self.handover_button.clicked.connect(self.custodian_handover)
        self.resolve_button.clicked.connect(self._resolve)
        self.place_edit.returnPressed.connect(self._place)
        self.start_button.clicked.connect(self._start)
        self.stocktake_edit.returnPressed.connect(self._scan)
        self.password_edit.returnPressed.connect(self._finish)
        self.finish_button.clicked.connect(self._finish)
        self.sheet_button.clicked.connect(self.print_sheet)

    # ---- state --------------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self._session
        db = session.db
        rows = cabinets.listing(session)
        today = session.clock.now().date()
        self.model.checks = {
            d.cabinet.id: (f"{d.last:%Y-%m-%d}" if d.last else "未清查", d.label(today))
            for d in due(session)
        }
        self.model.set_rows(rows)
        self.scope_combo.clear()
        self.scope_combo.addItem("全室", None)
        for r in rows:
            self.scope_combo.addItem(r.cabinet.name, r.cabinet.id)
        self.second_combo.clear()
        for account in accounts.list_accounts(db):
            if (
                account.active
                and account.role in BUSINESS_ROLES
                and account.login != session.account.login
            ):
                self.second_combo.addItem(
                    f"{account.display_name}（{account.login}）", account.login
                )
        self.current = stocktake.open_stocktake(db)
        self.holds_box.refresh()
        self._show_state()

    def _show_state(self) -> None:
        taken = self.current
        running = taken is not None
        during: tuple[QWidget, ...] = (self.stocktake_edit, self.password_edit, self.finish_button)
        before: tuple[QWidget, ...] = (self.scope_combo, self.second_combo, self.start_button)
        for widget in during:
            widget.setEnabled(running)
        for widget in before:
            widget.setEnabled(not running)
        self.sheet_button.setEnabled(self.last_finished is not None)
        self.resolve_button.setEnabled(self.last_finished is not None)
        if self.last_finished is not None:
            self.findings_model.show(self.last_finished)
        if taken is None:
            self.state_label.setText("没有进行中的清查。")
            return
        name = stocktake.person_name(self._session.db, taken.second_person)
        self.state_label.setText(
            f"正在清查：{taken.scope}（{taken.started_at:%m-%d %H:%M} 开始，第二清查人 {name}）"
        )

    def _selected_cabinet(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            raise InvalidInput("请先在表中选中一个保密柜。")
        row: CabinetRow = self.model.row_at(rows[0].row())
        return row.cabinet.id

    # ---- actions ------------------------------------------------------------------------------
    @staticmethod
    def _bad(label: QLabel, exc: MijianError) -> None:
        """A refusal said in place, in red (a scanning line: no box to swallow the next scan)."""
        label.setStyleSheet(BAD_STYLE)
        label.setText(exc.message)

    def _add(self) -> None:
        if CabinetDialog(self._session, self).exec():
            self.refresh()

    def _place(self) -> None:
        code = self.place_edit.text()
        self.place_edit.clear()
        placed = attempt(
            self,
            lambda: cabinets.place_by_scan(self._session, self._selected_cabinet(), code),
            show=lambda exc: self._bad(self.place_label, exc),
        )
        if placed is None:
            return
        self.place_label.setStyleSheet(OK_STYLE)
        self.place_label.setText(placed.message)
        selected = self.table.selectionModel().selectedRows()[0].row()
        self.refresh()
        self.table.selectRow(selected)

    def _place_registered(self) -> None:
        placed = attempt(self, lambda: cabinets.place_as_registered(self._session))
        if placed is None:
            return
        self.place_label.setStyleSheet(OK_STYLE)
        self.place_label.setText(
            f"已按收文登记的保密柜放入 {placed} 份。" if placed else "没有可按登记入柜的文件。"
        )
        self.refresh()

    def _resolve(self) -> None:
        rows = self.findings_view.selectionModel().selectedRows()

        def run() -> None:
            if not rows:
                raise InvalidInput("请先在差异表中选中一项。")
            finding: FindingRow = self.findings_model.row_at(rows[0].row())
            resolve(
                self._session,
                finding.id,
                self.resolution_combo.currentData(),
                self.resolution_edit.text(),
            )

        if not attempted(self, run):
            return
        self.resolution_edit.clear()
        selected = rows[0].row()
        self.refresh()
        self.findings_view.selectRow(selected)

    def _start(self) -> None:
        scope, second = self.scope_combo.currentData(), self.second_combo.currentData() or ""
        started = attempt(self, lambda: stocktake.start(self._session, scope, second))
        if started is None:
            return
        self.current = started
        self.result_label.setStyleSheet("")
        self.result_label.setText("请逐件扫描。")
        self._show_state()
        self.stocktake_edit.setFocus()

    def _scan(self) -> None:
        code = self.stocktake_edit.text()
        self.stocktake_edit.clear()
        if self.current is None or not code.strip():
            return
        taken = self.current.id
        said = attempt(
            self,
            lambda: stocktake.scan(self._session, taken, code),
            show=lambda exc: self._bad(self.result_label, exc),
        )
        if said is None:
            return
        self.result_label.setStyleSheet(OK_STYLE if said.ok else BAD_STYLE)
        self.result_label.setText(
            f"第 {said.scans} 次扫描（应在柜 {self._expected(taken)} 份）　{said.message}"
        )

    def _expected(self, stocktake_id: int) -> int:
        """How many copies the stocktake expects, counted once per stocktake: a count over the
        whole room on every scan would slow the burst of scans the stocktake is."""
        if self._expected_of is None or self._expected_of[0] != stocktake_id:
            expected, _ = stocktake.unscanned(self._session, stocktake_id)
            self._expected_of = (stocktake_id, expected)
        return self._expected_of[1]

    @property
    def finishing(self) -> bool:
        """The second person's password is being checked (on a thread of its own)."""
        return self._finish_call is not None and not self._finish_call.finished

    def _finish(self) -> None:
        """The second person's password (Argon2, ≈0.23 s) is checked and the findings written
        on a connection of their own off the GUI thread (ui.tasks.on_own_connection)."""
        if self.current is None or self.finishing:
            return
        taken = self.current.id
        counted = attempt(self, lambda: stocktake.unscanned(self._session, taken))
        if counted is None:
            return
        expected, missing = counted
        if missing and not self.confirm_unscanned(
            f"应在柜 {expected} 份中尚有 {missing} 份未扫描，完成后将逐份记为“缺失”。"
            "\n确定现在完成清查吗？（未扫完请选“否”，继续扫描）"
        ):
            return
        password = self.password_edit.text()
        self.password_edit.clear()
        self._finishing(True)
        self._finish_call = on_own_connection(
            self._session,
            lambda session: stocktake.finish(session, taken, password),
            self._finished,
            self._not_finished,
            on_bug=lambda: self._finishing(False),
            parent=self,
        )

    def _ask_unscanned(self, text: str) -> bool:
        answer = QMessageBox.question(self, "完成清查", text)
        return answer == QMessageBox.StandardButton.Yes

    def _finishing(self, busy: bool) -> None:
        self.password_edit.setEnabled(not busy)
        self.finish_button.setEnabled(not busy)
        if busy:
            self.result_label.setStyleSheet("")
            self.result_label.setText("正在核验第二清查人的密码…")

    def _not_finished(self, exc: MijianError) -> None:
        self._finishing(False)
        self._bad(self.result_label, exc)

    def _finished(self, done: stocktake.Summary) -> None:
        self._finishing(False)
        self.last_finished = done.stocktake.id
        counts = "；".join(f"{f.label} {n}" for f, n in done.counts.items() if n) or "账物相符"
        self.result_label.setStyleSheet(OK_STYLE if not done.discrepancies else BAD_STYLE)
        self.result_label.setText(
            f"清查完成：应在柜 {done.stocktake.expected} 份，相符 {done.stocktake.matched} 份；"
            f"差异 {done.discrepancies} 项（{counts}）。请打印清查登记表，两人签字。"
        )
        self.refresh()

    def copy_approval(self) -> CopyDialog:
        self.copy_dialog = CopyDialog(self._session, self)
        self.copy_dialog.accepted.connect(self.refresh)
        self.copy_dialog.open()
        return self.copy_dialog

    def record_carrier(self) -> CarrierDialog:
        dialog = CarrierDialog(self._session, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def custodian_handover(self) -> StartHandoverDialog | SignHandoverDialog:
        """Start the handover stocktake, or (once started) the two signatures."""
        handover = current_handover(self._session.db)
        dialog: StartHandoverDialog | SignHandoverDialog
        if handover is None:
            dialog = StartHandoverDialog(self._session, self)
        else:
            dialog = SignHandoverDialog(self._session, handover, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def print_sheet(self) -> LongPdf | None:
        if self.last_finished is None:
            return None
        stocktake_id = self.last_finished
        # On the task runner: a whole-room stocktake's sheet lists every discrepancy.
        return offer_long_pdf(
            self,
            self._session,
            "清查登记表",
            f"清查登记表-{stocktake_id}.pdf",
            lambda session, progress: stocktake_records.register_sheet(
                session, stocktake_id, progress
            ),
        )
