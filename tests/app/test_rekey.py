"""Key rotation on staff change: old keys files stop opening the room, nothing is lost."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app import accounts, audit, maintenance, rekey, rekey_lock, restore
from app.clock import FixedClock
from app.errors import (
    DatabaseInUse,
    InvalidInput,
    MijianError,
    NotAMijianDatabase,
    PermissionDenied,
    WrongPassword,
)
from app.model import NewAccount
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, open_session
from db.connection import Database
from db.keyslots import KdfParams, KeyFile
from tests.conftest import PASSWORD, START

GOOD = "Secret-2026x"
DEMO_LOGINS = ("jiyao", "baomi", "anquan", "xitong", "shenji")
V7_LOGINS = ("jiyao", "baomi", "xitong", "shenji")  # before 0009 added the IT security officer
FIXTURE_V7 = Path(__file__).resolve().parents[1] / "fixtures" / "room-v7.mjdb"


def row_counts(db: Database) -> dict[str, int]:
    names = db.query("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0]: db.scalar(f'SELECT count(*) FROM "{r[0]}"') for r in names}


def opens(room: RoomPaths, keys_file: Path, login: str, password: str) -> bool:
    """Does any generation `login` can unwrap from `keys_file` open the room file?"""
    for _, key in KeyFile.load(keys_file).unwrap_all(login, password):
        try:
            Database.open(room.db, key).close()
        except NotAMijianDatabase:
            continue
        return True
    return False


def test_deactivation_locks_every_older_keys_file_out_and_keeps_every_row(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock, tmp_path: Path
) -> None:
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    old_keys = tmp_path / "old.keys"
    shutil.copyfile(room.keys, old_keys)
    backup = maintenance.backup(admin, tmp_path / "bak" / "before.mjdb")
    before, old_key = row_counts(admin.db), admin.data_key

    accounts.deactivate(admin, "zhaolei")

    assert admin.data_key != old_key
    assert KeyFile.load(room.keys).generations == [1]
    assert not rekey.staging_path(room).exists()
    after = row_counts(admin.db)  # the window's connection followed the room
    assert after.pop("audit_event") == before.pop("audit_event") + 2
    assert after == before
    assert [e.action for e in audit.page(admin.db, None, 2)] == ["更换数据密钥", "停用账户"]
    assert audit.verify(admin.db).ok
    admin.close()

    assert not opens(room, old_keys, "zhaolei", GOOD)
    for user in DEMO_LOGINS:
        assert not opens(room, old_keys, user, PASSWORD)  # no old slot opens the live room
        open_session(room.db, user, PASSWORD, clock).close()
    with pytest.raises(WrongPassword):
        open_session(room.db, "zhaolei", GOOD, clock)

    restore.restore(room.db, "xitong", PASSWORD, backup.db, clock)
    assert opens(room, room.keys, "zhaolei", GOOD)  # the backup is of before
    restored = open_session(room.db, "xitong", PASSWORD, clock)
    assert accounts.find(restored.db, "zhaolei").active  # type: ignore[union-attr]
    assert audit.verify(restored.db).ok
    restored.close()


def test_an_administrators_reset_rotates_the_key(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock, tmp_path: Path
) -> None:
    admin = login("xitong")
    old_keys = tmp_path / "old.keys"
    shutil.copyfile(room.keys, old_keys)
    accounts.reset_password(admin, "jiyao", GOOD)
    admin.close()
    regrant(room, clock, "jiyao")
    assert not opens(room, old_keys, "jiyao", PASSWORD)
    with pytest.raises(WrongPassword):
        open_session(room.db, "jiyao", PASSWORD, clock)
    session = open_session(room.db, "jiyao", GOOD, clock)
    actions = [e.action for e in audit.page(session.db, None, 10)]
    assert actions.index("更换数据密钥") < actions.index("重置密码")  # newest first
    session.close()


def test_own_password_change_does_not_rotate(
    login: Callable[..., Session], room: RoomPaths
) -> None:
    session = login("jiyao")
    accounts.change_own_password(session, PASSWORD, GOOD)
    assert KeyFile.load(room.keys).generations == [0]


def test_another_open_connection_refuses_the_rotation_before_any_change(
    login: Callable[..., Session], room: RoomPaths
) -> None:
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    reader = login("shenji")  # e.g. a command-line check beside the window
    with pytest.raises(DatabaseInUse, match="另一个程序"):
        accounts.deactivate(admin, "zhaolei")
    account = accounts.find(admin.db, "zhaolei")
    assert account is not None and account.active
    assert KeyFile.load(room.keys).generations == [0]
    reader.close()
    accounts.deactivate(admin, "zhaolei")
    assert KeyFile.load(room.keys).generations == [1]


def v7_room(tmp_path: Path) -> RoomPaths:
    room = RoomPaths(tmp_path / "v7" / "room.mjdb")
    room.db.parent.mkdir()
    shutil.copyfile(FIXTURE_V7, room.db)
    shutil.copyfile(FIXTURE_V7.with_name(FIXTURE_V7.name + ".keys"), room.keys)
    return room


def test_a_format_1_keys_file_opens_and_is_converted_slot_by_slot(tmp_path: Path) -> None:
    room, clock = v7_room(tmp_path), FixedClock(START)
    session = open_session(room.db, "jiyao", PASSWORD, clock)
    session.close()
    keyfile = KeyFile.load(room.keys)
    assert keyfile.legacy_ids() == set(keyfile.slots) - {keyfile.slot_id("jiyao")}
    assert '"format": "mijian-keys-2"' in room.keys.read_text(encoding="utf-8")
    for user in V7_LOGINS:
        open_session(room.db, user, PASSWORD, clock).close()
    assert KeyFile.load(room.keys).legacy_ids() == set()


def test_an_unconverted_slot_stops_the_rotation_and_is_named(tmp_path: Path) -> None:
    room, clock = v7_room(tmp_path), FixedClock(START)
    admin = open_session(room.db, "xitong", PASSWORD, clock, exclusive=False)
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    with pytest.raises(InvalidInput, match="李晓梅（jiyao）") as refused:
        accounts.deactivate(admin, "zhaolei")
    assert "xitong" not in refused.value.message and "zhaolei" not in refused.value.message
    assert accounts.find(admin.db, "zhaolei").active  # type: ignore[union-attr]
    with pytest.raises(InvalidInput, match="尚未登录过"):
        accounts.reset_password(admin, "zhaolei", "Reset-pass-99")
    # A forgotten password of a slot never converted can still be reset; the rotation waits.
    accounts.reset_password(admin, "jiyao", GOOD)
    event = audit.page(admin.db, None, 1)[0]
    assert event.action == "重置密码" and event.details["rotation"] == "deferred"
    admin.close()
    for user in ("baomi", "shenji"):
        open_session(room.db, user, PASSWORD, clock).close()
    admin = open_session(room.db, "xitong", PASSWORD, clock, exclusive=False)
    accounts.deactivate(admin, "zhaolei")
    assert KeyFile.load(room.keys).generations == [1]
    admin.close()
    regrant(room, clock, "jiyao")
    open_session(room.db, "jiyao", GOOD, clock).close()


def _interrupt(room: RoomPaths, step: str) -> bytes:
    """Leave the room as a rotation killed after `step`: "staged" (the new file written),
    "both keys" (and the keys file holding both generations) or "renamed" (and the switch)."""
    keyfile = KeyFile.load(room.keys)
    old = keyfile.unwrap("xitong", PASSWORD)
    new = bytes(range(200, 232))
    db = Database.open(room.db, old)
    db.export_to(rekey.staging_path(room), new)
    db.close()
    if step == "staged":
        return new
    for sid in keyfile.slots:
        keyfile.seal_to(sid, 1, new)
    keyfile.save()
    if step == "renamed":
        shutil.move(rekey.staging_path(room), room.db)
    return new


@pytest.mark.parametrize("step", ["staged", "both keys", "renamed"])
def test_open_finishes_an_interrupted_rotation(
    room: RoomPaths, clock: FixedClock, step: str
) -> None:
    new = _interrupt(room, step)
    renamed = step == "renamed"
    session = open_session(room.db, "jiyao", PASSWORD, clock)
    assert (session.data_key == new) is renamed
    assert KeyFile.load(room.keys).generations == ([1] if renamed else [0])
    assert not rekey.staging_path(room).exists()
    events = audit.page(session.db, None, 2)
    assert events[1].action == "数据密钥更换中断"
    assert events[1].details["outcome"] == ("已完成" if renamed else "已回退")
    session.close()
    for user in DEMO_LOGINS:
        open_session(room.db, user, PASSWORD, clock).close()


def test_a_rotation_that_fails_after_the_change_is_finished_at_the_next_login(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    blocker = rekey.staging_path(room)
    blocker.mkdir()
    (blocker / "x").write_text("x")  # the staging file cannot be made
    with pytest.raises(MijianError, match="账户已停用，但数据密钥未能更换"):
        accounts.deactivate(admin, "zhaolei")
    assert not accounts.find(admin.db, "zhaolei").active  # type: ignore[union-attr]
    keys = KeyFile.load(room.keys)
    assert keys.generations == [0] and keys.rotation_due is not None
    custodian = login("jiyao")  # neither the blocker nor the open window stops a login
    custodian.close()
    shutil.rmtree(blocker)
    admin.close()
    session = open_session(room.db, "jiyao", PASSWORD, clock)  # finishes the rotation
    keys = KeyFile.load(room.keys)
    assert keys.generations == [1] and keys.rotation_due is None
    event = audit.page(session.db, None, 1)[0]
    assert (event.action, event.details["reason"]) == ("更换数据密钥", "停用账户（中断后补做）")
    session.close()


def test_the_system_administrator_alone_rotates_at_will(
    login: Callable[..., Session], room: RoomPaths
) -> None:
    custodian = login("jiyao")
    with pytest.raises(PermissionDenied):
        rekey.rotate_now(custodian)
    custodian.close()
    assert rekey.rotate_now(login("xitong")) == 1
    assert KeyFile.load(room.keys).generations == [1]


def test_a_public_key_planted_in_the_keys_file_never_receives_the_next_key(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock, tmp_path: Path
) -> None:
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    # Someone who can write the keys file but never held the data key swaps in a key pair of
    # their own for jiyao's (anybody can seal to a public key; only the tag needs the data key).
    forged = KeyFile(tmp_path / "forged.keys", admin.keyfile.room_id)
    forged.add_slot("jiyao", "Attacker-pass-1", os.urandom(32), KdfParams(1, 8192))
    admin.keyfile.slots[admin.keyfile.slot_id("jiyao")] = forged.slots[forged.slot_id("jiyao")]
    admin.keyfile.save()
    with pytest.raises(MijianError, match="未通过校验") as refused:
        accounts.deactivate(admin, "zhaolei")
    assert "李晓梅（jiyao）" in refused.value.message
    assert accounts.find(admin.db, "zhaolei").active  # type: ignore[union-attr]
    accounts.reset_password(admin, "jiyao", GOOD)  # the remedy: a fresh key pair, then rotated
    accounts.deactivate(admin, "zhaolei")
    admin.close()
    keys = KeyFile.load(room.keys)
    assert keys.generations == [2]
    with pytest.raises(WrongPassword):
        keys.unwrap("jiyao", "Attacker-pass-1")
    regrant(room, clock, "jiyao")
    open_session(room.db, "jiyao", GOOD, clock).close()


def test_an_opener_waits_for_a_rotation_instead_of_calling_the_room_damaged(
    login: Callable[..., Session],
    room: RoomPaths,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rekey_lock, "OPENER_WAIT_SECONDS", 0.3)
    admin = login("xitong")
    with rekey.room_alone(admin), pytest.raises(DatabaseInUse, match="正在更换数据密钥"):
        open_session(room.db, "jiyao", PASSWORD, clock, exclusive=False)
    open_session(room.db, "jiyao", PASSWORD, clock, exclusive=False).close()


def regrant(room: RoomPaths, clock: FixedClock, user: str) -> None:
    """After a reset the security officer grants the role again (the admin knew the password)."""
    from app import grants

    admin = open_session(room.db, "xitong", PASSWORD, clock, exclusive=False)
    if accounts.find(admin.db, "anquan") is None:  # a room from before the 三员 split has none
        new = NewAccount("anquan", "陈静", Role.SECURITY_OFFICER, PASSWORD)
        accounts.create_account(admin, new)  # the first one's role takes effect (首任)
    admin.close()
    officer = open_session(room.db, "anquan", PASSWORD, clock, exclusive=False)
    grants.grant_role(officer, user)
    officer.close()
