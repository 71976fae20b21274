"""机要员交接 on the 保管 page: the outgoing custodian names the incoming one (a whole-room
stocktake opens, done in the page's 清查 box), then both sign over the list of open items with
their own passwords, and the 交接清单 is offered. The decisions are app.custodian_handover."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QHeaderView, QLabel, QLineEdit, QTableView, QWidget

from app import accounts, custodian_handover, stocktake
from app.custodian_handover import Handover, OpenItem
from app.model import Credential
from app.roles import Role
from app.session import Session
from ui.account_dialogs import FormDialog
from ui.confirmed_dialog import ConfirmedFormDialog, Work
from ui.printing import PdfOutputDialog, offer_pdf
from ui.table_model import RowsModel


class OpenItemsModel(RowsModel):
    columns = ("类别", "收文编号/事项", "情况")

    def display(self, r: OpenItem, column: int) -> Any:
        return (r.kind, r.item, r.detail)[column]


class StartHandoverDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("机要员交接：开始交接清查", parent)
        self._session = session
        self.incoming_combo = QComboBox()
        for a in accounts.list_accounts(session.db):
            if a.active and a.role is Role.CUSTODIAN and a.login != session.account.login:
                self.incoming_combo.addItem(f"{a.display_name}（{a.login}）", a.login)
        self.form.addRow(
            QLabel(
                "将开始全室交接清查，接收人为第二清查人。清查完成后双方签字，方可停用移交人账户。"
            )
        )
        self.form.addRow("接收人（新任机要员）", self.incoming_combo)
        self.finish_layout()

    def submit(self) -> None:
        custodian_handover.start(self._session, str(self.incoming_combo.currentData() or ""))


class SignHandoverDialog(ConfirmedFormDialog):
    def __init__(self, session: Session, handover: Handover, parent: QWidget | None = None):
        super().__init__("机要员交接：双方签字", parent)
        self._session, self._handover = session, handover
        self.sheet: PdfOutputDialog | None = None
        finished = stocktake.get(session.db, handover.stocktake_id).finished_at is not None
        self.state_label = QLabel(
            "交接清查已完成。以下事项未结，由接收人接管："
            if finished
            else "交接清查尚未完成：请在“清查”中扫描全室实物，由接收人输入密码完成清查。"
        )
        self.model = OpenItemsModel(self)
        self.model.set_rows(custodian_handover.open_items(session))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumSize(640, 220)
        self.own_edit = QLineEdit()
        self.own_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.incoming_edit = QLineEdit()
        self.incoming_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.state_label)
        self.form.addRow(self.table)
        self.form.addRow(f"移交人（{handover.outgoing}）密码", self.own_edit)
        self.form.addRow(f"接收人（{handover.incoming}）密码", self.incoming_edit)
        self.finish_layout()
        self.accepted.connect(self._offer_sheet)

    def work(self) -> Work:
        handover_id, own = self._handover.id, self.own_edit.text()
        incoming = Credential(self._handover.incoming, self.incoming_edit.text())
        return lambda session: custodian_handover.sign(session, handover_id, own, incoming)

    def _offer_sheet(self) -> None:
        handover_id = self._handover.id
        self.sheet = offer_pdf(
            self.parentWidget() or self,
            "机要员交接清单",
            f"机要员交接清单-{handover_id}.pdf",
            lambda: custodian_handover.sheet_output(self._session, handover_id),
        )
