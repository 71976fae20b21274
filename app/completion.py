"""办结: a registration answered, with its 办理结果 (issue 16).

A 办件 is open (on the 今日时限 board, in the index document_open_deadline) until it is 办结 —
not only while a leader's 批示 on it is open. 办结 is written once, with the result, by the
custodian, audited in the same transaction; a void registration is not 办结.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from app import audit, text_rules
from app.clock import parse_stamp, stamp
from app.errors import InvalidInput, MijianError
from app.numbers import registration_number
from app.roles import BUSINESS_ROLES, Role
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class Completion:
    document_id: int
    number: str
    done_at: datetime
    done_by: str
    result: str


def complete(session: Session, document_id: int, result: str) -> Completion:
    """办结 `document_id` with its result (办理结果): it leaves the board and the open index."""
    session.require(Role.CUSTODIAN)
    result = text_rules.clean("done_result", result)
    if len(result) < 4:  # as a 批示's 办结 (app.instructions.finish)
        raise InvalidInput("办结须填写办理结果，不少于 4 个字。")
    db = session.db
    now = session.clock.now()
    with db.transaction():
        row = db.one(
            "SELECT year, serial, voided_at, done_at FROM document WHERE id = ?", (document_id,)
        )
        if row is None:
            raise MijianError(f"没有编号为 {document_id} 的登记。")
        number = registration_number(row["year"], row["serial"])
        if row["voided_at"]:
            raise InvalidInput(f"{number} 的登记已作废，无需办结。")
        if row["done_at"]:
            raise InvalidInput(f"{number} 已于 {row['done_at'][:16]} 办结。")
        db.execute(
            "UPDATE document SET done_at = ?, done_by = ?, done_result = ? WHERE id = ?",
            (stamp(now), session.account.login, result, document_id),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "登记办结",
            f"document:{number}",
            {"result": result},
        )
    return Completion(document_id, number, now, session.account.login, result)


def completion(db: Database, document_id: int) -> Completion | None:
    row = db.one(
        "SELECT year, serial, done_at, done_by, done_result FROM document WHERE id = ?",
        (document_id,),
    )
    if row is None or row["done_at"] is None:
        return None
    number = registration_number(row["year"], row["serial"])
    return Completion(
        document_id, number, parse_stamp(row["done_at"]), row["done_by"], row["done_result"]
    )


def read_completion(session: Session, document_id: int) -> Completion | None:
    """A registration's 办结, for a business role (the read path's role check)."""
    session.require(*BUSINESS_ROLES)
    return completion(session.db, document_id)
