"""F7 例外放行: the 保密员's login, their own password typed here, and a reason. A clearance or
知悉范围 refusal also asks for the approving 单位负责人 and the approval's reference.

On 放行 the dialog prepares the handover from the counter (`prepare`, on the GUI thread) and
runs it, password check included, on a connection of its own off the GUI thread
(ui.confirmed_dialog); `finish` then renders it. A refusal keeps everything typed (but the
password) and is shown in red.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.counter import Lift
from app.desk import Override, Refusal
from app.errors import MijianError
from app.session import Session
from ui.confirmed_dialog import ConfirmedFormDialog, Work

Prepare = Callable[[Override], Lift]
Finish = Callable[[Lift, list[int]], None]


class OverrideDialog(ConfirmedFormDialog):
    def __init__(
        self,
        title: str,
        refused: Sequence[Refusal],
        session: Session,
        prepare: Prepare,
        finish: Finish,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("例外放行", parent)
        self._session = session
        self._prepare, self._finish = prepare, finish
        self._lift: Lift | None = None
        self.by_law = any(r.by_law for r in refused)
        self.login_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason_edit = QLineEdit()
        self.head_edit = QLineEdit()
        self.head_edit.setPlaceholderText("姓名 职务，如 张三 区委书记")
        self.reference_edit = QLineEdit()
        self.reference_edit.setPlaceholderText("批准单号或批示编号")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("放行")
        reasons = "<br>".join(r.message for r in refused)
        law = (
            "<br><b>超出涉密等级或知悉范围的借阅须经单位负责人批准</b>：请写明批准的单位负责人和批准单号。"
            if self.by_law
            else ""
        )
        note = QLabel(
            f"<b>{title}</b><br>{reasons}{law}<br>"
            "须由保密员本人输入密码确认，并写明理由；此操作记入审计，打印在借阅登记上。"
        )
        note.setWordWrap(True)
        self.form.addRow(note)
        self.form.addRow("保密员登录名", self.login_edit)
        self.form.addRow("密码", self.password_edit)
        self.form.addRow("理由", self.reason_edit)
        if self.by_law:
            self.form.addRow("批准的单位负责人", self.head_edit)
            self.form.addRow("批准单号", self.reference_edit)
        self.finish_layout()

    def override(self) -> Override:
        return Override(
            self.login_edit.text().strip(),
            self.password_edit.text(),
            self.reason_edit.text(),
            self.head_edit.text().strip() if self.by_law else "",
            self.reference_edit.text().strip() if self.by_law else "",
        )

    def work(self) -> Work:
        lift = self._lift = self._prepare(self.override())
        return lift.run

    def done_with(self, result: object) -> None:
        assert self._lift is not None and isinstance(result, list)
        self._finish(self._lift, result)

    def refused(self, exc: MijianError) -> None:
        self.password_edit.clear()  # everything else typed stays for the next try


def ask_override(
    parent: QWidget,
    title: str,
    refused: Sequence[Refusal],
    session: Session,
    prepare: Prepare,
    finish: Finish,
) -> bool:
    """True once the override was accepted and the folder went out; False if the user gave up."""
    return bool(OverrideDialog(title, refused, session, prepare, finish, parent).exec())
