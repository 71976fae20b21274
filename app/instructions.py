"""批示督办: leader instructions on a document, their deadlines, chasing and answers.

件件有着落、事事有回音: every instruction has a deadline, every chase is logged, an extension
keeps the old deadline in the history, and 办结 needs the 反馈 of what was done.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from app import audit, text_rules
from app.clock import stamp
from app.errors import InvalidInput, MijianError
from app.instruction_records import (
    Event,
    Instruction,
    events,
    get,
    holders,
    last_chase,
    of_document,
    search,
    summary,
)
from app.numbers import registration_number
from app.roles import Role
from app.workdays import instruction_deadline
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

KINDS = ("普通", "特急", "会议通知", "政策性", "事务性")
CHASE_WAYS = ("电话", "上门", "督办单")
OPEN_STATES = ("待办", "办理中", "延期")
__all__ = [
    "Event",
    "Instruction",
    "events",
    "get",
    "holders",
    "last_chase",
    "of_document",
    "search",
    "summary",
]


def default_deadline(db: Database, given: datetime, kind: str) -> datetime:
    """The room's default for `kind` (room settings; see app.workdays.instruction_deadline)."""
    return instruction_deadline(db, given, kind)


def add(
    session: Session,
    document_id: int,
    leader: str,
    text: str,
    *,
    unit: str = "",
    handler: str = "",
    kind: str = "普通",
    given_at: datetime | None = None,
    deadline: datetime | None = None,
) -> Instruction:
    session.require(Role.CUSTODIAN)
    leader = text_rules.clean("leader", leader)
    text = text_rules.clean("instruction", text)
    unit = text_rules.clean("handler_unit", unit)
    handler = text_rules.clean("handler", handler)
    if not leader:
        raise InvalidInput("请填写作出批示的领导。")
    if not text:
        raise InvalidInput("请填写批示内容。")
    if kind not in KINDS:
        raise InvalidInput("时限类别须为 " + "、".join(KINDS) + "。")
    db = session.db
    now = session.clock.now()
    given = given_at or now
    if given > now:
        raise InvalidInput("批示时间不能晚于现在。")
    due = deadline or default_deadline(db, given, kind)
    if due <= given:
        raise InvalidInput("办理时限须晚于批示时间。")
    with db.transaction():
        doc = db.one("SELECT year, serial, voided_at FROM document WHERE id = ?", (document_id,))
        if doc is None:
            raise MijianError("没有这件登记。")
        if doc["voided_at"]:
            raise InvalidInput("该登记已作废，不能再登记批示。")
        cursor = db.execute(
            "INSERT INTO instruction (document_id, leader, given_at, text, unit, handler, kind,"
            " deadline, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document_id,
                leader,
                stamp(given),
                text,
                unit.strip(),
                handler.strip(),
                kind,
                stamp(due),
                stamp(now),
                session.account.login,
            ),
        )
        item = int(cursor.lastrowid)
        _event(db, session, item, "登记", new_deadline=stamp(due))
        audit.record(
            db,
            session.clock,
            session.account.login,
            "登记批示",
            f"instruction:{registration_number(doc['year'], doc['serial'])}#{item}",
            {
                "after": {
                    "leader": leader,
                    "text": text,
                    "unit": unit,
                    "handler": handler,
                    "deadline": stamp(due),
                }
            },
        )
    return get(db, item)


def chase(session: Session, item: int, how: str, whom: str, note: str) -> None:
    """催办: when (now), how (电话/上门/督办单), to whom, what was said."""
    session.require(Role.CUSTODIAN)
    if how not in CHASE_WAYS:
        raise InvalidInput("催办方式须为 电话、上门 或 督办单。")
    whom = text_rules.clean("chase_whom", whom)
    note = text_rules.clean("chase_note", note)
    if not whom:
        raise InvalidInput("请填写催办对象。")
    db = session.db
    with db.transaction():
        current = _open(db, item)
        _event(db, session, item, "催办", how=how, whom=whom.strip(), note=note.strip())
        audit.record(
            db,
            session.clock,
            session.account.login,
            "催办",
            f"instruction:#{item}",
            {"how": how, "whom": whom.strip(), "note": note.strip(), "leader": current.leader},
        )


def start(session: Session, item: int, note: str = "") -> None:
    session.require(Role.CUSTODIAN)
    note = text_rules.clean("progress_note", note)
    db = session.db
    with db.transaction():
        current = _open(db, item)
        if current.state != "待办":
            raise InvalidInput(f"该批示已是{current.state}。")
        db.execute("UPDATE instruction SET state = '办理中' WHERE id = ?", (item,))
        _event(db, session, item, "开始办理", note=note.strip())
        audit.record(
            db,
            session.clock,
            session.account.login,
            "批示办理中",
            f"instruction:#{item}",
            {"before": {"state": "待办"}, "after": {"state": "办理中"}},
        )


def request_extension(session: Session, item: int, reason: str, new_deadline: datetime) -> None:
    session.require(Role.CUSTODIAN)
    reason = text_rules.clean("extension_reason", reason)
    if len(reason) < 2:
        raise InvalidInput("延期须写明理由。")
    db = session.db
    with db.transaction():
        current = _open(db, item)
        if new_deadline <= current.deadline:
            raise InvalidInput("延期后的时限须晚于原时限。")
        if _pending_extension(db, item) is not None:
            raise InvalidInput("已有待批的延期申请。")
        _event(
            db,
            session,
            item,
            "延期申请",
            note=reason.strip(),
            old_deadline=stamp(current.deadline),
            new_deadline=stamp(new_deadline),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "申请延期",
            f"instruction:#{item}",
            {"reason": reason.strip(), "new_deadline": stamp(new_deadline)},
        )


def decide_extension(session: Session, item: int, approved: bool, approver: str) -> Instruction:
    """Record the leader's decision on the pending extension; approval moves the deadline."""
    session.require(Role.CUSTODIAN)
    approver = text_rules.clean("approver", approver)
    if not approver:
        raise InvalidInput("请填写批准（或不同意）的领导。")
    db = session.db
    with db.transaction():
        current = _open(db, item)
        pending = _pending_extension(db, item)
        if pending is None:
            raise InvalidInput("没有待批的延期申请。")
        kind = "延期批准" if approved else "延期驳回"
        _event(
            db,
            session,
            item,
            kind,
            whom=approver.strip(),
            note=pending["note"],
            old_deadline=stamp(current.deadline),
            new_deadline=pending["new_deadline"],
        )
        if approved:
            db.execute(
                "UPDATE instruction SET deadline = ?, state = '延期' WHERE id = ?",
                (pending["new_deadline"], item),
            )
        audit.record(
            db,
            session.clock,
            session.account.login,
            kind,
            f"instruction:#{item}",
            {
                "approver": approver.strip(),
                "before": {"deadline": stamp(current.deadline)},
                "after": {
                    "deadline": pending["new_deadline"] if approved else stamp(current.deadline)
                },
            },
        )
    return get(db, item)


def finish(session: Session, item: int, feedback: str) -> Instruction:
    """办结 with the 反馈 of what was done: 事事有回音."""
    session.require(Role.CUSTODIAN)
    feedback = text_rules.clean("feedback", feedback)
    if len(feedback) < 4:
        raise InvalidInput("办结须填写反馈（办理结果），不少于 4 个字。")
    db = session.db
    now = session.clock.now()
    with db.transaction():
        current = _open(db, item)
        db.execute(
            "UPDATE instruction SET state = '已办结', feedback = ?, done_at = ? WHERE id = ?",
            (feedback.strip(), stamp(now), item),
        )
        _event(db, session, item, "办结", note=feedback.strip())
        audit.record(
            db,
            session.clock,
            session.account.login,
            "批示办结",
            f"instruction:#{item}",
            {
                "before": {"state": current.state},
                "after": {"state": "已办结", "feedback": feedback.strip()},
            },
        )
    return get(db, item)


def _open(db: Database, item: int) -> Instruction:
    current = get(db, item)
    if current.state == "已办结":
        raise InvalidInput("该批示已办结。")
    return current


def _pending_extension(db: Database, item: int) -> Any:
    last = db.one(
        "SELECT * FROM instruction_event WHERE instruction_id = ? AND kind IN"
        " ('延期申请', '延期批准', '延期驳回') ORDER BY id DESC LIMIT 1",
        (item,),
    )
    return last if last is not None and last["kind"] == "延期申请" else None


def _event(
    db: Database,
    session: Session,
    item: int,
    kind: str,
    *,
    how: str = "",
    whom: str = "",
    note: str = "",
    old_deadline: str | None = None,
    new_deadline: str | None = None,
) -> None:
    db.execute(
        "INSERT INTO instruction_event (instruction_id, at, account, kind, how, whom, note,"
        " old_deadline, new_deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            item,
            stamp(session.clock.now()),
            session.account.login,
            kind,
            how,
            whom,
            note,
            old_deadline,
            new_deadline,
        ),
    )
