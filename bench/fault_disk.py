"""Disk-full campaign: a real room on a small tmpfs, filled to the last byte, then writes of each
kind. Shared by bench/faults.py (full counts) and tests/app/test_faults_disk.py (a few each).

Needs root (mount -t tmpfs); `can_mount()` says whether this machine allows it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from app import accounts, desk, maintenance, registration_checks, registry, settings
from app.clock import FixedClock
from app.demo import DEMO_PASSWORD, create_demo_room
from app.errors import AccountLocked, DatabaseDamaged, MijianError, WrongPassword
from app.paths import RoomPaths
from app.people import ReaderInput, add_reader
from app.session import Session, open_session
from db.keyslots import KdfParams

ZONE = timezone(timedelta(hours=8))
START = datetime(2026, 11, 20, 9, 0, tzinfo=ZONE)
CHEAP = KdfParams(time_cost=1, memory_kib=8192)
KINDS = ("registration", "checkout", "settings", "password", "backup", "wrong_password")


def _run(*args: str) -> bool:
    return subprocess.run(args, capture_output=True).returncode == 0


def can_mount() -> bool:
    with tempfile.TemporaryDirectory() as where:
        if not _run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", where):
            return False
        _run("umount", where)
        return True


@contextlib.contextmanager
def small_disk(size: str = "3m") -> Iterator[Path]:
    where = Path(tempfile.mkdtemp(prefix="mijian-full-"))
    if not _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)):
        where.rmdir()
        raise RuntimeError("mount -t tmpfs refused")
    try:
        yield where
    finally:
        # A connection the campaign could not close (its own failure) must not keep the mount.
        if not _run("umount", str(where)):
            _run("umount", "-l", str(where))
        with contextlib.suppress(OSError):
            where.rmdir()


# Room left after filling, by round: none, a few pages, a few dozen pages. With some room a
# write may succeed, or fail half-way (the WAL grows, the keys file does not fit).
SLACK = (0, 8 * 1024, 64 * 1024)


def fill(folder: Path, slack: int = 0) -> Path:
    """Grow a filler file until the disk refuses even one more byte, then give back `slack`."""
    filler = folder / "filler.bin"
    with open(filler, "ab", buffering=0) as fh:
        for chunk in (1 << 16, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    fh.write(b"\0" * chunk)
        fh.truncate(max(0, fh.tell() - slack))
    return filler


def is_clean(exc: BaseException) -> bool:
    """A typed error whose message is Chinese (what the window shows without a traceback)."""
    return isinstance(exc, MijianError) and any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))


class Desk:
    """A room with a custodian, a system administrator and a reader, ready for writes."""

    def __init__(self, folder: Path, template: RoomPaths) -> None:
        self.paths = RoomPaths(folder / "room.mjdb")
        for source, dest in zip(template.files, self.paths.files, strict=True):
            if source.exists():
                shutil.copyfile(source, dest)
        self.clock = FixedClock(START)
        self.folder = folder
        self.password = DEMO_PASSWORD
        self.open()
        officer = open_session(self.paths.db, "baomi", DEMO_PASSWORD, self.clock, exclusive=False)
        try:
            self.reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心"))
        finally:
            officer.close()
        self.serial = 0
        self.copies: list[int] = []
        for _ in range(4):
            self.copies += [c.id for c in self.register().copies]

    def open(self) -> None:
        self.custodian = open_session(
            self.paths.db, "jiyao", DEMO_PASSWORD, self.clock, exclusive=False
        )
        self.admin = open_session(
            self.paths.db, "xitong", self.password, self.clock, exclusive=False
        )

    def close(self) -> None:
        self.custodian.close()
        self.admin.close()

    def register(self) -> registry.Registration:
        self.serial += 1
        data = registration_checks.DocumentInput(
            issuer="市委办公室",
            source="市",
            title=f"关于磁盘空间的通知之{self.serial}",
            level="秘密",
            copy_numbers="1-50",
            doc_number=f"市委办发〔2026〕{self.serial}号",
            written_on=date(2026, 11, 10),
        )
        return registry.register(self.custodian, data)

    def audit_count(self, session: Session | None = None) -> int:
        db = (session or self.custodian).db
        return int(db.scalar("SELECT count(*) FROM audit_event"))

    # ---- one write of each kind ----------------------------------------------------------
    def write(self, kind: str, i: int) -> None:
        actions: dict[str, Callable[[], object]] = {
            "registration": self.register,
            "checkout": lambda: desk.checkout(self.custodian, self.reader.id, [self.copies.pop()]),
            "settings": lambda: settings.set_idle_lock_minutes(self.admin, 5 + i % 20),
            "password": lambda: self._change_password(i),
            "backup": lambda: maintenance.backup(self.admin, self.folder / f"b{i}" / "room.mjdb"),
            "wrong_password": self._wrong_password,
        }
        actions[kind]()

    def _change_password(self, i: int) -> None:
        new = f"Disk-full-{i:04d}x"
        accounts.change_own_password(self.admin, self.password, new)
        self.password = new

    def _wrong_password(self) -> None:
        try:
            open_session(self.paths.db, "anquan", "Wrong-pass-2026", self.clock, exclusive=False)
        except (WrongPassword, AccountLocked):
            return  # the expected refusal, its failure counted


def template(folder: Path) -> RoomPaths:
    return create_demo_room(folder / "room.mjdb", FixedClock(START), CHEAP, content=False)


def campaign(template_room: RoomPaths, per_kind: int, size: str = "3m") -> Counter[str]:
    """Counts: `<kind>_ok`, `<kind>_clean`, `<kind>_traceback`, `lost` (audit events lost after
    the space is freed and the room reopened, with the password the last acknowledged change
    set), `reopen_failed`, `open_full_*`, `tmp_leftover`; `message:<kind>:…` counts messages."""
    counts: Counter[str] = Counter()
    with small_disk(size) as folder:
        room = Desk(folder, template_room)
        filler = fill(folder)
        acknowledged = room.audit_count()
        for i in range(per_kind):
            fill(folder, SLACK[i % len(SLACK)])
            for kind in KINDS:
                before = room.audit_count()
                try:
                    room.write(kind, i)
                except BaseException as exc:  # noqa: BLE001 - a campaign counts every outcome
                    counts[f"{kind}_clean" if is_clean(exc) else f"{kind}_traceback"] += 1
                    counts[f"message:{kind}:{type(exc).__name__}: {exc}"] += 1
                    with contextlib.suppress(BaseException):
                        room.audit_count()  # the session must still read after a failure
                    continue
                counts[f"{kind}_ok"] += 1
                acknowledged = max(acknowledged, room.audit_count(), before)
        acknowledged = max(acknowledged, room.audit_count())
        room.close()
        counts.update(_open_on_full_disk(room))
        counts["tmp_leftover"] += len([p for p in folder.rglob("*.tmp")])
        os.unlink(filler)
        # Space freed as a custodian frees it (elsewhere on the disk): the filler alone may give
        # back nothing, since the room's -wal may have grown into each round's slack (SQLite
        # keeps up to 1,000 pages there before a checkpoint restarts it).
        _run("mount", "-o", "remount,size=16m", str(folder))
        try:
            room.open()
            counts["lost"] += max(0, acknowledged - room.audit_count())
            room.close()
        except MijianError as exc:
            counts["reopen_failed"] += 1
            counts[f"message:reopen:{type(exc).__name__}: {exc}"] += 1
    return counts


def _open_on_full_disk(room: Desk) -> Counter[str]:
    """Opening the room while the disk is still full: never called damage, never a traceback."""
    counts: Counter[str] = Counter()
    try:
        room.open()
        room.close()
        counts["open_full_ok"] += 1
    except BaseException as exc:  # noqa: BLE001
        damaged = isinstance(exc, DatabaseDamaged)
        key = "open_full_damaged" if damaged else "open_full_clean" if is_clean(exc) else ""
        counts[key or "open_full_traceback"] += 1
        counts[f"message:open:{type(exc).__name__}: {exc}"] += 1
    return counts
