"""What a registration must be before it is written (收文登记's checks): the input as typed from
the paper, its validation into the words and numbers the register keeps, and the warnings and
refusals that read the room (a period over the law's maximum, a 文号 under another spelling of
the issuer, a copy registered twice). Nothing here writes; app/registry.py writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app import text_rules
from app.classification import (
    CLASSIFIED,
    DEFAULT_PERIOD_YEARS,
    HANDLING,
    LEVELS,
    SOURCES,
    TELEGRAM_URGENCIES,
    URGENCIES,
    Period,
)
from app.errors import InvalidInput
from app.numbers import (
    format_copy_ranges,
    normalise_doc_number,
    parse_copy_numbers,
    registration_number,
)
from db.connection import Database


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


def check_urgency(urgency: str, telegram: bool) -> None:
    """特提 is a telegram's; a document's run 特急 to 平件."""
    allowed = TELEGRAM_URGENCIES if telegram else URGENCIES
    if urgency not in allowed:
        raise InvalidInput(f"{'电报' if telegram else '文件'}的紧急程度须为{'、'.join(allowed)}。")


def check_handling(handling: str) -> None:
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
    check_urgency(data.urgency, data.telegram)
    check_handling(data.handling)
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
