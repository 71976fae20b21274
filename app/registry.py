"""收文登记: registering an incoming document copy by copy, editing it, voiding it.

Contract: the 收文编号 serial is taken inside the transaction that writes the document, so it is
gapless per year and never reused; a registration is never deleted (作废 keeps it with a reason).
Every create, edit and void is audited with before and after values in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app import audit, text_rules, workdays
from app.classification import (
    CLASSIFIED,
    DEFAULT_PERIOD_YEARS,
    HANDLING,
    LEVELS,
    SOURCES,
    TELEGRAM_URGENCIES,
    URGENCIES,
    Period,
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
    parse_copy_numbers,
    registration_number,
)
from app.recall_records import SOURCES as RECALL_SOURCES
from app.roles import Role
from app.vocab import CopyState, sql_in, sql_value
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class DocumentInput:
    """What the custodian types from the paper; `None` means "use the room's default"."""

    issuer: str
    source: str
    title: str
    level: str
    copy_numbers: str = ""
    copy_count: int | None = None
    pages: int = 0
    doc_number: str = ""
    written_on: date | None = None
    period: Period | None = None
    urgency: str = "平件"
    telegram: bool = False
    handling: str = "阅件"
    received_at: datetime | None = None  # 签收时间: signed for at the exchange (default: now)
    attachments: str = ""
    scope_reader_ids: tuple[int, ...] = ()
    scope_group_ids: tuple[int, ...] = ()
    deadline: datetime | None = None
    cabinet: str = ""
    remarks: str = ""
    # When the item was waiting at the exchange (交换站待取): starts its sign-for clock.
    waiting_at: datetime | None = None


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


def _check_urgency(urgency: str, telegram: bool) -> None:
    """特提 is a telegram's; a document's run 特急 to 平件."""
    allowed = TELEGRAM_URGENCIES if telegram else URGENCIES
    if urgency not in allowed:
        raise InvalidInput(f"{'电报' if telegram else '文件'}的紧急程度须为{'、'.join(allowed)}。")


def _check_handling(handling: str) -> None:
    if handling not in HANDLING:
        raise InvalidInput("请选择办件或阅件。")


def validate(data: DocumentInput, now: datetime) -> tuple[DocumentInput, list[str], list[str]]:
    warnings: list[str] = []
    issuer = text_rules.clean("issuer", data.issuer)
    title = text_rules.clean("title", data.title)
    if not issuer:
        raise InvalidInput("请填写来文单位。")
    if not title:
        raise InvalidInput("请填写标题。")
    if data.source not in SOURCES:
        raise InvalidInput("请选择来文类别：" + "、".join(SOURCES) + "。")
    if data.level not in LEVELS:
        raise InvalidInput("请选择密级：绝密、机密、秘密 或 非密。")
    _check_urgency(data.urgency, data.telegram)
    _check_handling(data.handling)
    if data.pages < 0 or data.pages > 10_000:
        raise InvalidInput("页数须在 0 到 10000 之间。")
    numbers = parse_copy_numbers(data.copy_numbers)
    if not numbers:
        if data.level in CLASSIFIED:
            raise InvalidInput("密件须填写份号（如 000031-000035, 000040），每份单独登记。")
        count = data.copy_count or 1
        if not 1 <= count <= 1000:
            raise InvalidInput("份数须在 1 到 1000 之间。")
        numbers = [f"{n:06d}" for n in range(1, count + 1)]
    elif data.copy_count is not None and data.copy_count != len(numbers):
        raise InvalidInput(f"份数 {data.copy_count} 与份号个数 {len(numbers)} 不一致。")
    ranges = format_copy_ranges(numbers).count(",") + 1
    if ranges > text_rules.COPY_RANGES_LIMIT:
        raise InvalidInput(
            f"份号分成 {ranges} 段，登记簿一格最多印下 {text_rules.COPY_RANGES_LIMIT} 段，"
            "请分几次登记。"
        )
    if data.written_on and data.written_on > now.date():
        raise InvalidInput("成文日期不能晚于今天。")
    if data.received_at and data.received_at > now:
        raise InvalidInput("签收时间不能晚于现在。")
    if data.waiting_at and data.waiting_at > (data.received_at or now):
        raise InvalidInput("交换站待取时间不能晚于签收时间。")
    if data.level in CLASSIFIED and data.pages == 0:
        warnings.append("未填写页数：借还核对时将无法核对页数。")
    if data.period is not None:
        warnings.extend(period_warnings(data.period, data.level, data.written_on, data.received_at))
    normalise_doc_number(data.doc_number)  # refuses a 0 号 here, before anything is written
    clean = DocumentInput(
        issuer=issuer,
        source=data.source,
        title=title,
        level=data.level,
        copy_numbers=data.copy_numbers,
        copy_count=len(numbers),
        pages=data.pages,
        doc_number=text_rules.clean("doc_number", data.doc_number),
        written_on=data.written_on,
        period=data.period,
        urgency=data.urgency,
        telegram=data.telegram,
        handling=data.handling,
        received_at=data.received_at,
        attachments=text_rules.clean("attachments", data.attachments),
        scope_reader_ids=data.scope_reader_ids,
        scope_group_ids=data.scope_group_ids,
        deadline=data.deadline,
        cabinet=text_rules.clean("cabinet", data.cabinet),
        remarks=text_rules.clean("remarks", data.remarks),
        waiting_at=data.waiting_at,
    )
    return clean, numbers, warnings


def period_warnings(
    period: Period, level: str, written_on: date | None, received_at: datetime | None
) -> list[str]:
    """Refuses a protection period of zero; warns above the law's maximum for the level
    (绝密 30, 机密 20, 秘密 10 years): the paper may say so, but it is worth a second look."""
    if period.kind in ("年", "月") and int(period.value or "0") == 0:
        raise InvalidInput("保密期限不能为 0：请按原件填写，原件未标明的留空（按法定期限）。")
    most = DEFAULT_PERIOD_YEARS.get(level)
    if most is None:
        return []
    months = {"年": 12, "月": 1}.get(period.kind)
    over = months is not None and int(period.value) * months > most * 12
    if period.kind == "解密日期":
        start = written_on or (received_at.date() if received_at else None)
        end = date.fromisoformat(period.value)
        over = start is not None and end > _years_after(start, most)
    if not over:
        return []
    return [f"保密期限“{period.label(level)}”超过{level}件的法定最长期限 {most} 年，请核对原件。"]


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def known_source(db: Database, issuer: str) -> str | None:
    """The 来文类别 this issuer's last registration had (the form follows a known sender)."""
    cleaned = issuer.strip()
    if not cleaned:
        return None
    found = db.scalar(
        "SELECT source FROM document WHERE issuer = ? AND voided_at IS NULL"
        " ORDER BY id DESC LIMIT 1",
        (cleaned,),
    )
    return str(found) if found is not None else None


def doc_number_warnings(db: Database, issuer: str, doc_number: str) -> list[str]:
    """The same 文号 already registered under another way of writing the issuer (市委办 and
    市委办公室): the copies may be the same ones, so the custodian is told before relying on it."""
    if not doc_number:
        return []
    found = db.query(
        # One line per other spelling, naming its first registration (SQLite's min() bare columns).
        "SELECT year, serial, issuer, min(id) FROM document"
        " WHERE doc_number = ? AND issuer <> ? AND voided_at IS NULL"
        " GROUP BY issuer ORDER BY min(id) LIMIT 3",
        (doc_number, issuer),
    )
    return [
        f"文号 {doc_number} 已以来文单位“{r['issuer']}”登记为 "
        f"{registration_number(r['year'], r['serial'])}，请核对是否同一文件重复登记。"
        for r in found
    ]


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


def refuse_duplicates(db: Database, issuer: str, doc_number: str, numbers: list[str]) -> None:
    if not doc_number:
        return
    marks = ",".join("?" * len(numbers))
    # CROSS JOIN keeps the document (issuer, 文号) as the outer loop: ordered by copy_no the
    # planner chose copy_no_index, which visits every copy numbered 000001 in the room — a
    # registration grew with the room (152 µs at 7,000 documents, measured by bench/imports.py).
    row = db.one(
        "SELECT d.year, d.serial, c.copy_no FROM document d CROSS JOIN copy c"
        " ON d.id = c.document_id"
        f" WHERE d.issuer = ? AND d.doc_number = ? AND d.voided_at IS NULL AND c.copy_no IN ({marks})"
        " ORDER BY c.copy_no LIMIT 1",
        (issuer, doc_number, *numbers),
    )
    if row is not None:
        raise InvalidInput(
            f"{issuer} {doc_number} 第 {row['copy_no']} 份已于收文编号 "
            f"{registration_number(row['year'], row['serial'])} 登记，每份文件只能登记一次。"
        )


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
            _check_urgency(values["urgency"], before.telegram)
        if "handling" in values:
            _check_handling(values["handling"])
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
