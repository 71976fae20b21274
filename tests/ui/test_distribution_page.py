"""分发 through the window: keys typed as a scanner types them, Enter to confirm."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout

from app import audit, distribution, scanning
from tests.app.test_distribution import handout  # noqa: F401
from tests.pdf_tools import rasterise
from ui.pages.distribution_page import DistributionPage


def scan(qtbot, page, code: str) -> None:
    qtbot.keyClicks(page.scan_edit, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)


def test_issue_print_and_take_back_by_scan(handout, qtbot, tmp_path: Path, shot) -> None:  # noqa: F811
    custodian, readers, docs, office, town = handout
    page = DistributionPage(custodian)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    number = docs["secret"].document.number
    scan(qtbot, page, f"{number}/000001")
    assert "请先选择接收单位" in page.banner.text() and "#b00020" in page.banner.styleSheet()
    scan(qtbot, page, "B0001")  # 张建国's badge: his unit is chosen with him
    assert page.unit_combo.currentText() == "区委办公室" and page.signed_by_badge
    for copy_no in ("000001", "000002", "000003"):
        scan(qtbot, page, f"{number}/{copy_no}")
    scan(qtbot, page, f"{number}/000003")
    assert "已在本次分发中" in page.banner.text()
    assert page.pending_model.rowCount() == 3
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)  # the empty Enter registers the receipt
    assert "已登记分发 分2026-0001：3 份交 区委办公室" in page.banner.text()
    assert page.holdings_model.rowCount() == 3 and page.receipts_model.rowCount() == 1
    receipt = distribution.get_receipt(custodian.db, page.last_receipt.id)
    assert receipt.signed_by_badge
    shot(page, "distribution-issued")

    # F8: the common print path; the audit only once the file is written.
    dialog = page.print_receipt()
    assert dialog is not None
    target = tmp_path / "receipt.pdf"
    dialog._choose = lambda parent, name: target
    assert dialog.save() == target
    dialog.close()
    assert audit.page(custodian.db, None, 1)[0].action == "打印分发签收单"
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(rasterise(target, 150)[0]))]
    assert len(found) == 1

    # A single return by scan, checked and confirmed with Enter.
    page.clear()
    scan(qtbot, page, f"{number}/000002")
    assert "收回" in page.banner.text() and "区委办公室" in page.banner.text()
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "已收回" in page.banner.text()
    assert page.holdings_model.rowCount() == 2
    # The printed receipt's QR brings back the rest.
    scan(qtbot, page, found[0])
    assert "整单收回 分2026-0001" in page.banner.text() and "在外 2 份" in page.banner.text()
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "已整单收回 分2026-0001：2 份" in page.banner.text()
    assert page.holdings_model.rowCount() == 0
    assert scanning.copy_ref(custodian.db, docs["secret"].copies[0].id).state == "在柜"
    forged = found[0][:-1] + ("A" if found[0][-1] != "A" else "B")
    scan(qtbot, page, forged)
    assert "无法验证" in page.banner.text()
    assert audit.page(custodian.db, None, 1)[0].action == "扫描被拒"


def test_refusals_at_the_counter(handout, qtbot) -> None:  # noqa: F811
    custodian, readers, docs, office, town = handout
    page = DistributionPage(custodian)
    qtbot.addWidget(page)
    page.show()
    page.unit_combo.setCurrentIndex(page.unit_combo.findData(town.id))
    scan(qtbot, page, "ls")  # 李四: 非涉密
    scan(qtbot, page, "2026-0002")
    assert "涉密等级不能签收" in page.banner.text()
    assert page.pending == []
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "没有要确认的操作" in page.banner.text()


def test_a_signer_with_no_unit_is_told_and_signs_in_person(handout, qtbot) -> None:  # noqa: F811
    """Policy (issue 15): a signer who belongs to no unit signs for the unit chosen; the page
    says so (and where to put them in a unit), the receipt's audit event carries the note."""
    custodian, readers, docs, office, town = handout
    page = DistributionPage(custodian)
    qtbot.addWidget(page)
    page.show()
    page.unit_combo.setCurrentIndex(page.unit_combo.findData(town.id))
    scan(qtbot, page, "B0002")  # 王芳: no unit
    assert "未登记所属单位" in page.signer_label.text()
    assert "“单位”页" in page.banner.text() and "#e65100" in page.banner.styleSheet()
    scan(qtbot, page, f"{docs['secret'].document.number}/000001")
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "已登记分发 分2026-0001：1 份交 城关镇" in page.banner.text()
    event = audit.page(custodian.db, None, 1)[0]
    assert event.details["note"] == distribution.NO_UNIT_NOTE
    scan(qtbot, page, "MJH1-AAAAAAAAAAAAAAAA")  # a 发文 回执 belongs on the 发文 page
    assert "请到“发文”页" in page.banner.text()


def test_the_overdue_list_across_units(handout, qtbot, clock, monkeypatch) -> None:  # noqa: F811
    from tests.ui.job_threads import JobThreads

    custodian, readers, docs, office, town = handout
    secret = [c.id for c in docs["secret"].copies]
    distribution.issue(custodian, office.id, readers["zhang"].id, secret[:1])
    distribution.issue(custodian, town.id, readers["wang"].id, secret[1:2])
    page = DistributionPage(custodian)
    qtbot.addWidget(page)
    page.show()
    page.unit_combo.setCurrentIndex(page.unit_combo.findData(office.id))
    assert page.holdings_model.rowCount() == 1 and "逾期" not in page.holdings_title.text()
    clock.set(docs["secret"].document.deadline)
    clock.advance(minutes=1)
    page.refresh()
    assert "逾期 1 份" in page.holdings_title.text()
    jobs = JobThreads(monkeypatch)
    page.overdue_check.setChecked(True)  # every unit's: listed on the task runner
    assert page.holdings_title.text() == "<b>正在列出逾期未收回的份…</b>"
    qtbot.waitUntil(lambda: page.holdings_title.text() == "<b>逾期未收回 2 份</b>（2 个单位）")
    assert jobs.all_off_the_gui_thread
    units_shown = [page.holdings_model.row_at(r)[0] for r in range(2)]
    assert units_shown == ["区委办公室", "城关镇"]
    assert page.holdings_model.row_at(0)[6] == "超过办理时限"


def test_the_register_filters_distributed_copies(handout, qtbot) -> None:  # noqa: F811
    from ui.pages.register_page import RegisterPage

    custodian, readers, docs, office, town = handout
    distribution.issue(
        custodian, office.id, readers["zhang"].id, [docs["confidential"].copies[0].id]
    )
    page = RegisterPage(custodian)
    qtbot.addWidget(page)
    page.state_combo.setCurrentIndex(page.state_combo.findData("分发在外"))
    page.refresh()
    assert page.count_label.text() == "共 1 件"
    assert page.model.row_at(0).id == docs["confidential"].document.id
    # The copy's custody history names the unit and who signed for it.
    dialog = page.open_row(0)
    qtbot.addWidget(dialog)
    rows = [dialog.history_model.row_at(r) for r in range(dialog.history_model.rowCount())]
    assert rows[-1][2:] == ("分发", "单位：区委办公室；签收人：张建国；回执编号：分2026-0001")
    dialog.close()


def test_the_desk_page_says_where_a_distributed_copy_is(handout, qtbot) -> None:  # noqa: F811
    from ui.pages.desk_page import DeskPage

    custodian, readers, docs, office, town = handout
    distribution.issue(custodian, office.id, readers["zhang"].id, [docs["secret"].copies[0].id])
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    scan(qtbot, page, f"{docs['secret'].document.number}/000001")
    assert "分发在外" in page.banner.text() and "区委办公室" in page.banner.text()


def test_chase_sheets_from_the_page(handout, qtbot, tmp_path: Path, clock) -> None:  # noqa: F811
    from datetime import date, datetime

    from tests.conftest import BEIJING
    from ui.pages.distribution_page import ChaseDialog

    custodian, readers, docs, office, town = handout
    distribution.issue(custodian, office.id, readers["zhang"].id, [docs["secret"].copies[0].id])
    clock.set(datetime(2027, 4, 20, 9, 0, tzinfo=BEIJING))
    page = DistributionPage(custodian)
    qtbot.addWidget(page)
    chase = ChaseDialog(custodian, None, page)
    qtbot.addWidget(chase)
    # Last year's copies, due a month before the room's own recall deadline (06-30).
    assert chase.year_spin.value() == 2026
    assert chase.deadline_edit.date().toPython() == date(2027, 5, 31)
    target = chase.form.itemAt(0, QFormLayout.ItemRole.FieldRole).widget()
    assert target.text() == "全部持有该年度文件的单位"
    one = ChaseDialog(custodian, "区委办公室", page)  # names the unit chosen on the page
    qtbot.addWidget(one)
    assert one.form.itemAt(0, QFormLayout.ItemRole.FieldRole).widget().text() == "区委办公室"
    # Chasing an earlier year late: never a 退回期限 already gone (walk-through).
    chase.year_spin.setValue(2024)
    assert chase.deadline_edit.date().toPython() == date(2027, 5, 4)
    dialog = page.print_chases(2026, date(2027, 5, 31))
    assert dialog is not None
    target = tmp_path / "chase.pdf"
    dialog._choose = lambda parent, name: target
    assert dialog.save() == target
    dialog.close()
    event = audit.page(custodian.db, None, 1)[0]
    assert (event.action, event.object) == ("清退催收", "unit:区委办公室")
