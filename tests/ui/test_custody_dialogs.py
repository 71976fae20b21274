"""The 保管 page's dialogs: 复制审批 (the 保密员's password, then the new copies' slips, each
with its own number and QR) and 登记载体 (a copy recorded as a U盘 with serial and capacity)."""

from __future__ import annotations

from pathlib import Path

from app import copying, documents
from tests.conftest import PASSWORD
from tests.pdf_tools import text_of
from ui.pages.custody_page import CustodyPage


def _confirm(qtbot, dialog) -> None:
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def test_copying_from_the_custody_page(counter, qtbot, tmp_path: Path) -> None:
    custodian, officer, readers, docs = counter
    page = CustodyPage(custodian)
    qtbot.addWidget(page)
    page.show()
    dialog = page.copy_approval()
    qtbot.keyClicks(dialog.code_edit, "2026-0001/000002")
    dialog.count_spin.setValue(2)
    dialog.reason_edit.setText("常委会传达学习需要")
    dialog.approver.password_edit.setText("typo")
    _confirm(qtbot, dialog)
    assert "密码不正确" in dialog.error_label.text()
    assert dialog.reason_edit.text() == "常委会传达学习需要"
    dialog.approver.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    nos = [c.copy_no for c in documents.copies_of(custodian.db, docs["secret"].document.id)]
    assert "000002-复1" in nos and "000002-复2" in nos
    made = copying.last_of(custodian, docs["secret"].copies[1].id)
    assert made.reason == "常委会传达学习需要"
    slips = dialog.slips
    assert slips is not None and slips.isVisible()
    target = tmp_path / "copies.pdf"
    slips._choose = lambda *_: target
    assert slips.save() == target
    text = text_of(target)
    assert "000002-复1" in text and "000002-复2" in text and "份号 000001" not in text
    slips.accept()


def test_a_carrier_is_recorded_from_the_custody_page(counter, qtbot) -> None:
    from app import carriers

    custodian, officer, readers, docs = counter
    page = CustodyPage(custodian)
    qtbot.addWidget(page)
    page.show()
    dialog = page.record_carrier()
    qtbot.keyClicks(dialog.code_edit, "2026-0002")
    dialog.kind_combo.setCurrentText("U盘")
    dialog.serial_edit.setText("U-2026-007")
    dialog.capacity_edit.setText("32 G")
    dialog.buttons.accepted.emit()
    assert "容量" in dialog.error_label.text() and dialog.isVisible()
    dialog.capacity_edit.setText("32GB")
    dialog.buttons.accepted.emit()
    assert dialog.result() == dialog.DialogCode.Accepted
    [made] = carriers.listing(custodian)
    assert (made.label, made.kind, made.serial, made.capacity) == (
        "2026-0002 第000010份",
        "U盘",
        "U-2026-007",
        "32GB",
    )
