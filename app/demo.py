"""The demo room: the five demo accounts (password `mijian-demo-2026`) and synthetic content.

Everything here is invented. Later features add their own demo content through `seed_demo`.
"""

from __future__ import annotations

from pathlib import Path

from app import audit, demo_content
from app.clock import Clock, FixedClock
from app.demo_circulation import seed_circulation
from app.demo_clocks import seed_clocks
from app.demo_custody import seed_custody
from app.demo_outgoing import seed_outgoing
from app.demo_recall import seed_recall
from app.model import NewAccount
from app.paths import RoomPaths
from app.roles import Role
from app.room import create_room
from app.seal import VerificationKey
from app.session import Session, open_session
from app.settings import set_idle_lock_minutes
from db.keyslots import DEFAULT_KDF, KdfParams

DEMO_PASSWORD = "mijian-demo-2026"
DEMO_ACCOUNTS = (
    ("jiyao", "李晓梅", Role.CUSTODIAN),
    ("baomi", "王建国", Role.APPROVER),
    # The office's director: a second business account, so that a destruction has two 监销人
    # who are neither its builder nor one of the 三员.
    ("zhuren", "赵立新", Role.APPROVER),
    ("anquan", "陈静", Role.SECURITY_OFFICER),
    ("xitong", "张志强", Role.SYSADMIN),
    ("shenji", "刘芳", Role.AUDITOR),
)
DEMO_ROOM_NAME = "演示机要室"


def paths_of(path: Path) -> RoomPaths:
    return RoomPaths(Path(path))


def _keep_sheet(paths: RoomPaths, key: VerificationKey) -> None:
    sheet_path(paths).write_text(key.text, encoding="utf-8")


def sheet_path(paths: RoomPaths) -> Path:
    """Demo rooms only: the 审计验证密钥 is kept beside the room so that a newcomer can try the
    auditor's verification. A real room never stores it (app/seal.py)."""
    return paths.db.with_name(paths.db.name + ".sealkey.txt")


DEMO_UNIT = "某市某区委办公室（演示）"
# The demo room's 闭库时间. A real room closes at 17:30 by default and the window lets the system
# administrator choose 12:00-23:00; after the close every classified checkout is refused (密件不
# 过夜). A newcomer trying the demo in the evening would meet that refusal on every copy, so the
# demo room (and only it) closes at 23:59: checkouts work at any hour but the last minute of the
# day. The change is in the trail (修改设置 by 系统, with the reason) and the login notice says it.
DEMO_CLOSE_TIME = "23:59"


# What making a room leaves beside `path`: removed again when the demo cannot be finished.
_ROOM_FILES = ("", "-wal", "-shm", "-journal", ".keys", ".anchor", ".lock", ".keylock")


def create_demo_room(
    path: Path, clock: Clock, kdf: KdfParams = DEFAULT_KDF, *, content: bool = True
) -> RoomPaths:
    """The demo room; `content=False` gives the accounts alone (tests build their own data).

    All or nothing: when it cannot be finished (a full disk, say), the files it had made are
    removed, so the next `--demo` starts afresh instead of opening half a room. Files that were
    there before are never touched (a demo holds nothing but invented records)."""
    path = Path(path)
    candidates = [path.with_name(path.name + s) for s in _ROOM_FILES]
    candidates.append(sheet_path(paths_of(path)))
    before = {p for p in candidates if p.exists()}
    try:
        return _create_demo_room(path, clock, kdf, content)
    except BaseException:
        for leftover in candidates:
            if leftover not in before:
                leftover.unlink(missing_ok=True)
        raise


def _create_demo_room(path: Path, clock: Clock, kdf: KdfParams, content: bool) -> RoomPaths:
    accounts = [NewAccount(login, name, role, DEMO_PASSWORD) for login, name, role in DEMO_ACCOUNTS]
    paths = create_room(
        path,
        DEMO_ROOM_NAME,
        DEMO_UNIT,
        accounts,
        clock,
        kdf=kdf,
        demo=True,
        on_sheet=lambda key: _keep_sheet(paths_of(path), key),
    )
    session = open_session(paths.db, "xitong", DEMO_PASSWORD, clock)
    try:
        set_idle_lock_minutes(session, 10)
    finally:
        session.close()
    if content:
        seed_clock = FixedClock(clock.now())
        custodian = open_session(paths.db, "jiyao", DEMO_PASSWORD, seed_clock, exclusive=False)
        officer = open_session(paths.db, "baomi", DEMO_PASSWORD, seed_clock, exclusive=False)
        try:
            demo_content.seed(custodian, officer, seed_clock)
            demo_content.seed_desk(custodian, officer, seed_clock)
            demo_content.seed_instructions(custodian, seed_clock)
            seed_recall(custodian, seed_clock, DEMO_PASSWORD)
            seed_circulation(custodian, seed_clock)
            seed_clocks(custodian, seed_clock)
            seed_custody(custodian, seed_clock)
            seed_outgoing(custodian, seed_clock)
            _open_late(custodian, FixedClock(max(clock.now(), seed_clock.now())))
        finally:
            custodian.close()
            officer.close()
    return paths


def _open_late(session: Session, clock: Clock) -> None:
    """The demo room closes at DEMO_CLOSE_TIME (after the seeds, which play ordinary days)."""
    db = session.db
    with db.transaction():
        before = db.scalar("SELECT value FROM setting WHERE key = 'close_time'")
        db.execute(
            "INSERT INTO setting (key, value) VALUES ('close_time', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (DEMO_CLOSE_TIME,),
        )
        audit.record(
            db,
            clock,
            audit.SYSTEM,
            "修改设置",
            "setting:close_time",
            {
                "before": before,
                "after": DEMO_CLOSE_TIME,
                "reason": "演示机要室：任何时候都可试借（真实机要室默认 17:30）",
            },
        )
