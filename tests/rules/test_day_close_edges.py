"""Overnight exceptions: a reason of at least two characters (spaces do not count) and an
expected return later than now."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import day_close, desk
from app.clock import FixedClock
from app.errors import InvalidInput
from tests.rules.test_tables import FRIDAY, room  # noqa: F401  (the fixture)


def test_an_exception_needs_a_reason_of_two_characters(room, clock: FixedClock) -> None:  # noqa: F811
    custodian, officer, readers, copies = room
    clock.set(FRIDAY.replace(hour=16))
    [handover] = desk.checkout(custodian, readers["核心"].id, [copies["机密"]])
    back = FRIDAY + timedelta(days=3)
    for reason in ("", "急", "  急  "):
        with pytest.raises(InvalidInput, match="例外须写明理由"):
            day_close.add_exception(officer, handover, reason, back)
    with pytest.raises(InvalidInput, match="预计归还时间须晚于现在"):
        day_close.add_exception(officer, handover, "开会", clock.now())
    day_close.add_exception(officer, handover, " 开会 ", back)
    assert day_close.blockers(custodian.db, FRIDAY.date()) == []


def test_the_close_lists_tonights_exceptions(room, clock: FixedClock) -> None:  # noqa: F811
    custodian, officer, readers, copies = room
    clock.set(FRIDAY.replace(hour=16))
    [handover] = desk.checkout(custodian, readers["核心"].id, [copies["机密"]])
    day_close.add_exception(officer, handover, "开会使用", FRIDAY + timedelta(days=3))
    clock.set(FRIDAY.replace(hour=17, minute=40))
    closed = day_close.close_day(custodian)
    assert [(e["reader"], e["reason"]) for e in closed.exceptions] == [
        (readers["核心"].name, "开会使用")
    ]


def test_no_exception_for_a_copy_already_back(room, clock: FixedClock) -> None:  # noqa: F811
    custodian, officer, readers, copies = room
    clock.set(FRIDAY.replace(hour=16))
    [back] = desk.checkout(custodian, readers["核心"].id, [copies["机密"]])
    desk.take_back(custodian, copies["机密"])
    desk.checkout(custodian, readers["重要"].id, [copies["秘密"]])  # another copy still out
    with pytest.raises(InvalidInput):
        day_close.add_exception(officer, back, "开会使用", FRIDAY + timedelta(days=3))


def test_the_close_counts_each_level_from_zero(room, clock: FixedClock) -> None:  # noqa: F811
    custodian, _, readers, copies = room
    clock.set(FRIDAY.replace(hour=16))
    desk.checkout(custodian, readers["核心"].id, [copies["非密"]])
    clock.set(FRIDAY.replace(hour=17, minute=40))
    counts = day_close.close_day(custodian).counts
    assert counts == {
        "绝密": {"在柜": 1, "借出": 0, "分发在外": 0},
        "机密": {"在柜": 1, "借出": 0, "分发在外": 0},
        "秘密": {"在柜": 1, "借出": 0, "分发在外": 0},
        "非密": {"在柜": 0, "借出": 1, "分发在外": 0},
    }
