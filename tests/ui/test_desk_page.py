"""The counter driven exactly as a keyboard-wedge scanner types: characters, then Enter."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app import audit, desk
from app.desk import Override, RefusalKind
from tests.conftest import BEIJING, PASSWORD
from ui.override_dialog import OverrideDialog
from ui.pages.desk_page import DeskPage

HEAD, REF = "张三 区委书记", "区委批〔2026〕7号"


def scan(qtbot, page: DeskPage, code: str) -> None:
    type_keys(qtbot, page.scan_edit, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)


def type_keys(qtbot, widget, text: str) -> None:
    """Key by key, as a keyboard wedge types; a character QTest cannot name (full width, or
    composed by an input method) arrives as a key event carrying that text."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    for char in text:
        if ord(char) < 0x80:
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


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
    assert page.counter.refused is not None
    refused, found = page.counter.refused
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
    """放行; the password is checked and the folder handed over on a thread of its own (with
    a connection of its own): the dialog says so at once, then the answer arrives."""
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert dialog.busy and dialog.error_label.text() == "正在核验密码…"
    assert not dialog.buttons.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


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
    assert page.counter.refused is not None, page.banner.text()
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
    assert page.counter.refused is not None
    refused, found = page.counter.refused
    dialog = OverrideDialog(
        "闭库后放行", found, custodian, page.counter.prepare_lift, page._lifted, page
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.by_law and dialog.head_edit.parent() is None
    _fill(dialog, login="baomi", password=PASSWORD, reason="书记急用，当晚交回")
    _press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert "已借出 1 份给 张建国" in page.banner.text()


def test_a_copy_held_by_another_reader_offers_no_f7(counter, qtbot) -> None:
    custodian, officer, readers, docs = counter
    desk.checkout(custodian, readers["zhang"].id, [docs["secret"].copies[0].id])
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    scan(qtbot, page, "B0002")
    scan(qtbot, page, "2026-0001/000001")
    assert "不得横传" in page.banner.text() and "F7" not in page.banner.text()
    assert page.counter.refused is None


def test_full_width_and_input_method_scans(counter, qtbot) -> None:
    """A Chinese input method's full-width mode types ＭＪ１… and Ｂ０００６; its Chinese mode
    composes characters out of a scan: the banner says to switch, not 无法识别."""
    custodian, officer, readers, docs = counter
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.show()
    scan(qtbot, page, "Ｂ０００２")
    assert page.reader is not None and page.reader.name == "王芳", page.banner.text()
    scan(qtbot, page, "２０２６－０００１／０００００１")
    assert len(page.folder) == 1, page.banner.text()
    from app import slips

    code = slips.issue(custodian, [docs["secret"].copies[1].id], slips.LABEL)[0].payload
    scan(qtbot, page, code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}))
    assert len(page.folder) == 2, page.banner.text()
    scan(qtbot, page, "不0003")
    assert "请切换到英文输入法" in page.banner.text() and "无法识别" not in page.banner.text()


def test_after_f6_a_rescan_and_enter_records_no_return(counter, qtbot) -> None:
    custodian, officer, readers, docs = counter
    copy = docs["secret"].copies[0]
    desk.checkout(custodian, readers["wang"].id, [copy.id])
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.show()
    scan(qtbot, page, "2026-0001/000001")
    page.record_discrepancy("缺第3页")
    assert "核对异常已登记" in page.banner.text()
    scan(qtbot, page, "2026-0001/000001")  # the same copy again, then Enter
    assert "已登记核对异常（缺第3页）" in page.banner.text() and page.pending_return is None
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "已归还" not in page.banner.text()
    rows = custodian.db.query("SELECT back_at FROM handover WHERE copy_id = ?", (copy.id,))
    assert [r["back_at"] for r in rows] == [None]
    assert "归还" not in [e.action for e in audit.page(custodian.db, None, 1)[:5]]
    # The incident names the copy, and the list has no doubled punctuation.
    clock_night = "违规过夜"
    assert "【核对异常】2026-0001 第000001份：缺第3页" in page.incidents_label.text()
    assert (
        "。；" not in page.incidents_label.text() and clock_night not in page.incidents_label.text()
    )


def _fits(view, column: int, text: str) -> bool:
    return view.fontMetrics().horizontalAdvance(text) + 8 <= view.columnWidth(column)


def test_out_tables_show_the_whole_copy_number_and_give_the_title_room(
    counter, qtbot, clock, shot
) -> None:
    """Two copies of one document must not look alike: 份 is never elided, 标题 stretches."""
    from PySide6.QtWidgets import QHeaderView

    from ui.main_window import MainWindow

    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING))
    window = MainWindow(custodian)  # at its own size, 1440 × 860
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.page_titles().index("借阅台"))
    page = window.pages.currentWidget()
    assert isinstance(page, DeskPage)
    scan(qtbot, page, "B0001")
    for code in ("2026-0001/000001", "2026-0001/000002"):
        scan(qtbot, page, code)
    folder = page.folder_view
    assert folder.model().rowCount() == 2 and _fits(folder, 0, "2026-0001 第000002份")
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert page.folder_view.model().rowCount() == 0
    assert _fits(folder, 0, "2026-0001 第000002份")  # the empty folder keeps its columns
    QApplication.processEvents()  # the layout settles, as it does before anyone looks
    widest = window.fontMetrics().horizontalAdvance("区委办文件标题")
    for view in (page.out_view, folder):
        header = view.horizontalHeader()
        assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch
        assert view.columnWidth(1) >= widest, (
            view.width(),
            [view.columnWidth(c) for c in range(view.model().columnCount())],
            widest,
        )
    labels = [page.out_model.display(page.out_model.row_at(r), 0) for r in range(2)]
    assert sorted(labels) == ["2026-0001 第000001份", "2026-0001 第000002份"]
    assert all(_fits(page.out_view, 0, label) for label in labels)
    assert _fits(page.out_view, 6, "11-20 17:30") and _fits(page.out_view, 7, "已登记例外")
    shot(window, "desk-columns")
    window.nav.setCurrentRow(window.page_titles().index("日终清点"))
    QApplication.processEvents()
    closing = window.pages.currentWidget().out_view
    assert all(_fits(closing, 0, label) for label in labels)
    assert closing.columnWidth(1) >= widest
    incidents = window.pages.currentWidget().incident_view  # empty, yet ready for a copy
    assert _fits(incidents, 1, labels[1]) and _fits(incidents, 2, "11-20 17:30")


def _lines(banner) -> list[str]:
    """The lines the banner shows, broken as the label breaks its text at its width."""
    from PySide6.QtGui import QTextLayout, QTextOption
    from PySide6.QtWidgets import QLabel

    shown = QLabel.text(banner)
    layout = QTextLayout(shown, banner.font())
    layout.setTextOption(QTextOption(Qt.AlignmentFlag.AlignLeft))
    option = layout.textOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(banner.contentsRect().width())
        lines.append(shown[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return [line.replace("\u2060", "").replace("\u200b", "") for line in lines]


def test_the_banner_says_what_applies_and_keeps_its_place(counter, qtbot, clock, shot) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 17, 45, tzinfo=BEIJING))  # after the close time
    desk.checkout(custodian, readers["wang"].id, [docs["plain"].copies[0].id])
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.resize(900, 640)
    page.show()
    top = page.scan_edit.geometry().top()
    height = page.banner.height()
    scan(qtbot, page, "2026-0004")  # out: the return's long check message
    assert "有异常按 F6" in page.banner.text()
    for width in (900, 700, 560):
        page.resize(width, 640)
        lines = _lines(page.banner)
        assert len(lines) >= 2 or width == 900
        for line, after in zip(lines, lines[1:], strict=False):
            assert line[-1] in "，。；：、！？）》”—" or after[0] == "《", lines
        assert not any(line.endswith("有异") for line in lines), lines
        assert page.scan_edit.geometry().top() == top and page.banner.height() == height
    shot(page, "desk-banner-wrapped")
    page.resize(900, 640)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Escape)

    scan(qtbot, page, "B0001")
    scan(qtbot, page, "2026-0001/000001")
    refused, found = page.counter.refused
    page.override(refused, Override("baomi", PASSWORD, "书记急用，当晚交回"))
    said = page.banner.text()
    assert "闭库前" not in said, said
    assert "经保密员 王建国 例外放行（闭库时间）" in said and "请于 18:45 前交回" in said
    assert page.scan_edit.geometry().top() == top
    shot(page, "desk-after-hours")
