"""销毁批次: build a batch by scanning slips or labels (or from the recall list), have the security
officer approve it, the two 监销人 confirm, and print the 销毁登记表 and 移交单."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import accounts, destruction
from app.destruction import Batch, BatchItem
from app.errors import MijianError
from app.reports.catalog import batch_form
from app.roles import Role
from app.scanning import CopyRef
from app.session import Session
from ui.account_dialogs import FormDialog
from ui.errors import attempt, attempted, show_error
from ui.printing import LongPdf, offer_long_pdf
from ui.recall_dialogs import ApproveDialog, CancelBatchDialog, NewBatchDialog, WitnessDialog
from ui.table_model import Column, ColumnsModel, table_view


class BatchModel(ColumnsModel):
    spec = (
        Column("label", "批次"),
        Column("state", "状态"),
        Column("method", "销毁方式"),
        Column("place", "地点"),
        Column("planned_on", "日期"),
        Column("copies", "份数"),
        Column("pages", "页数"),
        Column("built_by", "编制"),
        Column("approved_by", "批准"),
        Column("witnesses", "监销"),
    )
    names: dict[str, str] = {}

    def cells(self, b: Batch) -> dict[str, Any]:
        name = self.names.get
        return {
            "label": b.label,
            "state": b.state,
            "method": b.method,
            "place": b.place,
            "planned_on": str(b.planned_on),
            "copies": b.copies,
            "pages": b.pages,
            "built_by": name(b.built_by, b.built_by),
            "approved_by": name(b.approved_by or "", b.approved_by or ""),
            "witnesses": "、".join(name(w, w) for w in b.witnesses),
        }


class ItemModel(ColumnsModel):
    spec = (
        Column("number", "登记编号"),
        Column("doc_number", "文号"),
        Column("title", "标题"),
        Column("level", "密级"),
        Column("copy_no", "份号"),
        Column("pages", "页数"),
        Column("state", "状态"),
    )

    def cells(self, i: BatchItem) -> dict[str, Any]:
        return {
            "number": i.number,
            "doc_number": i.doc_number,
            "title": i.title,
            "level": i.level,
            "copy_no": i.copy_no,
            "pages": i.pages,
            "state": i.state,
        }


class BatchesPage(QWidget):
    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        custodian = session.role is Role.CUSTODIAN
        self.batch_model = BatchModel(self)
        self.batch_table = table_view(self.batch_model)
        self.item_model = ItemModel(self)
        self.item_table = table_view(self.item_model)
        self.new_button = QPushButton("新建批次…")
        self.approve_button = QPushButton("审批…")
        self.witness_button = QPushButton("监销确认…")
        self.cancel_button = QPushButton("撤销批次…")
        self.register_button = QPushButton("打印销毁登记表…")
        self.handover_button = QPushButton("打印移交单…")
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText(
            "扫描处理笺或标签的二维码，或输入 收文编号/份号，回车加入本批次"
        )
        self.scan_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.remove_button = QPushButton("移出所选")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)

        actions = QHBoxLayout()
        for b in (self.new_button, self.approve_button, self.witness_button, self.cancel_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.register_button)
        actions.addWidget(self.handover_button)
        scan = QHBoxLayout()
        scan.addWidget(self.scan_edit, 1)
        scan.addWidget(self.remove_button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(scan)
        lower_layout.addWidget(self.message_label)
        lower_layout.addWidget(self.item_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.batch_table)
        split.addWidget(lower)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(split, 1)

        for w in (self.new_button, self.scan_edit, self.remove_button):
            w.setVisible(custodian)
        self.new_button.clicked.connect(self.new_batch)
        self.approve_button.clicked.connect(self.approve)
        self.witness_button.clicked.connect(self.witness)
        self.cancel_button.clicked.connect(self.cancel)
        self.register_button.clicked.connect(self.print_register)
        self.handover_button.clicked.connect(self.print_handover)
        self.scan_edit.returnPressed.connect(self.scan)
        self.remove_button.clicked.connect(self.remove_selected)
        self.batch_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_items())
        self.refresh()

    # ---- reading ----------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        keep = select if select is not None else (self.batch.id if self.batch else None)
        db = self._session.db
        self.batch_model.names = {a.login: a.display_name for a in accounts.list_accounts(db)}
        self.batch_model.set_rows(destruction.batches(db))
        row = next(
            (
                i
                for i in range(self.batch_model.rowCount())
                if self.batch_model.row_at(i).id == keep
            ),
            0,
        )
        if self.batch_model.rowCount():
            self.batch_table.selectRow(row)
        self._show_items()

    @property
    def batch(self) -> Batch | None:
        index = self.batch_table.currentIndex()
        return self.batch_model.row_at(index.row()) if index.isValid() else None

    def _show_items(self) -> None:
        batch = self.batch
        state = batch.state if batch else ""
        self.item_model.set_rows(
            list(destruction.items(self._session.db, batch.id)) if batch else []
        )
        draft = state in ("编制中", "待审批")
        self.scan_edit.setEnabled(draft)
        self.remove_button.setEnabled(draft)
        self.approve_button.setEnabled(state == "待审批")
        self.witness_button.setEnabled(state == "待监销")
        self.cancel_button.setEnabled(state in ("编制中", "待审批", "待监销"))
        self.register_button.setEnabled(bool(batch and batch.copies))
        # The 移交单 hands a batch to a destruction centre; a batch shredded here has none.
        self.handover_button.setEnabled(
            bool(batch and batch.copies and batch.method == "送销毁中心")
        )

    # ---- building ---------------------------------------------------------------------------
    def _dialog(self, dialog: FormDialog) -> FormDialog:
        dialog.accepted.connect(self._after_change)
        dialog.open()
        return dialog

    def _after_change(self) -> None:
        self.message_label.clear()
        self.refresh()
        self.changed.emit()

    def new_batch(self) -> FormDialog:
        dialog = NewBatchDialog(self._session, self)
        dialog.accepted.connect(lambda: self.refresh(dialog.batch.id if dialog.batch else None))
        dialog.accepted.connect(self.changed.emit)
        dialog.open()
        return dialog

    def _drafts(self) -> list[Batch]:
        return [b for b in destruction.batches(self._session.db) if b.state in ("编制中", "待审批")]

    def _draft(self) -> Batch:
        batch = self.batch
        if batch is None or batch.state not in ("编制中", "待审批"):
            drafts = self._drafts()
            if len(drafts) != 1:
                raise MijianError("请先在“销毁批次”中新建或选中一个编制中的批次。")
            batch = drafts[0]
        return batch

    def add_copies(self, ids: list[int]) -> bool:
        """Put the copies picked on the recall list into the open batch; with no open batch,
        offer a new one first and put them in it once it is made."""
        if not ids:
            show_error(self, MijianError("请先在列表中选择文件（可按住 Ctrl 或 Shift 多选）。"))
            return False
        current = self.batch
        if not self._drafts() and not (current and current.state in ("编制中", "待审批")):
            dialog = self.new_batch()
            dialog.accepted.connect(lambda: self.add_copies(ids))
            return True

        def add() -> tuple[Batch, int]:
            batch = self._draft()
            return batch, destruction.add(self._session, batch.id, ids)

        done = attempt(self, add)
        if done is None:
            return False
        batch, added = done
        self.refresh(batch.id)
        self.message_label.setText(f"已将 {added} 份列入{batch.label}。")
        self.changed.emit()
        return True

    def scan(self) -> None:
        code = self.scan_edit.text()
        self.scan_edit.clear()

        def add() -> tuple[Batch, CopyRef]:
            batch = self._draft()
            return batch, destruction.add_scan(self._session, batch.id, code)

        done = attempt(self, add, show=self._refused)
        if done is None:
            return
        batch, copy = done
        self.message_label.setStyleSheet("")
        self.message_label.setText(f"已加入：{copy.label} {copy.title}")
        self.refresh(batch.id)
        self.changed.emit()

    def remove_selected(self) -> None:
        batch = self.batch
        picked = sorted({i.row() for i in self.item_table.selectionModel().selectedRows()})
        if batch is None or not picked:
            return

        def remove() -> None:
            for row in picked:
                destruction.remove(self._session, batch.id, self.item_model.row_at(row).copy_id)

        attempted(self, remove)
        self._after_change()  # what was removed before a refusal stays removed

    def _refused(self, exc: MijianError) -> None:
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setText(exc.message)

    # ---- approval, witnesses, forms -------------------------------------------------------------
    def approve(self) -> FormDialog | None:
        return self._dialog(ApproveDialog(self._session, self.batch, self)) if self.batch else None

    def witness(self) -> FormDialog | None:
        return self._dialog(WitnessDialog(self._session, self.batch, self)) if self.batch else None

    def cancel(self) -> FormDialog | None:
        return (
            self._dialog(CancelBatchDialog(self._session, self.batch, self)) if self.batch else None
        )

    def print_register(self) -> LongPdf | None:
        """销毁登记表, laid out on the task runner (a 20,000-row batch takes a while)."""
        batch = self.batch
        if batch is None:
            return None
        return offer_long_pdf(
            self,
            self._session,
            "销毁登记表",
            f"销毁登记表-{batch.label}.pdf",
            lambda session, progress: batch_form(session, batch.id, "register", progress),
        )

    def print_handover(self) -> LongPdf | None:
        """销毁载体移交单: every copy of the batch, so also on the task runner."""
        batch = self.batch
        if batch is None:
            return None
        return offer_long_pdf(
            self,
            self._session,
            "销毁载体移交单",
            f"销毁移交单-{batch.label}.pdf",
            lambda session, progress: batch_form(session, batch.id, "handover", progress),
        )
