"""The audit chain: written with every change, append-only, and tamper-evident."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlcipher3

from app import audit, settings
from app.errors import InvalidInput
from app.session import Session


def test_a_fresh_room_has_a_whole_chain(login: Callable[..., Session]) -> None:
    session = login("shenji")
    report = audit.verify(session.db)
    assert report.ok
    assert report.count == audit.count(session.db)
    assert report.head == audit.head(session.db)
    assert report.message.startswith(f"链完整：{report.count} 条，链头 {report.head}")


def test_a_change_and_its_event_land_together(login: Callable[..., Session]) -> None:
    admin = login("xitong")
    before = audit.count(admin.db)
    settings.set_idle_lock_minutes(admin, 5)
    assert audit.count(admin.db) == before + 1
    event = audit.page(admin.db, None, 1)[0]
    assert (event.action, event.details) == ("修改设置", {"before": 10, "after": 5})
    with pytest.raises(InvalidInput):
        settings.set_idle_lock_minutes(admin, 0)
    assert audit.count(admin.db) == before + 1
    assert settings.load(admin.db).idle_lock_minutes == 5


def test_record_outside_a_transaction_is_a_bug(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    with pytest.raises(RuntimeError):
        audit.record(session.db, session.clock, "jiyao", "x", "y")


def test_triggers_refuse_update_and_delete(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        session.db.execute("UPDATE audit_event SET action = 'x' WHERE seq = 1")
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        session.db.execute("DELETE FROM audit_event WHERE seq = 1")


@pytest.mark.parametrize("column", ["action", "account", "details", "at"])
def test_an_altered_row_breaks_the_chain_at_that_row(
    login: Callable[..., Session], column: str
) -> None:
    session = login("shenji")
    db = session.db
    total = audit.count(db)
    target = 3
    db.execute("DROP TRIGGER audit_event_no_update")
    value = {"action": "'删除'", "account": "'someone'", "details": "'{}'", "at": "'2020-01-01'"}
    db.execute(f"UPDATE audit_event SET {column} = {value[column]} WHERE seq = {target}")
    report = audit.verify(db)
    assert not report.ok
    assert report.broken_seq == target
    assert report.count == target - 1
    assert f"第 {target} 条" in report.message
    assert total > target


def test_a_deleted_row_breaks_the_chain(login: Callable[..., Session]) -> None:
    session = login("shenji")
    session.db.execute("DROP TRIGGER audit_event_no_delete")
    session.db.execute("DELETE FROM audit_event WHERE seq = 4")
    report = audit.verify(session.db)
    assert (report.ok, report.broken_seq) == (False, 4)


def test_close_time_is_a_setting(login: Callable[..., Session]) -> None:
    admin = login("xitong")
    assert settings.set_close_time(admin, "1800").close_time.strftime("%H:%M") == "18:00"
    assert audit.page(admin.db, None, 1)[0].details == {"before": "17:30", "after": "18:00"}
    with pytest.raises(InvalidInput, match="17:30"):
        settings.set_close_time(admin, "晚上")
    with pytest.raises(InvalidInput, match="12:00"):
        settings.set_close_time(admin, "08:00")


def test_the_hash_payload_is_the_json_it_always_was() -> None:
    """Rooms made before the faster payload must still verify: the bytes are pinned to JSON."""
    import json

    from app.audit import _payload

    cases = [
        (
            1,
            "2026-01-01T08:30:00+08:00",
            "jiyao",
            "借出",
            "copy:2026-0001 第000001份",
            "{}",
            "0" * 64,
        ),
        (2**40, 'a"b\\c', "\u2028\n\t\x00", "𠮷", "\u202e", '{"x": "é"}', ""),
    ]
    for case in cases:
        expected = json.dumps(list(case), ensure_ascii=False, separators=(",", ":"))
        assert _payload(*case) == expected
