"""Default 办理时限: one working-day rule (the room's holiday calendar and 调休) for registrations
and instructions, and every limit a room setting with the seeds' figures as defaults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from app import audit, instructions, registry, settings, workdays
from app.errors import InvalidInput, PermissionDenied
from app.session import Session
from tests.app.test_registry import doc
from tests.conftest import BEIJING


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


def _holidays(admin: Session, text: str) -> None:
    workdays.set_year(admin, 2026, text)


def test_a_registration_due_date_skips_the_rooms_holidays(
    login: Callable[..., Session], clock
) -> None:
    custodian, admin = login("jiyao"), login("xitong")
    _holidays(admin, "2026-10-01~2026-10-08 休 国庆节、中秋节")
    clock.set(at(10, 20))
    # Received Wednesday 09-30: 10-01..10-08 off, Friday 10-09 is the first working day, the
    # weekend follows, Monday 10-12 the second. Weekends alone would give Friday 10-02.
    item = registry.register(
        custodian, doc(urgency="平件", received_at=at(9, 30), written_on=None)
    ).document
    assert item.deadline == at(10, 12)
    # A 调休 Saturday is a working day.
    _holidays(admin, "2026-10-01~2026-10-08 休 国庆节、中秋节\n2026-10-10 班 国庆调休")
    again = registry.register(
        custodian,
        doc(urgency="平件", received_at=at(9, 30), written_on=None, doc_number="X〔2026〕2号"),
    ).document
    assert again.deadline == at(10, 10)
    # Telegrams count the same working days: 特急 2, the others 6.
    telegram = registry.register(
        custodian,
        doc(
            telegram=True,
            urgency="特急",
            received_at=at(9, 30),
            written_on=None,
            doc_number="X〔2026〕3号",
        ),
    ).document
    assert telegram.deadline == at(10, 10)
    plain = registry.register(
        custodian,
        doc(
            telegram=True,
            urgency="平急",
            received_at=at(9, 30),
            written_on=None,
            doc_number="X〔2026〕4号",
        ),
    ).document
    # 10-09, 10-10 (调休), 10-12, 10-13, 10-14, 10-15.
    assert plain.deadline == at(10, 15)


def test_registration_and_instruction_share_one_working_day_rule(
    login: Callable[..., Session],
) -> None:
    custodian, admin = login("jiyao"), login("xitong")
    _holidays(admin, "2026-10-01~2026-10-08 休 国庆节\n2026-09-27 班 国庆调休")
    db = custodian.db
    # Friday 09-25 + 2: Sunday 09-27 is a 调休 working day, then Monday 09-28 — on both paths.
    assert workdays.registration_deadline(db, at(9, 25), "平件", False, "办件") == at(9, 28)
    assert instructions.default_deadline(db, at(9, 25), "普通") == at(9, 28)
    assert workdays.registration_deadline(db, at(9, 30), "平件", False, "办件") == at(10, 12)
    assert instructions.default_deadline(db, at(9, 30), "普通") == at(10, 12)
    assert workdays.registration_deadline(db, at(9, 30), "平件", False, "阅件") is None


def test_every_default_limit_is_a_room_setting(login: Callable[..., Session], clock) -> None:
    custodian, admin = login("jiyao"), login("xitong")
    db = custodian.db
    limits = settings.load_time_limits(db)
    # The seeds' figures are the documented defaults.
    assert (
        limits.urgent_hours,
        limits.ordinary_days,
        limits.telegram_urgent_days,
        limits.telegram_other_days,
        limits.policy_days,
        limits.routine_days,
    ) == (2, 2, 2, 6, 3, 1)
    assert all(limit.source for limit in settings.TIME_LIMITS)
    # Friday 11-20: 政策性 3 working days by default → Wednesday 11-25.
    assert instructions.default_deadline(db, at(11, 20, 9), "政策性") == at(11, 25, 9)
    settings.set_time_limit(admin, "limit_policy_days", 5)
    settings.set_time_limit(admin, "limit_routine_days", 2)
    settings.set_time_limit(admin, "limit_ordinary_days", 3)
    settings.set_time_limit(admin, "limit_urgent_hours", 4)
    assert instructions.default_deadline(db, at(11, 20, 9), "政策性") == at(11, 27, 9)
    assert instructions.default_deadline(db, at(11, 20, 9), "事务性") == at(11, 24, 9)
    assert instructions.default_deadline(db, at(11, 20, 9), "普通") == at(11, 25, 9)
    assert instructions.default_deadline(db, at(11, 20, 9), "特急") == at(11, 20, 13)
    plain = registry.register(custodian, doc(urgency="平件")).document
    assert plain.deadline == at(11, 25, 9)  # clock: Friday 11-20 09:00, 3 working days
    urgent = registry.register(custodian, doc(urgency="特急", doc_number="Y〔2026〕1号")).document
    assert urgent.deadline == at(11, 20, 13)
    event = audit.page(db, None, 1)[0]
    assert event.action == "登记收文"
    changes = [e for e in audit.page(db, None, 50) if e.action == "修改设置"]
    assert {e.object for e in changes} >= {
        "setting:limit_policy_days",
        "setting:limit_urgent_hours",
    }


@pytest.mark.parametrize("value", [0, -1, 31])
def test_a_limit_out_of_range_is_refused(login: Callable[..., Session], value: int) -> None:
    admin = login("xitong")
    before = audit.count(admin.db)
    with pytest.raises(InvalidInput, match="时限须在 1 到 30"):
        settings.set_time_limit(admin, "limit_ordinary_days", value)
    assert audit.count(admin.db) == before


def test_only_the_settings_role_changes_limits(login: Callable[..., Session]) -> None:
    with pytest.raises(PermissionDenied):
        settings.set_time_limit(login("jiyao"), "limit_ordinary_days", 3)
