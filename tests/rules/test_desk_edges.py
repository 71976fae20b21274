"""A 保密员's password never reaches a text that may be logged or shown (a traceback prints the
repr of what it holds): an override's password. And when a copy is due back."""

from __future__ import annotations

from datetime import timedelta

from app import desk
from app.clock import FixedClock
from app.desk import Override
from tests.rules.test_tables import FRIDAY, room  # noqa: F401  (the fixture)


def test_an_override_never_shows_its_password() -> None:
    word = Override("baomi", "Pass-of-the-approver-9", "会议急用", "李主任", "批2026-7")
    shown = repr(word) + str(word)
    assert "Pass-of-the-approver-9" not in shown
    assert "baomi" in shown and "会议急用" in shown  # the rest is there to read


def test_a_copy_is_due_at_the_close_time_classified_today_and_unclassified_in_7_days(
    room,  # noqa: F811
    clock: FixedClock,
) -> None:
    custodian, _, readers, copies = room
    clock.set(FRIDAY.replace(hour=9, minute=12, second=37))
    desk.checkout(custodian, readers["核心"].id, [copies["秘密"], copies["非密"]])
    due = {r.copy.level: r.due_at for r in desk.out_now(custodian.db)}
    assert due == {
        "秘密": FRIDAY.replace(hour=17, minute=30, second=0),
        "非密": (FRIDAY + timedelta(days=7)).replace(hour=17, minute=30, second=0),
    }
