"""A copy's 保管经历 in the custodian's words: people by name, places as places, never a key,
a login or 'None' (walk-through: '入柜 from：None；to：1号保密柜', account 'jiyao')."""

from __future__ import annotations

import re
from collections.abc import Callable

from app import cabinets, desk, registry
from app.people import ReaderInput, add_reader
from app.session import Session
from tests.app.test_registry import doc
from ui.document_dialog import DocumentDialog


def test_the_history_reads_as_words(login: Callable[..., Session], qtbot) -> None:
    reader = add_reader(
        login("baomi"), ReaderInput("张建国", "区委", "书记", "核心", "13800000001", "B0001")
    )
    custodian = login("jiyao")
    result = registry.register(custodian, doc(level="秘密", copy_numbers="1"))
    copy = result.copies[0].id
    cabinet = cabinets.add_cabinet(custodian, "1号保密柜", "机要室")
    cabinets.place(custodian, cabinet.id, copy)
    desk.checkout(custodian, reader.id, [copy])
    desk.take_back(custodian, copy)
    dialog = DocumentDialog(custodian, result.document.id)
    qtbot.addWidget(dialog)
    dialog.copies_view.selectRow(0)
    model = dialog.history_model
    rows = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    kinds = [row[2] for row in rows]
    assert kinds[:1] == ["登记"] and "入柜" in kinds and kinds[-2:] == ["借出", "归还"]
    placed = rows[kinds.index("入柜")][3]
    assert "新位置：1号保密柜" in placed and "原位置：无" in placed
    for row in rows:
        assert row[1] == "李晓梅", row
        assert "None" not in row[3] and not re.search(r"[A-Za-z_]{2,}：", row[3]), row
