"""收文登记: registering an incoming document copy by copy, editing it, voiding it.

Contract: the 收文编号 serial is taken inside the transaction that writes the document, so it is
gapless per year and never reused; a registration is never deleted (作废 keeps it with a reason).
Every create, edit and void is audited with before and after values in the same transaction.
What a registration must be before it is written: app/registration_checks.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app import audit, text_rules, workdays
from app.classification import (
    CLASSIFIED,
    SOURCES,
    default_period,
)
from app.clock import stamp
from app.documents import Copy, Document, copies_of, document_from_row, get_document
from app.errors import InvalidInput
from app.model import Credential
from app.numbers import (
    OUTGOING_BASE,
    format_copy_ranges,
    normalise_doc_number,
    registration_number,
)
from app.recall_records import SOURCES as RECALL_SOURCES
from app.registration_checks import (
    DocumentInput,
    check_handling,
    check_urgency,
    doc_number_warnings,
    refuse_duplicates,
    validate,
)
from app.roles import Role
from app.vocab import CopyState, sql_in, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class Registration:
    document: Document
    copies: tuple[Copy, ...]
    warnings: tuple[str, ...]


# ---- registering ------------------------------------------------------------------------------
def register(session: Session, data: DocumentInput) -> Registration:
    session.require(Role.CUSTODIAN)
    clean, numbers, warnings = validate(data, session.clock.now())
    return register_checked(session, clean, numbers, warnings)


def register_checked(
    session: Session,
    clean: DocumentInput,
    numbers: list[str],
    warnings: list[str],
    *,
    duplicates_checked: bool = False,
    outgoing: bool = False,
) -> Registration:
    """Write what `validate` has already accepted (the ledger import validates every row first).

    `outgoing`: the office's own 发文 (app/outgoing.py), numbered in the 发文 series (F2026-0001,
    app/numbers.py) rather than taking a 收文编号.

    `duplicates_checked`: the caller has applied `refuse_duplicates`' rule itself, inside the
    transaction this joins (the ledger import, app/ledger_rows.existing: the lookup is about a
    fifth of a row's cost in a large room, and it need not run twice).
    """
    session.require(Role.CUSTODIAN)
    db = session.db
    now = session.clock.now()
    received = clean.received_at or now

    period = clean.period or default_period(clean.level)
    deadline = clean.deadline or workdays.registration_deadline(
        db, received, clean.urgency, clean.telegram, clean.handling
    )
    sign_due = (
        workdays.sign_deadline(db, clean.waiting_at, clean.urgency) if clean.waiting_at else None
    )
    if sign_due is not None and received > sign_due:
        late = round((received - sign_due).total_seconds() / 60)
        warnings.append(
            f"签收逾时：{clean.urgency}件应于 {sign_due:%m-%d %H:%M} 前签收，迟 {late} 分钟"
            "（记入今日时限和日终清点）。"
        )
    doc_number, parsed = normalise_doc_number(clean.doc_number)
    if not parsed:
        warnings.append(f"文号“{doc_number}”不符合“机关代字〔年份〕序号号”的格式，已按原样保存。")
    with db.transaction():
        if not (duplicates_checked and db.depth > 1):
            refuse_duplicates(db, clean.issuer, doc_number, numbers)
        warnings.extend(doc_number_warnings(db, clean.issuer, doc_number))
        year = received.year
        serial = _next_serial(db, year, outgoing)

        cursor = db.execute(
            "INSERT INTO document (year, serial, issuer, source, doc_number, doc_number_ok, title,"
            " written_on, level, period_kind, period_value, period_defaulted, urgency, telegram,"
            " handling, received_at, attachments, deadline, cabinet, remarks, created_at, created_by,"
            " waiting_at, sign_due)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING *",
            (
                year,
                serial,
                clean.issuer,
                clean.source,
                doc_number,
                int(parsed),
                clean.title,
                clean.written_on.isoformat() if clean.written_on else None,
                clean.level,
                period.kind,
                period.value,
                int(period.defaulted),
                clean.urgency,
                int(clean.telegram),
                clean.handling,
                stamp(received),
                clean.attachments,
                stamp(deadline) if deadline else None,
                clean.cabinet,
                clean.remarks,
                stamp(now),
                session.account.login,
                stamp(clean.waiting_at) if clean.waiting_at else None,
                stamp(sign_due) if sign_due else None,
            ),
        )
        document = document_from_row(cursor.fetchone())
        document_id = document.id
        for reader_id in clean.scope_reader_ids:
            db.execute(
                "INSERT INTO document_scope (document_id, reader_id) VALUES (?, ?)",
                (document_id, reader_id),
            )
        for group_id in clean.scope_group_ids:
            db.execute(
                "INSERT INTO document_scope (document_id, group_id) VALUES (?, ?)",
                (document_id, group_id),
            )
        copies = []
        event = json.dumps({"cabinet": clean.cabinet} if clean.cabinet else {}, ensure_ascii=False)
        for copy_no in numbers:
            copy_id = int(
                db.execute(
                    "INSERT INTO copy (document_id, copy_no, pages) VALUES (?, ?, ?)",
                    (document_id, copy_no, clean.pages),
                ).lastrowid
            )
            copies.append(Copy(copy_id, document_id, copy_no, clean.pages, CopyState.IN_CABINET))
        db.executemany(
            "INSERT INTO copy_event (copy_id, at, account, kind, details) VALUES (?, ?, ?, '登记', ?)",
            [(c.id, stamp(now), session.account.login, event) for c in copies],
        )
        number = registration_number(year, serial)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "登记收文",
            f"document:{number}",
            {
                "after": {
                    "issuer": clean.issuer,
                    "source": clean.source,
                    "doc_number": doc_number,
                    "title": clean.title,
                    "level": clean.level,
                    "copies": format_copy_ranges(numbers),
                    "pages": clean.pages,
                    "urgency": clean.urgency,
                    "handling": clean.handling,
                    **(
                        {"waiting_at": stamp(clean.waiting_at), "sign_due": stamp(sign_due)}
                        if clean.waiting_at and sign_due
                        else {}
                    ),
                }
            },
        )
    return Registration(document, tuple(copies), tuple(warnings))


def _next_serial(db: Database, year: int, outgoing: bool) -> int:
    """The next number of the year's 收文 series or 发文 series (app/numbers.py), taken in the
    caller's transaction and remembered for the next row of an import."""
    memo = ("outgoing_serial" if outgoing else "serial", year)
    last = db.memo.get(memo)
    if last is None:
        series = "serial > ?" if outgoing else "serial <= ?"
        last = int(
            db.scalar(
                f"SELECT coalesce(max(serial), ?) FROM document WHERE year = ? AND {series}",
                (OUTGOING_BASE if outgoing else 0, year, OUTGOING_BASE),
            )
        )
    db.memo[memo] = last + 1
    return last + 1


def add_copy_event(
    db: Database,
    copy_id: int,
    at: datetime,
    account: str,
    kind: str,
    details: dict[str, Any] | None = None,
) -> None:
    db.execute(
        "INSERT INTO copy_event (copy_id, at, account, kind, details) VALUES (?, ?, ?, ?, ?)",
        (copy_id, stamp(at), account, kind, json.dumps(details or {}, ensure_ascii=False)),
    )


# ---- editing and voiding ----------------------------------------------------------------------
EDITABLE = (
    "issuer",
    "source",
    "doc_number",
    "title",
    "attachments",
    "cabinet",
    "remarks",
    "proposal",
    "status_note",
    "urgency",
    "handling",
)


def edit(session: Session, document_id: int, changes: dict[str, str]) -> Document:
    """Change descriptive fields; copies and numbers stay as registered."""
    session.require(Role.CUSTODIAN)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput("这些项不能修改：" + "、".join(sorted(unknown)))
    db = session.db
    with db.transaction():
        before = get_document(db, document_id)
        if before.voided_at is not None:
            raise InvalidInput(f"{before.number} 已作废，不能修改。")
        refuse_destroyed(db, document_id, before.number)
        values = {k: _clean_edit(k, v) for k, v in changes.items()}
        if "doc_number" in values:
            values["doc_number"], ok = normalise_doc_number(values["doc_number"])
            db.execute("UPDATE document SET doc_number_ok = ? WHERE id = ?", (int(ok), document_id))
        if "issuer" in values and not values["issuer"]:
            raise InvalidInput("来文单位不能为空。")
        if "title" in values and not values["title"]:
            raise InvalidInput("标题不能为空。")
        if "source" in values and values["source"] not in SOURCES:
            raise InvalidInput("来文类别不正确。")
        # The chosen words as registration holds them (validate): 特提 is a telegram's.
        if "urgency" in values:
            check_urgency(values["urgency"], before.telegram)
        if "handling" in values:
            check_handling(values["handling"])
        if values.get("source", before.source) not in RECALL_SOURCES and _in_recall(db, before):
            raise InvalidInput(
                f"{before.number} 属于 {before.year} 年度清退范围，清退已经开始，"
                "来文类别不能再改为中央、省、市以外：那会使它从清退清单和统计中消失。"
            )
        old = {k: getattr(before, k) for k in values}
        changed = {k: v for k, v in values.items() if old[k] != v}
        if not changed:
            return before
        sets = ", ".join(f"{k} = ?" for k in changed)
        db.execute(f"UPDATE document SET {sets} WHERE id = ?", (*changed.values(), document_id))
        audit.record(
            db,
            session.clock,
            session.account.login,
            "修改收文",
            f"document:{before.number}",
            {"before": {k: old[k] for k in changed}, "after": changed},
        )
    return get_document(db, document_id)


def _clean_edit(field: str, value: str) -> str:
    """Free-text fields go through the input rules; the chosen ones are checked below."""
    return text_rules.clean(field, value) if field in text_rules.RULES else value.strip()


def void(
    session: Session, document_id: int, reason: str, approver: Credential | None = None
) -> Document:
    """作废: kept with its reason. Refused once a recall campaign or a destruction batch covers
    the registration; a classified one whose copies have a history needs the 保密员's password
    (`approver`). The triggers of migration 0011 (rules) hold the same rules."""
    session.require(Role.CUSTODIAN)
    reason = text_rules.clean("void_reason", reason)
    if len(reason) < 2:
        raise InvalidInput("作废须写明原因。")
    db = session.db
    _voidable(db, document_id)  # before asking for a password
    who = None
    if void_needs_approval(db, document_id):
        if approver is None:
            raise InvalidInput("该密件登记已有借阅等记录，作废须由保密员本人输入密码确认。")
        who = session.confirm(approver, "作废密件登记", Role.APPROVER)
    with db.transaction():
        doc = _voidable(db, document_id)
        if who is None and void_needs_approval(db, document_id):
            raise InvalidInput("该密件登记已有借阅等记录，作废须由保密员本人输入密码确认。")
        now = session.clock.now()
        db.execute(
            "UPDATE document SET voided_at = ?, void_reason = ?, void_approved_by = ? WHERE id = ?",
            (stamp(now), reason, who.login if who else None, document_id),
        )
        for c in copies_of(db, document_id):
            add_copy_event(db, c.id, now, session.account.login, "作废", {"reason": reason})
        after: dict[str, Any] = {"voided": True, "reason": reason}
        if who is not None:
            after["approver"] = who.login
        audit.record(
            db,
            session.clock,
            session.account.login,
            "作废收文",
            f"document:{doc.number}",
            {"before": {"voided": False}, "after": after},
        )
    return get_document(db, document_id)


def _voidable(db: Database, document_id: int) -> Document:
    """The registration, or the reason it cannot be voided now."""
    doc = get_document(db, document_id)
    if doc.voided_at is not None:
        raise InvalidInput(f"{doc.number} 已于 {stamp(doc.voided_at)[:16]} 作废。")
    refuse_destroyed(db, document_id, doc.number)
    batch = db.one(
        "SELECT b.year, b.serial FROM copy c JOIN destruction_item i ON i.copy_id = c.id"
        " JOIN destruction_batch b ON b.id = i.batch_id"
        " WHERE c.document_id = ? AND b.cancelled_at IS NULL ORDER BY b.id LIMIT 1",
        (document_id,),
    )
    if batch is not None:
        raise InvalidInput(
            f"{doc.number} 已列入 {batch['year']} 年第 {batch['serial']} 批销毁清单，不能作废；"
            "确需更正的，先将其移出销毁清单。"
        )
    if _in_recall(db, doc):
        raise InvalidInput(
            f"{doc.number} 属于 {doc.year} 年度清退范围，清退已经开始，不能再作废："
            "作废会使它从清退清单和统计中消失，请在清退中如实处理。"
        )
    out = db.scalar(
        f"SELECT count(*) FROM copy WHERE document_id = ? AND state = {sql_value(CopyState.LENT)}",
        (document_id,),
    )
    if out:
        raise InvalidInput(f"{doc.number} 有 {out} 份尚未归还，收回后才能作废。")
    return doc


def _in_recall(db: Database, doc: Document) -> bool:
    """In the scope of a recall campaign that has begun (open or closed)."""
    return (
        doc.level in CLASSIFIED
        and doc.source in RECALL_SOURCES
        and bool(db.scalar("SELECT 1 FROM recall_campaign WHERE year = ?", (doc.year,)))
    )


def void_needs_approval(db: Database, document_id: int) -> bool:
    """A classified registration whose copies have any history beyond their registration."""
    return bool(
        db.scalar(
            "SELECT 1 FROM document d JOIN copy c ON c.document_id = d.id"
            " JOIN copy_event e ON e.copy_id = c.id"
            f" WHERE d.id = ? AND d.level IN {sql_in(CLASSIFIED)} AND e.kind <> '登记' LIMIT 1",
            (document_id,),
        )
    )


def void_refusal(db: Database, document_id: int) -> str | None:
    """Why the registration cannot be voided now (the window says so before asking anything)."""
    try:
        _voidable(db, document_id)
    except InvalidInput as exc:
        return exc.message
    return None


def refuse_destroyed(db: Database, document_id: int, number: str) -> None:
    """A destroyed copy's registration is a permanent record (the triggers say so too)."""
    if db.scalar(
        f"SELECT 1 FROM copy WHERE document_id = ? AND state = {sql_value(CopyState.DESTROYED)}"
        " LIMIT 1",
        (document_id,),
    ):
        raise InvalidInput(f"{number} 已有份数经监销销毁，登记作为永久记录不能再修改或作废。")
