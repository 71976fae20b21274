"""A room file copied back, commits lost, and the restore guard's old holes.

Each case is scripted the way an insider or a fault would do it, with real files. Figures are
printed (run with -s): N tried, N caught, N lost.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app import accounts, audit, settings
from app.anchor import RoomBehindAnchor
from app.clock import FixedClock
from app.day_close import close_day
from app.errors import MijianError, PermissionDenied, WrongPassword
from app.maintenance import backup, find_head
from app.model import Credential
from app.paths import RoomPaths
from app.restore import restore
from app.session import open_session
from tests.conftest import PASSWORD

WAL = ("-wal", "-shm")


def _work(room: RoomPaths, clock: FixedClock, n: int) -> None:
    """`n` committed changes by the system administrator (settings), then close."""
    session = open_session(room.db, "xitong", PASSWORD, clock)
    for i in range(n):
        settings.set_idle_lock_minutes(session, 5 + i % 20)
    session.close()


def _save(paths: list[Path], where: Path) -> dict[Path, bytes | None]:
    return {p: (p.read_bytes() if p.exists() else None) for p in paths}


def _put_back(saved: dict[Path, bytes | None]) -> None:
    for path, data in saved.items():
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(data)


def _wal_files(room: RoomPaths) -> list[Path]:
    return [room.db.with_name(room.db.name + s) for s in WAL]


def _opens(room: RoomPaths, clock: FixedClock) -> bool:
    try:
        open_session(room.db, "jiyao", PASSWORD, clock, exclusive=False).close()
    except RoomBehindAnchor:
        return False
    return True


def test_a_room_file_put_back_is_noticed_at_open(room: RoomPaths, clock: FixedClock) -> None:
    _work(room, clock, 3)
    tried = caught = 0

    def case(take: Callable[[], dict[Path, bytes | None]], after: Callable[[], None]) -> None:
        nonlocal tried, caught
        before = _save([*room.files, *_wal_files(room)], room.db.parent)
        old = take()
        _work(room, clock, 4)
        after()
        _put_back(old)
        tried += 1
        caught += 0 if _opens(room, clock) else 1
        _put_back(before)  # the real room again, with its anchor
        assert _opens(room, clock)

    # 1. the database file alone, closed and checkpointed
    case(lambda: _save([room.db, *_wal_files(room)], room.db.parent), lambda: None)
    # 2. the database with its keys
    case(lambda: _save([room.db, room.keys, *_wal_files(room)], room.db.parent), lambda: None)

    # 3. copied while a window had it open, write-ahead log and all
    def while_open() -> dict[Path, bytes | None]:
        window = open_session(room.db, "xitong", PASSWORD, clock, exclusive=False)
        settings.set_idle_lock_minutes(window, 9)
        saved = _save([room.db, room.keys, *_wal_files(room)], room.db.parent)
        window.close()
        return saved

    case(while_open, lambda: None)

    # 4. a backup copied over the room by hand (without going through restore)
    def backup_files() -> dict[Path, bytes | None]:
        admin = open_session(room.db, "xitong", PASSWORD, clock, exclusive=False)
        out = RoomPaths(room.db.with_name("hand.mjdb"))
        backup(admin, out.db)
        admin.close()
        data = {room.db: out.db.read_bytes(), room.keys: out.keys.read_bytes()}
        for p in out.files:
            p.unlink()
        for p in _wal_files(room):
            data[p] = None
        return data

    case(backup_files, lambda: None)
    # 5. the old file put back and the anchor deleted with it
    case(
        lambda: _save([room.db, *_wal_files(room)], room.db.parent),
        lambda: room.anchor.unlink(),
    )

    # 6. commits lost: an older write-ahead log beside the database (a crash, a bad sector)
    def older_wal() -> dict[Path, bytes | None]:
        window = open_session(room.db, "xitong", PASSWORD, clock, exclusive=False)
        window.db.execute("PRAGMA wal_autocheckpoint = 0")
        settings.set_idle_lock_minutes(window, 11)
        saved = _save([room.db, *_wal_files(room)], room.db.parent)
        window.close()
        return saved

    case(older_wal, lambda: None)
    print(f"\nsingle-file rollbacks: {tried} tried, {caught} caught, {tried - caught} lost")
    assert tried == 6 and caught == tried


def test_all_three_files_replaced_opens_but_the_paper_catches_it(
    room: RoomPaths, clock: FixedClock
) -> None:
    old = _save([*room.files, *_wal_files(room)], room.db.parent)
    custodian = open_session(room.db, "jiyao", PASSWORD, clock)
    printed = close_day(custodian).chain_head  # the head printed on the signed sheet
    custodian.close()
    _put_back(old)
    session = open_session(room.db, "shenji", PASSWORD, clock)  # the anchor went back too
    assert "不在审计链中" in find_head(session.db, printed)
    session.close()


def test_the_security_officer_accepts_a_rollback_and_it_is_audited(
    room: RoomPaths, clock: FixedClock
) -> None:
    old = _save([room.db, *_wal_files(room)], room.db.parent)
    _work(room, clock, 2)
    _put_back(old)
    with pytest.raises(RoomBehindAnchor, match="机要室文件早于本机记录") as refused:
        open_session(room.db, "jiyao", PASSWORD, clock)
    assert refused.value.room_point is not None and refused.value.anchor_point is not None
    assert refused.value.anchor_point.seq > refused.value.room_point.seq
    with pytest.raises(PermissionDenied):
        open_session(
            room.db, "jiyao", PASSWORD, clock, accept_rollback=Credential("baomi", PASSWORD)
        )
    with pytest.raises(WrongPassword):
        open_session(
            room.db, "jiyao", PASSWORD, clock, accept_rollback=Credential("anquan", "nope-nope")
        )
    session = open_session(
        room.db, "jiyao", PASSWORD, clock, accept_rollback=Credential("anquan", PASSWORD)
    )
    event = [e for e in audit.page(session.db, None, 5) if e.action == "接受回退"][0]
    assert event.details["confirmed_by"] == "anquan"
    assert event.details["anchor"]["seq"] == refused.value.anchor_point.seq
    session.close()
    assert _opens(room, clock)


# ---- the restore guard ---------------------------------------------------------------------
@pytest.fixture
def closed(room: RoomPaths, clock: FixedClock) -> tuple[RoomPaths, RoomPaths, str]:
    """A backup, then a closed day the backup lacks; returns (room, old backup, printed head)."""
    admin = open_session(room.db, "xitong", PASSWORD, clock)
    old = RoomPaths(room.db.with_name("old.mjdb"))
    backup(admin, old.db)
    admin.close()
    custodian = open_session(room.db, "jiyao", PASSWORD, clock)
    head = close_day(custodian).chain_head
    custodian.close()
    return room, old, head


def _restores(
    room: RoomPaths,
    old: RoomPaths,
    clock: FixedClock,
    password: str = PASSWORD,
    **kw: object,
) -> bool:
    try:
        restore(room.db, "xitong", password, old.db, clock, **kw)  # type: ignore[arg-type]
    except MijianError:
        return False
    return True


def _flip_page_one(room: RoomPaths) -> None:
    data = bytearray(room.db.read_bytes())
    data[100] ^= 0x10
    room.db.write_bytes(bytes(data))


def test_the_restore_guard_has_no_holes(closed, clock: FixedClock) -> None:
    room, old, head = closed
    officer = Credential("anquan", PASSWORD)
    pristine = _save([*room.files, *_wal_files(room)], room.db.parent)
    tried = caught = 0

    def hole(prepare: Callable[[], str]) -> None:
        nonlocal tried, caught
        _put_back(pristine)
        password = prepare()
        tried += 1
        if not _restores(room, old, clock, password):
            caught += 1
            # …nor with the officer and the printed head the backup lacks; only when the
            # officer states that the backup is knowingly older than that sheet.
            _put_back(pristine)
            prepare()
            with_head = {"officer": officer, "printed_head": head}
            assert not _restores(room, old, clock, password, **with_head)
            assert _restores(room, old, clock, password, **with_head, older_than_printed=True)

    def new_password() -> str:
        admin = open_session(room.db, "xitong", PASSWORD, clock)
        accounts.change_own_password(admin, PASSWORD, "Changed-pass-77")
        admin.close()
        return PASSWORD  # the old password, which the backup still knows

    def swapped_live() -> str:
        shutil.copyfile(old.db, room.db)
        shutil.copyfile(old.keys, room.keys)
        for p in _wal_files(room):
            p.unlink(missing_ok=True)
        return PASSWORD

    def flipped() -> str:
        _flip_page_one(room)
        return PASSWORD

    def keys_gone() -> str:
        room.keys.unlink()
        return PASSWORD

    for prepare in (new_password, swapped_live, flipped, keys_gone):
        hole(prepare)
    print(f"\nrestore-guard holes: {tried} tried, {caught} caught, {tried - caught} lost")
    assert tried == 4 and caught == tried


def test_an_unreadable_room_needs_a_head_the_backup_holds(closed, clock: FixedClock) -> None:
    room, old, head = closed
    room.keys.unlink()
    officer = Credential("anquan", PASSWORD)
    with pytest.raises(MijianError, match="链头"):
        restore(room.db, "xitong", PASSWORD, old.db, clock, officer=officer)
    with pytest.raises(MijianError, match="备份中没有这张日终清点表的链头"):
        restore(room.db, "xitong", PASSWORD, old.db, clock, officer=officer, printed_head=head)
    # The head of a day the backup does hold passes.
    probe = open_session(old.db, "xitong", PASSWORD, clock, exclusive=False)
    held = audit.head(probe.db)
    probe.close()
    restore(room.db, "xitong", PASSWORD, old.db, clock, officer=officer, printed_head=held)
    session = open_session(room.db, "shenji", PASSWORD, clock)
    event = [e for e in audit.page(session.db, None, 5) if e.action == "从备份恢复"][0]
    assert event.details["live_room_unreadable"]["confirmed_by"] == "anquan"
    assert event.details["seal"].startswith("stopped")
    session.close()
