"""The counter driven exactly as a keyboard-wedge scanner types: characters, then Enter."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app import desk
from app.desk import Override, RefusalKind
from tests.conftest import BEIJING, PASSWORD
from ui.override_dialog import OverrideDialog
from ui.pages.desk_page import DeskPage

HEAD, REF = "张三 区委书记", "区委批〔2026〕7号"


def scan(qtbot, page: DeskPage, code: str) -> None:
    qtbot.keyClicks(page.scan_edit, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)


def test_a_day_at_the_counter_with_the_scanner_alone(counter, qtbot, clock, shot) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=BEIJING))
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    assert not page.scan_edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)

    scan(qtbot, page, "2026-0001/000001")
    assert "请先扫描读者证件" in page.banner.text()
    scan(qtbot, page, "B0002")
    assert page.reader is not None and page.reader.name == "王芳"
    scan(qtbot, page, "2026-0001/000001")
    scan(qtbot, page, "2026-0001/2")
    assert len(page.folder) == 2 and "共 2 份" in page.banner.text()
    scan(qtbot, page, "2026-0002")  # 机密: above 王芳's clearance
    assert "不能借阅机密件" in page.banner.text() and "#b00020" in page.banner.styleSheet()
    assert len(page.folder) == 2
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)  # one key confirms
    assert "已借出 2 份给 王芳" in page.banner.text()
    assert page.out_model.rowCount() == 2 and page.reader is None
    clock.set(datetime(2026, 11, 20, 17, 10, tzinfo=BEIJING))
    page.refresh()
    assert page.out_model.display(page.out_model.row_at(0), 7) == "将到期"
    shot(page, "desk-amber")
    clock.set(datetime(2026, 11, 20, 17, 31, tzinfo=BEIJING))
    page.refresh()
    assert page.out_model.display(page.out_model.row_at(0), 7) == "逾期"
    assert "逾期 2 份" in page.out_title.text()
    shot(page, "desk-red")

    scan(qtbot, page, "2026-0001/000001")  # a copy that is out: the return
    assert "核对" in page.banner.text()
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "已归还" in page.banner.text()
    scan(qtbot, page, "2026-0001/000002")
    page.record_discrepancy("缺第3页")
    assert "核对异常已登记" in page.banner.text()
    assert "缺第3页" in page.incidents_label.text()
    assert page.out_model.rowCount() == 1
    shot(page, "desk-incident")


def test_override_at_the_counter(counter, qtbot, clock) -> None:
    custodian, officer, readers, docs = counter
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    scan(qtbot, page, "wf")  # pinyin initials of 王芳
    scan(qtbot, page, "2026-0002")
    assert page._refused is not None
    refused, found = page._refused
    assert [r.kind for r in found] == [RefusalKind.CLEARANCE]
    assert "保密员可按 F7" in page.banner.text()
    page.override(refused, Override("baomi", "bad-password", "领导同意", HEAD, REF))
    assert "密码不正确" in page.banner.text() and page.folder == []
    page.override(refused, Override("baomi", PASSWORD, "领导同意临时阅看"))
    assert "单位负责人" in page.banner.text() and desk.out_now(custodian.db) == []
    page.override(refused, Override("baomi", PASSWORD, "领导同意临时阅看", HEAD, REF))
    assert "已借出 1 份给 王芳" in page.banner.text()
    assert desk.out_now(custodian.db)[0].reader == "王芳"


def _fill(dialog: OverrideDialog, **typed: str) -> None:
    for name, text in typed.items():
        getattr(dialog, f"{name}_edit").setText(text)


def _press_ok(qtbot, dialog: OverrideDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def test_f7_asks_for_the_head_only_for_a_refusal_by_law(counter, qtbot, clock, shot) -> None:
    """Through the window: F7 opens the dialog; a refusal keeps what was typed (but the
    password) and says why; the head and the reference end up on the handover."""
    custodian, officer, readers, docs = counter
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.show()
    scan(qtbot, page, "wf")
    scan(qtbot, page, "2026-0001/000001")  # fine: into the folder
    scan(qtbot, page, "2026-0003")  # outside the 阅文范围
    assert page._refused is not None, page.banner.text()
    seen: list[str] = []

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, OverrideDialog) and dialog.by_law
        assert dialog.head_edit.isVisibleTo(dialog)
        _fill(dialog, login="baomi", password=PASSWORD, reason="专项工作需要")
        _press_ok(qtbot, dialog)  # no head, no reference: refused, the dialog stays
        seen.append(dialog.error_label.text())
        assert dialog.isVisible() and dialog.reason_edit.text() == "专项工作需要"
        _fill(dialog, password="Wrong-pass-1", head=HEAD, reference=REF)
        _press_ok(qtbot, dialog)
        seen.append(dialog.error_label.text())
        assert dialog.head_edit.text() == HEAD and dialog.password_edit.text() == ""
        shot(dialog, "override-by-law")
        _fill(dialog, password=PASSWORD)
        _press_ok(qtbot, dialog)
        assert not dialog.isVisible()

    QTimer.singleShot(0, in_the_dialog)
    qtbot.mouseClick(page.override_button, Qt.MouseButton.LeftButton)
    assert "单位负责人" in seen[0] and "密码不正确" in seen[1]
    assert "已借出 2 份给 王芳" in page.banner.text()
    rows = custodian.db.query(
        "SELECT override_kind, override_head, override_ref FROM handover ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [(None, None, None), ("知悉范围", HEAD, REF)]


def test_the_close_time_override_asks_no_head(counter, qtbot, clock) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 17, 45, tzinfo=BEIJING))
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    scan(qtbot, page, "B0001")
    scan(qtbot, page, "2026-0001/000001")
    assert page._refused is not None
    refused, found = page._refused
    dialog = OverrideDialog("闭库后放行", found, lambda o: page._check_out([refused], o), page)
    qtbot.addWidget(dialog)
    assert not dialog.by_law and dialog.head_edit.parent() is None
    _fill(dialog, login="baomi", password=PASSWORD, reason="书记急用，当晚交回")
    dialog.submit()
    assert "已借出 1 份给 张建国" in page.banner.text()


def test_a_copy_held_by_another_reader_offers_no_f7(counter, qtbot) -> None:
    custodian, officer, readers, docs = counter
    desk.checkout(custodian, readers["zhang"].id, [docs["secret"].copies[0].id])
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    scan(qtbot, page, "B0002")
    scan(qtbot, page, "2026-0001/000001")
    assert "不得横传" in page.banner.text() and "F7" not in page.banner.text()
    assert page._refused is None
