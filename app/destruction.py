"""销毁: destruction batches, approved by the 保密员 and witnessed by two 监销人 (business
accounts: 机要员 or 保密员, never one of the 三员).

A batch is built from copies in the room (scanned or picked), approved by the 保密员
(never its builder), and sealed when two distinct witnesses, neither the builder, confirm with
their own passwords. Sealing makes its copies 已销毁 for good; the database's triggers keep the
sealed batch, its list and the destroyed copies' registrations from ever changing.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from app import accounts, audit, scanning, text_rules
from app.clock import stamp
from app.destruction_records import Batch, BatchItem, batches, get, items, totals
from app.distribution import open_receipt_of
from app.errors import InvalidInput, PermissionDenied
from app.holds import hold_of
from app.model import Credential
from app.numbers import registration_number
from app.outgoing_records import open_reply_of
from app.roles import BUSINESS_ROLES, Role
from app.vocab import CLASSIFIED, CopyState, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

METHODS = ("碎纸机粉碎", "送销毁中心")
OPEN_INSTRUCTION = (
    "SELECT 1 FROM instruction WHERE document_id = ? AND state IN ('待办', '办理中', '延期')"
)


__all__ = ["Batch", "BatchItem", "batches", "get", "items", "totals"]


# ---- building ---------------------------------------------------------------------------------
def create(session: Session, method: str, place: str, planned_on: date) -> Batch:
    session.require(Role.CUSTODIAN)
    place = text_rules.clean("place", place)
    if method not in METHODS:
        raise InvalidInput("销毁方式须为 " + "、".join(METHODS) + "。")
    if not place:
        raise InvalidInput("请填写销毁地点。")
    db = session.db
    now = session.clock.now()
    if planned_on < now.date():
        raise InvalidInput("销毁日期不能早于今天。")
    with db.transaction():
        serial = 1 + db.scalar(
            "SELECT coalesce(max(serial), 0) FROM destruction_batch WHERE year = ?",
            (planned_on.year,),
        )
        cursor = db.execute(
            "INSERT INTO destruction_batch (year, serial, method, place, planned_on, built_at,"
            " built_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                planned_on.year,
                serial,
                method,
                place,
                planned_on.isoformat(),
                stamp(now),
                session.account.login,
            ),
        )
        batch_id = int(cursor.lastrowid)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "新建销毁批次",
            f"batch:{planned_on.year}-{serial}",
            {"method": method, "place": place, "on": planned_on.isoformat()},
        )
    return get(db, batch_id)


def _draft(db: Database, batch_id: int) -> Batch:
    batch = get(db, batch_id)
    if batch.state not in ("编制中", "待审批"):
        raise InvalidInput(f"{batch.label}{batch.state}，清单不能再改动。")
    return batch


def add(session: Session, batch_id: int, copy_ids: list[int]) -> int:
    """Put copies in the batch; each must be classified, in the room, and nobody's business
    any more (no open instruction). All or none. Returns how many were added."""
    session.require(Role.CUSTODIAN)
    if not copy_ids:
        raise InvalidInput("请先选择或扫描要销毁的文件。")
    db = session.db
    now = session.clock.now()
    with db.transaction():
        batch = _draft(db, batch_id)
        added = []
        for copy_id in dict.fromkeys(copy_ids):
            copy = scanning.copy_ref(db, copy_id)
            problem = _why_not(db, copy, batch_id)
            if problem:
                raise InvalidInput(f"{copy.label}：{problem}")
            db.execute(
                "INSERT INTO destruction_item (batch_id, copy_id, added_at) VALUES (?, ?, ?)",
                (batch_id, copy_id, stamp(now)),
            )
            added.append(copy.label)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "列入销毁批次",
            f"batch:{batch.year}-{batch.serial}",
            {"copies": added},
        )
    return len(added)


def _why_not(db: Database, copy: scanning.CopyRef, batch_id: int) -> str | None:
    if copy.voided:
        return "登记已作废，不能列入销毁。"
    if copy.level not in CLASSIFIED:
        return "非密件不列入密件销毁批次。"
    if copy.state != CopyState.IN_CABINET:
        return f"状态为{copy.state}，只有在柜的文件才能列入销毁。"
    held = hold_of(db, copy.copy_id)
    if held is not None:
        return f"{held}，不能列入销毁。"
    receipt = open_receipt_of(db, copy.copy_id)
    if receipt is not None:
        return f"所在分发签收单 {receipt} 尚未结清，不能销毁。"
    reply = open_reply_of(db, copy.copy_id)
    if reply is not None:
        return f"{reply} 的回执尚未退回，不能销毁。"
    other = db.one(
        "SELECT b.id, b.year, b.serial FROM destruction_item i JOIN destruction_batch b"
        " ON b.id = i.batch_id WHERE i.copy_id = ? AND b.cancelled_at IS NULL",
        (copy.copy_id,),
    )
    if other is not None:
        if other["id"] == batch_id:
            return "已在本批次中。"
        return f"已列入 {other['year']}年第{other['serial']}批。"
    if db.scalar(OPEN_INSTRUCTION, (copy.document_id,)):
        return "该件领导批示尚未办结，不能销毁。"
    return None


def add_scan(session: Session, batch_id: int, code: str) -> scanning.CopyRef:
    """A scanned slip or label (or a typed 收文编号/份号) goes into the batch."""
    found = scanning.scan(session, code)
    if found.copy is None:
        raise InvalidInput("扫到的是读者证件，请扫描文件的处理笺或标签。")
    add(session, batch_id, [found.copy.copy_id])
    return found.copy


def remove(session: Session, batch_id: int, copy_id: int) -> None:
    session.require(Role.CUSTODIAN)
    db = session.db
    with db.transaction():
        batch = _draft(db, batch_id)
        copy = scanning.copy_ref(db, copy_id)
        cursor = db.execute(
            "DELETE FROM destruction_item WHERE batch_id = ? AND copy_id = ?", (batch_id, copy_id)
        )
        if cursor.rowcount == 0:
            raise InvalidInput(f"{copy.label} 不在本批次中。")
        audit.record(
            db,
            session.clock,
            session.account.login,
            "移出销毁批次",
            f"batch:{batch.year}-{batch.serial}",
            {"copy": copy.label},
        )


def cancel(session: Session, batch_id: int, reason: str) -> Batch:
    """Give up an unsealed batch; it stays on record as 已撤销 and its copies are free again."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    reason = text_rules.clean("cancel_reason", reason)
    if len(reason) < 2:
        raise InvalidInput("撤销批次须写明原因。")
    db = session.db
    with db.transaction():
        batch = get(db, batch_id)
        if batch.sealed_at or batch.cancelled_at:
            raise InvalidInput(f"{batch.label}{batch.state}，不能撤销。")
        db.execute(
            "UPDATE destruction_batch SET cancelled_at = ?, cancel_reason = ? WHERE id = ?",
            (stamp(session.clock.now()), reason, batch_id),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "撤销销毁批次",
            f"batch:{batch.year}-{batch.serial}",
            {"reason": reason},
        )
    return get(db, batch_id)


# ---- approval, witnesses, seal -----------------------------------------------------------------
def _refuse_if_away(db: Database, batch_id: int, verb: str) -> None:
    """Every copy of the batch must be in the room (the first five that are not are named)."""
    away = db.query(
        "SELECT d.year, d.serial, c.copy_no, c.state FROM destruction_item i"
        " JOIN copy c ON c.id = i.copy_id JOIN document d ON d.id = c.document_id"
        f" WHERE i.batch_id = ? AND c.state <> {sql_value(CopyState.IN_CABINET)} LIMIT 5",
        (batch_id,),
    )
    if away:
        named = [f"{registration_number(r[0], r[1])} 第{r[2]}份（{r[3]}）" for r in away]
        raise InvalidInput(f"以下文件不在柜，不能{verb}：" + "；".join(named) + "。")
    held = db.query(
        "SELECT d.year, d.serial, c.copy_no, h.reason FROM destruction_item i"
        " JOIN copy_hold h ON h.copy_id = i.copy_id AND h.released_at IS NULL"
        " JOIN copy c ON c.id = i.copy_id JOIN document d ON d.id = c.document_id"
        " WHERE i.batch_id = ? LIMIT 5",
        (batch_id,),
    )
    if held:
        named = [f"{registration_number(r[0], r[1])} 第{r[2]}份（{r[3]}）" for r in held]
        raise InvalidInput(
            f"以下文件处于调查扣留，不能{verb}：" + "；".join(named) + "。请先解除扣留或移出批次。"
        )


def _still(db: Database, batch: Batch, state: str, verb: str) -> None:
    """Inside the writing transaction, after the passwords: nothing changed meanwhile."""
    if get(db, batch.id).state != state:
        raise InvalidInput(f"{batch.label}刚刚有变动，未能{verb}，请刷新后重试。")
    _refuse_if_away(db, batch.id, verb)


def approve(session: Session, batch_id: int, approver: Credential) -> Batch:
    """The 保密员 — never the builder — approves the list with their own password."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    db = session.db
    batch = get(db, batch_id)
    if batch.state != "待审批":
        raise InvalidInput(
            f"{batch.label}还没有文件，不能审批。"
            if batch.state == "编制中"
            else f"{batch.label}{batch.state}，无需审批。"
        )
    if accounts.same_login(_canonical(db, approver), batch.built_by):
        raise PermissionDenied("批次的审批人不能是编制人本人。")
    _refuse_if_away(db, batch_id, "审批")
    who = session.confirm(approver, "销毁审批", Role.APPROVER)
    if accounts.same_login(who.login, batch.built_by):  # pragma: no cover - as _canonical
        raise PermissionDenied("批次的审批人不能是编制人本人。")
    now = session.clock.now()
    with db.transaction():
        _still(db, batch, "待审批", "审批")
        db.execute(
            "UPDATE destruction_batch SET approved_at = ?, approved_by = ? WHERE id = ?",
            (stamp(now), who.login, batch_id),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "批准销毁",
            f"batch:{batch.year}-{batch.serial}",
            {"approver": who.login, "copies": batch.copies},
        )
    return get(db, batch_id)


def seal(session: Session, batch_id: int, witnesses: tuple[Credential, Credential]) -> Batch:
    """Two 监销人, distinct and neither the builder, confirm with their own passwords; the
    batch is sealed and its copies become 已销毁. All or nothing."""
    session.require(Role.CUSTODIAN, Role.APPROVER)
    db = session.db
    batch = get(db, batch_id)
    if batch.state != "待监销":
        raise InvalidInput(
            f"{batch.label}尚未经保密员审批。"
            if batch.state in ("编制中", "待审批")
            else f"{batch.label}{batch.state}，不能再监销。"
        )
    _distinct_witnesses(batch, [_canonical(db, w) for w in witnesses])
    _refuse_if_away(db, batch_id, "销毁")
    # Business people only: the 三员 administer the system and take no part in its business.
    confirmed = [session.confirm(w, "监销确认", BUSINESS_ROLES) for w in witnesses]
    _distinct_witnesses(batch, [c.login for c in confirmed])
    now = session.clock.now()
    with db.transaction():
        _still(db, batch, "待监销", "销毁")
        db.execute(
            "UPDATE destruction_batch SET sealed_at = ?, witness_1 = ?, witness_2 = ? WHERE id = ?",
            (stamp(now), confirmed[0].login, confirmed[1].login, batch_id),
        )
        # Set-based: a batch may hold 20,000 copies.
        count = db.execute(
            f"UPDATE copy SET state = {sql_value(CopyState.DESTROYED)}"
            " WHERE id IN (SELECT copy_id FROM destruction_item WHERE batch_id = ?)",
            (batch_id,),
        ).rowcount
        details = json.dumps({"batch": batch.label, "method": batch.method}, ensure_ascii=False)
        db.execute(
            "INSERT INTO copy_event (copy_id, at, account, kind, details)"
            " SELECT copy_id, ?, ?, '销毁', ? FROM destruction_item WHERE batch_id = ?"
            " ORDER BY copy_id",
            (stamp(now), session.account.login, details, batch_id),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "销毁封存",
            f"batch:{batch.year}-{batch.serial}",
            {
                "witnesses": [c.login for c in confirmed],
                "copies": count,
                "by_level": {k: v[0] for k, v in totals(db, batch_id).items()},
            },
        )
    return get(db, batch_id)


def _canonical(db: Database, credential: Credential) -> str:
    """The login as the room spells it (`BAOMI`, `ｂａｏｍｉ` and ` baomi ` are `baomi`):
    the batch's checks compare what the database stores, never what was typed."""
    account = accounts.find(db, credential.login)
    return account.login if account is not None else accounts.login_key(credential.login)


def _distinct_witnesses(batch: Batch, logins: list[str]) -> None:
    """Compared with accounts.login_key, as the logins are looked up: the CHECKs of
    0007_recall.sql compare exactly, so no spelling may slip past here into an IntegrityError."""
    keys = [accounts.login_key(login) for login in logins]
    if len(keys) != 2 or keys[0] == keys[1]:
        raise InvalidInput("须由两名不同的监销人分别确认。")
    if accounts.login_key(batch.built_by) in keys:
        raise PermissionDenied("批次的编制人不能担任监销人。")
