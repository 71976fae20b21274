"""Holds through the window: a held or kept copy scanned into a destruction batch is refused in
red; a hold is placed and released on the 保密员's password from the 保管 page; a stocktake's
missing copy is recorded lost from the 日终清点 page."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from app import destruction, recall, stocktake, stocktake_records
from app.day_close import open_incidents
from app.stocktake import Finding
from app.stocktake_resolve import Resolution, resolve
from tests.app.test_recall import OFFICER, campaign_room, ids  # noqa: F401
from tests.app.test_stocktake import shelves  # noqa: F401
from tests.conftest import PASSWORD
from ui.pages.batches_page import BatchesPage
from ui.pages.custody_page import CustodyPage
from ui.pages.day_close_page import DayClosePage


def _confirm(qtbot, dialog) -> None:
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def _scan(qtbot, edit, code: str) -> None:
    qtbot.keyClicks(edit, code)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_held_and_kept_copies_stay_out_of_a_batch(campaign_room, qtbot, shot) -> None:  # noqa: F811
    custodian, n = campaign_room
    kept = ids(custodian, n["central"])[0]
    recall.retain(custodian, 2026, [kept], "年度总结仍需参阅", OFFICER)
    destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    custody = CustodyPage(custodian)
    batches = BatchesPage(custodian)
    for page in (custody, batches):
        qtbot.addWidget(page)
        page.resize(1200, 800)
        page.show()
    box = custody.holds_box

    # Held on the 保密员's password: a wrong one first; the dialog keeps what was typed.
    dialog = box.place()
    qtbot.keyClicks(dialog.code_edit, f"{n['central']}/000002")
    dialog.reason_edit.setText("泄密线索核查")
    dialog.approver.password_edit.setText("typo")
    _confirm(qtbot, dialog)
    assert "密码不正确" in dialog.error_label.text()
    assert dialog.reason_edit.text() == "泄密线索核查"
    dialog.approver.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert box.model.rowCount() == 1
    assert box.model.row_at(0).copy_label == f"{n['central']} 第000002份"
    shot(custody, "custody-holds")

    # The batch refuses both, in red, and takes a free copy.
    _scan(qtbot, batches.scan_edit, f"{n['central']}/000001")
    assert "已批准留用，不能列入销毁" in batches.message_label.text()
    _scan(qtbot, batches.scan_edit, f"{n['central']}/000002")
    assert "调查扣留（泄密线索核查），不能列入销毁" in batches.message_label.text()
    assert batches.item_model.rowCount() == 0
    _scan(qtbot, batches.scan_edit, f"{n['central']}/000003")
    assert batches.item_model.rowCount() == 1

    # Released: the copy may go in.
    assert box.release() is None and "请先" in box.message_label.text()
    box.table.selectRow(0)
    dialog = box.release()
    dialog.reason_edit.setText("核查完毕")
    dialog.approver.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted and box.model.rowCount() == 0
    _scan(qtbot, batches.scan_edit, f"{n['central']}/000002")
    assert batches.item_model.rowCount() == 2


def test_the_officer_records_a_missing_copy_lost(shelves, qtbot, monkeypatch) -> None:  # noqa: F811
    custodian, officer, a, b, docs = shelves
    db = custodian.db
    taken = stocktake.start(custodian, a.id, "baomi")
    stocktake.scan(custodian, taken.id, "2026-0001/1")
    stocktake.finish(custodian, taken.id, PASSWORD)
    missing = next(
        r for r in stocktake_records.findings(custodian, taken.id) if r.finding is Finding.MISSING
    )
    resolve(custodian, missing.id, Resolution.INCIDENT, "柜内未找到，报保密员")
    page = DayClosePage(officer)
    qtbot.addWidget(page)
    page.show()
    row = next(
        i
        for i in range(page.incident_model.rowCount())
        if page.incident_model.row_at(i).id == open_incidents(db)[-1].id
    )
    page.incident_view.selectRow(row)
    asked: list[list[str]] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("经查确已遗失，上报", True))

    def pick(parent, title, label, items, current, editable):
        asked.append(list(items))
        return items[1], True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    page.resolve_button.click()
    assert asked and asked[0][1].startswith("确认遗失")
    lost = docs["secret"].copies[1].id
    assert db.scalar("SELECT state FROM copy WHERE id = ?", (lost,)) == "遗失"
