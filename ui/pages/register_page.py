"""收文登记: the register with its filters and search, and the entry to registering mail."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import register_query
from app.classification import LEVELS, SOURCES
from app.register_query import RegisterFilter
from app.roles import Role
from app.session import Session
from app.vocab import COPY_STATES
from ui.document_dialog import DocumentDialog
from ui.import_dialog import ChooseFile, ImportDialog, ask_ledger
from ui.register_model import RegisterModel
from ui.registration_dialog import RegistrationDialog
from ui.table_model import set_widths
from ui.tasks import Runner

STATES = COPY_STATES
ALL = "全部"


def _combo(first: str, items: list[str]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(first, None)
    for item in items:
        combo.addItem(item, item)
    return combo


class RegisterPage(QWidget):
    def __init__(
        self,
        session: Session,
        print_register: Callable[[QWidget, RegisterFilter], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._print_register = print_register
        db = session.db

        self.new_button = QPushButton("登记新收文…")
        self.new_button.setVisible(session.role is Role.CUSTODIAN)
        self.import_button = QPushButton("导入旧台账…")
        self.import_button.setVisible(session.role is Role.CUSTODIAN)
        self.print_button = QPushButton("打印登记簿…")
        self.print_button.setVisible(print_register is not None)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            "搜索 标题 / 文号 / 来文单位 / 编号（收文或 F 发文）/ 份号"
        )
        self.search_edit.setClearButtonEnabled(True)
        self.year_combo = QComboBox()
        self.year_combo.addItem("全部年份", None)
        for year in register_query.years(db):
            self.year_combo.addItem(f"{year}年", year)
        self.level_combo = _combo("全部密级", list(LEVELS))
        self.source_combo = _combo("全部类别", list(SOURCES))
        self.series_combo = _combo("收文和发文", ["收文", "发文"])  # 发文: the office's own
        self.state_combo = _combo("全部状态", list(STATES))
        self.issuer_edit = QLineEdit()
        self.issuer_edit.setPlaceholderText("来文单位")
        self.issuer_edit.setMaximumWidth(160)
        self.order_combo = QComboBox()
        self.order_combo.addItem("最新在前", True)
        self.order_combo.addItem("最早在前", False)
        self.count_label = QLabel()

        self.model = RegisterModel(db, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.model.column_of("title"), QHeaderView.ResizeMode.Stretch)
        set_widths(self.table, self.model.spec)

        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.print_button)
        filters = QHBoxLayout()
        for widget in (
            self.year_combo,
            self.level_combo,
            self.series_combo,
            self.source_combo,
            self.state_combo,
            self.issuer_edit,
            self.order_combo,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self._debounce.start)
        self.issuer_edit.textChanged.connect(self._debounce.start)
        for combo in (
            self.year_combo,
            self.level_combo,
            self.series_combo,
            self.source_combo,
            self.state_combo,
            self.order_combo,
        ):
            combo.currentIndexChanged.connect(self.refresh)
        # `activated` alone: it fires on a double click (or a single click where the platform
        # activates so) and on Enter. Connecting `doubleClicked` as well opened two dialogs.
        self.table.activated.connect(self._open)
        self.new_button.clicked.connect(self._register)
        self.print_button.clicked.connect(self._print)
        self.import_button.clicked.connect(self.open_import)
        self.refresh()

    def current_filter(self) -> RegisterFilter:
        return RegisterFilter(
            year=self.year_combo.currentData(),
            level=self.level_combo.currentData(),
            source=self.source_combo.currentData(),
            series=self.series_combo.currentData(),
            state=self.state_combo.currentData(),
            issuer=self.issuer_edit.text().strip() or None,
            search=self.search_edit.text().strip(),
        )

    def refresh(self) -> None:
        f = self.current_filter()
        self.model.set_query(f, newest_first=bool(self.order_combo.currentData()))
        self.count_label.setText(f"共 {self.model.total()} 件")

    def open_row(self, row: int) -> DocumentDialog:
        dialog = DocumentDialog(self._session, self.model.row_at(row).id, self)
        dialog.finished.connect(lambda _: self.refresh())
        dialog.open()
        return dialog

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_row(index.row())

    def open_registration(self) -> RegistrationDialog:
        dialog = RegistrationDialog(self._session, lambda _: self.refresh(), self)
        dialog.open()
        return dialog

    def _register(self) -> None:
        self.open_registration()

    def open_import(
        self, choose: ChooseFile = ask_ledger, runner: Runner | None = None
    ) -> ImportDialog:
        dialog = ImportDialog(self._session, choose, self, runner)
        dialog.finished.connect(lambda _: self.refresh())
        dialog.open()
        return dialog

    def _print(self) -> None:
        if self._print_register is not None:
            self._print_register(self, self.current_filter())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_F2 and self.new_button.isVisible():
            self.open_registration()
            return
        super().keyPressEvent(event)
