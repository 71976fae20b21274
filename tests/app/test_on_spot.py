"""绝密 is read in the room (即阅即批即退, issue 16): the desk offers 在室阅读 instead of 借出,
the custodian confirms being present, a timer runs, the copy cannot leave without the 单位负责人
named, and the reading is in the copy's record with how long it lasted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app import audit, desk, documents, on_spot, registry
from app.counter import Counter, counter_key
from app.counter_view import Ask, Tone, board, readings_line
from app.desk import Override, RefusalKind
from app.errors import InvalidInput, PermissionDenied
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD

HEAD, REF = "张三 区委书记", "区委批〔2026〕7号"


@pytest.fixture
def top(counter, clock):
    custodian, officer, readers, _ = counter
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    item = registry.register(
        custodian, doc(level="绝密", copy_numbers="1-2", doc_number="J〔2026〕1号")
    )
    return custodian, officer, readers, item


def test_a_top_secret_checkout_is_refused_in_chinese_unless_the_head_is_named(top) -> None:
    custodian, _, readers, item = top
    copy = item.copies[0].id
    with pytest.raises(InvalidInput, match="绝密件，须在室阅读（即阅即批即退），不得带出机要室"):
        desk.checkout(custodian, readers["zhang"].id, [copy])
    alone = Override("baomi", PASSWORD, "外出开会须带阅")
    with pytest.raises(InvalidInput, match="绝密件带出机要室须经单位负责人批准"):
        desk.checkout(custodian, readers["zhang"].id, [copy], alone)
    named = Override("baomi", PASSWORD, "外出开会须带阅", HEAD, REF)
    [handover] = desk.checkout(custodian, readers["zhang"].id, [copy], named)
    row = custodian.db.one("SELECT * FROM handover WHERE id = ?", (handover,))
    assert (row["override_kind"], row["override_head"], row["on_spot"]) == ("绝密在室", HEAD, 0)


def test_read_in_the_room_from_the_counter_with_its_timer_and_record(top, clock) -> None:
    custodian, _, readers, item = top
    copy = item.copies[0]
    code = f"{item.document.number}/{copy.copy_no}"
    at = Counter(custodian)
    at.line("B0001")  # 张建国, 核心
    offered = at.line(code)
    assert offered.f9 and offered.f7 and not offered.beep and offered.tone is Tone.CHECK
    assert "须在室阅读" in offered.banner and "按 F9" in offered.banner
    assert offered.folder == ()  # not in the folder: it does not go out
    asked = at.ask_on_spot()
    assert asked.asks is Ask.PRESENCE and "确认在场" in asked.prompt
    absent = at.start_on_spot(False)
    assert absent.beep and absent.banner == on_spot.NOT_PRESENT
    assert desk.out_now(custodian.db) == []  # nothing written
    at.line(code)
    started = at.start_on_spot(True)
    assert started.changed and started.banner.startswith("在室阅读开始：张建国 阅")
    assert started.reader == "读者：—"  # the counter is free for the next scan
    [out] = desk.out_now(custodian.db)
    assert out.on_spot and out.copy.copy_id == copy.id
    clock.set(clock.now() + timedelta(minutes=12, seconds=5))
    shown = board(custodian.db, clock.now())
    assert readings_line(shown.readings, clock.now()) == (
        f"在室阅读（机要员在场）：张建国 {item.document.number} 第000001份 12:05"
    )
    assert desk.disclosure(custodian.db, copy.id)[0][0] == "张建国（在室阅读）"
    # Someone else cannot take it meanwhile.
    at.line("B0002")
    held = at.line(code)
    assert held.beep and "正由 张建国 在室阅读" in held.banner
    at.clear()
    # Read: scanned back, the check confirmed, the reading ends with its length.
    at.line(code)
    back = at.line("")
    assert back.banner.startswith("在室阅读结束：张建国 阅 12 分钟；已归还"), back.banner
    assert board(custodian.db, clock.now()).readings == []
    kinds = [(e.kind, e.details) for e in documents.copy_history(custodian.db, copy.id)]
    assert ("在室阅读", {"reader": "张建国", "present": "jiyao"}) in kinds
    ended = next(d for k, d in kinds if k == "在室阅读结束")
    assert (ended["reader"], ended["minutes"]) == ("张建国", 12)
    actions = [(e.action, e.details) for e in audit.page(custodian.db, None, 4)]
    assert ("在室阅读", {"reader": "张建国", "present": "jiyao"}) in actions
    assert next(d for a, d in actions if a == "归还")["on_spot_minutes"] == 12


def test_a_reader_not_cleared_is_refused_and_offered_no_reading(top, login) -> None:
    custodian, _, readers, item = top
    at = Counter(custodian)
    at.line("B0002")  # 王芳, 一般
    refused = at.line(f"{item.document.number}/1")
    assert refused.beep and not refused.f9 and "不能借阅绝密件" in refused.banner
    assert at.ask_on_spot().beep
    with pytest.raises(InvalidInput, match="不能借阅绝密件"):
        on_spot.start(custodian, readers["wang"].id, item.copies[0].id, True)
    with pytest.raises(PermissionDenied):
        on_spot.start(login("baomi"), readers["zhang"].id, item.copies[0].id, True)
    found = desk.refusals(
        custodian.db, readers["wang"], _ref(custodian, item), custodian.clock.now()
    )
    kinds = {r.kind for r in found}
    assert kinds == {RefusalKind.CLEARANCE, RefusalKind.ON_SPOT}


def test_f9_at_the_command_line_session(top) -> None:
    custodian, _, _, item = top
    at = Counter(custodian)
    counter_key(at, "B0001")
    counter_key(at, f"{item.document.number}/2")
    assert counter_key(at, "F9").banner.startswith("在室阅读开始")
    assert on_spot.read_under_way(custodian)[0].reader == "张建国"


def _ref(custodian, item):
    from app.scanning import copy_ref

    return copy_ref(custodian.db, item.copies[0].id)


def test_the_room_check_reads_an_in_room_reading_as_a_handover(top, login, clock) -> None:
    """Found by the demo room's check: the trail's custody (借出/归还) must know that 在室阅读
    opens a handover too, or every reading in the room reads as tampering."""
    from app.maintenance import check_room

    custodian, _, readers, item = top
    copy = item.copies[0].id
    on_spot.start(custodian, readers["zhang"].id, copy, present=True)
    auditor = login("shenji")
    assert check_room(auditor).ok, check_room(auditor).lines
    clock.set(clock.now() + timedelta(minutes=20))
    desk.take_back(custodian, copy)
    assert check_room(auditor).ok, check_room(auditor).lines
    # A reading whose trail is missing is still caught.
    with custodian.db.transaction():
        custodian.db.execute("UPDATE copy SET state = '借出' WHERE id = ?", (copy,))
    assert not check_room(auditor).ok
