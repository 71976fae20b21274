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
