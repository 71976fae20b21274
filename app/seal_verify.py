"""Verifying the sealed trail with the 审计验证密钥 sheet, in one pass over the events.

Every sealed period must: follow the one before it without a gap in sequence numbers; carry the
next period number (or a marked jump); carry a MAC that the key derived from the sheet accepts;
and name as its head the chain hash that the events themselves recompute to. The first period
that fails is named. Events after the last seal form the open period: they are chained but not
yet sealed, so whoever holds today's key could still rewrite them; the report says how many.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app import audit, seal
from app.seal import Seal, VerificationKey
from db.connection import Database


@dataclass(frozen=True)
class SealReport:
    chain: audit.ChainReport
    periods: int
    failed: Seal | None = None
    reason: str = ""
    jumps: tuple[tuple[int, int, int], ...] = ()  # (previous period, next period, first seq)
    open_from: int = 1
    open_count: int = 0
    notes: tuple[str, ...] = field(default=())

    accepted: frozenset[int] = frozenset()

    @property
    def unexplained_jumps(self) -> list[tuple[int, int, int]]:
        return [j for j in self.jumps if j[1] not in self.accepted]

    @property
    def ok(self) -> bool:
        """A jump is not a failure of the MACs, but nothing proves it came from a restore (a
        forger holding today's key could drop later seals and seal again under a jump), so it
        counts against `ok` until the auditor has matched it with the paper restore record
        and accepted that period."""
        return (
            self.chain.ok and self.failed is None and not self.reason and not self.unexplained_jumps
        )

    @property
    def lines(self) -> list[str]:
        out = []
        if self.failed is not None:
            f = self.failed
            out.append(
                f"第 {f.period} 期（第 {f.first_seq}–{f.last_seq} 条，封存于 {f.sealed_at[:16]}）"
                f"未通过验证：{self.reason}该期或其之前的记录被改写。"
            )
        elif self.reason:
            out.append(self.reason)
        else:
            out.append(
                f"封存验证通过：{self.periods} 期，共 {self.chain.count - self.open_count} 条。"
            )
        for before, after, first in self.jumps:
            seen = "（已核对）" if after in self.accepted else "：请与纸质恢复记录核对后确认"
            out.append(
                f"第 {before} 期之后接第 {after} 期（自第 {first} 条起）：期号跳跃只应出现在从备份恢复之后"
                f"{seen}。"
            )
        if self.open_count:
            out.append(
                f"未封存：第 {self.open_from} 条起 {self.open_count} 条（当前期，下次日终清点或次日封存）。"
            )
        out.extend(self.notes)
        out.append(self.chain.message)
        return out


Walker = Callable[[set[int]], tuple[audit.ChainReport, dict[int, str]]]


def verify(
    db: Database,
    key: VerificationKey,
    progress: Callable[[int], None] | None = None,
    accepted_jumps: frozenset[int] = frozenset(),
    walker: Walker | None = None,
) -> SealReport:
    """`walker` recomputes the chain and the hashes at the wanted sequence numbers (default: one
    sequential pass here; `app/trail_parallel.py` does it on every core for a long trail)."""
    sealed = seal.seals(db)
    chain_failed: audit.ChainReport | None = None
    wanted = {s.last_seq for s in sealed}
    if walker is not None:
        chain, heads = walker(wanted)
    else:
        heads = {}

        def at_event(seq: int, digest: str) -> None:
            if seq in wanted:
                heads[seq] = digest

        chain = audit.walk(db, at_event, progress)
    if not chain.ok:
        chain_failed = chain
    current = key.key
    at_period = 0
    expected_first = 1
    previous: Seal | None = None
    jumps: list[tuple[int, int, int]] = []
    for s in sealed:
        if previous is None and s.period != 0:
            return _fail(chain, sealed, s, "第一期应为建库时封存的第 0 期；")
        if s.first_seq != expected_first:
            return _fail(
                chain, sealed, s, f"该期从第 {s.first_seq} 条起，应从第 {expected_first} 条起；"
            )
        if previous is not None and s.period != previous.period + 1:
            if not s.jump or s.period < previous.period:
                return _fail(chain, sealed, s, "期号不连续且未标为恢复跳号；")
            jumps.append((previous.period, s.period, s.first_seq))
        if s.period < at_period:
            return _fail(chain, sealed, s, "期号倒退；")
        current = seal.key_at(current, s.period - at_period)
        at_period = s.period
        if seal.mac(current, key.room_id, s.period, s.first_seq, s.last_seq, s.head) != s.code:
            return _fail(chain, sealed, s, "封存码不符（密钥不对，或封存记录被改动）；")
        broken = None if chain_failed is None else chain_failed.broken_seq
        if broken is not None and broken <= s.last_seq:
            return _fail(chain, sealed, s, f"第 {broken} 条与链不符；")
        if heads.get(s.last_seq) != s.head:
            return _fail(chain, sealed, s, "该期末条的链值与封存时不同；")
        expected_first = s.last_seq + 1
        previous = s
    notes: list[str] = []
    stopped = seal.stopped_reason(db)
    if stopped is not None and stopped[0]:
        notes.append(stopped[1])
    reason = state_problem(db, previous, chain.count)
    if reason:
        return SealReport(chain, len(sealed), reason=reason, jumps=tuple(jumps))
    open_count = max(0, chain.count - (expected_first - 1))
    return SealReport(
        chain,
        len(sealed),
        jumps=tuple(jumps),
        accepted=accepted_jumps,
        open_from=expected_first,
        open_count=open_count,
        notes=tuple(notes),
    )


def state_problem(db: Database, last: Seal | None, events: int) -> str:
    """Whatever is wrong with where sealing stands now, or ''."""
    if last is None:
        if events and began(db):
            return "没有任何封存记录：本机要室建库时（或开始封存时）即封存第 0 期，封存记录被删除。"
        return "审计链尚未开始封存，无从逐期验证：请先开始封存并打印审计验证密钥。"
    stopped = seal.stopped_reason(db)
    if stopped is not None:
        expected, message = stopped
        return "" if expected else message
    state = seal.current_state(db)
    assert state is not None
    if state[0] == last.period + 1:
        return ""
    carried = db.one(
        "SELECT 1 FROM audit_event WHERE action = '从备份恢复' AND seq > ?"
        " AND json_extract(details, '$.seal_continues_at_period') = ?",
        (last.last_seq, state[0]),
    )
    if carried is not None and state[0] > last.period:
        return ""  # a restore carried the live room's newer key; the next seal shows the jump
    return (
        f"封存记录缺失：封存密钥已到第 {state[0]} 期，封存记录只到第 {last.period} 期，"
        "其后的封存被删除或密钥被改动。"
    )


def began(db: Database) -> bool:
    """A room sealed from creation says so in its first event; an upgraded one recorded when."""
    return db.one(
        "SELECT 1 FROM audit_event WHERE (action = '创建机要室'"
        " AND json_extract(details, '$.sealed') = 1) OR action = '开始封存审计链' LIMIT 1"
    ) is not None or seal.has_begun(db)


def _fail(chain: audit.ChainReport, sealed: list[Seal], bad: Seal, reason: str) -> SealReport:
    return SealReport(chain, len(sealed), failed=bad, reason=reason)
