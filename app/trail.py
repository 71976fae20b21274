"""Use cases of the sealed trail: begin sealing an upgraded room, resume it after a restore,
verify with the sheet, look up a printed head. Only the 三员 may; the auditor is the verifier.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool

from app import audit, maintenance, seal, seal_verify, trail_parallel
from app.errors import InvalidInput
from app.roles import Role
from app.seal import VerificationKey
from app.seal_verify import SealReport
from app.session import Session

VERIFIERS = (Role.AUDITOR, Role.SECURITY_OFFICER, Role.SYSADMIN)


def begin_sealing(session: Session) -> VerificationKey:
    """A room made before sealing existed starts it now; the key is shown once for the sheet."""
    session.require(Role.AUDITOR, Role.SECURITY_OFFICER)
    db = session.db
    with db.transaction():
        if seal.has_begun(db):
            raise InvalidInput("审计链已开始封存，审计验证密钥只在开始时打印一次。")
        audit.record(db, session.clock, session.account.login, "开始封存审计链", "room")
        return seal.start(db, session.clock, session.room.room_id)


def resume_sealing(session: Session, sheet_text: str) -> int:
    """After a restore that had no live key to carry forward: continue far past any period the
    lost room reached, with a key derived from the sheet. Returns the new period number."""
    session.require(Role.AUDITOR, Role.SECURITY_OFFICER)
    db = session.db
    key = seal.parse_verification_key(sheet_text, session.room.room_id)
    with db.transaction():
        if seal.is_started(db):
            raise InvalidInput("封存没有中断，无需恢复。")
        last = db.scalar("SELECT max(period) FROM audit_seal")
        if last is None:
            raise InvalidInput("审计链尚未开始封存：请用“开始封存”。")
        period = int(last) + seal.RESTART_JUMP
        seal.set_state(db, period, seal.key_at(key.key, period))
        audit.record(
            db, session.clock, session.account.login, "恢复封存", "room", {"period": period}
        )
    del key
    return period


def verify(
    session: Session,
    sheet_text: str,
    progress: Callable[[int], None] | None = None,
    *,
    accepted_jumps: frozenset[int] = frozenset(),
) -> SealReport:
    """`accepted_jumps`: the periods after a jump that the auditor has matched with the paper
    record of a restore. Nothing in the room can prove a jump came from a restore (a forger
    holding today's key could claim one), so the acceptance is the auditor's, at each check."""
    session.require(*VERIFIERS)
    key = seal.parse_verification_key(sheet_text, session.room.room_id)
    events = int(session.db.scalar("SELECT coalesce(max(seq), 0) FROM audit_event"))
    walker = None
    if events >= trail_parallel.PARALLEL_FROM:
        if progress is not None:
            progress(0)

        def walker(wanted: set[int]) -> tuple[audit.ChainReport, dict[int, str]]:
            try:
                return trail_parallel.walk(session.paths.db, session.data_key, events, wanted)
            except (OSError, BrokenProcessPool):  # no worker processes here: one pass instead
                heads: dict[int, str] = {}
                chain = audit.walk(
                    session.db,
                    lambda seq, digest: heads.__setitem__(seq, digest) if seq in wanted else None,
                    progress,
                )
                return chain, heads

    return seal_verify.verify(session.db, key, progress, accepted_jumps, walker)


def chain_only(
    session: Session, progress: Callable[[int], None] | None = None
) -> audit.ChainReport:
    session.require(*VERIFIERS)
    return audit.verify(session.db, progress)


def find_head(session: Session, head: str) -> str:
    session.require(*VERIFIERS)
    return maintenance.find_head(session.db, head)
