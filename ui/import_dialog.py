"""导入旧台账: pick a file, check the column mapping and every row, then import the valid rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ledger_import import (
    FIELD_LABELS,
    FIELDS,
    RowResult,
    check_rows,
    import_rows,
    map_columns,
    read_table,
)
from app.session import Session
from db.errors import MijianError
from ui.table_model import ListModel

ChooseFile = Callable[[QWidget], Path | None]


def ask_ledger(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "选择旧台账", "", "台账 (*.xlsx *.csv)")
    return Path(name) if name else None


class ImportDialog(QDialog):
    def __init__(
        self, session: Session, choose: ChooseFile = ask_ledger, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._session = session
        self._choose = choose
        self._rows: list[list[str]] = []
        self._checked: list[RowResult] = []
        self.setWindowTitle("导入旧收文台账")
        self.resize(980, 640)
        self.file_button = QPushButton("选择文件…")
        self.file_label = QLabel(
            "支持 .xlsx 和 .csv；按“收文日期、来文单位、文号、标题、密级、份号……”等表头自动对应。"
        )
        self.file_label.setWordWrap(True)
        self.combos: dict[str, QComboBox] = {f: QComboBox() for f in FIELDS}
        mapping = QFormLayout()
        grid = QHBoxLayout()
        left, right = QFormLayout(), QFormLayout()
        for i, field in enumerate(FIELDS):
            (left if i % 2 == 0 else right).addRow(FIELD_LABELS[field], self.combos[field])
            self.combos[field].currentIndexChanged.connect(self._check)
        grid.addLayout(left)
        grid.addLayout(right)
        mapping.addRow(grid)
        self.preview = ListModel(("行", "结果", "标题", "说明"), self)
        self.table = QTableView()
        self.table.setModel(self.preview)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary_label = QLabel()
        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        close = QPushButton("关闭")
        top = QHBoxLayout()
        top.addWidget(self.file_button)
        top.addWidget(self.file_label, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(mapping)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.file_button.clicked.connect(self.pick)
        self.import_button.clicked.connect(self.run_import)
        close.clicked.connect(self.accept)

    def pick(self) -> None:
        path = self._choose(self)
        if path is None:
            return
        try:
            headers, self._rows = read_table(path)
        except MijianError as exc:
            self.summary_label.setText(exc.message)
            return
        self.file_label.setText(f"{path.name}：{len(self._rows)} 行")
        guessed = map_columns(headers)
        for field, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("（无此列）", None)
            for index, header in enumerate(headers):
                combo.addItem(f"{_column_letter(index)} 列：{header}", index)
            combo.setCurrentIndex(combo.findData(guessed[field]) if field in guessed else 0)
            combo.blockSignals(False)
        self._check()

    def _mapping(self) -> dict[str, int]:
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None}

    def _check(self) -> None:
        if not self._rows:
            return
        try:
            self._checked = check_rows(
                self._session, self._rows, self._mapping(), self._session.clock.now()
            )
        except MijianError as exc:
            self._checked = []
            self.preview.set_rows([])
            self.summary_label.setText(exc.message)
            self.import_button.setEnabled(False)
            return
        self._show(self._checked)
        ready = sum(1 for r in self._checked if r.status == "可导入")
        self.import_button.setEnabled(ready > 0)
        self.import_button.setText(f"导入 {ready} 行")

    def run_import(self) -> None:
        try:
            report = import_rows(self._session, self._checked)
        except MijianError as exc:
            self.summary_label.setText(f"导入未完成，未写入任何一行：{exc.message}")
            return
        self._checked = list(report.rows)
        self._show(self._checked)
        self.import_button.setEnabled(False)
        self.summary_label.setText(
            f"已导入 {report.count('已导入')} 行，已存在 {report.count('已存在')} 行，"
            f"未导入 {report.count('错误')} 行。"
        )

    def _show(self, rows: list[RowResult]) -> None:
        self.preview.set_rows([(r.line, r.status, r.title, r.message) for r in rows])
        counts = {s: sum(1 for r in rows if r.status == s) for s in ("可导入", "已存在", "错误")}
        self.summary_label.setText("　".join(f"{k} {v} 行" for k, v in counts.items()))


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
