"""The 发文 page's two forms: 登记发文 (what the signed draft and the print shop's count say)
and 登记退文 (the item, its sender, the rule it broke, to whom it goes back)."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from app import outgoing, returned_mail
from app.classification import LEVELS, URGENCIES
from app.entry import parse_period
from app.outgoing import OutgoingInput
from app.outgoing_records import Outgoing
from app.returned_mail import ReturnInput, Rule
from app.session import Session
from ui.account_dialogs import FormDialog


def _day(edit: QDateEdit) -> date:
    chosen = edit.date()
    return date(chosen.year(), chosen.month(), chosen.day())


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


class OutgoingDialog(FormDialog):
    """登记发文: what the signed draft and the print shop's count say."""

    def __init__(self, session: Session, code: str, parent: QWidget | None = None) -> None:
        super().__init__("登记发文", parent)
        self._session = session
        self.result_outgoing: Outgoing | None = None
        self.code_edit = QLineEdit(code)
        self.code_edit.setPlaceholderText("如 区委办发")
        self.title_edit = QLineEdit()
        self.level_combo = QComboBox()
        self.level_combo.addItems(list(LEVELS))
        self.level_combo.setCurrentText("秘密")  # the commonest; 绝密 is never a default
        self.period_edit = QLineEdit()
        self.period_edit.setPlaceholderText(
            "如 10年、6个月、长期；空着为法定期限（绝密30年、机密20年、秘密10年）"
        )
        self.urgency_combo = QComboBox()
        self.urgency_combo.addItems(list(URGENCIES))
        self.urgency_combo.setCurrentText("平件")
        self.signer_edit = QLineEdit()
        self.signed_edit = _date_edit(session.clock.now().date())
        self.printed_spin = QSpinBox()
        self.printed_spin.setRange(1, outgoing.MAX_PRINTED)
        self.pages_spin = QSpinBox()
        self.pages_spin.setRange(0, outgoing.MAX_PAGES)
        self.pages_spin.setSpecialValueText("（请填写）")  # 0: not yet typed; refused on 登记
        self.main_edit = QLineEdit()
        self.main_edit.setPlaceholderText("单位名称或简称，多个用、分隔；多份写 ×份数，如 城关镇×2")
        self.copy_edit = QLineEdit()
        self.notes_edit = QLineEdit()
        for label, widget in (
            ("发文代字", self.code_edit),
            ("标题", self.title_edit),
            ("密级", self.level_combo),
            ("保密期限", self.period_edit),
            ("紧急程度", self.urgency_combo),
            ("签发人", self.signer_edit),
            ("签发日期", self.signed_edit),
            ("印制份数", self.printed_spin),
            ("每份页数", self.pages_spin),
            ("主送", self.main_edit),
            ("抄送", self.copy_edit),
            ("办理情况", self.notes_edit),
        ):
            self.form.addRow(label, widget)
        self.form.addRow(QLabel("份号从 000001 起依次分给主送、抄送单位，其余为存档份。"))
        self.finish_layout()

    def submit(self) -> None:
        db = self._session.db
        recipients = outgoing.parse_recipients(
            db, self.main_edit.text(), "主送"
        ) + outgoing.parse_recipients(db, self.copy_edit.text(), "抄送")
        self.result_outgoing = outgoing.register(
            self._session,
            OutgoingInput(
                code=self.code_edit.text(),
                title=self.title_edit.text(),
                level=self.level_combo.currentText(),
                period=parse_period(self.period_edit.text(), self.level_combo.currentText()),
                signed_by=self.signer_edit.text(),
                signed_on=_day(self.signed_edit),
                printed=self.printed_spin.value(),
                pages=self.pages_spin.value(),
                urgency=self.urgency_combo.currentText(),
                recipients=recipients,
                notes=self.notes_edit.text(),
            ),
        )


class ReturnDialog(FormDialog):
    """登记退文: the item, its sender, the rule it broke, and to whom it goes back."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("登记退文", parent)
        self._session = session
        self.result_item: returned_mail.ReturnedMail | None = None
        self.sender_edit = QLineEdit()
        # When the item reached the room (it may be registered later): the 退文通知 says so.
        now = session.clock.now()
        self.came_edit = QDateTimeEdit(
            QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute))
        )
        self.came_edit.setCalendarPopup(True)
        self.came_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.number_edit = QLineEdit()
        self.title_edit = QLineEdit()
        self.level_combo = QComboBox()
        self.level_combo.addItems(list(LEVELS))
        self.level_combo.setCurrentText("非密")
        self.rule_combo = QComboBox()
        for rule in Rule:
            self.rule_combo.addItem(f"{rule}（{rule.explanation}）", str(rule))
        self.to_edit = QLineEdit()
        self.note_edit = QLineEdit()
        for label, widget in (
            ("来件单位", self.sender_edit),
            ("收到时间", self.came_edit),
            ("文号", self.number_edit),
            ("标题", self.title_edit),
            ("密级", self.level_combo),
            ("退文原因", self.rule_combo),
            ("退回对象", self.to_edit),
            ("指出的问题", self.note_edit),
        ):
            self.form.addRow(label, widget)
        self.finish_layout()

    def submit(self) -> None:
        self.result_item = returned_mail.record(
            self._session,
            ReturnInput(
                sender=self.sender_edit.text(),
                title=self.title_edit.text(),
                rule=str(self.rule_combo.currentData()),
                returned_to=self.to_edit.text(),
                level=self.level_combo.currentText(),
                doc_number=self.number_edit.text(),
                note=self.note_edit.text(),
                came_at=self._came_at(),
            ),
        )

    def _came_at(self) -> datetime:
        chosen = self.came_edit.dateTime()
        day, time = chosen.date(), chosen.time()
        zone = self._session.clock.now().tzinfo
        return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=zone)
