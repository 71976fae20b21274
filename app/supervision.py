"""挂牌督办: an important instruction flagged for special follow-up (seed 000: "对重要批示登记挂牌，
专项督办"). A flagged instruction comes first on the 今日时限 board whatever its deadline and
is marked in the 批示件台账. Setting and lifting the flag are the custodian's, with a reason,
audited; an instruction already 办结 is not flagged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app import audit, text_rules
from app.clock import stamp
from app.errors import InvalidInput
from app.instruction_records import Instruction, get
from app.roles import Role

if TYPE_CHECKING:
    from app.session import Session


def flag(session: Session, item: int, reason: str) -> Instruction:
    """挂牌: flag an open instruction for special follow-up, saying why."""
    session.require(Role.CUSTODIAN)
    reason = _reason(reason, "挂牌")
    db = session.db
    with db.transaction():
        current = get(db, item)
        if current.state == "已办结":
            raise InvalidInput("该批示已办结，无需挂牌督办。")
        if current.flagged:
            raise InvalidInput("该批示已挂牌督办。")
        db.execute(
            "UPDATE instruction SET flagged_at = ?, flagged_by = ?, flag_reason = ? WHERE id = ?",
            (stamp(session.clock.now()), session.account.login, reason, item),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "挂牌督办",
            f"instruction:{current.number}#{item}",
            {"reason": reason, "leader": current.leader},
        )
    return get(db, item)


def unflag(session: Session, item: int, reason: str) -> Instruction:
    """摘牌: lift the flag, saying why (办结, or no longer a priority)."""
    session.require(Role.CUSTODIAN)
    reason = _reason(reason, "摘牌")
    db = session.db
    with db.transaction():
        current = get(db, item)
        if not current.flagged:
            raise InvalidInput("该批示没有挂牌。")
        db.execute(
            "UPDATE instruction SET flagged_at = NULL, flagged_by = NULL, flag_reason = NULL"
            " WHERE id = ?",
            (item,),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "摘牌",
            f"instruction:{current.number}#{item}",
            {"reason": reason, "before": {"flag_reason": current.flag_reason}},
        )
    return get(db, item)


def _reason(reason: str, what: str) -> str:
    reason = text_rules.clean("flag_reason", reason)
    if len(reason) < 2:
        raise InvalidInput(f"{what}须写明理由。")
    return reason
