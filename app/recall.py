"""清退: the yearly recall of the year's 中/省/市 classified copies (seed 003: 次年6月前清退、登记、销毁).

Every such copy of year N ends as 已清退 (back to its issuer against a receipt), 已销毁 (through a
sealed destruction batch, see app.destruction) or 留用 (kept for a reason the 保密员
approved). Copies out at the desk, or whose document still has an open instruction, block it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from app import audit, text_rules
from app.clock import stamp
from app.errors import InvalidInput, MijianError
from app.model import Credential
from app.recall_records import (
    COLUMNS,
    LEVELS,
    OUTCOMES,
    SOURCES,
    Campaign,
    CampaignProgress,
    RecallRow,
    Tally,
    campaign,
    campaigns,
    default_deadline,
    doc_number_key,
    progress,
    rows,
)
from app.registry import add_copy_event
from app.roles import Role
from app.vocab import CopyState, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

__all__ = [
    "COLUMNS",
    "LEVELS",
    "OUTCOMES",
    "SOURCES",
    "Campaign",
    "CampaignProgress",
    "RecallRow",
    "Tally",
    "campaign",
    "campaigns",
    "default_deadline",
    "doc_number_key",
    "progress",
    "rows",
]


# ---- the campaign -----------------------------------------------------------------------------
def open_campaign(session: Session, year: int, deadline: date | None = None) -> Campaign:
    session.require(Role.CUSTODIAN)
    db = session.db
    now = session.clock.now()
    if not 2000 <= year <= now.year:
        raise InvalidInput(f"清退年度须在 2000 到 {now.year} 之间。")
    due = deadline or default_deadline(db, year)
    if due.year <= year:
        raise InvalidInput(f"清退截止日须在 {year + 1} 年内或之后。")
    with db.transaction():
        if campaign(db, year) is not None:
            raise InvalidInput(f"{year} 年度的清退已经开始。")
        db.execute(
            "INSERT INTO recall_campaign (year, deadline, opened_at, opened_by) VALUES (?, ?, ?, ?)",
            (year, due.isoformat(), stamp(now), session.account.login),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "开始清退",
            f"recall:{year}",
            {"deadline": due.isoformat()},
        )
    return _open(db, year)


def _open(db: Database, year: int) -> Campaign:
    found = campaign(db, year)
    if found is None:
        raise InvalidInput(f"{year} 年度的清退尚未开始。")
    if found.closed:
        raise InvalidInput(f"{year} 年度的清退已于 {found.closed_at[:10]} 结束，记录不再更改。")  # type: ignore[index]
    return found


def _campaign_rows(db: Database, year: int, copy_ids: list[int]) -> list[RecallRow]:
    if not copy_ids:
        raise InvalidInput("请先选择要处理的文件。")
    found = rows(db, year, copy_ids)
    if len(found) != len(set(copy_ids)):
        raise InvalidInput(f"所选文件中有不属于 {year} 年度中央、省、市密级文件清退范围的。")
    return found


def record_return(
    session: Session,
    year: int,
    copy_ids: list[int],
    returned_on: date,
    receiver: str,
    receipt_no: str,
) -> int:
    """已清退: the copies went back to their issuer, against a receipt. All or none."""
    session.require(Role.CUSTODIAN)
    receiver = text_rules.clean("receiver", receiver)
    receipt_no = text_rules.clean("receipt_no", receipt_no)
    if not receiver:
        raise InvalidInput("请填写接收人。")
    if not receipt_no:
        raise InvalidInput("请填写回执编号。")
    db = session.db
    now = session.clock.now()
    if returned_on > now.date():
        raise InvalidInput("清退日期不能晚于今天。")
    with db.transaction():
        _open(db, year)
        items = _campaign_rows(db, year, copy_ids)
        _refuse_unsettleable(items)
        for row in items:
            db.execute(
                "INSERT INTO recall_return (copy_id, returned_on, receiver, receipt_no,"
                " recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    row.copy_id,
                    returned_on.isoformat(),
                    receiver,
                    receipt_no,
                    stamp(now),
                    session.account.login,
                ),
            )
            db.execute(
                f"UPDATE copy SET state = {sql_value(CopyState.RECALLED)} WHERE id = ?",
                (row.copy_id,),
            )
            details = {"receiver": receiver, "receipt": receipt_no, "on": returned_on.isoformat()}
            add_copy_event(db, row.copy_id, now, session.account.login, "清退", details)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "登记清退",
            f"recall:{year}",
            {
                "copies": [f"{r.number}/{r.copy_no}" for r in items],
                "receiver": receiver,
                "receipt": receipt_no,
                "on": returned_on.isoformat(),
            },
        )
    return len(items)


def _refuse_unsettleable(items: list[RecallRow]) -> None:
    problems = [
        f"{r.number} 第{r.copy_no}份：{r.blocker or r.outcome}"
        for r in items
        if r.blocker or r.outcome != "待处理"
    ]
    if problems:
        more = f" 等 {len(problems)} 份" if len(problems) > 3 else ""
        raise InvalidInput("以下文件现在不能清退：" + "；".join(problems[:3]) + more + "。")


def retain(
    session: Session, year: int, copy_ids: list[int], reason: str, approver: Credential
) -> int:
    """留用: kept in the room for a stated reason, on the 保密员's own password."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    reason = text_rules.clean("retain_reason", reason)
    if len(reason) < 2:
        raise InvalidInput("留用须写明理由。")
    db = session.db
    _retainable(db, year, copy_ids)  # before asking for the password
    who = session.confirm(approver, "留用审批", Role.APPROVER)
    now = session.clock.now()
    with db.transaction():
        items = _retainable(db, year, copy_ids)
        for row in items:
            db.execute(
                "INSERT INTO recall_retention (copy_id, reason, decided_at, decided_by,"
                " approved_by) VALUES (?, ?, ?, ?, ?)",
                (row.copy_id, reason, stamp(now), session.account.login, who.login),
            )
            add_copy_event(db, row.copy_id, now, session.account.login, "留用", {"reason": reason})
        audit.record(
            db,
            session.clock,
            session.account.login,
            "批准留用",
            f"recall:{year}",
            {
                "copies": [f"{r.number}/{r.copy_no}" for r in items],
                "reason": reason,
                "approver": who.login,
            },
        )
    return len(items)


def retain_refusal(db: Database, year: int, copy_ids: list[int]) -> str | None:
    """Why these copies cannot be kept (留用) now, or None: the window says so at once."""
    try:
        _retainable(db, year, copy_ids)
    except InvalidInput as exc:
        return exc.message
    return None


def _retainable(db: Database, year: int, copy_ids: list[int]) -> list[RecallRow]:
    _open(db, year)
    items = _campaign_rows(db, year, copy_ids)
    lost = [r for r in items if r.state == CopyState.LOST]
    if lost:
        r = lost[0]
        raise InvalidInput(
            f"{r.number} 第{r.copy_no}份 已登记遗失，不能留用：遗失须查明处理，"
            "在清退清单上如实列为遗失，不能以留用了结。"
        )
    settled = [r for r in items if r.outcome != "待处理"]
    if settled:
        r = settled[0]
        raise InvalidInput(f"{r.number} 第{r.copy_no}份 已是“{r.outcome}”，不能留用。")
    return items


def close_campaign(session: Session, year: int, approver: Credential) -> Campaign:
    """The year is done: every copy settled; the 保密员 signs it off."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    db = session.db
    _all_settled(db, year)
    who = session.confirm(approver, "结束清退", Role.APPROVER)
    now = session.clock.now()
    with db.transaction():
        left = _all_settled(db, year)
        db.execute(
            "UPDATE recall_campaign SET closed_at = ?, closed_by = ?, approved_by = ? WHERE year = ?",
            (stamp(now), session.account.login, who.login, year),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "结束清退",
            f"recall:{year}",
            {"outcomes": dict(left.outcomes), "approver": who.login},
        )
    found = campaign(db, year)
    if found is None:  # pragma: no cover - written just above
        raise MijianError("清退记录丢失。")
    return found


def _all_settled(db: Database, year: int) -> CampaignProgress:
    _open(db, year)
    left = progress(rows(db, year))
    if left.overall.settled < left.overall.total:
        raise InvalidInput(
            f"尚有 {left.overall.total - left.overall.settled} 份未清退、未销毁也未批准留用，"
            "不能结束本年度清退。"
        )
    return left
