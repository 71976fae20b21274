"""解密, 延长, 变更密级: the 保密员's decisions from the 保密期限 review list.

Each decision is recorded (date, reason, approver, the level and period before and after), the
registration takes the new level and period in the same transaction, and everything that reads
the registration follows: the register, slips printed from then on, the desk's loan times and
the recall (a 解密 document is 非密). The database allows no other change of a registration's
level or period (0019_custody_ends.sql).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from app import audit, text_rules
from app.classification import CLASSIFIED, Period, default_period, period_end
from app.clock import stamp
from app.documents import Document, get_document
from app.errors import InvalidInput
from app.model import Credential
from app.numbers import registration_number
from app.roles import BUSINESS_ROLES, Role
from app.vocab import CopyState, sql_in, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


# The states of a copy the room still holds (in the cabinet, at a reader's desk, kept, or with
# a unit until the recall): a document with none of them needs no review.
HELD = (CopyState.IN_CABINET, CopyState.LENT, CopyState.RETAINED, CopyState.DISTRIBUTED)


class Decision(StrEnum):
    DECLASSIFY = "解密"
    EXTEND = "延长"
    CHANGE_LEVEL = "变更密级"

    @property
    def action(self) -> str:
        """The audit action (app.audit_view groups them under 定密审查)."""
        return {"解密": "解密", "延长": "延长保密期限", "变更密级": "变更密级"}[self.value]


@dataclass(frozen=True)
class ReviewItem:
    document_id: int
    number: str
    issuer: str
    doc_number: str
    title: str
    level: str
    period: Period
    ends: date | None  # None: a 解密条件, reviewed whenever the list is
    held: int  # copies the room still holds (在柜, 借出, 分发在外)

    @property
    def level_label(self) -> str:
        return self.period.label(self.level)

    def note(self, today: date) -> str:
        if self.ends is None:
            return "按解密条件审查"
        return "已到期" if self.ends <= today else ""


def horizon(today: date, months: int) -> date:
    month = today.month - 1 + months
    return date(today.year + month // 12, month % 12 + 1, 1)


def review_items(db: Database, today: date, months: int = 12) -> list[ReviewItem]:
    """Classified documents the room still holds whose period ends within `months` (and every
    one carrying a 解密条件), earliest first."""
    limit = horizon(today, months)
    found = db.query(
        f"""SELECT d.id, d.year, d.serial, d.issuer, d.doc_number, d.title, d.level, d.period_kind,
                  d.period_value, d.written_on, d.received_at,
                  (SELECT count(*) FROM copy c WHERE c.document_id = d.id
                   AND c.state IN {sql_in(HELD)}) AS held
           FROM document d WHERE d.voided_at IS NULL AND d.level IN {sql_in(CLASSIFIED)}
           AND d.period_kind IN ('年', '月', '解密日期', '解密条件')"""
    )
    items: list[ReviewItem] = []
    for r in found:
        if not r["held"]:
            continue
        period = Period(r["period_kind"], r["period_value"])
        written = date.fromisoformat(r["written_on"]) if r["written_on"] else None
        ends = period_end(period, written, date.fromisoformat(r["received_at"][:10]))
        if ends is not None and ends >= limit:
            continue
        items.append(
            ReviewItem(
                r["id"],
                registration_number(r["year"], r["serial"]),
                r["issuer"],
                r["doc_number"],
                r["title"],
                r["level"],
                period,
                ends,
                int(r["held"]),
            )
        )
    items.sort(key=lambda i: (i.ends or date.max, i.number))
    return items


def review_for(session: Session, months: int = 12) -> list[ReviewItem]:
    session.require(*BUSINESS_ROLES)
    return review_items(session.db, session.clock.now().date(), months)


@dataclass(frozen=True)
class Declassification:
    id: int
    document_id: int
    number: str
    decision: Decision
    decided_on: date
    reason: str
    approved_by: str
    before: str  # 机密★10年
    after: str


def decide(
    session: Session,
    document_id: int,
    decision: Decision | str,
    decided_on: date,
    reason: str,
    approver: Credential,
    *,
    level: str | None = None,
    period: Period | None = None,
) -> Declassification:
    """Record one decision on the 保密员's own password and apply it to the registration.

    解密: the document becomes 非密 (no period). 延长: `period` is the new period (a later end,
    长期 or a 解密条件). 变更密级: `level` is the new classified level; `period` the new period,
    else the old one is kept (or the new level's legal default, where the old was defaulted)."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    try:
        decision = Decision(decision)
    except ValueError:
        raise InvalidInput("审查结论须为 解密、延长 或 变更密级。") from None
    reason = text_rules.clean("discrepancy", reason)
    if len(reason) < 2:
        raise InvalidInput(f"{decision.value}须写明理由（依据）。")
    db = session.db
    if decided_on > session.clock.now().date():
        raise InvalidInput("决定日期不能晚于今天。")
    _check(db, document_id, decision, level, period)  # before asking for the password
    who = session.confirm(approver, f"定密审查（{decision.value}）", Role.APPROVER)
    now = session.clock.now()
    with db.transaction():
        doc, new_level, new_period = _check(db, document_id, decision, level, period)
        cursor = db.execute(
            "INSERT INTO declassification (document_id, decision, decided_on, reason,"
            " approved_by, recorded_at, recorded_by, old_level, old_period_kind,"
            " old_period_value, new_level, new_period_kind, new_period_value)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document_id,
                decision.value,
                decided_on.isoformat(),
                reason,
                who.login,
                stamp(now),
                session.account.login,
                doc.level,
                doc.period.kind,
                doc.period.value,
                new_level,
                new_period.kind,
                new_period.value,
            ),
        )
        db.execute(
            "UPDATE document SET level = ?, period_kind = ?, period_value = ?,"
            " period_defaulted = 0, declassified_on = ? WHERE id = ?",
            (
                new_level,
                new_period.kind,
                new_period.value,
                decided_on.isoformat() if decision is Decision.DECLASSIFY else None,
                document_id,
            ),
        )
        before, after = doc.level_label, new_period.label(new_level)
        details = {"decision": decision.value, "before": before, "after": after}
        db.execute(
            "INSERT INTO copy_event (copy_id, at, account, kind, details)"
            " SELECT id, ?, ?, ?, ? FROM copy WHERE document_id = ? ORDER BY id",
            (
                stamp(now),
                session.account.login,
                decision.value,
                json.dumps(details, ensure_ascii=False),
                document_id,
            ),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            decision.action,
            f"document:{doc.number}",
            {
                "on": decided_on.isoformat(),
                "reason": reason,
                "approver": who.login,
                "before": {"level": doc.level, "period": before},
                "after": {"level": new_level, "period": after},
            },
        )
    return Declassification(
        int(cursor.lastrowid),
        document_id,
        doc.number,
        decision,
        decided_on,
        reason,
        who.login,
        before,
        after,
    )


def _check(
    db: Database,
    document_id: int,
    decision: Decision,
    level: str | None,
    period: Period | None,
) -> tuple[Document, str, Period]:
    doc = get_document(db, document_id)
    if doc.voided_at is not None:
        raise InvalidInput(f"{doc.number} 登记已作废。")
    if doc.level not in CLASSIFIED:
        raise InvalidInput(f"{doc.number} 是非密件，无需定密审查。")
    if db.one(
        f"SELECT 1 FROM copy WHERE document_id = ? AND state = {sql_value(CopyState.DESTROYED)}",
        (document_id,),
    ):
        raise InvalidInput(
            f"{doc.number} 已有份销毁：销毁记录按销毁时的密级长期保存，不再变更该件密级。"
        )
    if db.one(
        "SELECT 1 FROM copy c JOIN destruction_item i ON i.copy_id = c.id"
        " JOIN destruction_batch b ON b.id = i.batch_id"
        " WHERE c.document_id = ? AND b.sealed_at IS NULL AND b.cancelled_at IS NULL",
        (document_id,),
    ):
        raise InvalidInput(f"{doc.number} 有份列在未封存的销毁批次中：请先移出批次，再作审查决定。")
    if decision is Decision.DECLASSIFY:
        return doc, "非密", Period("无")
    if decision is Decision.EXTEND:
        if period is None or period.kind in ("无",):
            raise InvalidInput("延长须写明新的保密期限。")
        if period == Period(doc.period.kind, doc.period.value):
            raise InvalidInput("新的保密期限与原期限相同。")
        return doc, doc.level, Period(period.kind, period.value)
    if level not in CLASSIFIED:
        raise InvalidInput("变更密级须选择绝密、机密或秘密（解密请选“解密”）。")
    if level == doc.level:
        raise InvalidInput(f"{doc.number} 已是{level}。")
    if period is None:
        period = default_period(level) if doc.period.defaulted else doc.period
    return doc, level, Period(period.kind, period.value)


def history(session: Session, document_id: int) -> list[Declassification]:
    """Every decision on one document, oldest first."""
    session.require(*BUSINESS_ROLES)
    rows = session.db.query(
        "SELECT x.*, d.year, d.serial FROM declassification x JOIN document d"
        " ON d.id = x.document_id WHERE x.document_id = ? ORDER BY x.id",
        (document_id,),
    )
    return [
        Declassification(
            r["id"],
            r["document_id"],
            registration_number(r["year"], r["serial"]),
            Decision(r["decision"]),
            date.fromisoformat(r["decided_on"]),
            r["reason"],
            r["approved_by"],
            Period(r["old_period_kind"], r["old_period_value"]).label(r["old_level"]),
            Period(r["new_period_kind"], r["new_period_value"]).label(r["new_level"]),
        )
        for r in rows
    ]
