"""Integrity check, backup while the window is open, and restore that keeps what it replaces."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from app import audit, settings
from app.clock import FixedClock
from app.errors import DatabaseDamaged, MijianError, PermissionDenied, WrongPassword
from app.maintenance import backup, check_room
from app.model import Credential
from app.paths import RoomPaths
from app.restore import restore
from app.session import Session, open_session
from tests.conftest import PASSWORD


def test_check_reports_a_sound_room(login: Callable[..., Session]) -> None:
    report = check_room(login("shenji"))
    assert report.ok
    assert report.lines[0] == "文件与加密校验：通过"


def test_backup_while_open_then_restore(room: RoomPaths, clock: FixedClock) -> None:
    window = open_session(room.db, "xitong", PASSWORD, clock, exclusive=True)
    settings.set_idle_lock_minutes(window, 7)
    out = RoomPaths(room.db.with_name("backup.mjdb"))
    backup(window, out.db)
    assert out.db.read_bytes()[:16] != room.db.read_bytes()[:16]  # fresh salt
    settings.set_idle_lock_minutes(window, 3)  # a change made after the backup
    window.close()

    aside = restore(room.db, "xitong", PASSWORD, out.db, clock)
    assert aside is not None and aside.exists()
    assert aside.with_name(aside.name + ".keys").exists()
    session = open_session(room.db, "jiyao", PASSWORD, clock)
    assert settings.load(session.db).idle_lock_minutes == 7
    assert audit.verify(session.db).ok
    actions = [e.action for e in audit.page(session.db, None, 5)]
    assert "从备份恢复" in actions
    session.close()


def test_only_the_sysadmin_backs_up(login: Callable[..., Session], room: RoomPaths) -> None:
    with pytest.raises(PermissionDenied):
        backup(login("jiyao"), room.db.with_name("b.mjdb"))


def test_a_tampered_backup_is_refused_and_nothing_moves(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    admin = login("xitong")
    out = RoomPaths(room.db.with_name("backup.mjdb"))
    backup(admin, out.db)
    admin.db.execute("DROP TRIGGER audit_event_no_update")
    admin.close()
    # Alter one audit row inside the backup, through SQL with the triggers dropped.
    probe = open_session(out.db, "xitong", PASSWORD, clock)
    probe.db.execute("DROP TRIGGER audit_event_no_update")
    probe.db.execute("UPDATE audit_event SET action = '无' WHERE seq = 2")
    probe.close()
    before = room.db.read_bytes()
    with pytest.raises(DatabaseDamaged, match="第 2 条"):
        restore(room.db, "xitong", PASSWORD, out.db, clock)
    assert room.db.read_bytes() == before
    assert not any(p.name.startswith("room.mjdb.replaced") for p in room.db.parent.iterdir())


def test_a_damaged_backup_file_is_refused(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    out = RoomPaths(room.db.with_name("backup.mjdb"))
    backup(login("xitong"), out.db)
    data = bytearray(out.db.read_bytes())
    data[100:140] = os.urandom(40)
    out.db.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamaged):
        restore(room.db, "xitong", PASSWORD, out.db, clock)


def test_a_backup_older_than_the_last_close_needs_the_officer(
    room: RoomPaths, clock: FixedClock
) -> None:
    from app.day_close import close_day

    admin = open_session(room.db, "xitong", PASSWORD, clock)
    old = RoomPaths(room.db.with_name("old.mjdb"))
    backup(admin, old.db)
    admin.close()
    custodian = open_session(room.db, "jiyao", PASSWORD, clock)
    close_day(custodian)  # the paper now carries a chain head the old backup lacks
    custodian.close()
    with pytest.raises(MijianError, match="早于 2026-11-20 的日终清点"):
        restore(room.db, "xitong", PASSWORD, old.db, clock)
    with pytest.raises(PermissionDenied):
        restore(room.db, "xitong", PASSWORD, old.db, clock, officer=Credential("jiyao", PASSWORD))
    with pytest.raises(WrongPassword):
        restore(
            room.db, "xitong", PASSWORD, old.db, clock, officer=Credential("anquan", "wrong-one")
        )
    aside = restore(
        room.db, "xitong", PASSWORD, old.db, clock, officer=Credential("anquan", PASSWORD)
    )
    assert aside is not None
    session = open_session(room.db, "shenji", PASSWORD, clock)
    event = [e for e in audit.page(session.db, None, 5) if e.action == "从备份恢复"][0]
    assert event.details["older_than_last_close"]["confirmed_by"] == "anquan"
    session.close()
    # A backup taken after the close restores without the officer.
    admin = open_session(room.db, "xitong", PASSWORD, clock)
    fresh = RoomPaths(room.db.with_name("fresh.mjdb"))
    backup(admin, fresh.db)
    admin.close()
    restore(room.db, "xitong", PASSWORD, fresh.db, clock)


def test_the_quick_gate_walks_the_chain_after_the_last_close_and_counts_what_is_out(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    from app.day_close import close_day
    from app.maintenance import QUICK_STEPS, quick_check

    custodian = login("jiyao")
    closed = close_day(custodian)
    settings.set_idle_lock_minutes(login("xitong"), 7)  # events after the close's head
    heard: list[tuple[int, int]] = []
    report = quick_check(custodian, lambda done, total: heard.append((done, total)))
    assert report.ok, report.lines
    assert f"链自第 {closed.chain_seq + 1} 条起完整" in report.chain.message
    assert report.chain.count == audit.count(custodian.db) - closed.chain_seq
    assert heard[-1] == (QUICK_STEPS, QUICK_STEPS)

    # An event after the head rewritten behind the trail's back: the gate sees it.
    db = custodian.db
    db.execute("DROP TRIGGER audit_event_no_update")
    last = audit.count(db)
    db.execute("UPDATE audit_event SET details = '{}' WHERE seq = ?", (last,))
    report = quick_check(custodian)
    assert not report.ok and report.chain.broken_seq == last


def test_the_quick_gate_finds_a_copy_marked_out_without_a_handover(
    login: Callable[..., Session],
) -> None:
    from app.maintenance import quick_check
    from tests.app.test_registry import doc

    custodian = login("jiyao")
    from app import registry

    copy_id = registry.register(custodian, doc(level="秘密", copy_numbers="1")).copies[0].id
    assert quick_check(custodian).ok
    custodian.db.execute("UPDATE copy SET state = '借出' WHERE id = ?", (copy_id,))
    report = quick_check(custodian)
    assert not report.ok
    assert any("1 份记为借出，未归还的借出记录却有 0 条" in f for f in report.findings)


def test_the_full_check_reports_its_steps_and_stops_when_cancelled(
    login: Callable[..., Session],
) -> None:
    from app.maintenance import CHECK_STEPS
    from app.progress import Cancelled, Progress

    heard: list[int] = []
    assert check_room(login("shenji"), lambda done, total: heard.append(done)).ok
    assert heard == list(range(CHECK_STEPS + 1))
    stop = Progress()
    stop.cancel()
    with pytest.raises(Cancelled):
        check_room(login("shenji"), stop)
