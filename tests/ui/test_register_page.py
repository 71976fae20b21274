"""收文登记 through the window: keyboard entry as the custodian types, the register, a document."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from app import register_query, registry
from app.register_query import RegisterFilter
from app.session import Session
from tests.app.test_registry import doc
from ui.pages.register_page import RegisterPage
from ui.tasks import SyncRunner, use_runner


def _type(qtbot, widget, text: str) -> None:
    """ASCII through key clicks; Chinese arrives from the input method as committed text."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        widget.insert(text) if hasattr(widget, "insert") else widget.setCurrentText(text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_register_a_document_with_the_keyboard(login: Callable[..., Session], qtbot, shot) -> None:
    session = login("jiyao")
    page = RegisterPage(session)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    form = page.open_registration()
    _type(qtbot, form.issuer_edit, "市委办公室")
    assert form.focusWidget() is form.source_combo  # Enter moved on
    form.source_combo.setCurrentText("市")
    qtbot.keyClick(form.source_combo, Qt.Key.Key_Return)
    assert form.focusWidget() is form.doc_number_edit
    _type(qtbot, form.doc_number_edit, "市委发[2026]12号")  # the wrong brackets, as often typed
    assert form.focusWidget() is form.title_edit
    _type(qtbot, form.title_edit, "关于做好年终保密检查工作的通知")

    _type(qtbot, form.written_edit, "2026.11.10")
    form.level_combo.setCurrentText("机密")
    form.copies_edit.setText("000031-000035, 000040")
    form.pages_spin.setValue(6)
    assert "共 6 份" in form.preview_label.text()
    assert "市委发〔2026〕12号" in form.preview_label.text()
    shot(form, "registration-filled")
    qtbot.keyClick(form.remarks_edit, Qt.Key.Key_Return)  # Enter on the last field registers
    assert "已登记 2026-0001" in form.message_label.text()
    # The form is ready for the next document from the same issuer.
    assert form.issuer_edit.text() == "市委办公室" and form.title_edit.text() == ""
    assert form.source_combo.currentText() == "市"
    assert page.model.rowCount() == 1
    assert page.count_label.text() == "共 1 件"
    form.close()


def test_a_refused_registration_keeps_everything_typed(
    login: Callable[..., Session], qtbot, shot
) -> None:
    session = login("jiyao")
    registry.register(session, doc())
    page = RegisterPage(session)
    qtbot.addWidget(page)
    form = page.open_registration()
    form.issuer_edit.setText("市委办公室")
    form.doc_number_edit.setText("市委办发〔2026〕12号")
    form.title_edit.setText("重复的一份")
    form.level_combo.setCurrentText("机密")
    form.copies_edit.setText("000035")
    form.submit()
    assert "2026-0001 登记" in form.message_label.text()
    assert form.title_edit.text() == "重复的一份" and form.copies_edit.text() == "000035"
    form.scope_edit.setText("查无此人")
    form.copies_edit.setText("000099")
    form.submit()
    assert "既不是在岗读者" in form.message_label.text()
    shot(form, "registration-refused")
    assert form.is_dirty()  # closing now would ask first (tests/ui/test_registration_form.py)
    form.done(0)


def test_filters_search_and_the_document_dialog(
    login: Callable[..., Session], qtbot, clock, shot
) -> None:
    session = login("jiyao")
    for i in range(130):
        clock.advance(minutes=1)
        registry.register(
            session,
            doc(
                doc_number=f"D〔2026〕{i + 1}号",
                copy_numbers=f"{i + 1}",
                title="常委会纪要" if i % 10 == 0 else "关于做好年终保密检查工作的通知",
                level="秘密" if i % 2 else "机密",
            ),
        )
    page = RegisterPage(session)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    assert page.count_label.text() == "共 130 件"
    assert page.model.rowCount() == 100  # the first page only; more arrive as the view scrolls
    page.table.scrollToBottom()
    page.model.fetchMore(page.table.rootIndex())
    assert page.model.rowCount() == 130
    page.search_edit.setText("常委")  # the list follows the typing after a short pause
    qtbot.waitUntil(lambda: page.count_label.text() == "共 13 件", timeout=2000)
    assert page.model.rowCount() == 13
    page.search_edit.setText("")
    qtbot.waitUntil(lambda: page.count_label.text() == "共 130 件", timeout=2000)

    page.level_combo.setCurrentIndex(page.level_combo.findData("秘密"))
    assert page.model.rowCount() == 65
    page.order_combo.setCurrentIndex(1)
    assert page.model.row_at(0).number == "2026-0002"
    shot(page, "register-filtered")
    dialog = page.open_row(0)
    assert dialog.copies_model.rowCount() == 1
    assert dialog.history_model.rowCount() == 1
    shot(dialog, "document-dialog")
    dialog.close()
    assert register_query.count(session.db, RegisterFilter(level="秘密")) == 65


def test_save_the_register_as_pdf_from_the_window(
    login: Callable[..., Session], qtbot, tmp_path
) -> None:
    from tests.pdf_tools import text_of
    from ui.report_dialog import ReportDialog

    session = login("jiyao")
    registry.register(session, doc())
    target = tmp_path / "登记簿.pdf"
    dialog = ReportDialog(session, "register", 2026, choose=lambda parent, name: target)
    qtbot.addWidget(dialog)
    use_runner(dialog, SyncRunner(session))
    dialog.save()
    assert dialog.saved == target and "已保存到" in dialog.message_label.text()
    assert "关于做好年终保密检查工作的通知" in text_of(target)
    dialog.year_spin.setValue(2025)
    target.unlink()
    dialog.save()
    assert "（本期无登记）" in text_of(target)
    output = dialog.output().dialog  # the common print path: preview, print, save
    assert output is not None and "共 1 页" in output.message_label.text()
    output.close()


def test_import_an_old_ledger_through_the_window(
    login: Callable[..., Session], qtbot, tmp_path, shot
) -> None:
    from tests.app.test_ledger_import import ROWS, write_xlsx

    session = login("jiyao")
    ledger = tmp_path / "台账.xlsx"
    write_xlsx(ledger, ROWS)
    page = RegisterPage(session)
    qtbot.addWidget(page)
    from ui.tasks import SyncRunner

    dialog = page.open_import(choose=lambda parent: ledger, runner=SyncRunner(session))
    dialog.pick()
    assert dialog.summary_label.text() == "可导入 3 行　已存在 0 行　错误 3 行"
    assert dialog.import_button.text() == "导入 3 行"
    shot(dialog, "import-preview")
    dialog.run_import()
    assert dialog.summary_label.text() == "已导入 3 行，已存在 0 行，未导入 3 行。"
    dialog.close()
    assert page.count_label.text() == "共 3 件"


def test_edit_and_void_from_the_document_dialog(login: Callable[..., Session], qtbot) -> None:
    from app import audit

    session = login("jiyao")
    registry.register(session, doc())
    page = RegisterPage(session)
    qtbot.addWidget(page)
    dialog = page.open_row(0)
    edit = dialog.open_edit()
    edit.edits["title"].setText("")
    edit.buttons.accepted.emit()
    assert edit.error_label.text() == "标题不能为空。"
    edit.edits["title"].setText("关于做好年终保密自查工作的通知")
    edit.edits["status_note"].setText("已传阅")
    edit.buttons.accepted.emit()
    assert audit.page(session.db, None, 1)[0].action == "修改收文"
    void = dialog.open_void()
    assert void.approver is None  # no history yet: the custodian alone
    void.reason_edit.setText("重复登记")
    void.buttons.accepted.emit()
    assert not dialog.void_button.isEnabled() and not dialog.edit_button.isEnabled()
    dialog.close()
    row = page.model.row_at(0)
    assert row.voided and row.title == "关于做好年终保密自查工作的通知"


def test_a_double_click_opens_one_document_dialog(login: Callable[..., Session], qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.document_dialog import DocumentDialog

    session = login("jiyao")
    registry.register(session, doc())
    page = RegisterPage(session)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    rect = page.table.visualRect(page.model.index(0, 4))
    # A real double click: press and release, then the second press arrives as a double click.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def dialogs() -> list[DocumentDialog]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, DocumentDialog) and w.isVisible()
        ]

    qtbot.waitUntil(lambda: len(dialogs()) >= 1, timeout=2000)
    qtbot.wait(50)
    opened = dialogs()
    assert len(opened) == 1
    opened[0].close()
    # Enter on the selected row opens it too, once.
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(dialogs()) == 1, timeout=2000)
    dialogs()[0].close()


def test_voiding_through_the_window_asks_the_approver_or_refuses(
    login: Callable[..., Session], qtbot, clock, shot
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QLabel

    from app import desk, recall
    from app.people import ReaderInput, add_reader
    from tests.conftest import PASSWORD
    from ui.document_dialog import DocumentDialog

    custodian, officer = login("jiyao"), login("baomi")
    lent = registry.register(
        custodian, doc(issuer="区委办公室", source="区本级", doc_number="区委发〔2026〕1号")
    )
    recalled = registry.register(custodian, doc(source="市", doc_number="市委发〔2026〕9号"))
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", "1", "B0001"))
    desk.checkout(custodian, reader.id, [lent.copies[0].id])
    desk.take_back(custodian, lent.copies[0].id)
    recall.open_campaign(custodian, 2026)
    page = RegisterPage(custodian)
    qtbot.addWidget(page)

    dialog = DocumentDialog(custodian, lent.document.id, page)
    void = dialog.open_void()
    assert void.approver is not None
    assert any("保密员本人输入密码" in w.text() for w in void.findChildren(QLabel))
    void.reason_edit.setText("误登")
    void.approver.password_edit.setText("wrong")
    void.buttons.accepted.emit()
    assert "密码不正确" in void.error_label.text() and void.isVisible()
    void.approver.password_edit.setText(PASSWORD)
    shot(void, "void-with-approver")
    void.buttons.accepted.emit()
    assert void.result() == void.DialogCode.Accepted
    assert not dialog.void_button.isEnabled()
    dialog.close()

    dialog = DocumentDialog(custodian, recalled.document.id, page)
    void = dialog.open_void()
    assert "清退已经开始，不能再作废" in void.error_label.text()
    assert not void.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    shot(void, "void-refused")
    void.close()
    dialog.close()
