"""调离前清退: nobody is marked as left while they hold a copy or an open 批示; the 交接清单."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app import audit, departure, desk, instructions, on_spot, people, registry
from app.errors import InvalidInput, PermissionDenied
from app.output import PRINTER
from app.people import ReaderInput, add_reader, mark_left
from tests.app.test_registry import doc
from tests.conftest import BEIJING
from tests.pdf_tools import text_of


@pytest.mark.parametrize("level", ["绝密", "机密", "秘密", "非密"])
def test_a_reader_holding_a_copy_cannot_leave(counter, clock, level: str) -> None:
    custodian, officer, readers, _ = counter
    numbers = "" if level == "非密" else "7"
    item = registry.register(
        custodian,
        doc(level=level, copy_numbers=numbers, copy_count=1, doc_number="F〔2026〕9号"),
    )
    copy = item.copies[0]
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING))
    if level == "绝密":  # read in the room (app.on_spot): held all the same
        on_spot.start(custodian, readers["zhang"].id, copy.id, present=True)
    else:
        desk.checkout(custodian, readers["zhang"].id, [copy.id])
    with pytest.raises(departure.StillHolding) as refused:
        mark_left(officer, readers["zhang"].id)
    message = refused.value.message
    assert "张建国 尚有 1 项未清退" in message
    assert f"借出未还：{item.document.number} 第{copy.copy_no}份〔{level}〕" in message
    assert isinstance(refused.value, InvalidInput)
    assert people.get_reader(officer.db, readers["zhang"].id).active  # nothing written
    assert audit.page(officer.db, None, 1)[0].action != "读者离岗"
    desk.take_back(custodian, copy.id)
    mark_left(officer, readers["zhang"].id)
    assert not people.get_reader(officer.db, readers["zhang"].id).active


def test_an_open_instruction_as_handler_holds_the_reader(counter) -> None:
    custodian, officer, readers, docs = counter
    document_id = docs["secret"].document.id
    item = instructions.add(
        custodian, document_id, "赵书记", "请王芳同志牵头落实。", handler="刘洋、王芳"
    )
    # A name that only contains hers is not hers.
    instructions.add(custodian, document_id, "赵书记", "请阅。", handler="王芳芳")
    with pytest.raises(departure.StillHolding, match="批示承办：2026-0001 赵书记批示（待办）"):
        mark_left(officer, readers["wang"].id)
    instructions.finish(custodian, item.id, "已落实并报告。")
    mark_left(officer, readers["wang"].id)


def test_the_handover_list_lists_what_is_held_and_is_audited_when_printed(
    counter, clock, tmp_path: Path
) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["zhang"].id, [docs["confidential"].copies[0].id])
    instructions.add(custodian, docs["secret"].document.id, "赵书记", "请研办。", handler="张建国")
    output = departure.handover_list(officer, readers["zhang"].id)
    before = audit.page(officer.db, None, 1)[0].seq
    pdf = tmp_path / "handover.pdf"
    pdf.write_bytes(output.pdf)
    text = text_of(pdf)
    for expected in (
        "交 接 清 单",
        "张建国",
        "借出未还",
        "2026-0002 第000010份",
        "机密",
        "批示承办",
        "未清退合计 2 项",
        "交接人（签字）",
        "接收人（机要员，签字）",
    ):
        assert expected in text, expected
    assert audit.page(officer.db, None, 1)[0].seq == before  # nothing until delivered
    output.delivered(PRINTER)
    event = audit.page(officer.db, None, 1)[0]
    assert event.action == "输出交接清单" and event.details == {"items": 2, "to": PRINTER}


def test_a_clear_reader_gets_an_empty_list_and_administrators_none(
    counter, login, tmp_path
) -> None:
    _, officer, readers, _ = counter
    pdf = tmp_path / "clear.pdf"
    pdf.write_bytes(departure.handover_list(officer, readers["li"].id).pdf)
    assert "没有借出未还的文件" in text_of(pdf)
    with pytest.raises(PermissionDenied):
        departure.handover_list(login("shenji"), readers["li"].id)
    new = add_reader(officer, ReaderInput("周明"))
    mark_left(officer, new.id)


def test_a_signer_of_copies_still_distributed_cannot_leave(counter) -> None:
    """The gate counts copies a unit holds on a receipt the person signed for."""
    from app import distribution
    from app.units import UnitInput, add_unit, set_reader_unit

    custodian, officer, readers, docs = counter
    office = add_unit(custodian, UnitInput("区委办公室", "部门", "区委办"))
    set_reader_unit(custodian, readers["zhang"].id, office.id)
    copies = [c.id for c in docs["secret"].copies]
    distribution.issue(custodian, office.id, readers["zhang"].id, copies[:1])
    with pytest.raises(departure.StillHolding) as refused:
        mark_left(officer, readers["zhang"].id)
    assert "分发未退：2026-0001 第000001份〔秘密〕" in refused.value.message
    held = departure.holdings(officer.db, readers["zhang"].id, "张建国")
    assert [h.note for h in held] == ["区委办公室 签收单 分2026-0001"]
