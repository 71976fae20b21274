"""借阅台: handing copies across the counter and taking them back, one record per person per copy.

Rules (DOMAIN.md, seed 000): a copy comes back to the room between readers (no 横传); a reader
holds nothing above their clearance or outside the document's 阅文范围; a classified copy is due
back by the room's close time the same day (密件不过夜). The 保密员 may override a refusal of a
copy that is in the room, typing their own password; a clearance or 知悉范围 refusal also needs
the approving 单位负责人 and the approval's reference (the law reserves access outside the
知悉范围 to the unit's responsible person). The override is stored on the handover and audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from app import audit, folder_items, settings, text_rules
from app.clock import parse_stamp, stamp
from app.errors import InvalidInput
from app.model import Credential
from app.numbers import registration_number
from app.people import Reader
from app.refusals import Refusal, RefusalKind, refusal, refusals
from app.registry import add_copy_event
from app.roles import Role
from app.scanning import CopyRef, active_reader, copy_ref
from app.vocab import CLASSIFIED, CopyState, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

# The refusals are defined in app.refusals and named here too: the desk is where they are used.
__all__ = ["Refusal", "RefusalKind", "refusal", "refusals"]


@dataclass(frozen=True)
class Override:
    """The 保密员's word: their login, their own password, and why. A clearance or 知悉范围
    refusal also needs the approving 单位负责人 (name and position, as typed) and the
    approval's reference (批准单号, 批示编号)."""

    approver: str
    password: str = field(repr=False)
    reason: str
    head: str = ""
    reference: str = ""


@dataclass(frozen=True)
class OutRow:
    handover_id: int
    copy: CopyRef
    reader: str
    phone: str
    out_at: datetime
    due_at: datetime
    excepted: bool
    on_spot: bool  # 在室阅读: the copy is being read in the room (app.on_spot)

    def status(self, now: datetime) -> str:
        """正常, 将到期 (30 minutes before due) or 逾期 — for classified copies."""
        if now >= self.due_at:
            return "逾期"
        if now >= self.due_at - timedelta(minutes=30):
            return "将到期"
        return "正常"


# ---- the day's close --------------------------------------------------------------------------
def counter_closed(db: Database, day: date) -> bool:
    """True once `day` is closed (日终清点) and not reopened by the 保密员 since: nothing may go
    out then, or the signed sheet would say a copy is in the room while it is out."""
    if db.one("SELECT 1 FROM day_close WHERE day = ?", (day.isoformat(),)) is None:
        return False
    return (
        db.one("SELECT 1 FROM day_reopen WHERE day = ? AND closed_at IS NULL", (day.isoformat(),))
        is None
    )


CLOSED_MESSAGE = (
    "今日已清点关闭，不能再借出：日终清点表已记下在柜与借出。"
    "确需借出的，请保密员在“日终清点”页重新开启当日，借出后再次清点。"
)


def check_open(db: Database, now: datetime) -> None:
    """InvalidInput when today is closed (see counter_closed)."""
    if counter_closed(db, now.date()):
        raise InvalidInput(CLOSED_MESSAGE)


# ---- checkout ---------------------------------------------------------------------------------
def due_time(db: Database, copy: CopyRef, now: datetime) -> datetime:
    s = settings.load(db)
    if copy.level in CLASSIFIED:
        return now.replace(hour=s.close_time.hour, minute=s.close_time.minute, second=0)
    return (now + timedelta(days=s.unclassified_loan_days)).replace(
        hour=s.close_time.hour, minute=s.close_time.minute, second=0
    )


def checkout(
    session: Session,
    reader_id: int,
    copy_ids: list[int],
    override: Override | None = None,
    folder_id: int | None = None,
) -> list[int]:
    """Hand the folder's copies to one reader; all or none. Returns the handover ids.

    With `folder_id`, they go in that labelled folder (一夹一传递): it holds exactly these
    copies from now (app.folder_items.pack) and each handover names it, for the return.

    With `override`, the 保密员 lifts the refusals that may be lifted: theirs alone for the
    close time or a pending destruction batch; with the 单位负责人 named and the approval's
    reference for a clearance or 知悉范围 refusal. Their password goes through the one
    confirmation path (lockout honoured and counted, failures audited), and only after the
    override has been found to answer every refusal in the folder.
    """
    session.require(Role.CUSTODIAN)
    if not copy_ids:
        raise InvalidInput("文件夹里还没有文件，请先扫描。")
    db = session.db
    now = session.clock.now()
    check_open(db, now)  # F7 lifts a refusal, not the close: reopening is the 保密员's own act
    approver = None
    if override is not None:
        _check_override_fields(override)
        reader = active_reader(db, reader_id)
        refused_now = [refusals(db, reader, copy_ref(db, c), now) for c in copy_ids]
        for refused in refused_now:
            _answered(refused, override)  # before the password: nothing typed in vain
        if any(refused_now):
            credential = Credential(override.approver, override.password)
            approver = session.confirm(credential, "例外放行", Role.APPROVER).login
    ids: list[int] = []
    with db.transaction():
        check_open(db, now)
        reader = active_reader(db, reader_id)
        for copy_id in copy_ids:
            copy = copy_ref(db, copy_id)
            found = refusals(db, reader, copy, now)
            lifted = _answered(found, override if approver else None)
            ids.append(_hand_over(session, reader, copy, now, lifted, approver, override))
        if folder_id is not None:
            folder_items.pack(db, session.clock, session.account.login, folder_id, copy_ids)
            marks = ",".join("?" * len(ids))
            db.execute(
                f"UPDATE handover SET folder_id = ? WHERE id IN ({marks})", (folder_id, *ids)
            )
    return ids


def _check_override_fields(override: Override) -> None:
    text_rules.clean("override_head", override.head)
    text_rules.clean("override_reference", override.reference)
    if len(text_rules.clean("override_reason", override.reason)) < 2:
        raise InvalidInput("例外放行须写明理由。")


def _answered(found: list[Refusal], override: Override | None) -> list[Refusal]:
    """The refusals `override` lifts (all of `found`), or the first one it cannot lift."""
    if not found:
        return []
    if override is None:
        raise InvalidInput(found[0].message)
    for refused in found:
        if not refused.overridable:
            raise InvalidInput(refused.message)
    if any(r.by_law for r in found) and not (override.head.strip() and override.reference.strip()):
        law = next(r for r in found if r.by_law)
        what = "绝密件带出机要室" if law.kind is RefusalKind.ON_SPOT else f"超出{law.kind}的借阅"
        raise InvalidInput(
            f"{law.message}{what}须经单位负责人批准：请写明批准的单位负责人"
            "（姓名 职务）和批准单号。"
        )
    return found


def _hand_over(
    session: Session,
    reader: Reader,
    copy: CopyRef,
    now: datetime,
    lifted: list[Refusal],
    approver: str | None,
    override: Override | None,
) -> int:
    db = session.db
    due = due_time(db, copy, now)
    if due <= now:
        due = now + timedelta(hours=1)
    by_law = any(r.by_law for r in lifted)
    o = override if lifted else None
    head = o.head.strip() if o and by_law else None
    reference = o.reference.strip() if o and by_law else None
    kinds = "、".join(r.kind for r in lifted) or None
    cursor = db.execute(
        "INSERT INTO handover (copy_id, reader_id, out_at, due_at, out_by, override_by,"
        " override_reason, override_kind, override_head, override_ref)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            copy.copy_id,
            reader.id,
            stamp(now),
            stamp(due),
            session.account.login,
            approver if o else None,
            o.reason.strip() if o else None,
            kinds,
            head,
            reference,
        ),
    )
    db.execute(f"UPDATE copy SET state = {sql_value(CopyState.LENT)} WHERE id = ?", (copy.copy_id,))
    add_copy_event(db, copy.copy_id, now, session.account.login, "借出", {"reader": reader.name})
    details: dict[str, Any] = {"reader": reader.name, "due": stamp(due)}
    if o:
        details["override"] = {
            "by": approver,
            "kind": kinds,
            "refusal": "；".join(r.message for r in lifted),
            "reason": o.reason.strip(),
        }
        if by_law:
            details["override"] |= {"head": head, "reference": reference}
    audit.record(db, session.clock, session.account.login, "借出", f"copy:{copy.label}", details)
    return int(cursor.lastrowid)


# ---- return -----------------------------------------------------------------------------------
def take_back(session: Session, copy_id: int, discrepancy: str = "") -> int | None:
    """Take a copy back after the check. A discrepancy (pages missing, damage, a copy made) is
    recorded as an incident and the copy stays 借出 until the 保密员 resolves it.
    Returns the incident id, if any."""
    session.require(Role.CUSTODIAN)
    discrepancy = text_rules.clean("discrepancy", discrepancy)
    db = session.db
    now = session.clock.now()
    with db.transaction():
        copy = copy_ref(db, copy_id)
        open_row = db.one(
            "SELECT h.id, r.name FROM handover h JOIN reader r ON r.id = h.reader_id"
            " WHERE h.copy_id = ? AND h.back_at IS NULL",
            (copy_id,),
        )
        if open_row is None:
            raise InvalidInput(f"{copy.label} 没有借出记录，无需归还。")
        refuse_clock_behind(db, open_row["id"], now)
        # An open discrepancy is resolved through its incident by the 保密员, never overwritten
        # by a plain return: the trail would say both 核对异常 and 核对无误.
        pending = pending_discrepancy(db, copy_id)
        if pending is not None:
            said = (
                f"{copy.label} 已登记核对异常（{pending}），待保密员处理（日终清点页的 处理事件）"
            )
            if discrepancy.strip():
                raise InvalidInput(f"{said}。")
            raise InvalidInput(f"{said}；该份仍记为借出，不能按核对无误归还。")
        if discrepancy.strip():
            cursor = db.execute(
                "INSERT INTO incident (kind, copy_id, handover_id, at, noted_by, description)"
                " VALUES ('核对异常', ?, ?, ?, ?, ?)",
                (copy_id, open_row["id"], stamp(now), session.account.login, discrepancy.strip()),
            )
            add_copy_event(
                db,
                copy_id,
                now,
                session.account.login,
                "核对异常",
                {"reader": open_row["name"], "note": discrepancy.strip()},
            )
            audit.record(
                db,
                session.clock,
                session.account.login,
                "核对异常",
                f"copy:{copy.label}",
                {"reader": open_row["name"], "note": discrepancy.strip()},
            )
            return int(cursor.lastrowid)
        close_handover(session, copy, open_row["id"], open_row["name"], "核对无误")
    return None


def pending_discrepancy(db: Database, copy_id: int) -> str | None:
    """The note of the copy's unresolved 核对异常 on its open handover, if there is one."""
    row = db.one(
        "SELECT i.description FROM incident i JOIN handover h ON h.id = i.handover_id"
        " WHERE h.copy_id = ? AND h.back_at IS NULL AND i.kind = '核对异常'"
        " AND i.resolved_at IS NULL ORDER BY i.id LIMIT 1",
        (copy_id,),
    )
    return None if row is None else str(row["description"])


def refuse_clock_behind(db: Database, handover_id: int, now: datetime) -> None:
    """A return cannot be dated before its checkout: the machine's clock has gone back (a dead
    CMOS battery, a hand-set date), and the 借阅登记 would show a copy back before it left."""
    out_at = parse_stamp(str(db.scalar("SELECT out_at FROM handover WHERE id = ?", (handover_id,))))
    if now < out_at:
        raise InvalidInput(
            f"本机时间 {now:%Y-%m-%d %H:%M} 早于该份的借出时间 {out_at:%Y-%m-%d %H:%M}，"
            "电脑时钟可能被调回或电池失效。请系统管理员核对系统时间后再办理归还。"
        )


def close_handover(
    session: Session,
    copy: CopyRef,
    handover_id: int,
    reader: str,
    note: str,
    state: str = CopyState.IN_CABINET,
) -> None:
    db = session.db
    now = session.clock.now()
    refuse_clock_behind(db, handover_id, now)
    db.execute(
        "UPDATE handover SET back_at = ?, back_by = ?, check_note = ? WHERE id = ?",
        (stamp(now), session.account.login, note, handover_id),
    )
    details: dict[str, Any] = {"reader": reader, "note": note}
    began = db.scalar("SELECT out_at FROM handover WHERE id = ? AND on_spot = 1", (handover_id,))
    if began is not None:
        # 在室阅读 ends with the return: who read it, from when to when, how long.
        minutes = reading_minutes(parse_stamp(began), now)
        details["on_spot_minutes"] = minutes
        add_copy_event(
            db,
            copy.copy_id,
            now,
            session.account.login,
            "在室阅读结束",
            {"reader": reader, "from": began[:16].replace("T", " "), "minutes": minutes},
        )
    db.execute("UPDATE copy SET state = ? WHERE id = ?", (state, copy.copy_id))
    add_copy_event(
        db,
        copy.copy_id,
        now,
        session.account.login,
        "归还" if state == CopyState.IN_CABINET else str(state),
        {"reader": reader, "note": note},
    )
    audit.record(
        db,
        session.clock,
        session.account.login,
        "归还" if state == CopyState.IN_CABINET else "登记遗失",
        f"copy:{copy.label}",
        details,
    )


def reading_minutes(began: datetime, ended: datetime) -> int:
    """Whole minutes of an in-room reading, at least 1."""
    return max(1, round((ended - began).total_seconds() / 60))


# ---- what is out ------------------------------------------------------------------------------
def out_now(db: Database, night: str | None = None) -> list[OutRow]:
    """Every copy out of the room, earliest due first (from the open-handover index). Read by
    position, not by name: the desk rebuilds this list after every handover and return."""
    rows = db.tuples(
        """SELECT h.id, h.out_at, h.due_at, r.name, r.phone,
               c.id, c.document_id, c.copy_no, c.pages, c.state, d.year, d.serial,
               d.title, d.level, d.voided_at, h.on_spot,
               EXISTS (SELECT 1 FROM overnight_exception e WHERE e.handover_id = h.id
                       AND e.night = ?)
            FROM handover h INDEXED BY handover_open_due
            JOIN reader r ON r.id = h.reader_id
            JOIN copy c ON c.id = h.copy_id
            JOIN document d ON d.id = c.document_id
            WHERE h.back_at IS NULL ORDER BY h.due_at""",
        (night or "",),
    )
    return [
        OutRow(
            handover,
            CopyRef(
                copy_id,
                document_id,
                registration_number(year, serial),
                copy_no,
                title,
                level,
                pages,
                state,
                voided_at is not None,
            ),
            reader,
            phone,
            parse_stamp(out_at),
            parse_stamp(due_at),
            bool(excepted),
            bool(on_spot),
        )
        for (
            handover,
            out_at,
            due_at,
            reader,
            phone,
            copy_id,
            document_id,
            copy_no,
            pages,
            state,
            year,
            serial,
            title,
            level,
            voided_at,
            on_spot,
            excepted,
        ) in rows
    ]


def disclosure(db: Database, copy_id: int) -> list[tuple[str, str, str | None]]:
    """Everyone who has held this copy, readers at the desk (a reading in the room marked so)
    and units it was distributed to: (holder, out, back), in the order they had it."""
    rows = db.query(
        "SELECT r.name || CASE WHEN h.on_spot THEN '（在室阅读）' ELSE '' END, h.out_at,"
        " h.back_at FROM handover h JOIN reader r"
        " ON r.id = h.reader_id WHERE h.copy_id = ?"
        " UNION ALL SELECT u.name || '（' || coalesce(p.name || ' 签收', '凭回执') || '）',"
        " i.out_at, i.back_at"
        " FROM distribution_item i JOIN distribution_receipt d ON d.id = i.receipt_id"
        " JOIN unit u ON u.id = d.unit_id LEFT JOIN reader p ON p.id = d.signer_id"
        " WHERE i.copy_id = ? ORDER BY 2",
        (copy_id, copy_id),
    )
    return [(r[0], r[1], r[2]) for r in rows]
