"""Rules of the trail and the slips that the mutation run found unguarded: a long chain verifies
(sequence numbers compared by value), the first write of a day seals the days before it once,
a failed confirmation reaches the trail at once, and each source gets its slip form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from app import audit, slips
from app.clock import FixedClock
from app.errors import WrongPassword
from app.model import Credential
from app.roles import Role
from app.session import Session
from tests.conftest import BEIJING

FORMS = {
    "中央": "传文处理笺",
    "省": "传文处理笺",
    "市": "传文处理笺",
    "区本级": "收文处理笺",
    "下级单位": "收文处理笺",
    "信访": "零星收文处理笺",
}


def test_each_source_gets_its_slip_form() -> None:
    assert {source: slips.form_for(source) for source in FORMS} == FORMS


def test_a_chain_longer_than_the_small_integers_verifies(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    db = session.db
    with db.transaction():
        for i in range(300):
            audit.record(db, session.clock, "jiyao", "测试", f"n:{i}")
    report = audit.verify(db)
    assert report.ok and report.count > 300


def _seals(db) -> int:  # type: ignore[no-untyped-def]
    return int(db.scalar("SELECT count(*) FROM audit_seal"))


def test_the_first_write_of_a_day_seals_the_days_before_once(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    session = login("jiyao")
    db = session.db

    def write() -> None:
        with db.transaction():
            audit.record(db, session.clock, "jiyao", "测试", "x")

    write()
    today = _seals(db)
    write()
    assert _seals(db) == today  # not due again the same day
    clock.set(clock.now() + timedelta(days=1))
    write()
    assert _seals(db) == today + 1  # the new day's first write sealed yesterday
    write()
    assert _seals(db) == today + 1


def test_a_wrong_confirmation_is_in_the_trail_at_once(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    session.clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING))  # type: ignore[attr-defined]
    with pytest.raises(WrongPassword):
        session.confirm(Credential("baomi", "Wrong-pass-1"), "留用审批", Role.APPROVER)
    recent = [(e.action, e.object) for e in audit.page(session.db, None, 5)]
    assert ("登录失败", "account:baomi") in recent  # the keys file's count, flushed at once
    assert ("确认失败", "account:baomi") in recent
