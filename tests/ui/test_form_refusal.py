"""A refusal under a form is shown whole: the dialog grows to hold it (walk-through: the 审批
dialog's list of copies not in their cabinets was cut off and ran over the 密码 field)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from app.errors import InvalidInput
from ui.account_dialogs import FormDialog

LONG = "以下文件不在柜，不能审批：" + "、".join(
    f"2026-00{n:02d} 第0019{n:02d}份（分发在外）" for n in range(1, 13)
)


class _Refusing(FormDialog):
    def __init__(self) -> None:
        super().__init__("审批销毁批次", None)
        self.password = QLineEdit()
        self.form.addRow("密码", self.password)
        self.finish_layout()

    def submit(self) -> None:
        raise InvalidInput(LONG)


def test_a_long_refusal_is_shown_whole_below_the_fields(qtbot) -> None:
    dialog = _Refusing()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog._submit()
    qtbot.wait(50)
    label = dialog.error_label
    assert label.text() == LONG and dialog.isVisible()
    assert label.height() >= label.heightForWidth(label.width())
    assert label.geometry().top() >= dialog.password.geometry().bottom()
    assert dialog.buttons.geometry().top() >= label.geometry().bottom()
