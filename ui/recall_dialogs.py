"""The 清退销毁 dialogs. Each does its work on 确定 and stays open with everything typed if the
service refuses (a wrong password, a missing receipt number), showing why in red."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit, QWidget

from app import accounts, destruction, recall
from app.errors import InvalidInput
from app.model import Credential
from app.roles import BUSINESS_ROLES, Role
from app.session import Session
from ui.account_dialogs import FormDialog
from ui.confirmed_dialog import ConfirmedFormDialog, Work


def parse_day(text: str, what: str) -> date:
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise InvalidInput(f"{what}请写成 2026-11-20 的形式。") from None


class PersonField:
    """Who confirms: chosen from the room's accounts, with their own password typed here."""

    def __init__(
        self, session: Session, role: Role | tuple[Role, ...], exclude: tuple[str, ...] = ()
    ) -> None:
        self.combo = QComboBox()
        roles = (role,) if isinstance(role, Role) else role
        for account in accounts.list_accounts(session.db):
            wanted = account.role in roles
            if account.active and account.login not in exclude and wanted:
                label = f"{account.display_name}（{account.login}，{account.role.label}）"
                self.combo.addItem(label, account.login)

        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)

    def credential(self) -> Credential:
        return Credential(str(self.combo.currentData() or ""), self.password_edit.text())

    def choose(self, login: str) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(login)))


class ReturnDialog(FormDialog):
    def __init__(self, session: Session, year: int, copy_ids: list[int], parent: QWidget) -> None:
        super().__init__(f"登记清退（{len(copy_ids)} 份）", parent)
        self._session, self._year, self._ids = session, year, copy_ids
        self.date_edit = QLineEdit(session.clock.now().strftime("%Y-%m-%d"))
        self.receiver_edit = QLineEdit()
        self.receiver_edit.setPlaceholderText("接收单位及接收人，如 省委机要交通局 陈明")
        self.receipt_edit = QLineEdit()
        self.form.addRow(QLabel("所选文件交回来文单位，按回执登记；登记后不能更改。"))
        self.form.addRow("清退日期", self.date_edit)
        self.form.addRow("接收人", self.receiver_edit)
        self.form.addRow("回执编号", self.receipt_edit)
        self.finish_layout()

    def submit(self) -> None:
        recall.record_return(
            self._session,
            self._year,
            self._ids,
            parse_day(self.date_edit.text(), "清退日期"),
            self.receiver_edit.text(),
            self.receipt_edit.text(),
        )


class RetainDialog(ConfirmedFormDialog):
    def __init__(self, session: Session, year: int, copy_ids: list[int], parent: QWidget) -> None:
        super().__init__(f"留用（{len(copy_ids)} 份）", parent)
        self._session, self._year, self._ids = session, year, copy_ids
        self.reason_edit = QLineEdit()
        self.approver = PersonField(session, Role.APPROVER)
        self.form.addRow(QLabel("留用须写明理由，由保密员本人输入密码批准。"))
        self.form.addRow("留用理由", self.reason_edit)
        self.form.addRow("批准人", self.approver.combo)
        self.form.addRow("批准人密码", self.approver.password_edit)
        self.finish_layout()
        refusal = recall.retain_refusal(session.db, year, copy_ids)
        if refusal is not None:  # e.g. a lost copy: said before anyone types a password
            self.error_label.setText(refusal)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def work(self) -> Work:
        year, ids, reason = self._year, self._ids, self.reason_edit.text()
        credential = self.approver.credential()
        return lambda session: recall.retain(session, year, ids, reason, credential)


class CloseCampaignDialog(ConfirmedFormDialog):
    def __init__(self, session: Session, year: int, parent: QWidget) -> None:
        super().__init__(f"结束 {year} 年度清退", parent)
        self._session, self._year = session, year
        self.approver = PersonField(session, Role.APPROVER)
        self.form.addRow(QLabel("全部文件均已清退、销毁或批准留用。结束后本年度清退记录不再更改。"))
        self.form.addRow("保密员", self.approver.combo)
        self.form.addRow("密码", self.approver.password_edit)
        self.finish_layout()

    def work(self) -> Work:
        year, credential = self._year, self.approver.credential()
        return lambda session: recall.close_campaign(session, year, credential)


class NewBatchDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__("新建销毁批次", parent)
        self._session = session
        self.batch: destruction.Batch | None = None
        self.method_combo = QComboBox()
        self.method_combo.addItems(list(destruction.METHODS))
        self.place_edit = QLineEdit("机要室")
        self.date_edit = QLineEdit(session.clock.now().strftime("%Y-%m-%d"))
        self.form.addRow("销毁方式", self.method_combo)
        self.form.addRow("销毁地点", self.place_edit)
        self.form.addRow("销毁日期", self.date_edit)
        self.finish_layout()

    def submit(self) -> None:
        self.batch = destruction.create(
            self._session,
            self.method_combo.currentText(),
            self.place_edit.text(),
            parse_day(self.date_edit.text(), "销毁日期"),
        )


class ApproveDialog(ConfirmedFormDialog):
    def __init__(self, session: Session, batch: destruction.Batch, parent: QWidget) -> None:
        super().__init__(f"审批 {batch.label}", parent)
        self._session, self._batch = session, batch
        self.approver = PersonField(session, Role.APPROVER, (batch.built_by,))
        self.form.addRow(
            QLabel(
                f"{batch.label}：{batch.copies} 份，{batch.pages} 页，{batch.method}。批准后清单不再改动。"
            )
        )
        self.form.addRow("批准人", self.approver.combo)
        self.form.addRow("密码", self.approver.password_edit)
        self.finish_layout()

    def work(self) -> Work:
        batch_id, credential = self._batch.id, self.approver.credential()
        return lambda session: destruction.approve(session, batch_id, credential)


class WitnessDialog(ConfirmedFormDialog):
    """Two 监销人, each choosing themselves and typing their own password."""

    def __init__(self, session: Session, batch: destruction.Batch, parent: QWidget) -> None:
        super().__init__(f"监销确认 {batch.label}", parent)
        self._session, self._batch = session, batch
        self.first = PersonField(session, BUSINESS_ROLES, (batch.built_by,))
        self.second = PersonField(session, BUSINESS_ROLES, (batch.built_by,))
        self.second.combo.setCurrentIndex(min(1, self.second.combo.count() - 1))
        told = QLabel(
            f"{batch.label} 共 {batch.copies} 份。两名监销人（机要员或保密员，不得是编制人，"
            "三员不能担任）现场监督销毁后，各自输入本人密码。确认后批次封存，所列文件记为已销毁，"
            "永不更改。"
        )
        told.setWordWrap(True)
        self.form.addRow(told)
        eligible = self.first.combo.count()
        if eligible < 2:  # a room made before 监销人 had to be business people
            short = QLabel(
                f"本机要室可担任监销人的账户只有 {eligible} 名。请系统管理员新建一名保密员账户，"
                "经安全保密管理员授权后再监销。"
            )
            short.setWordWrap(True)
            short.setStyleSheet("color: #b00020;")
            self.form.addRow(short)
        self.shortage = eligible < 2
        self.form.addRow("监销人一", self.first.combo)
        self.form.addRow("密码", self.first.password_edit)
        self.form.addRow("监销人二", self.second.combo)
        self.form.addRow("密码", self.second.password_edit)
        self.finish_layout()

    def work(self) -> Work:
        batch_id, people = self._batch.id, (self.first.credential(), self.second.credential())
        return lambda session: destruction.seal(session, batch_id, people)


class CancelBatchDialog(FormDialog):
    def __init__(self, session: Session, batch: destruction.Batch, parent: QWidget) -> None:
        super().__init__(f"撤销 {batch.label}", parent)
        self._session, self._batch = session, batch
        self.reason_edit = QLineEdit()
        self.form.addRow(QLabel("撤销后批次留档，所列文件恢复为可处理。"))
        self.form.addRow("撤销原因", self.reason_edit)
        self.finish_layout()

    def submit(self) -> None:
        destruction.cancel(self._session, self._batch.id, self.reason_edit.text())
