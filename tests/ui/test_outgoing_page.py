"""发文 through the window: register, send, print the 回执, scan them back as a scanner types,
chase the missing ones, and register and print a 退文."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout

from app import audit, outgoing, outgoing_records, scanning
from tests.app.test_outgoing import _paper, office  # noqa: F401
from tests.pdf_tools import rasterise, text_of
from ui.document_dialog import DocumentDialog
from ui.pages.outgoing_page import OutgoingPage
from ui.pages.register_page import RegisterPage


def _save(dialog, target: Path) -> Path:
    assert dialog is not None
    dialog._choose = lambda parent, name: target
    assert dialog.save() == target
    dialog.close()
    return target


def test_register_send_print_and_scan_the_replies_back(office, qtbot, tmp_path: Path, shot) -> None:  # noqa: F811
    custodian, _, _, units = office
    db = custodian.db
    page = OutgoingPage(custodian)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    dialog = page.new_dialog()
    qtbot.addWidget(dialog)
    assert dialog.level_combo.currentText() == "秘密"  # never 绝密 by default
    dialog.title_edit.setText("关于做好年底安全生产工作的通知")
    dialog.level_combo.setCurrentText("机密")
    dialog.urgency_combo.setCurrentText("特急")
    dialog.signer_edit.setText("刘书记")
    dialog.printed_spin.setValue(6)
    assert dialog.pages_spin.text() == "（请填写）"  # no page count until one is typed
    dialog.pages_spin.setValue(3)
    dialog.main_edit.setText("城关镇×2、财政局")
    dialog.copy_edit.setText("某不存在的局")
    dialog._submit()
    assert "没有这个单位" in dialog.error_label.text() and dialog.result_outgoing is None
    dialog.copy_edit.setText("SWJYJ")  # 市委机要局 by its pinyin initials
    dialog.period_edit.setText("5年")  # shorter than the law's 20 years for 机密
    dialog._submit()
    assert dialog.result_outgoing is not None
    assert dialog.result_outgoing.level_label == "机密★5年"
    out = dialog.result_outgoing
    page.registered(dialog)
    # Its row opens its copies' record in the room (walk-through: double-click did nothing),
    # which says 发文, not 收文.
    page.book_view.activated.emit(page.book_model.index(0, 2))
    (record,) = page.findChildren(DocumentDialog)
    assert record.isVisible() and record.windowTitle() == f"发文 {out.registration}"
    labels = [
        record.fields.itemAt(r, QFormLayout.ItemRole.LabelRole).widget().text()
        for r in range(record.fields.rowCount())
    ]
    assert labels[:3] == ["各份编号", "发文机关", "发文字号"] and "签收时间" not in labels
    assert "签发日期" in labels and "成文日期" not in labels
    urgency = record.fields.itemAt(labels.index("紧急程度"), QFormLayout.ItemRole.FieldRole)
    assert urgency.widget().text() == "特急"  # no 办件/阅件 for the office's own
    assert record.form_combo.currentText() == "发文处理笺"
    record.close()
    assert "已登记 区委办发〔2026〕1号" in page.banner.text()
    assert page.book_model.rowCount() == 1
    assert (
        page.book_model.row_at(0)[7] == "000005-000006" and page.book_model.row_at(0)[9] == "未发出"
    )
    assert [page.lines_model.row_at(r)[1:3] for r in range(3)] == [
        ("城关镇", "000001-000002"),
        ("区财政局", "000003"),
        ("市委机要局", "000004"),
    ]

    page.notes_edit.setText("按机要渠道送达")
    page.notes_button.click()
    assert "已保存" in page.banner.text()
    assert outgoing_records.of_year(db, 2026)[0].notes == "按机要渠道送达"
    assert page.notes_edit.text() == "按机要渠道送达"
    page.send_button.click()
    assert "已发出 区委办发〔2026〕1号：3 个单位 4 份" in page.banner.text()
    assert page.book_model.row_at(0)[9] == "待回执"
    assert page.book_model.row_at(0)[1].startswith("F2026-")  # its copies' numbers
    assert "发出 4 份" in page.summary.text() and "未回 3" in page.summary.text()
    assert page.missing_model.rowCount() == 3
    shot(page, "outgoing-book")

    # F8 prints the 文件分发单 and the 回执; the audit once the file is written.
    printed = _save(page.print_dispatch(), tmp_path / "dispatch.pdf")
    assert audit.page(db, None, 1)[0].action == "打印发文回执"
    assert "文件分发单" in text_of(printed)
    codes = [zxingcpp.read_barcodes(Image.open(p))[0].text for p in rasterise(printed, 150)[1:]]
    assert len(codes) == 3

    # The town's 回执 comes back: typed as the scanner types it, Enter.
    page.tabs.setCurrentIndex(1)
    page.reply_signer.setText("赵镇长")  # typed with an IME, not a scanner
    qtbot.keyClicks(page.scan_edit, codes[0])
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "已收回回执：区委办发〔2026〕1号 城关镇" in page.banner.text()
    assert page.missing_model.rowCount() == 2 and page.scan_edit.text() == ""
    assert page.lines_model.row_at(0)[6] == "赵镇长"
    qtbot.keyClicks(page.scan_edit, codes[0])
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "回执已于" in page.banner.text() and "#b00020" in page.banner.styleSheet()
    qtbot.keyClicks(page.scan_edit, codes[1][:-1] + ("A" if codes[1][-1] != "A" else "B"))
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "无法验证" in page.banner.text()
    shot(page, "outgoing-replies")

    # 催收回执 for the two still missing; recorded once saved.
    chase = _save(page.print_chase(), tmp_path / "chase.pdf")
    assert "区财政局" in text_of(chase) and "共 1 件、2 个单位、2 份未回执" in text_of(chase)
    page.refresh()
    assert [page.missing_model.row_at(r)[6] for r in range(2)] == ["1 次", "1 次"]
    assert db.scalar("SELECT count(*) FROM outgoing_reply_chase") == 2
    # A torn 回执 whose QR will not read: chosen in the list, registered by hand.
    page.manual_button.click()
    assert "先在未回执清单中选中" in page.banner.text()
    page.missing_view.selectRow(1)
    page.manual_button.click()
    assert "已手工登记回执：市委机要局" in page.banner.text()
    assert page.missing_model.rowCount() == 1
    assert (
        outgoing_records.recipients(db, outgoing_records.of_year(db, 2026)[0].id)[2].reply_how
        == "手工"
    )

    # The sent copies are out with their units; the 存档份 are in the room.
    out = outgoing_records.of_year(db, 2026)[0]
    ids = [
        r[0]
        for r in db.query(
            "SELECT id FROM copy WHERE document_id = ? ORDER BY copy_no", (out.document_id,)
        )
    ]
    assert [scanning.copy_ref(db, i).state for i in ids] == ["分发在外"] * 4 + ["在柜"] * 2


def test_void_keeps_the_number_and_refusals_show_in_the_banner(office, qtbot) -> None:  # noqa: F811
    from tests.app.test_outgoing import _paper

    custodian, _, _, units = office
    first = outgoing.register(custodian, _paper(units))
    page = OutgoingPage(custodian)
    qtbot.addWidget(page)
    page.show()
    page.send_button.click()
    assert "先在发文登记簿中选中" in page.banner.text()
    page.select(first.id)
    page.void_button.click()
    assert "作废须写明原因" in page.banner.text()
    page.void_reason.setText("标题有误")
    page.void_button.click()
    assert "已作废" in page.banner.text() and page.book_model.row_at(0)[9] == "已作废"
    assert outgoing.register(custodian, _paper(units)).label == "区委办发〔2026〕2号"
    page.refresh()
    assert page.book_model.rowCount() == 2
    page.tabs.setCurrentIndex(1)
    assert page.print_chase() is None and "无需催收" in page.banner.text()


def test_register_and_print_a_return(office, qtbot, tmp_path: Path) -> None:  # noqa: F811
    custodian, _, _, _ = office
    page = OutgoingPage(custodian)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentIndex(2)
    dialog = page.return_dialog()
    qtbot.addWidget(dialog)
    dialog.sender_edit.setText("区住建局")
    dialog.title_edit.setText("关于申请追加城建资金的请示")
    dialog.rule_combo.setCurrentIndex(dialog.rule_combo.findData("直送件"))
    dialog._submit()
    assert "退回对象" in dialog.error_label.text()
    dialog.to_edit.setText("区住建局办公室")
    dialog.note_edit.setText("直接送交区长，未经机要室")
    # It reached the room two hours before it is registered (walk-through: no field for it).
    dialog.came_edit.setDateTime(dialog.came_edit.dateTime().addSecs(-2 * 3600))
    dialog._submit()
    assert dialog.result_item is not None
    came = custodian.clock.now() - dialog.result_item.came_at
    assert 2 * 3600 <= came.total_seconds() < 2 * 3600 + 60
    page.returned(dialog)
    assert "已登记退文 退2026-0001（直送件）" in page.banner.text()
    assert page.returns_model.row_at(0)[4] == "直送件"
    notice = _save(page.print_notice(), tmp_path / "notice.pdf")
    text = text_of(notice)
    assert "退文通知" in text and "直送件" in text and "区住建局办公室" in text
    assert audit.page(custodian.db, None, 1)[0].action == "打印退文通知"
    page.tabs.setCurrentIndex(0)  # the 退文's result stays with its tab
    assert page.banner.text() == ""


def test_the_reports_page_offers_the_three_books(office, qtbot) -> None:  # noqa: F811
    from ui.pages.reports_page import ReportsPage

    custodian, _, _, _ = office
    page = ReportsPage(custodian)
    qtbot.addWidget(page)
    texts = [page.list.item(i).text() for i in range(page.list.count())]
    for title in ("发文登记簿", "回执催收", "退文登记"):
        assert any(t.startswith(title + "　—　") and len(t) > len(title) + 4 for t in texts)
    page.select("outgoing")
    assert page.kind == "outgoing"


def test_the_register_page_shows_either_series(office, qtbot) -> None:  # noqa: F811
    """收文登记 lists 收文 and 发文 together, or either alone (its 收文/发文 filter), its first
    columns headed in the words of what it lists (found at the window: 发文 rows under 收文编号,
    收文日期 and 来文单位)."""
    custodian, _, _, units = office
    out = outgoing.register(custodian, _paper(units))
    page = RegisterPage(custodian)
    qtbot.addWidget(page)

    def headers() -> list[str]:
        model = page.table.horizontalHeader().model()
        return [model.headerData(i, Qt.Orientation.Horizontal) for i in range(4)]

    everything = page.model.rowCount()
    assert headers() == ["登记编号", "登记日期", "来文单位/发文机关", "文号"]
    page.series_combo.setCurrentIndex(page.series_combo.findData("发文"))
    assert page.model.rowCount() == 1
    assert page.model.row_at(0).number == out.registration
    assert headers() == ["发文登记号", "登记日期", "发文机关", "发文字号"]
    # Its 办理情况, kept in the 发文登记簿, shows here too (walk-through: the column was empty).
    outgoing.set_notes(custodian, out.id, "按机要渠道送达")
    page.refresh()
    state = page.model.index(0, page.model.column_of("state")).data()
    assert state == "按机要渠道送达"
    page.series_combo.setCurrentIndex(page.series_combo.findData("收文"))
    assert page.model.rowCount() == everything - 1
    assert headers() == ["收文编号", "收文日期", "来文单位", "文号"]


def test_a_long_title_leaves_every_column_in_sight(office, qtbot) -> None:  # noqa: F811
    """Walk-through: a long title widened the 标题 column until 密级 … 状态 needed scrolling."""
    import dataclasses

    custodian, _, _, units = office
    long_title = "关于进一步加强和改进新形势下机关保密工作若干具体措施的实施意见" * 3
    outgoing.register(custodian, dataclasses.replace(_paper(units), title=long_title))
    page = OutgoingPage(custodian)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    view = page.book_view
    header = view.horizontalHeader()
    last = page.book_model.columnCount() - 1
    qtbot.waitUntil(lambda: header.sectionSize(last) > 0)
    right = header.sectionViewportPosition(last) + header.sectionSize(last)
    assert right <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0
