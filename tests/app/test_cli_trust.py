"""The trail's command line as a person types it: verify with the sheet, a printed head, a room
behind its anchor, the restore guard, and sealing an upgraded room."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.paths import RoomPaths
from tests.app.test_cli import mijian
from tests.conftest import PASSWORD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _run(tmp_path: Path, room: RoomPaths, user: str, *args: str, stdin: str = ""):
    head, *rest = args
    return mijian(
        tmp_path,
        *head.split(),
        "--db",
        str(room.db),
        "--user",
        user,
        "--password-stdin",
        *rest,
        stdin=PASSWORD + "\n" + stdin,
    )


def test_verify_with_the_sheet_and_a_printed_head(
    tmp_path: Path, room: RoomPaths, sheet_text: str
) -> None:
    result = _run(tmp_path, room, "shenji", "audit verify", "--sheet", stdin=sheet_text + "\n")
    assert result.returncode == 0, result.stderr
    assert "封存验证通过" in result.stdout and "链完整" in result.stdout
    wrong = "MJSEAL1:" + sheet_text.split(":")[1] + ":" + "AB" * 32 + ":000000"
    result = _run(tmp_path, room, "shenji", "audit verify", "--sheet", stdin=wrong + "\n")
    assert result.returncode == 2 and "校验码" in result.stderr
    result = _run(tmp_path, room, "shenji", "audit verify", "--head", "ab" * 10)
    assert result.returncode == 1 and "不在审计链中" in result.stderr
    result = _run(tmp_path, room, "jiyao", "audit verify", "--sheet", stdin=sheet_text + "\n")
    assert result.returncode == 2 and "仅限" in result.stderr


def test_a_room_behind_its_anchor_from_the_command_line(tmp_path: Path, room: RoomPaths) -> None:
    old = room.db.read_bytes()
    assert _run(tmp_path, room, "xitong", "check").returncode == 0
    room.db.write_bytes(old)
    result = _run(tmp_path, room, "shenji", "check")
    assert result.returncode == 2 and "早于本机记录" in result.stderr
    result = _run(
        tmp_path, room, "shenji", "check", "--accept-rollback", "anquan", stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert _run(tmp_path, room, "shenji", "check").returncode == 0


def test_backup_carries_no_sealing_key_and_restore_needs_the_head_when_blind(
    tmp_path: Path, room: RoomPaths
) -> None:
    from app.clock import FixedClock
    from app.session import open_session
    from tests.conftest import START

    out = tmp_path / "b" / "copy.mjdb"
    assert _run(tmp_path, room, "xitong", "backup", str(out)).returncode == 0
    copy = open_session(out, "shenji", PASSWORD, FixedClock(START), exclusive=False)
    assert copy.db.scalar("SELECT key FROM audit_seal_key") is None
    copy.close()
    room.keys.unlink()  # the live room can no longer be read
    result = _run(tmp_path, room, "xitong", "restore", str(out))
    assert result.returncode == 2 and "链头" in result.stderr
    probe = open_session(out, "xitong", PASSWORD, FixedClock(START), exclusive=False)
    held = probe.db.scalar("SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    probe.close()
    result = _run(
        tmp_path,
        room,
        "xitong",
        "restore",
        str(out),
        "--older-ok",
        "anquan",
        "--printed-head",
        held,
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    result = _run(tmp_path, room, "shenji", "check")
    assert "封存已中断" in result.stdout


def test_an_upgraded_room_begins_sealing_once(tmp_path: Path) -> None:
    room = RoomPaths(tmp_path / "old.mjdb")
    shutil.copyfile(FIXTURES / "room-v7.mjdb", room.db)
    shutil.copyfile(FIXTURES / "room-v7.mjdb.keys", room.keys)
    result = _run(tmp_path, room, "shenji", "check")
    assert "尚未开始封存" in result.stdout, result.stdout + result.stderr
    result = _run(tmp_path, room, "shenji", "audit start-seal")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "MJSEAL1:" in x)
    sheet = line[line.index("MJSEAL1:") :].strip()
    result = _run(tmp_path, room, "shenji", "audit start-seal")
    assert result.returncode == 2 and "只在开始时打印一次" in result.stderr
    result = _run(tmp_path, room, "shenji", "audit verify", "--sheet", stdin=sheet + "\n")
    assert result.returncode == 0 and "封存验证通过" in result.stdout, result.stderr
