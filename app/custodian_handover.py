"""机要员交接: when the custodian changes, the outgoing and the incoming custodian check the whole
room together (a stocktake with the incoming one as second person), the items still open are
listed, both sign with their own passwords, and only then may the 系统管理员 deactivate the
outgoing account (app.accounts.deactivate, which rotates the data key)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app import accounts, audit, stocktake
from app.clock import parse_stamp, stamp
from app.errors import InvalidInput, MijianError, PermissionDenied
from app.model import Credential
from app.numbers import registration_number
from app.output import Output
from app.roles import BUSINESS_ROLES, Role
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class Handover:
    id: int
    outgoing: str
    incoming: str
    stocktake_id: int
    started_at: datetime
    signed_at: datetime | None
    deactivated_at: datetime | None


@dataclass(frozen=True)
class OpenItem:
    kind: str  # 借出, 分发在外, 待处理事件, 批示未办结, 清查差异, 调查扣留, 销毁批次
    item: str
    detail: str


def _handover(row: Any) -> Handover:
    return Handover(
        row["id"],
        row["outgoing"],
        row["incoming"],
        row["stocktake_id"],
        parse_stamp(row["started_at"]),
        parse_stamp(row["signed_at"]) if row["signed_at"] else None,
        parse_stamp(row["deactivated_at"]) if row["deactivated_at"] else None,
    )


def get(db: Database, handover_id: int) -> Handover:
    row = db.one("SELECT * FROM custodian_handover WHERE id = ?", (handover_id,))
    if row is None:
        raise MijianError(f"没有编号为 {handover_id} 的机要员交接。")
    return _handover(row)


def current(db: Database) -> Handover | None:
    """The handover not yet signed, if any."""
    row = db.one("SELECT * FROM custodian_handover WHERE signed_at IS NULL")
    return None if row is None else _handover(row)


def start(session: Session, incoming_login: str) -> Handover:
    """The outgoing custodian (logged in) names the incoming one; a whole-room stocktake opens
    with the incoming custodian as its second person."""
    session.require(Role.CUSTODIAN)
    db = session.db
    incoming = accounts.find(db, incoming_login)
    if incoming is None or not incoming.active or incoming.role is not Role.CUSTODIAN:
        raise InvalidInput("接收人须是本室在用的机要员账户（请系统管理员先创建并授权）。")
    if accounts.same_login(incoming.login, session.account.login):
        raise InvalidInput("交接须在两名机要员之间进行。")
    with db.transaction():
        if current(db) is not None:
            raise InvalidInput("已有一次机要员交接尚未签字，请先完成它。")
        taken = stocktake.start(session, None, incoming.login)
        cursor = db.execute(
            "INSERT INTO custodian_handover (outgoing, incoming, stocktake_id, started_at)"
            " VALUES (?, ?, ?, ?)",
            (session.account.login, incoming.login, taken.id, stamp(session.clock.now())),
        )
        handover_id = int(cursor.lastrowid)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "开始机要员交接",
            f"stocktake:{taken.id}",
            {"outgoing": session.account.login, "incoming": incoming.login},
        )
    return get(db, handover_id)


def open_items(session: Session) -> list[OpenItem]:
    """What the incoming custodian takes over unsettled: copies out, distributed copies, open
    incidents and 批示, unresolved stocktake findings, holds, unsealed destruction batches."""
    session.require(*BUSINESS_ROLES)
    db = session.db
    items: list[OpenItem] = []

    def label(r: Any) -> str:
        return f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份"

    for r in db.query(
        "SELECT d.year, d.serial, c.copy_no, p.name, h.due_at FROM handover h"
        " INDEXED BY handover_open_due JOIN copy c ON c.id = h.copy_id"
        " JOIN document d ON d.id = c.document_id JOIN reader p ON p.id = h.reader_id"
        " WHERE h.back_at IS NULL ORDER BY h.due_at"
    ):
        items.append(OpenItem("借出", label(r), f"{r['name']}，应还 {r['due_at'][:16]}"))
    for r in db.query(
        "SELECT d.year, d.serial, c.copy_no, u.name FROM distribution_item i"
        " JOIN copy c ON c.id = i.copy_id JOIN document d ON d.id = c.document_id"
        " JOIN distribution_receipt dr ON dr.id = i.receipt_id JOIN unit u ON u.id = dr.unit_id"
        " WHERE i.back_at IS NULL ORDER BY i.id"
    ):
        items.append(OpenItem("分发在外", label(r), str(r["name"])))
    for r in db.query(
        "SELECT i.kind, i.description, d.year, d.serial, c.copy_no FROM incident i"
        " INDEXED BY incident_open JOIN copy c ON c.id = i.copy_id"
        " JOIN document d ON d.id = c.document_id WHERE i.resolved_at IS NULL ORDER BY i.id"
    ):
        items.append(OpenItem("待处理事件", label(r), f"{r['kind']}：{r['description']}"))
    for r in db.query(
        "SELECT d.year, d.serial, i.leader, i.unit, i.handler, i.deadline FROM instruction i"
        " JOIN document d ON d.id = i.document_id WHERE i.state <> '已办结' ORDER BY i.deadline"
    ):
        number = registration_number(r["year"], r["serial"])
        who = f"{r['unit']} {r['handler']}".strip()
        items.append(
            OpenItem("批示未办结", number, f"{r['leader']}批示，{who}，时限 {r['deadline'][:10]}")
        )
    for r in db.query(
        "SELECT f.class, f.detail, d.year, d.serial, c.copy_no FROM stocktake_finding f"
        " LEFT JOIN copy c ON c.id = f.copy_id LEFT JOIN document d ON d.id = c.document_id"
        " WHERE f.resolved_at IS NULL ORDER BY f.id"
    ):
        item = label(r) if r["copy_no"] else "—"
        items.append(OpenItem("清查差异", item, f"{r['class']}：{r['detail']}"))
    for r in db.query(
        "SELECT d.year, d.serial, c.copy_no, h.reason FROM copy_hold h"
        " JOIN copy c ON c.id = h.copy_id JOIN document d ON d.id = c.document_id"
        " WHERE h.released_at IS NULL ORDER BY h.id"
    ):
        items.append(OpenItem("调查扣留", label(r), str(r["reason"])))
    for r in db.query(
        "SELECT year, serial, (SELECT count(*) FROM destruction_item i WHERE i.batch_id = b.id)"
        " AS n FROM destruction_batch b WHERE sealed_at IS NULL AND cancelled_at IS NULL"
    ):
        items.append(OpenItem("销毁批次", f"{r['year']}年第{r['serial']}批", f"{r['n']} 份未封存"))
    return items


def sign(session: Session, handover_id: int, own_password: str, incoming: Credential) -> Handover:
    """Both sign: the outgoing custodian (logged in) with their own password again, the incoming
    one with theirs. The stocktake must be finished; the open items are kept with the record."""
    session.require(Role.CUSTODIAN)
    db = session.db
    handover = get(db, handover_id)
    if handover.signed_at is not None:
        raise InvalidInput("这次交接已经签字。")
    if not accounts.same_login(handover.outgoing, session.account.login):
        raise PermissionDenied("交接须由移交的机要员本人登录签字。")
    if stocktake.get(db, handover.stocktake_id).finished_at is None:
        raise InvalidInput("交接清查尚未完成：请扫描全室实物，由接收人输入密码完成清查。")
    if not accounts.same_login(incoming.login, handover.incoming):
        raise InvalidInput("须由交接时指定的接收人本人签字。")
    session.verify_password(own_password)
    who = session.confirm(incoming, "机要员交接签字", Role.CUSTODIAN)
    now = session.clock.now()
    with db.transaction():
        items = open_items(session)
        counts: dict[str, int] = {}
        for i in items:
            counts[i.kind] = counts.get(i.kind, 0) + 1
        snapshot = json.dumps([[i.kind, i.item, i.detail] for i in items], ensure_ascii=False)
        changed = db.execute(
            "UPDATE custodian_handover SET signed_at = ?, open_items = ? WHERE id = ?"
            " AND signed_at IS NULL",
            (stamp(now), snapshot, handover_id),
        ).rowcount
        if not changed:
            raise InvalidInput("这次交接刚刚有变动，请刷新后重试。")
        audit.record(
            db,
            session.clock,
            session.account.login,
            "机要员交接签字",
            f"account:{handover.outgoing}",
            {"incoming": who.login, "open_items": counts},
        )
    return get(db, handover_id)


def refuse_unhanded(db: Database, login: str) -> None:
    """A custodian who has handled copies leaves only after a signed handover (app.accounts
    asks this before deactivating; it reads no business content)."""
    worked = db.one("SELECT 1 FROM copy_event WHERE account = ? LIMIT 1", (login,))
    if worked is None:
        return
    signed = db.one(
        "SELECT 1 FROM custodian_handover WHERE outgoing = ? AND signed_at IS NOT NULL",
        (login,),
    )
    if signed is None:
        raise InvalidInput(
            "该机要员经手过文件：须先完成机要员交接（全室交接清查、移交与接收双方签字），再停用账户。"
        )


def mark_deactivated(db: Database, login: str, at: str) -> None:
    """Called in the deactivation's transaction: the handover records when the account went."""
    db.execute(
        "UPDATE custodian_handover SET deactivated_at = ? WHERE outgoing = ?"
        " AND signed_at IS NOT NULL AND deactivated_at IS NULL",
        (at, login),
    )


def handed_over(session: Session, handover_id: int) -> tuple[Handover, list[OpenItem]]:
    """A signed handover and the open items as they were signed."""
    session.require(*BUSINESS_ROLES)
    row = session.db.one("SELECT * FROM custodian_handover WHERE id = ?", (handover_id,))
    if row is None:
        raise MijianError(f"没有编号为 {handover_id} 的机要员交接。")
    kept = json.loads(row["open_items"]) if row["open_items"] else []
    return _handover(row), [OpenItem(*i) for i in kept]


def sheet_output(session: Session, handover_id: int) -> Output:
    """机要员交接清单: the stocktake's result, every open item (as signed, or as now before the
    signing), and the signature lines; audited once printed or saved."""
    from app.reports.sheets import Sheet
    from app.reports.year_pdf import render_sheet

    session.require(*BUSINESS_ROLES)
    db = session.db
    handover = get(db, handover_id)
    if handover.signed_at is not None:
        _, items = handed_over(session, handover_id)
    else:
        items = open_items(session)
    taken = stocktake.get(db, handover.stocktake_id)
    findings = db.scalar(
        "SELECT count(*) FROM stocktake_finding WHERE stocktake_id = ?", (taken.id,)
    )
    result = (
        f"交接清查：应在柜 {taken.expected} 份，相符 {taken.matched} 份，差异 {findings} 项"
        if taken.finished_at is not None
        else "交接清查尚未完成"
    )

    def name(login: str) -> str:
        account = accounts.find(db, login)
        return account.display_name if account else login

    when = f"{handover.signed_at:%Y-%m-%d}" if handover.signed_at else "未签字"
    sheet = Sheet(
        f"机要员交接清单（{name(handover.outgoing)} 移交 {name(handover.incoming)}，{when}）",
        ("类别", "收文编号/事项", "情况"),
        [(i.kind, i.item, i.detail) for i in items],
    )
    signatures = (
        f"{result}。　　移交人（签字）：{name(handover.outgoing)}＿＿＿＿"
        f"　　接收人（签字）：{name(handover.incoming)}＿＿＿＿　　监交人（保密员）：＿＿＿＿"
    )
    pdf = render_sheet(
        sheet,
        session.room.unit,
        session.clock.now(),
        (30, 50, 180),
        frozenset({1, 2}),
        note="（未结事项）",
        signatures=signatures,
    )

    def delivered(where: str) -> None:
        with db.transaction():
            audit.record(
                db,
                session.clock,
                session.account.login,
                "输出机要员交接清单",
                f"account:{handover.outgoing}",
                {"to": where, "items": len(items)},
            )

    return Output(pdf, delivered, "交接清单已输出但未能记入审计，请销毁后重新输出。")
