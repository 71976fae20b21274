"""Checking, backing up and restoring a room.

A backup is a consistent encrypted copy made with `sqlcipher_export` into a fresh file (its own
salt; never a raw copy, which would keep the live salt and could catch a half-written page),
plus a copy of the key slots beside it: `OUT` and `OUT.keys`, itself an openable room.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from app import accounts, anchor, audit, reconcile, schema_check, seal, seal_verify
from app.clock import Clock
from app.model import Credential
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, open_session
from db.connection import Database
from db.errors import DatabaseDamaged, InvalidInput, MijianError
from db.instance_lock import InstanceLock
from db.keyslots import KeyFile


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[str, ...]
    chain: audit.ChainReport
    findings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and self.chain.ok and not self.findings

    @property
    def lines(self) -> list[str]:
        file_line = "文件与加密校验：通过" if not self.problems else "文件与加密校验：发现问题"
        trail_line = (
            "结构、日终链头与业务记录核对：通过"
            if not self.findings
            else "结构、日终链头与业务记录核对：发现问题"
        )
        return [
            file_line,
            *self.problems[:20],
            self.chain.message,
            trail_line,
            *self.findings[:40],
            *self.notes,
        ]


def check_room(session: Session) -> CheckReport:
    """File, cipher, chain, schema, day-close heads and the business tables against the trail.

    Reports counts and copy numbers only, never a title, so any role may run it."""
    db = session.db
    problems = tuple(db.integrity_problems())
    chain = audit.verify(db)
    findings = [*schema_check.problems(db), *close_heads(db), *_seal_problems(db)]
    if not problems:
        findings.extend(reconcile.problems(db))
    return CheckReport(problems, chain, tuple(findings), tuple(_seal_notes(db)))


def close_heads(db: Database) -> list[str]:
    """Every stored 日终清点 head must stand at its place in the chain."""
    out = []
    for row in db.query("SELECT day, chain_seq, chain_head FROM day_close ORDER BY day"):
        found = db.scalar("SELECT hash FROM audit_event WHERE seq = ?", (row["chain_seq"],))
        if found != row["chain_head"]:
            out.append(
                f"{row['day']} 日终清点记录的链头（第 {row['chain_seq']} 条）在审计链中已不存在："
                "该日及以前的记录被改写。"
            )
    return out


def _seal_problems(db: Database) -> list[str]:
    """Where sealing stands, checked without the sheet: stopped, deleted or moved is a finding."""
    sealed = seal.seals(db)
    last = sealed[-1] if sealed else None
    problem = seal_verify.state_problem(db, last, audit.count(db))
    if problem and last is None and not seal_verify.began(db):
        return []  # an upgraded room that has not begun: a note, not a finding
    return [problem] if problem else []


def _seal_notes(db: Database) -> list[str]:
    sealed = seal.seals(db)
    if not sealed:
        return ["审计链尚未开始封存：请安全审计员开始封存并打印审计验证密钥。"]
    notes = [
        f"审计链已封存 {len(sealed)} 期，至第 {sealed[-1].last_seq} 条"
        f"（{sealed[-1].sealed_at[:10]}）；逐期验证须用审计验证密钥（mijian audit verify --sheet）。"
    ]
    stopped = seal.stopped_reason(db)
    if stopped is not None and stopped[0]:
        notes.append(stopped[1])
    return notes


def find_head(db: Database, head: str) -> str:
    """Where a head printed on a 日终清点表 stands in the chain, in one sentence."""
    text = "".join(head.split()).lower()
    if len(text) < 16:
        raise InvalidInput("请输入日终清点表上印的链头（至少 16 位）。")
    rows = db.query(
        "SELECT seq, at FROM audit_event WHERE hash >= ? AND hash < ? ORDER BY seq LIMIT 2",
        (text, text + "g"),
    )
    if not rows:
        return (
            f"链头 {text[:16]}… 不在审计链中：打印该表之后，该日及以前的记录被改写，"
            "或这不是这个机要室的日终清点表。"
        )
    if len(rows) > 1:
        raise InvalidInput("输入的链头太短，对应不止一条记录，请多输入几位。")
    total = audit.count(db)
    seq = int(rows[0]["seq"])
    return f"链头 {text[:16]}… 是第 {seq} 条（{rows[0]['at'][:16]}），其后还有 {total - seq} 条。"


def backup(session: Session, out: Path) -> RoomPaths:
    """An encrypted copy with its keys and its own anchor. The copy carries no sealing key: a
    backup on a USB stick must not let its holder forge the periods sealed after it."""
    session.require(Role.SYSADMIN)
    target = RoomPaths(Path(out))
    if any(p.exists() for p in target.files):
        raise MijianError(f"备份目标已存在，不会覆盖：{target.db}")
    target.db.parent.mkdir(parents=True, exist_ok=True)
    try:
        session.db.export_to(target.db, session.data_key)
        copy = Database.open(target.db, session.data_key)
        try:
            with copy.transaction():
                copy.execute("UPDATE audit_seal_key SET key = NULL")
                audit.record(
                    copy,
                    session.clock,
                    session.account.login,
                    "备份副本",
                    "room",
                    {"seal": f"{seal.STOPPED_MARK}: a backup carries no sealing key"},
                )
            point = anchor.room_point(copy)
            if point is not None:
                anchor.Anchor(copy, target.anchor).write(point)
        finally:
            copy.close()
        shutil.copyfile(session.paths.keys, target.keys)
    except BaseException:
        for leftover in target.files:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    with session.db.transaction():
        audit.record(
            session.db,
            session.clock,
            session.account.login,
            "备份",
            "room",
            {"to": target.db.name, "chain_head": audit.head(session.db)},
        )
    return target


@dataclass(frozen=True)
class _Live:
    """What the room being replaced tells: its last closed day and its sealing key."""

    readable: bool
    last_close: tuple[str, str] | None = None
    seal_state: tuple[int, bytes] | None = None


def restore(
    path: Path,
    login: str,
    password: str,
    source: Path,
    clock: Clock,
    officer: Credential | None = None,
    printed_head: str | None = None,
    older_than_printed: bool = False,
) -> Path | None:
    """Replace the room at `path` with the backup at `source`; returns where the old one went.

    The backup is opened and verified (file, cipher, chain, schema) before anything moves, and
    the replaced files are kept aside, never deleted. The guard never gives up silently:
    - the live room opens with these credentials: a backup that lacks the chain head of its
      last closed day is older than the paper, and needs the security officer's confirmation;
    - the live room does not open (damaged, keys missing, or a password that no longer opens
      it): the security officer must confirm and the head printed on the last signed 日终清点表
      must be typed, and the backup must contain it (or the officer states, with
      `older_than_printed`, that the backup is knowingly older than that sheet).
    The restored room continues sealing with the live room's newer key (a marked jump in
    period numbers); without a live key sealing stays stopped until resumed with the sheet.
    """
    src = RoomPaths(Path(source))
    dest = RoomPaths(Path(path))
    live = _read_live(dest, login, password)
    probe = open_session(src.db, login, password, clock, exclusive=False)
    try:
        probe.require(Role.SYSADMIN)
        report = check_room(probe)
        if not report.ok:
            raise DatabaseDamaged("备份文件未通过校验，未做任何恢复：" + "；".join(report.lines))
        guard = _guard(probe, live, officer, printed_head, older_than_printed)
    finally:
        probe.close()

    dest.db.parent.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(dest.lock)
    lock.acquire()
    try:
        aside = _move_aside(dest, clock)
        for source_file, dest_file in zip(src.files, dest.files, strict=True):
            if source_file.exists():
                shutil.copyfile(source_file, dest_file)
    finally:
        lock.release()
    session = open_session(dest.db, login, password, clock)
    try:
        with session.db.transaction():
            details: dict[str, object] = {
                "from": src.db.name,
                "replaced_kept_as": aside.name if aside else None,
                **guard,
            }
            if live.seal_state is not None:
                period, key = live.seal_state
                seal.set_state(session.db, period, key)
                details["seal_continues_at_period"] = period
            else:
                details["seal"] = f"{seal.STOPPED_MARK}: resume with the sheet"
            audit.record(session.db, clock, login, "从备份恢复", "room", details)
    finally:
        session.close()
    return aside


def _read_live(dest: RoomPaths, login: str, password: str) -> _Live:
    if not (dest.db.exists() and dest.keys.exists()):
        return _Live(readable=False)
    # Read, not a login: nothing is written to the room that may be about to be replaced.
    try:
        key = KeyFile.load(dest.keys).unwrap(login, password)
        current = Database.open(dest.db, key)
    except MijianError:
        return _Live(readable=False)
    try:
        has = {r[0] for r in current.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        row = (
            current.one("SELECT day, chain_head FROM day_close ORDER BY day DESC LIMIT 1")
            if "day_close" in has
            else None
        )
        state = seal.current_state(current) if "audit_seal_key" in has else None
        if "audit_seal" in has:
            # A live file already swapped for an older one tells nothing about the paper.
            anchor.check(current, anchor.Anchor(current, dest.anchor))
    except MijianError:
        return _Live(readable=False)
    finally:
        current.close()
    return _Live(True, None if row is None else (row["day"], row["chain_head"]), state)


def _guard(
    probe: Session,
    live: _Live,
    officer: Credential | None,
    printed_head: str | None,
    older_than_printed: bool,
) -> dict[str, object]:
    """The audit details of the guard's decision, or a refusal."""
    if live.readable:
        if live.last_close is None or _has_head(probe, live.last_close[1]):
            return {}
        day = live.last_close[0]
        if officer is None:
            raise MijianError(
                f"该备份早于 {day} 的日终清点（备份中没有当日记录的审计链头），恢复会丢失此后的记录。"
                "如确需恢复，须由安全保密管理员本人确认。"
            )
        who = _confirm(probe, officer, "恢复较早的备份")
        return {"older_than_last_close": {"day": day, "confirmed_by": who}}
    if officer is None or not printed_head:
        raise MijianError(
            "现有机要室无法用此账户打开（文件损坏、密钥文件缺失，或密码已更改），无法确认备份是否较旧。"
            "恢复须由安全保密管理员本人确认，并输入最近一张日终清点表上印的链头。"
        )
    head = "".join(printed_head.split()).lower()
    if len(head) < 16:
        raise InvalidInput("请输入日终清点表上印的链头（至少 16 位）。")
    held = _has_head(probe, head)
    if not held and not older_than_printed:
        raise MijianError(
            "备份中没有这张日终清点表的链头：备份早于该日终清点，或链头输入有误，未做任何恢复。"
            "如确需恢复这份较旧的备份，须由安全保密管理员确认其早于该表。"
        )
    who = _confirm(probe, officer, "恢复（现有机要室无法打开）")
    return {
        "live_room_unreadable": {
            "printed_head": head[:16],
            "backup_holds_it": held,
            "confirmed_by": who,
        }
    }


def _has_head(probe: Session, head: str) -> bool:
    found = probe.db.one(
        "SELECT 1 FROM audit_event WHERE hash >= ? AND hash < ?", (head, head + "g")
    )
    return found is not None


def _confirm(probe: Session, officer: Credential, what: str) -> str:
    """The IT security officer confirms; a backup from before the role split has none, and
    then its 保密员 (yesterday's security officer) may."""
    officers = [a for a in accounts.active_accounts(probe.db) if a.role is Role.SECURITY_OFFICER]
    role = Role.SECURITY_OFFICER if officers else Role.APPROVER
    return probe.confirm(officer, what, role).login


def _move_aside(dest: RoomPaths, clock: Clock) -> Path | None:
    if not dest.db.exists():
        return None
    suffix = clock.now().strftime("%Y%m%d-%H%M%S")
    aside = dest.db.with_name(f"{dest.db.name}.replaced-{suffix}")
    for name in ("", "-wal", "-shm"):
        part = Path(f"{dest.db}{name}")
        if part.exists():
            part.rename(Path(f"{aside}{name}"))
    for part, suffix_name in ((dest.keys, ".keys"), (dest.anchor, ".anchor")):
        if part.exists():
            part.rename(aside.with_name(aside.name + suffix_name))
    return aside
