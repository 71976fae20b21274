"""The folder at the desk, as the scanner types (issue 16): its label printed and read back,
scanned out with every copy in it, scanned back copy by copy (F6 for the one missing), F4 to
take one copy out of the 本次文件夹, and the warning for a reader off the route."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app import circulation, desk, folders
from tests.pdf_tools import rasterise
from ui.pages.desk_page import DeskPage


def scan(qtbot, page: DeskPage, code: str) -> None:
    qtbot.keyClicks(page.scan_edit, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)


def test_a_printed_folder_label_scans_the_folder_out_and_back(
    counter, qtbot, tmp_path: Path, monkeypatch, shot
) -> None:
    custodian, _, readers, docs = counter
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.show()
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("红夹1", True))
    qtbot.mouseClick(page.label_button, Qt.MouseButton.LeftButton)  # makes 红夹1, offers its label
    assert [f.name for f in folders.all_folders(custodian)] == ["红夹1"]
    printed = page.print_folder_label("红夹1")  # the same folder: its label again, not a new one
    assert printed is not None and len(folders.all_folders(custodian)) == 1
    saved = tmp_path / "label.pdf"
    printed._choose = lambda parent, name: saved
    assert printed.save() == saved
    printed.close()
    [code] = [r.text for r in zxingcpp.read_barcodes(Image.open(rasterise(saved, dpi=150)[0]))]

    scan(qtbot, page, "B0001")
    scan(qtbot, page, "2026-0002")  # 机密
    scan(qtbot, page, "2026-0001/1")
    scan(qtbot, page, "2026-0001/2")
    page.folder_view.setCurrentIndex(page.folder_model.index(0, 0))  # the 机密 one
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)  # F4
    assert page.banner.text().startswith("已移出：2026-0002 第000010份")
    assert [c.copy_no for c in page.folder] == ["000001", "000002"]
    scan(qtbot, page, code)  # into 红夹1
    assert page.folder_title.text() == "本次文件夹（装入 红夹1）"
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert page.banner.text().startswith("已借出 2 份给 张建国（装入文件夹 红夹1）")

    scan(qtbot, page, code)  # the folder comes back
    assert page.banner.text().startswith("文件夹 红夹1 收回：已核 0/2 份")
    scan(qtbot, page, "2026-0001/2")
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "还有 1 份未核：000001" in page.banner.text()
    assert [page.folder_model.index(r, 1).data()[:4] for r in range(2)] == ["【未核】", "【已核】"]
    assert page.folder_title.text() == "文件夹 红夹1 收回（逐份扫描核对）"
    page.resize(1300, 700)
    shot(page, "desk-folder-return")
    assert len(desk.out_now(custodian.db)) == 2
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("缺第3页", True))
    qtbot.mouseClick(page.discrepancy_button, Qt.MouseButton.LeftButton)  # F6
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert page.banner.text() == "文件夹 红夹1 已收回：1 份核对无误，1 份异常已登记，待保密员处理"
    [still] = desk.out_now(custodian.db)
    assert still.copy.copy_no == "000001"


def test_a_folder_name_refused_says_so_in_the_banner_not_a_box(counter, qtbot, monkeypatch) -> None:
    """A box would swallow the next scan: the refusal is the desk's red line, no label offered."""
    custodian = counter[0]
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.show()
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: boxes.append(text))
    folders.create(custodian, "红夹1")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("  ", True))
    qtbot.mouseClick(page.label_button, Qt.MouseButton.LeftButton)
    assert page.banner.text().startswith("请填写文件夹名称（如 红夹1）。")
    assert page.print_folder_label("") is None
    assert boxes == [] and [f.name for f in folders.all_folders(custodian)] == ["红夹1"]


def test_a_reader_off_the_route_is_warned_at_the_desk(counter, qtbot) -> None:
    custodian, _, readers, docs = counter
    circulation.set_route(custodian, docs["secret"].document.id, [readers["zhang"].id])
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.show()
    scan(qtbot, page, "B0002")
    scan(qtbot, page, "2026-0001/1")
    assert page.banner.text().startswith("注意：王芳 不在本件传阅路线上。")
    assert len(page.folder) == 1
