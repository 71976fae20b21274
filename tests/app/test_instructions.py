"""批示督办 with a clock that moves and a calendar with a holiday and a make-up workday."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from app import audit, instruction_records, instructions, registry, workdays
from app.errors import InvalidInput, PermissionDenied
from app.session import Session
from tests.app.test_registry import doc
from tests.conftest import BEIJING


@pytest.fixture
def item_doc(login: Callable[..., Session]):
    custodian = login("jiyao")
    admin = login("xitong")
    # National Day 2026: 10-01..10-07 off, Sunday 09-27 and Saturday 10-10 worked.
    workdays.set_year(
        admin,
        2026,
        "2026-10-01~2026-10-07 休 国庆节\n2026-09-27 班 国庆调休\n2026-10-10 班 国庆调休",
    )
    document = registry.register(custodian, doc()).document
    return custodian, document


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


def test_deadlines_over_a_weekend_a_holiday_and_a_make_up_day(item_doc, clock) -> None:
    custodian, document = item_doc
    db = custodian.db
    # Friday 2026-09-25 + 2 working days: Sunday 09-27 is worked, Monday 09-28.
    assert instructions.default_deadline(db, at(9, 25, 10), "普通") == at(9, 28, 10)
    # Wednesday 09-30 + 2 working days: 10-01..10-07 off, Thursday 10-08, Friday 10-09.
    assert instructions.default_deadline(db, at(9, 30, 10), "普通") == at(10, 9, 10)
    # Friday 10-09 + 1 working day: Saturday 10-10 is a make-up workday.
    assert instructions.default_deadline(db, at(10, 9, 10), "事务性") == at(10, 10, 10)
    # 政策性: 3 working days from Friday 11-20: Mon, Tue, Wed.
    assert instructions.default_deadline(db, at(11, 20, 9), "政策性") == at(11, 25, 9)
    assert workdays.warning_for(db, 2026) is None
    assert "2027 年的节假日尚未录入" in (workdays.warning_for(db, 2027) or "")


def test_an_urgent_item_at_1630_is_due_at_1830(item_doc, clock) -> None:
    custodian, document = item_doc
    clock.set(at(11, 20, 16, 30))
    item = instructions.add(
        custodian,
        document.id,
        "张建国",
        "请区委办牵头抓紧落实",
        unit="区委办公室",
        handler="单立新",
        kind="特急",
    )
    assert item.deadline == at(11, 20, 18, 30)
    assert item.due_label(clock.now()) == "今日到期"
    clock.set(at(11, 20, 18, 31))
    assert instructions.get(custodian.db, item.id).due_label(clock.now()) == "逾期"


def test_an_extension_moves_the_deadline_and_keeps_the_history(item_doc, clock) -> None:
    custodian, document = item_doc
    clock.set(at(11, 20, 9))
    item = instructions.add(
        custodian, document.id, "曾晓东", "请财政局研究提出意见", unit="区财政局"
    )
    assert item.deadline == at(11, 24, 9)
    instructions.start(custodian, item.id)
    with pytest.raises(InvalidInput, match="晚于原时限"):
        instructions.request_extension(custodian, item.id, "需会商", at(11, 23, 9))
    instructions.request_extension(custodian, item.id, "需与发改局会商", at(11, 30, 17))
    with pytest.raises(InvalidInput, match="待批"):
        instructions.request_extension(custodian, item.id, "再延", at(12, 4, 17))
    extended = instructions.decide_extension(custodian, item.id, True, "曾晓东")
    assert extended.deadline == at(11, 30, 17) and extended.state == "延期"
    kinds = [
        (e.kind, e.old_deadline, e.new_deadline) for e in instructions.events(custodian.db, item.id)
    ]
    assert kinds[-1] == ("延期批准", "2026-11-24T09:00:00+08:00", "2026-11-30T17:00:00+08:00")
    assert [k for k, _, _ in kinds] == ["登记", "开始办理", "延期申请", "延期批准"]


def test_chasing_and_finishing(item_doc, clock) -> None:
    custodian, document = item_doc
    clock.set(at(11, 20, 9))
    item = instructions.add(custodian, document.id, "张建国", "阅。请各常委传阅。", kind="事务性")
    clock.set(at(11, 23, 10))
    assert instructions.get(custodian.db, item.id).due_label(clock.now()) == "逾期"
    assert instructions.summary(custodian.db, clock.now())["逾期"] == 1
    with pytest.raises(InvalidInput, match="催办方式"):
        instructions.chase(custodian, item.id, "微信", "单立新", "")
    instructions.chase(custodian, item.id, "电话", "单立新", "答复本周内传阅完毕")
    last = instructions.last_chase(custodian.db, item.id)
    assert last is not None and (last.how, last.whom) == ("电话", "单立新")
    with pytest.raises(InvalidInput, match="反馈"):
        instructions.finish(custodian, item.id, "好")
    done = instructions.finish(custodian, item.id, "已由各常委传阅并签字")
    assert done.state == "已办结" and done.due_label(clock.now()) == "已办结"
    assert instructions.summary(custodian.db, clock.now())["逾期"] == 0
    with pytest.raises(InvalidInput, match="已办结"):
        instructions.chase(custodian, item.id, "电话", "单立新", "")
    assert audit.page(custodian.db, None, 1)[0].action == "批示办结"


def test_search_and_roles(item_doc, login, clock) -> None:
    custodian, document = item_doc
    instructions.add(custodian, document.id, "张建国", "请组织部研究", unit="区委组织部")
    instructions.add(custodian, document.id, "曾晓东", "请财政局落实资金", unit="区财政局")
    db = custodian.db
    assert [i.leader for i in instructions.search(db, leader="张建国")] == ["张建国"]
    assert [i.unit for i in instructions.search(db, unit="财政")] == ["区财政局"]
    assert len(instructions.search(db, text="2026-0001")) == 2
    assert len(instructions.search(db, text="资金")) == 1
    with pytest.raises(PermissionDenied):
        instructions.add(login("baomi"), document.id, "张建国", "x")


def test_chase_notice_and_ledger_pdfs(item_doc, clock, tmp_path) -> None:
    from app.reports.catalog import render
    from app.reports.instructions_pdf import render_chase_notice
    from tests.pdf_tools import rasterise, text_of

    custodian, document = item_doc
    clock.set(at(11, 20, 9))
    item = instructions.add(
        custodian,
        document.id,
        "张建国",
        "请区委办牵头，三日内拿出方案",
        unit="区委办公室",
        handler="单立新",
        kind="政策性",
    )
    instructions.chase(custodian, item.id, "电话", "单立新", "答复正在起草")
    notice = tmp_path / "notice.pdf"
    notice.write_bytes(
        render_chase_notice(
            instructions.get(custodian.db, item.id),
            instructions.events(custodian.db, item.id),
            custodian.room.unit,
            clock.now(),
        )
    )
    text = text_of(notice)
    for expected in (
        "督",
        "请区委办牵头，三日内拿出方案",
        "2026-11-25 09:00",
        "单立新",
        "电话催",
        "承办单位签收",
    ):
        assert expected in text, expected
    ledger = tmp_path / "ledger.pdf"
    ledger.write_bytes(render(custodian, "instructions", 2026))
    text = text_of(ledger)
    assert "批示件台账" in text and "共 1 件" in text and "张建国" in text and "1 次" in text
    assert len(rasterise(ledger)) == 1


def test_the_slip_carries_the_proposal_and_the_instructions(item_doc, clock, tmp_path) -> None:
    from app.slip_print import print_slips
    from tests.pdf_tools import text_of

    custodian, document = item_doc
    registry.edit(custodian, document.id, {"proposal": "拟请张书记阅示"})
    instructions.add(custodian, document.id, "张建国", "请区委办牵头落实", unit="区委办公室")
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(print_slips(custodian, document.id).pdf)
    text = text_of(pdf)
    assert "拟请张书记阅示" in text and "张建国" in text and "请区委办牵头落实" in text


def test_the_page_listing_and_counts_agree_with_each_due_label(item_doc, clock) -> None:
    """The due filter and the header counts are read in SQL; they must say what
    Instruction.due_label says for every instruction, at each edge: one second before and at
    now, midnight, and next Monday (Wednesday 2026-11-25 12:00)."""
    custodian, document = item_doc
    now = at(11, 25, 12)
    edges = [
        now - timedelta(days=3),
        now - timedelta(seconds=1),
        now,
        now + timedelta(seconds=1),
        at(11, 25, 23, 59) + timedelta(seconds=59),
        at(11, 26, 0),
        at(11, 29, 23, 59),
        at(11, 30, 0),
        at(12, 9, 9),
    ]
    clock.set(now - timedelta(days=5))
    for deadline in edges:
        instructions.add(custodian, document.id, "张建国", "请落实", deadline=deadline)
    done = instructions.add(custodian, document.id, "张建国", "已办", deadline=now)
    instructions.finish(custodian, done.id, "已按批示落实完毕")
    clock.set(now)
    db = custodian.db
    every = instructions.search(db, limit=100)
    labels = [i.due_label(now) for i in every if i.state != "已办结"]
    wanted = {"逾期": 2, "今日到期": 3, "本周到期": 2}  # 11-30 00:00 is next week
    assert {k: labels.count(k) for k in wanted} == wanted
    assert instructions.summary(db, now) == {"在办": len(edges), **wanted}
    for due, expected in (("逾期", {"逾期"}), ("今日到期", {"今日到期"})):
        listed = instruction_records.listing(db, now, due=due)
        assert {r.item.due_label(now) for r in listed} == expected
        assert len(listed) == wanted[due]
    week = instruction_records.listing(db, now, due="本周到期")
    assert len(week) == wanted["今日到期"] + wanted["本周到期"]
    assert len(instruction_records.listing(db, now)) == len(edges) + 1
    assert len(instruction_records.listing(db, now, open_only=True)) == len(edges)
