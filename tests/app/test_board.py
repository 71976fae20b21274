"""今日时限: every limit due today or overdue, in one list by urgency, with holders and 催办."""

from __future__ import annotations

from datetime import datetime

import pytest

from app import audit, board, desk, instructions, registry
from app.board import Kind
from app.documents import get_document
from app.errors import InvalidInput, PermissionDenied
from tests.app.test_registry import doc
from tests.conftest import BEIJING


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def morning(counter, clock):
    """Friday 20 November 2026: limits of every kind, some overdue, some today, some later."""
    custodian, officer, readers, docs = counter
    clock.set(at(20, 8, 35))
    late_item = registry.register(
        custodian, doc(doc_number="G〔2026〕1号", received_at=at(18, 9), deadline=at(19, 17))
    )
    telegram = registry.register(
        custodian,
        doc(
            doc_number="G〔2026〕2号",
            urgency="特提",
            telegram=True,
            level="秘密",
            copy_numbers="5",
            received_at=at(18, 9),
        ),
    )
    instructions.add(
        custodian,
        docs["secret"].document.id,
        "张建国",
        "请抓紧办理",
        given_at=at(18, 9),
        deadline=at(19, 12),
    )
    later = instructions.add(
        custodian, docs["confidential"].document.id, "张建国", "下周汇报", deadline=at(25, 12)
    )
    today = instructions.add(
        custodian, docs["secret"].document.id, "王书记", "今天答复", deadline=at(20, 15)
    )
    desk.checkout(custodian, readers["zhang"].id, [docs["secret"].copies[0].id])
    clock.set(at(20, 10))
    return custodian, officer, docs, late_item, telegram, today, later


def test_board_lists_every_kind_by_urgency(morning) -> None:
    custodian, _, docs, late_item, telegram, today, later = morning
    rows = board.read_items(custodian)
    shown = [(r.kind, r.number) for r in rows]
    assert (Kind.INSTRUCTION, today.number) in shown
    assert all(r.key != later.id for r in rows if r.kind == Kind.INSTRUCTION)  # due next week
    assert [r.due for r in rows] == sorted(r.due for r in rows)
    kinds = [r.kind for r in rows]
    # 特提 telegram (due 30 minutes after receipt on the 18th) first, then the instruction due on the 19th,
    # the 办件 due on the 19th 17:00; today: the 批示 at 15:00, the copy out until 17:30.
    assert kinds == [Kind.TELEGRAM, Kind.INSTRUCTION, Kind.HANDLE, Kind.INSTRUCTION, Kind.OUT]
    out = rows[-1]
    assert out.holders == "张建国（000001）" and out.label.endswith("第000001份")
    assert rows[1].holders == "张建国（000001）"  # who holds the document's copy now
    count = board.count(custodian.db, custodian.clock.now())
    assert (count.total, count.overdue, count.flagged) == (5, 3, 0)
    _, officer, *_ = morning
    assert board.read_items(officer)  # the 保密员 reads it too


def test_chase_in_one_step_is_logged_and_shown(morning) -> None:
    custodian, _, docs, *_ = morning
    rows = board.read_items(custodian)
    out = next(r for r in rows if r.kind == Kind.OUT)
    board.chase(custodian, out)
    handle = next(r for r in rows if r.kind == Kind.HANDLE)
    board.chase(custodian, handle, "上门", "办公室", "下午送回")
    item = next(r for r in rows if r.kind == Kind.INSTRUCTION)
    board.chase(custodian, item)
    again = {(r.kind, r.key): r for r in board.read_items(custodian)}
    assert again[(Kind.OUT, out.key)].last_chase[1] == "电话"
    assert again[(Kind.HANDLE, handle.key)].last_chase[1] == "上门"
    assert again[(Kind.INSTRUCTION, item.key)].last_chase[1] == "电话"
    assert instructions.last_chase(custodian.db, item.key).whom == "张建国"
    events = audit.page(custodian.db, None, 3)
    assert [e.action for e in events] == ["催办", "催办", "催办"]
    assert events[2].details["whom"] == "张建国" and events[2].object.startswith("copy:")
    with pytest.raises(Exception, match="append-only"), custodian.db.transaction():
        custodian.db.execute("DELETE FROM chase")


def test_chase_and_read_need_a_business_role(morning, login) -> None:
    custodian, *_ = morning
    rows = board.read_items(custodian)
    auditor = login("shenji")
    with pytest.raises(PermissionDenied):
        board.read_items(auditor)
    with pytest.raises(PermissionDenied):
        board.chase(auditor, rows[0])


def test_returned_copy_and_finished_instruction_leave_the_board(morning) -> None:
    custodian, _, docs, _, _, today, _ = morning
    desk.take_back(custodian, docs["secret"].copies[0].id)
    instructions.finish(custodian, today.id, "已电话答复王书记")
    kinds = [r.kind for r in board.read_items(custodian)]
    assert Kind.OUT not in kinds and kinds.count(Kind.INSTRUCTION) == 1
    assert board.count(custodian.db, custodian.clock.now()).total == 3


def test_flagged_instruction_comes_first_and_is_marked_in_the_ledger(morning, tmp_path) -> None:
    from app import supervision
    from app.reports.catalog import render
    from tests.pdf_tools import text_of

    custodian, officer, _, _, _, _, later = morning
    with pytest.raises(InvalidInput, match="须写明理由"):
        supervision.flag(custodian, later.id, "")
    with pytest.raises(PermissionDenied):
        supervision.flag(officer, later.id, "重大决策")
    flagged = supervision.flag(custodian, later.id, "重点工作，专项督办")
    assert flagged.flagged and flagged.flag_reason == "重点工作，专项督办"
    rows = board.read_items(custodian)
    # Due next week, yet first on the board.
    assert (rows[0].kind, rows[0].key, rows[0].flagged) == (Kind.INSTRUCTION, later.id, True)
    assert board.count(custodian.db, custodian.clock.now()) == board.Count(6, 3, 1)
    with pytest.raises(InvalidInput, match="已挂牌"):
        supervision.flag(custodian, later.id, "再挂一次")
    ledger = tmp_path / "ledger.pdf"
    ledger.write_bytes(render(custodian, "instructions", 2026))
    assert text_of(ledger).count("【挂牌】") == 1
    supervision.unflag(custodian, later.id, "已列入常规办理")
    assert board.read_items(custodian)[0].key != later.id
    actions = [e.action for e in audit.page(custodian.db, None, 5)]
    assert "挂牌督办" in actions and actions[0] == "摘牌"
    instructions.finish(custodian, later.id, "已按期汇报完毕")
    with pytest.raises(InvalidInput, match="已办结"):
        supervision.flag(custodian, later.id, "重点工作")


def test_a_read_item_gets_its_reading_limit_with_its_route_and_leaves_when_read(
    counter, clock, login
) -> None:
    from app import circulation, settings

    custodian, _, readers, _ = counter
    clock.set(at(20, 9))
    settings.set_time_limit(login("xitong"), "limit_reading_urgent_hours", 3)
    urgent = registry.register(
        custodian,
        doc(
            handling="阅件",
            urgency="特急",
            level="秘密",
            copy_numbers="7",
            doc_number="R〔2026〕1号",
        ),
    )
    ordinary = registry.register(
        custodian,
        doc(
            handling="阅件",
            urgency="平件",
            level="秘密",
            copy_numbers="8",
            doc_number="R〔2026〕2号",
        ),
    )
    assert urgent.document.deadline is None  # no limit until it circulates
    circulation.set_route(custodian, urgent.document.id, [readers["zhang"].id])
    circulation.set_route(custodian, ordinary.document.id, [readers["zhang"].id])
    assert get_document(custodian.db, urgent.document.id).deadline == at(20, 12)  # 3 hours
    assert get_document(custodian.db, ordinary.document.id).deadline == at(24, 9)  # 2 working days
    rows = board.read_items(custodian)
    assert [(r.kind, r.document_id) for r in rows] == [(Kind.READ, urgent.document.id)]
    copy = urgent.copies[0].id
    desk.checkout(custodian, readers["zhang"].id, [copy])
    desk.take_back(custodian, copy)
    circulation.record_read(custodian, copy, readers["zhang"].id, instructed=False)
    assert board.read_items(custodian) == []  # the whole range has read it
    assert board.count(custodian.db, clock.now()).total == 0


def test_narrowing_the_last_unread_reader_or_widening_moves_the_item(counter, clock) -> None:
    from app import circulation

    custodian, officer, readers, _ = counter
    clock.set(at(20, 9))
    item = registry.register(
        custodian,
        doc(
            handling="阅件",
            urgency="特急",
            level="秘密",
            copy_numbers="7",
            doc_number="R〔2026〕3号",
        ),
    )
    doc_id = item.document.id
    circulation.set_route(custodian, doc_id, [readers["zhang"].id, readers["wang"].id])
    copy = item.copies[0].id
    desk.checkout(custodian, readers["zhang"].id, [copy])
    desk.take_back(custodian, copy)
    circulation.record_read(custodian, copy, readers["zhang"].id, instructed=False)
    assert [r.document_id for r in board.read_items(custodian)] == [doc_id]
    circulation.narrow(custodian, doc_id, readers["wang"].id, "王芳休假，不再送阅")
    assert board.read_items(custodian) == []  # everyone left on the route has read it
    circulation.widen(custodian, doc_id, readers["wang"].id, "休假提前结束，补阅")
    assert [r.document_id for r in board.read_items(custodian)] == [doc_id]


def test_a_classified_copy_out_past_its_time_comes_before_everything(morning, clock) -> None:
    """Walk-through: the morning after, a 机密 copy still out since last night sat at row 137
    under a year of old 办件. 密件不过夜 is the room's first rule: it comes first, before even
    挂牌督办; a 非密 copy out long does not."""
    from app import supervision

    custodian, *_, later = morning
    supervision.flag(custodian, later.id, "重点工作，专项督办")
    assert board.read_items(custodian)[0].flagged  # the copy is not yet due (17:30)
    clock.set(at(21, 8, 30))  # the next morning: the 秘密 copy stayed out overnight
    rows = board.read_items(custodian)
    assert (rows[0].kind, rows[0].label.endswith("第000001份")) == (Kind.OUT, True)
    assert rows[1].flagged
