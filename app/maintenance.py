"""Checking, backing up and restoring a room.

A backup is a consistent encrypted copy made with `sqlcipher_export` into a fresh file (its own
salt; never a raw copy, which would keep the live salt and could catch a half-written page),
plus a copy of the key slots beside it: `OUT` and `OUT.keys`, itself an openable room.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import anchor, audit, reconcile, schema_check, seal, seal_verify
from app.errors import InvalidInput, MijianError
from app.paths import RoomPaths
from app.progress import ProgressCallback
from app.roles import Role
from app.session import Session
from app.vocab import CopyState, sql_value
from db.connection import Database


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[str, ...]
    chain: audit.ChainReport
    findings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    quick: bool = False  # the quick gate: no page-by-page file check, only the chain's tail

    @property
    def ok(self) -> bool:
        return not self.problems and self.chain.ok and not self.findings

    @property
    def lines(self) -> list[str]:
        file_line = "文件与加密校验：通过" if not self.problems else "文件与加密校验：发现问题"
        if self.quick:
            file_line = "快速校验：未逐页校验文件与加密，完整校验另行运行"
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


CHECK_STEPS = 3  # the full check reports progress as (steps done, CHECK_STEPS)


def check_room(session: Session, progress: ProgressCallback | None = None) -> CheckReport:
    """File, cipher, chain, schema, day-close heads and the business tables against the trail:
    the full pass, which reads every page of the file (about a minute on a room of a million
    copies). `progress` hears (step, CHECK_STEPS) between steps and may raise Cancelled.

    Reports counts and copy numbers only, never a title, so any role may run it."""
    db = session.db
    step = _stepper(progress, CHECK_STEPS)
    step()
    problems = tuple(db.integrity_problems())
    step()
    if problems:
        # A damaged file: report what was found even when a later step cannot read on.
        try:
            chain = audit.verify(db)
        except MijianError as exc:
            damaged = audit.ChainReport(False, 0, audit.GENESIS, broken_seq=None)
            return CheckReport(problems, damaged, (f"审计链无法读完：{exc.message}",))
        return CheckReport(problems, chain, ())
    chain = audit.verify(db)
    step()
    findings = [*schema_check.problems(db), *close_heads(db), *_seal_problems(db)]
    findings.extend(reconcile.problems(db))
    step()
    return CheckReport(problems, chain, tuple(findings), tuple(_seal_notes(db)))


QUICK_STEPS = 3


def quick_check(session: Session, progress: ProgressCallback | None = None) -> CheckReport:
    """The quick gate, for the room's opening or the day's close: the schema, the day-close
    heads, where sealing stands, the audit chain since its last sealed period or day-close head
    (the part no earlier check has vouched for), and whether every copy marked 借出 has an open
    handover and no other does. It reads indexes and the chain's tail, not every page: seconds
    on a room of a million copies. The page-by-page file check, the whole chain and the
    reconciliation of every record with the trail are `check_room`'s.

    `progress` hears (step, QUICK_STEPS) and may raise Cancelled. Counts only, never a title."""
    db = session.db
    step = _stepper(progress, QUICK_STEPS)
    step()
    findings = [*schema_check.problems(db), *close_heads(db), *_seal_problems(db)]
    step()
    chain = audit.walk(db, None, after=_trusted_point(db))
    step()
    out = int(db.scalar(f"SELECT count(*) FROM copy WHERE state = {sql_value(CopyState.LENT)}"))
    open_handovers = int(db.scalar("SELECT count(*) FROM handover WHERE back_at IS NULL"))
    if out != open_handovers:
        findings.append(
            f"份的状态与记录不符：{out} 份记为借出，未归还的借出记录却有 {open_handovers} 条"
            "（请运行完整校验查明是哪几份）。"
        )
    step()
    return CheckReport((), chain, tuple(findings), quick=True)


def _trusted_point(db: Database) -> tuple[int, str] | None:
    """The newest point of the chain an earlier act vouched for: the last sealed period's head
    or the last 日终清点 head, whichever is later (close_heads has checked the latter stands);
    None to walk from the start."""
    points = [
        (int(r[0]), str(r[1]))
        for r in db.query("SELECT last_seq, head FROM audit_seal ORDER BY period DESC LIMIT 1")
    ]
    points += [
        (int(r[0]), str(r[1]))
        for r in db.query(
            "SELECT chain_seq, chain_head FROM day_close ORDER BY chain_seq DESC LIMIT 1"
        )
    ]
    point = max(points, default=None)
    if point is None:
        return None
    stored = db.scalar("SELECT hash FROM audit_event WHERE seq = ?", (point[0],))
    return point if stored == point[1] else None  # moved: walk it all, and find where


def _stepper(progress: ProgressCallback | None, total: int) -> Callable[[], None]:
    done = [0]

    def step() -> None:
        if progress is not None:
            progress(min(done[0], total), total)
        done[0] += 1

    return step


def close_heads(db: Database) -> list[str]:
    """Every stored 日终清点 head must stand at its place in the chain."""
    out = []
    for row in db.query(
        "SELECT day, chain_seq, chain_head FROM day_close UNION ALL"
        " SELECT day, chain_seq, chain_head FROM day_reopen WHERE closed_at IS NOT NULL"
        " ORDER BY day, chain_seq"
    ):
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
