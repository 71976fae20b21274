"""The tamper-evident audit trail: every change appends one event, chained with SHA-256.

Contract: `record` must be called inside the same `db.transaction()` as the change it describes,
so a change and its audit event land together or not at all. Triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring as _esc
from typing import Any

from app import seal
from app.clock import Clock, stamp
from app.progress import FOREGROUND
from db.connection import Database

GENESIS = "0" * 64
SYSTEM = "系统"


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    account: str
    action: str
    object: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    since: int = 0  # a tail walk: the events after this sequence number were walked

    @property
    def message(self) -> str:
        if self.ok and self.since:
            return f"链自第 {self.since + 1} 条起完整：{self.count} 条，链头 {self.head}"
        if self.ok:
            return f"链完整：{self.count} 条，链头 {self.head}"
        if self.broken_seq is None:
            return "审计链未能校验完：数据库文件损坏，请从备份恢复。"
        return f"审计链在第 {self.broken_seq} 条处断裂：该条或其之前的记录被改动。"


def _payload(
    seq: int, at: str, account: str, action: str, obj: str, details: str, prev_hash: str
) -> str:
    """Exactly `json.dumps([...], ensure_ascii=False, separators=(",", ":"))`, written out with
    the encoder's own C string escaper: json.dumps built a new encoder per call, and this form
    verifies a long trail about 1.6 times as fast (tests/app/test_audit.py pins the equality)."""
    return (
        f"[{int(seq)},{_esc(at)},{_esc(account)},{_esc(action)},{_esc(obj)},"
        f"{_esc(details)},{_esc(prev_hash)}]"
    )


def event_hash(
    seq: int, at: str, account: str, action: str, obj: str, details: str, prev_hash: str
) -> str:
    payload = _payload(seq, at, account, action, obj, details, prev_hash)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    db: Database,
    clock: Clock,
    account: str,
    action: str,
    obj: str,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside `db.transaction()` (asserted)."""
    if not db.in_transaction:
        raise RuntimeError("audit.record must run inside the change's transaction")
    if "seal_checked" not in db.memo:
        # The first write of a new day seals the days before it, even in a window left open.
        db.memo["seal_checked"] = True
        if seal.due(db, clock):
            seal.seal(db, clock, str(db.scalar("SELECT room_id FROM room WHERE id = 1")))
    tail = db.memo.get("audit_tail")
    if tail is None:
        last = db.one("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        tail = (0, GENESIS) if last is None else (last["seq"], last["hash"])
    seq, prev = tail[0] + 1, tail[1]
    at = stamp(clock.now())
    text = json.dumps(details or {}, ensure_ascii=False, sort_keys=True)
    digest = event_hash(seq, at, account, action, obj, text, prev)
    db.execute(
        "INSERT INTO audit_event (seq, at, account, action, object, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, account, action, obj, text, prev, digest),
    )
    db.memo["audit_tail"] = (seq, digest)

    return AuditEvent(seq, at, account, action, obj, details or {}, prev, digest)


def verify(db: Database, progress: Callable[[int], None] | None = None) -> ChainReport:
    """Recompute the chain from the first event; name the first sequence that does not fit."""
    return walk(db, None, progress)


def walk(
    db: Database,
    at_event: Callable[[int, str], None] | None,
    progress: Callable[[int], None] | None = None,
    *,
    after: tuple[int, str] | None = None,
) -> ChainReport:
    """One pass over the trail: recompute each hash, hand (seq, recomputed hash) to `at_event`,
    and stop at the first event that does not fit. With `after` (seq, hash), a point an earlier
    check vouched for, only the events after it are walked (the report counts those)."""
    prev = GENESIS if after is None else after[1]
    since = 0 if after is None else after[0]
    count = 0
    expected_seq = 1 if after is None else after[0] + 1
    cursor = db.execute(
        "SELECT seq, at, account, action, object, details, prev_hash, hash"
        " FROM audit_event WHERE seq >= ? ORDER BY seq",
        (expected_seq,),
    )
    sha = hashlib.sha256
    for seq, at, account, action, obj, details, prev_hash, stored in cursor:
        payload = _payload(seq, at, account, action, obj, details, prev)
        digest = sha(payload.encode("utf-8")).hexdigest()
        if seq != expected_seq or prev_hash != prev or stored != digest:
            return ChainReport(False, count, prev, expected_seq, since)
        if at_event is not None:
            at_event(seq, digest)
        prev = digest
        count += 1
        expected_seq += 1
        if count % 1_000 == 0:
            FOREGROUND.stand_aside()  # a check on the worker lets a scan at the counter go first
            if progress is not None and count % 10_000 == 0:
                progress(count)
    return ChainReport(True, count, prev, since=since)


def head(db: Database) -> str:
    value = db.scalar("SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    return GENESIS if value is None else str(value)


def page(db: Database, before_seq: int | None, limit: int) -> list[AuditEvent]:
    """Newest first, keyset-paged by sequence number."""
    rows = db.query(
        "SELECT * FROM audit_event WHERE seq < ? ORDER BY seq DESC LIMIT ?",
        (before_seq if before_seq is not None else 2**62, limit),
    )
    return [_event(r) for r in rows]


def count(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM audit_event"))


def _event(row: Any) -> AuditEvent:
    return AuditEvent(
        seq=row["seq"],
        at=row["at"],
        account=row["account"],
        action=row["action"],
        object=row["object"],
        details=json.loads(row["details"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )
