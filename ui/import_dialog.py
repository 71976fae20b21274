"""导入旧台账: pick a file, check the column mapping and the first rows, then import in chunks.

Reading, checking and importing run on the task runner (ui/tasks.py), never on the GUI thread:
the window and the desk stay usable while a long ledger goes in, and 取消 stops the import after
the chunk being written (importing the same file again resumes there). The dialog is not modal
for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import MijianError
from app.ledger_import import (
    FIELD_LABELS,
    FIELDS,
    ImportReport,
    Preview,
    RowResult,
    check_records,
    import_ledger,
    preview,
)
from app.progress import Cancelled, Progress
from app.session import Session
from ui.file_dialogs import ask_path
from ui.table_model import ListModel
from ui.tasks import Runner, Task, TaskRunner

ChooseFile = Callable[[QWidget], Path | None]


def ask_ledger(parent: QWidget) -> Path | None:
    return ask_path(parent, "选择旧台账", "台账 (*.xlsx *.xls *.et *.ods *.csv)", save=False)


class ImportDialog(QDialog):
    def __init__(
        self,
        session: Session,
        choose: ChooseFile = ask_ledger,
        parent: QWidget | None = None,
        runner: Runner | None = None,
    ):
        super().__init__(parent)
        self._session = session
        self._choose = choose
        # Without a runner from the window, the dialog keeps its own worker for its lifetime.
        self._own_runner = runner is None
        self._runner: Runner = runner if runner is not None else TaskRunner(session, self)
        self._preview: Preview | None = None
        self._task: Task | None = None
        self.setWindowTitle("导入旧收文台账")
        self.resize(980, 640)
        self.file_button = QPushButton("选择文件…")
        self.file_label = QLabel(
            "支持 .xlsx、.xls（Excel 97–2003）、.et（WPS）、.ods 和 .csv；按“收文日期、来文单位、文号、标题、密级、份号……”等表头自动对应。"
        )
        self.file_label.setWordWrap(True)
        self.combos: dict[str, QComboBox] = {f: QComboBox() for f in FIELDS}
        mapping = QFormLayout()
        grid = QHBoxLayout()
        left, right = QFormLayout(), QFormLayout()
        for i, field in enumerate(FIELDS):
            (left if i % 2 == 0 else right).addRow(FIELD_LABELS[field], self.combos[field])
        grid.addLayout(left)
        grid.addLayout(right)
        mapping.addRow(grid)
        self.preview_model = ListModel(("行", "结果", "标题", "说明"), self)
        self.table = QTableView()
        self.table.setModel(self.preview_model)
        self.table.verticalHeader().setVisible(False)
        # Fixed widths: sizing to contents measures every row, a stall with thousands of them.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((70, 70, 360)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        self.cancel_button = QPushButton("取消导入")
        self.cancel_button.setVisible(False)
        close = QPushButton("关闭")
        top = QHBoxLayout()
        top.addWidget(self.file_button)
        top.addWidget(self.file_label, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.bar)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(mapping)
        layout.addWidget(self.note_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._connect(close)

    def _connect(self, close: QPushButton) -> None:
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(self._check)
        self.file_button.clicked.connect(self.pick)
        self.import_button.clicked.connect(self.run_import)
        self.cancel_button.clicked.connect(self.cancel_import)
        close.clicked.connect(self.accept)

    def open(self) -> None:
        # Not modal: an import takes minutes, and the desk must go on beside it.
        self.show()

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.finished

    # ---- choosing and checking ----------------------------------------------------------
    def pick(self) -> None:
        if self.busy:
            return
        path = self._choose(self)
        if path is None:
            return
        self.summary_label.setText(f"正在读取 {path.name}…")
        self.import_button.setEnabled(False)
        self._start(lambda s, _: preview(s, path), self._previewed)

    def _previewed(self, result: Preview) -> None:
        self._preview = result
        if result.whole:
            self.file_label.setText(f"{result.path.name}：{len(result.sample)} 行")
        else:
            self.file_label.setText(
                f"{result.path.name}：约 {result.estimated_rows} 行"
                f"（下表为前 {len(result.sample)} 行的检查）"
            )
        self.note_label.setText(result.note)
        mapping = result.job.mapping if result.job is not None else result.mapping
        for field, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("（无此列）", None)
            for index, header in enumerate(result.headers):
                combo.addItem(f"{_column_letter(index)} 列：{header}", index)
            combo.setCurrentIndex(combo.findData(mapping[field]) if field in mapping else 0)
            combo.setEnabled(result.job is None)  # a resume keeps the mapping it began with
            combo.blockSignals(False)
        self._check()

    def _mapping(self) -> dict[str, int]:
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None}

    def _check(self) -> None:
        if self._preview is None or self.busy:
            return
        sample, mapping = self._preview.sample, self._mapping()
        self._start(lambda s, _: check_records(s, sample, mapping, s.clock.now()), self._checked)

    def _checked(self, rows: list[RowResult]) -> None:
        self._show(rows)
        assert self._preview is not None
        counts = {s: sum(1 for r in rows if r.status == s) for s in ("可导入", "已存在", "错误")}
        text = "　".join(f"{k} {v} 行" for k, v in counts.items())
        if not self._preview.whole:
            text = f"前 {len(rows)} 行中：{text}；其余各行在导入时逐行检查"
        self.summary_label.setText(text)
        job = self._preview.job
        finished = job is not None and job.finished
        ready = counts["可导入"] > 0 or not self._preview.whole
        self.import_button.setEnabled(ready and not finished)
        if finished:
            text = "已导入"
        elif job is not None:
            text = "继续导入"
        else:
            text = f"导入 {counts['可导入']} 行" if self._preview.whole else "导入全部"
        self.import_button.setText(text)

    # ---- importing ----------------------------------------------------------------------
    def run_import(self) -> None:
        if self._preview is None or self.busy:
            return
        path, mapping = self._preview.path, self._mapping()

        def job(session: Session, progress: Progress) -> ImportReport:
            return import_ledger(session, path, mapping, progress)

        self.import_button.setEnabled(False)
        self.file_button.setEnabled(False)
        self.bar.setRange(0, 0)
        self.bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.summary_label.setText("正在导入…")
        self._start(job, self._imported, self._progressed)

    def cancel_import(self) -> None:
        if self._task is not None and not self._task.finished:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.summary_label.setText("正在取消：写完当前这一批后停止…")

    def _progressed(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, done, 1))
        self.bar.setValue(done)
        if self.cancel_button.isEnabled():
            self.summary_label.setText(f"正在导入：已处理约 {done} / {max(total, done)} 行")

    def _imported(self, report: ImportReport) -> None:
        self._finish_import()
        self._show(list(report.rows))
        self.summary_label.setText(report.summary)
        self._preview = None  # this file's job has moved: pick it again to resume or see it

    def _finish_import(self) -> None:
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.file_button.setEnabled(True)
        self.import_button.setEnabled(False)

    # ---- plumbing -----------------------------------------------------------------------
    def _start(
        self,
        job: Callable[[Session, Progress], object],
        on_done: Callable[..., None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self._task = self._runner.run(job, on_done, self._failed, on_progress)

    def _failed(self, exc: MijianError) -> None:
        self._finish_import()
        if isinstance(exc, Cancelled):
            self.summary_label.setText("已取消。")
            return
        self.summary_label.setText(exc.message)

    def _show(self, rows: list[RowResult]) -> None:
        self.preview_model.set_rows([(r.line, r.status, r.title, r.message) for r in rows])

    def done(self, result: int) -> None:
        if self._own_runner:
            self._runner.shutdown()  # cancels an import after its chunk and waits for it
        super().done(result)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
