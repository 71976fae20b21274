"""清退销毁 and 报表 through the window: a campaign run by clicking, witnesses typed wrong and then
right, the sealed batch locked in the window, and a plaintext export only after the warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import recall
from app.session import Session
from tests.app.test_recall import campaign_room  # noqa: F401
from tests.conftest import PASSWORD
from ui.pages.recall_page import RecallPage
from ui.pages.reports_page import ReportsPage
from ui.recall_dialogs import NewBatchDialog
from ui.tasks import SyncRunner, use_runner


def select_all(page) -> None:
    page.table.selectAll()


def _confirm(qtbot, dialog) -> None:
    """确定; a password check runs on its own thread (ui.tasks.on_own_connection): wait for it."""
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not getattr(dialog, "busy", False), timeout=30_000)


def test_a_campaign_through_the_window(campaign_room, qtbot, shot) -> None:  # noqa: F811
    custodian, n = campaign_room
    window = RecallPage(custodian)
    qtbot.addWidget(window)
    window.resize(1300, 760)
    window.show()
    page = window.campaign
    assert page.year == 2026
    assert page.overall_bar.format().startswith("全部　0/12")
    assert page.bars.count() == 5  # 机密, 秘密 and three issuers

    # The province's copies go back against a receipt.
    page.issuer_combo.setCurrentText("省委办公厅")
    assert page.model.rowCount() == 6
    select_all(page)
    dialog = page.return_selected()
    dialog.receiver_edit.setText("省委机要交通局 陈明")
    _confirm(qtbot, dialog)
    assert dialog.error_label.text() == "请填写回执编号。"  # nothing lost: still open, still typed
    assert dialog.receiver_edit.text() == "省委机要交通局 陈明"
    dialog.receipt_edit.setText("SJ-2026-0417")
    _confirm(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert page.overall_bar.value() == 6

    # One central copy kept: a wrong password first.
    page.issuer_combo.setCurrentText("中共中央办公厅")
    page.table.selectRow(0)
    dialog = page.retain_selected()
    dialog.reason_edit.setText("年度总结仍需参阅")
    dialog.approver.password_edit.setText("wrong")
    _confirm(qtbot, dialog)
    assert "密码不正确" in dialog.error_label.text()
    dialog.approver.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert recall.progress(recall.rows(custodian.db, 2026)).outcomes["留用"] == 1

    # A batch: with none open, picking copies offers a new one and fills it; then a scan.
    batches = window.batches
    page.filter_combo.setCurrentText("待处理")
    select_all(page)
    page.batch_button.click()
    assert window.currentWidget() is batches
    dialog = batches.findChild(NewBatchDialog)
    dialog.place_edit.setText("机要室")
    _confirm(qtbot, dialog)
    assert batches.batch is not None and batches.batch.state == "待审批"
    assert batches.item_model.rowCount() == 2
    assert page.model.rowCount() == 0  # the campaign list heard of it: nothing 待处理 left
    batches.scan_edit.setText(f"{n['city']}/000001")
    batches.scan_edit.returnPressed.emit()
    assert batches.item_model.rowCount() == 3 and "已加入" in batches.message_label.text()
    batches.scan_edit.setText(f"{n['city']}/000001")
    batches.scan_edit.returnPressed.emit()
    assert "已在本批次" in batches.message_label.text()

    # Approval, then the witnesses: the same person twice, a wrong password, then right.
    dialog = batches.approve()
    dialog.approver.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    assert batches.batch.state == "待监销"
    dialog = batches.witness()
    # Only business accounts witness, never the builder or one of the 三员.
    offered = {dialog.first.combo.itemData(i) for i in range(dialog.first.combo.count())}
    assert offered == {"baomi", "zhuren"}
    dialog.first.choose("baomi")
    dialog.second.choose("baomi")
    dialog.first.password_edit.setText(PASSWORD)
    dialog.second.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    assert "两名不同" in dialog.error_label.text()
    dialog.second.choose("zhuren")
    dialog.second.password_edit.setText("typo")
    _confirm(qtbot, dialog)
    assert "赵立新的密码不正确" in dialog.error_label.text()
    assert batches.batch.state == "待监销"
    dialog.second.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    sealed = batches.batch
    assert sealed.state == "已销毁" and sealed.witnesses == ("baomi", "zhuren")
    # The window offers nothing that would change it.
    for widget in (
        batches.scan_edit,
        batches.remove_button,
        batches.approve_button,
        batches.witness_button,
        batches.cancel_button,
    ):
        assert not widget.isEnabled()
    shot(window, "recall-batches")
    assert not batches.handover_button.isEnabled()  # shredded in the room: no 移交单
    register = batches.print_register()  # on the window's task runner
    assert register is not None
    qtbot.waitUntil(lambda: register.dialog is not None, timeout=30_000)
    output = register.dialog
    assert output is not None and "共 1 页" in output.message_label.text()
    output.close()

    window.setCurrentWidget(page)
    page.filter_combo.setCurrentText("全部")
    page.issuer_combo.setCurrentText("全部")
    assert page.overall_bar.value() == 10
    shot(window, "recall-campaign")
    printing = page.print_lists()
    qtbot.waitUntil(lambda: printing.dialog is not None, timeout=30_000)
    lists = printing.dialog
    assert lists is not None and "共 6 页" in lists.message_label.text()
    lists.close()


def test_reports_page_warns_before_a_plaintext_export(
    campaign_room,  # noqa: F811
    qtbot,
    tmp_path: Path,
    shot,
) -> None:
    custodian, _ = campaign_room
    answers = [False, True, True]
    target = tmp_path / "stats.xlsx"
    page = ReportsPage(custodian, confirm=lambda _: answers.pop(0), choose=lambda _, __: target)
    qtbot.addWidget(page)
    page.resize(900, 520)
    page.show()
    use_runner(page, SyncRunner(custodian))
    page.select("stats")
    assert page.export_sheet() is None and not target.exists()
    assert page.export_sheet() is not None and target.stat().st_size > 0
    assert "明文" in page.message_label.text()
    target = tmp_path / "统计"  # typed without a suffix
    page.export_sheet()
    assert (tmp_path / "统计.xlsx").stat().st_size > 0
    shot(page, "reports-page")
    page.select("recall")
    dialog = page.show_pdf().dialog
    assert dialog is not None and "清退清单" in dialog.message_label.text()
    dialog.close()


def test_a_lost_copy_is_refused_as_kept_in_the_window(campaign_room, login, qtbot, shot) -> None:  # noqa: F811
    from tests.app.test_recall import ids
    from tests.app.test_recall_rules import _lose

    custodian, n = campaign_room
    lost = ids(custodian, n["central"])[0]
    _lose(custodian, login("baomi"), lost)
    window = RecallPage(custodian)
    qtbot.addWidget(window)
    page = window.campaign
    page.refresh()
    page.issuer_combo.setCurrentText("中共中央办公厅")
    row = next(i for i in range(page.model.rowCount()) if page.model.row_at(i).copy_id == lost)
    assert page.model.row_at(row).blocker == "遗失待查"
    page.table.selectRow(row)
    dialog = page.retain_selected()
    assert "已登记遗失，不能留用" in dialog.error_label.text()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    shot(dialog, "retain-lost-refused")
    dialog.close()
    assert recall.progress(recall.rows(custodian.db, 2026)).outcomes["留用"] == 0


def test_approval_and_sealing_check_passwords_off_the_gui_thread(
    campaign_room,  # noqa: F811
    qtbot,
    monkeypatch,
) -> None:
    """Argon2 for the approver, then for both 监销人, on a thread of their own with a connection
    of their own, closed when the check ends; the window keeps ticking."""
    from datetime import date

    import ui.tasks
    from app import destruction
    from tests.app.test_recall import ids
    from tests.ui.test_import_dialog import FROZEN_MS, Ticks

    custodian, n = campaign_room
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, ids(custodian, n["central"]))
    opened: list[Session] = []
    real = ui.tasks.worker_session

    def seen(session: Session) -> Session:  # the real connection, noted to see it closed
        opened.append(real(session))
        return opened[-1]

    monkeypatch.setattr(ui.tasks, "worker_session", seen)
    window = RecallPage(custodian)
    qtbot.addWidget(window)
    window.show()
    batches = window.batches
    batches.refresh(select=batch.id)
    assert batches.batch is not None and batches.batch.id == batch.id
    ticks = Ticks()
    dialog = batches.approve()
    dialog.approver.password_edit.setText(PASSWORD)
    dialog.buttons.accepted.emit()
    assert dialog.busy and not dialog.buttons.isEnabled()  # checking, on its own thread
    dialog.reject()  # Esc meanwhile: the dialog stays until the check has answered
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert batches.batch.state == "待监销"  # the window reads what the worker committed
    dialog = batches.witness()
    dialog.first.choose("baomi")
    dialog.second.choose("zhuren")
    dialog.first.password_edit.setText(PASSWORD)
    dialog.second.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    longest = ticks.stop()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert batches.batch.state == "已销毁"
    print(f"approval and sealing: longest stall {longest} ms")
    assert longest < FROZEN_MS, f"the event loop stalled {longest} ms"
    assert len(opened) == 2 and all(s.db is not custodian.db for s in opened)
    for worker in opened:
        with pytest.raises(Exception, match="closed"):
            worker.db.scalar("SELECT 1")


def test_the_witness_dialog_says_when_the_room_has_too_few_witnesses(login, qtbot) -> None:
    """A room with one business account besides the builder: the dialog says what to do."""
    from datetime import date

    from PySide6.QtWidgets import QLabel

    from app import accounts, destruction
    from ui.recall_dialogs import WitnessDialog

    admin = login("xitong")
    accounts.deactivate(admin, "zhuren")
    custodian = login("jiyao")
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    dialog = WitnessDialog(custodian, batch, None)
    qtbot.addWidget(dialog)
    assert dialog.shortage and dialog.first.combo.count() == 1
    texts = [w.text() for w in dialog.findChildren(QLabel)]
    assert any("可担任监销人的账户只有 1 名" in t for t in texts), texts
