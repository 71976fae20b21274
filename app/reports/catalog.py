"""Every year-end report by name: one entry point for `mijian report KIND` and the 报表 page.

Each report renders a PDF and gives the sheet a CSV/XLSX export writes. Printing or exporting a
list of classified titles is itself audited, once the bytes are on paper or in a file: `render`
records nothing; `output` returns the bytes with the record to make on delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from app import (
    accounts,
    audit,
    circulation_records,
    copying,
    day_close,
    destruction,
    filing,
    instructions,
    recall,
)
from app.apart import run_apart
from app.clock import stamp
from app.documents import get_document
from app.errors import InvalidInput
from app.output import Output
from app.register_query import RegisterFilter
from app.reports import (
    copying_sheet,
    distribution_register,
    filing_sheets,
    outgoing_register,
    selfcheck_stats,
    sheets,
)
from app.reports.circulation_pdf import render_circulation
from app.reports.day_close_pdf import render_day_closes
from app.reports.destruction_pdf import People, render_handover
from app.reports.destruction_pdf import render_register as render_destruction_register
from app.reports.instructions_pdf import render_ledger
from app.reports.recall_pdf import render_recall_lists
from app.reports.register_pdf import render_register
from app.reports.sheets import Sheet
from app.reports.tables import Progress
from app.reports.year_pdf import render_sheet, render_stats
from app.roles import BUSINESS_ROLES, Role
from app.vocab import CopyState

if TYPE_CHECKING:
    from app.session import Session

READERS = BUSINESS_ROLES  # every report lists titles, readers or 批示


@dataclass(frozen=True)
class Options:
    year: int
    months: int = 12  # the 保密期限 review looks this far ahead
    progress: Progress | None = None
    day: date | None = None  # the 日终清点表's day (default: the last day closed)
    month: int | None = None  # the 借阅登记 of one month of the year
    reader: int | None = None  # the 借阅登记 of one reader (reader id)


@dataclass(frozen=True)
class Report:
    kind: str
    title: str
    render: Callable[[Session, Options], bytes]
    sheet: Callable[[Session, Options], Sheet]
    roles: tuple[Role, ...] = READERS


def _register(session: Session, o: Options) -> bytes:
    return render_register(
        session.db,
        RegisterFilter(year=o.year),
        session.room.unit,
        session.clock.now(),
        f"{o.year}年",
        o.progress,
    )


def _instruction_items(session: Session, year: int) -> list[instructions.Instruction]:
    items = instructions.search(session.db, year=year, limit=1_000_000)
    items.sort(key=lambda i: i.given_at)
    return items


def _instructions(session: Session, o: Options) -> bytes:
    return render_ledger(
        [(i, instructions.events(session.db, i.id)) for i in _instruction_items(session, o.year)],
        session.room.unit,
        o.year,
        session.clock.now(),
    )


def _instructions_sheet(session: Session, o: Options) -> Sheet:
    rows: list[tuple[object, ...]] = [
        (
            i.number,
            i.title,
            i.leader,
            stamp(i.given_at)[:16].replace("T", " "),
            i.text,
            f"{i.unit} {i.handler}".strip(),
            stamp(i.deadline)[:16].replace("T", " "),
            i.state,
            stamp(i.done_at)[:10] if i.done_at else "",
            i.feedback or "",
        )
        for i in _instruction_items(session, o.year)
    ]
    headers = (
        "收文编号",
        "文件",
        "批示领导",
        "批示时间",
        "批示内容",
        "承办",
        "办理时限",
        "状态",
        "办结日期",
        "反馈",
    )
    return Sheet(f"批示件台账（{o.year}年）", headers, rows)


def _handovers_sheet(session: Session, o: Options) -> Sheet:
    return sheets.handovers(session.db, o.year, o.month, o.reader)


def _handovers(session: Session, o: Options) -> bytes:
    return render_sheet(
        sheets.handovers_paged(session.db, o.year, o.month, o.reader),
        session.room.unit,
        session.clock.now(),
        (26, 16, 24, 26, 52, 10, 26, 26, 22, 45),
        frozenset({2, 4, 8, 9}),
        progress=o.progress,
    )


def _recall(session: Session, o: Options) -> bytes:
    return render_recall_lists(
        recall.rows(session.db, o.year),
        o.year,
        session.room.unit,
        session.clock.now(),
        progress=o.progress,
    )


def _destruction(session: Session, o: Options) -> bytes:
    return render_sheet(
        sheets.destroyed(session.db, o.year),
        session.room.unit,
        session.clock.now(),
        (26, 22, 42, 107, 14, 18, 20, 14),
        frozenset({2, 3}),
        note="（均经两名监销人监销）",
        progress=o.progress,
    )


def _stats(session: Session, o: Options) -> bytes:
    return render_stats(
        _stats_sheet(session, o),
        sheets.overnight(session.db, o.year),
        session.room.unit,
        o.year,
        session.clock.now(),
    )


def _stats_sheet(session: Session, o: Options) -> Sheet:
    return sheets.stats_sheet(sheets.stats(session.db, o.year, stamp(session.clock.now())))


def _review_sheet(session: Session, o: Options) -> Sheet:
    return sheets.review(session.db, session.clock.now().date(), o.months)


def _review(session: Session, o: Options) -> bytes:
    return render_sheet(
        _review_sheet(session, o),
        session.room.unit,
        session.clock.now(),
        (22, 22, 36, 42, 92, 24, 18, 17),
        frozenset({2, 3, 4}),
        progress=o.progress,
    )


def _filing_sheet(session: Session, o: Options) -> Sheet:
    return filing_sheets.filing_list(filing.filed(session, o.year), o.year)


def _filing(session: Session, o: Options) -> bytes:
    return render_sheet(
        _filing_sheet(session, o),
        session.room.unit,
        session.clock.now(),
        filing_sheets.FILING_WIDTHS_MM,
        frozenset({2, 3, 5}),
        progress=o.progress,
        signatures=filing_sheets.SIGNATURES,
    )


def _ends_sheet(session: Session, o: Options) -> Sheet:
    return filing_sheets.ends_check(filing.unended(session, o.year), o.year)


def _ends(session: Session, o: Options) -> bytes:
    return render_sheet(
        _ends_sheet(session, o),
        session.room.unit,
        session.clock.now(),
        filing_sheets.ENDS_WIDTHS_MM,
        frozenset({2, 5}),
        progress=o.progress,
    )


def _copying_sheet(session: Session, o: Options) -> Sheet:
    return copying_sheet.copying_register(copying.register_of(session, o.year), o.year)


def _copying(session: Session, o: Options) -> bytes:
    return render_sheet(
        _copying_sheet(session, o),
        session.room.unit,
        session.clock.now(),
        copying_sheet.WIDTHS_MM,
        frozenset({3, 7, 8}),
        progress=o.progress,
    )


def _selfcheck_sheet(session: Session, o: Options) -> Sheet:
    return selfcheck_stats.sheet(selfcheck_stats.figures(session, o.year))


def _selfcheck(session: Session, o: Options) -> bytes:
    return render_sheet(
        _selfcheck_sheet(session, o),
        session.room.unit,
        session.clock.now(),
        (30, 10, *(11,) * 12, *(14,) * 4, 14),
        frozenset({0}),
        note="（件：文件件数；份：份数或人次；期末在管为各期末数）",
        progress=o.progress,
    )


def _closes(session: Session, o: Options) -> list[day_close.DayClose]:
    day = o.day
    if day is None:
        last = day_close.last_close(session.db)
        if last is None:
            raise InvalidInput("还没有日终清点过，没有清点表。")
        day = last.day
    closes = day_close.closes_of(session.db, day)
    if not closes:
        raise InvalidInput(f"{day:%Y年%m月%d日} 没有日终清点，没有清点表。")
    return closes


def _day_close(session: Session, o: Options) -> bytes:
    closes = _closes(session, o)

    def name(login: str) -> str:
        account = accounts.find(session.db, login)
        return account.display_name if account else login

    names = {c.closed_by: name(c.closed_by) for c in closes}
    return render_day_closes(closes, session.room.unit, names)


def _day_close_sheet(session: Session, o: Options) -> Sheet:
    closes = _closes(session, o)
    rows: list[tuple[object, ...]] = []
    for c in closes:
        at = f"{c.closed_at:%H:%M} {c.closed_by}（第 {c.round} 次）"
        for level, n in c.counts.items():
            rows.append(
                (
                    at,
                    "在柜与借出",
                    level,
                    f"在柜 {n.get(CopyState.IN_CABINET, 0)}，借出 {n.get(CopyState.LENT, 0)}",
                    "",
                )
            )
        for e in c.exceptions:
            rows.append((at, "过夜例外", e["copy"], e["reader"], f"{e['approver']}：{e['reason']}"))
        for v in c.overrides:
            rows.append(
                (
                    at,
                    "例外放行",
                    v["copy"],
                    v["reader"],
                    f"{v['approver']}：{v['kind']} {v['reason']}",
                )
            )
        rows.append((at, "审计链头", str(c.chain_seq), c.chain_head, ""))
    day = closes[0].day
    return Sheet(f"日终清点表（{day:%Y年%m月%d日}）", ("清点", "项目", "内容", "", "批准"), rows)


REPORTS: dict[str, Report] = {
    r.kind: r
    for r in (
        Report("register", "收文登记簿", _register, lambda s, o: sheets.register(s.db, o.year)),
        Report("handovers", "借阅登记", _handovers, _handovers_sheet),
        Report("instructions", "批示件台账", _instructions, _instructions_sheet),
        Report("recall", "清退清单", _recall, lambda s, o: sheets.recall_rows(s.db, o.year)),
        Report(
            "destruction", "销毁情况", _destruction, lambda s, o: sheets.destroyed(s.db, o.year)
        ),
        Report("stats", "年度统计", _stats, _stats_sheet),
        Report("review", "保密期限届满审查清单", _review, _review_sheet),
        Report(
            "distribution",
            "分发登记",
            lambda s, o: distribution_register.render(
                s.db, o.year, s.room.unit, s.clock.now(), o.progress
            ),
            lambda s, o: distribution_register.sheet(s.db, o.year, s.clock.now()),
        ),
        Report("day-close", "日终清点表", _day_close, _day_close_sheet),
        Report(
            "outgoing",
            "发文登记簿",
            lambda s, o: outgoing_register.render_book(
                s.db, o.year, s.room.unit, s.clock.now(), o.progress
            ),
            lambda s, o: outgoing_register.book_sheet(s.db, o.year),
        ),
        Report(
            "replies",
            "回执催收",
            lambda s, o: outgoing_register.render_replies(
                s.db, o.year, s.room.unit, s.clock.now(), o.progress
            ),
            lambda s, o: outgoing_register.replies_sheet(s.db, o.year),
        ),
        Report(
            "returned",
            "退文登记",
            lambda s, o: outgoing_register.render_returned(
                s.db, o.year, s.room.unit, s.clock.now(), o.progress
            ),
            lambda s, o: outgoing_register.returned_sheet(s.db, o.year),
        ),
        Report("filing", "归档移交清单", _filing, _filing_sheet),
        Report("ends", "去向核查", _ends, _ends_sheet),
        Report("copying", "复制审批登记", _copying, _copying_sheet),
        Report("selfcheck", "保密自查自评统计", _selfcheck, _selfcheck_sheet),
    )
}


def _check(session: Session, kind: str, o: Options) -> Report:
    report = REPORTS.get(kind)
    if report is None:
        raise InvalidInput(f"没有名为 {kind} 的报表。现有：" + "、".join(REPORTS) + "。")
    session.require(*report.roles)
    if not 2000 <= o.year <= 2100:
        raise InvalidInput("年份须在 2000 到 2100 之间。")
    if not 1 <= o.months <= 120:
        raise InvalidInput("审查期须在 1 到 120 个月之间。")
    if (o.month is not None or o.reader is not None) and kind != "handovers":
        raise InvalidInput("只有借阅登记可以按月份或读者输出。")
    return report


def render(
    session: Session,
    kind: str,
    year: int,
    *,
    months: int = 12,
    progress: Progress | None = None,
    day: date | None = None,
    month: int | None = None,
    reader: int | None = None,
) -> bytes:
    """The report's PDF bytes, not audited: deliver them with `output` or `record_output`.
    `months` for the 保密期限 review, `progress` for long layouts, `day` for the 日终清点表,
    `month` and `reader` (id) for the 借阅登记 of one month or one reader."""
    o = Options(year, months, progress, day, month, reader)
    return _check(session, kind, o).render(session, o)


def output(
    session: Session,
    kind: str,
    year: int,
    *,
    months: int = 12,
    progress: Progress | None = None,
    day: date | None = None,
    month: int | None = None,
    reader: int | None = None,
) -> Output:
    """The report's PDF and its audit record, made when the bytes reach the printer or a file.
    Laid out apart from the window when the session has a process for it (app/apart.py)."""
    pdf = run_apart(
        session, progress, render, kind, year, months=months, day=day, month=month, reader=reader
    )
    return Output(
        pdf,
        lambda where: record_output(session, kind, year, len(pdf), where, day, month, reader),
        "报表已输出但未能记入审计，请销毁后重新输出。",
    )


def record_output(
    session: Session,
    kind: str,
    year: int,
    size: int,
    where: str,
    day: date | None = None,
    month: int | None = None,
    reader: int | None = None,
) -> None:
    """The audit event of a report whose `size` bytes are now at `where` (a path or 打印机)."""
    details: dict[str, object] = {"year": year, "bytes": size, "to": where}
    if day is not None:
        details["day"] = day.isoformat()
    if month is not None:
        details["month"] = month
    if reader is not None:
        details["reader"] = reader
    _audit(session, "输出报表", kind, details)


def sheet(
    session: Session,
    kind: str,
    year: int,
    months: int = 12,
    day: date | None = None,
    month: int | None = None,
    reader: int | None = None,
) -> Sheet:
    """The report's rows, for app.reports.export (which audits the plaintext file it writes)."""
    o = Options(year, months, day=day, month=month, reader=reader)
    return _check(session, kind, o).sheet(session, o)


def _audit(session: Session, action: str, kind: str, details: dict[str, object]) -> None:
    with session.db.transaction():
        audit.record(
            session.db, session.clock, session.account.login, action, f"report:{kind}", details
        )


# ---- forms printed from the 清退销毁 page ---------------------------------------------------------
def recall_list(
    session: Session, year: int, issuer: str | None = None, progress: Progress | None = None
) -> Output:
    """清退清单 for one issuer (or all), in duplicate; audited when printed or saved."""
    session.require(*READERS)
    pdf = run_apart(session, progress, recall_list_pdf, year, issuer)
    details = {"year": year, "issuer": issuer or "全部"}
    return _delivered_with_audit(session, pdf, "recall", details)


def recall_list_pdf(
    session: Session, year: int, issuer: str | None, progress: Progress | None = None
) -> bytes:
    session.require(*READERS)
    return render_recall_lists(
        recall.rows(session.db, year),
        year,
        session.room.unit,
        session.clock.now(),
        issuer,
        progress,
    )


def batch_form(
    session: Session, batch_id: int, which: str = "register", progress: Progress | None = None
) -> Output:
    """销毁登记表 (`register`) or 销毁载体移交单 (`handover`) of one batch; audited when printed
    or saved."""
    session.require(*READERS)
    batch = destruction.get(session.db, batch_id)
    pdf = run_apart(session, progress, batch_form_pdf, batch_id, which)
    return _delivered_with_audit(session, pdf, f"destruction-{which}", {"batch": batch.label})


def batch_form_pdf(
    session: Session, batch_id: int, which: str, progress: Progress | None = None
) -> bytes:
    session.require(*READERS)
    db = session.db
    batch = destruction.get(db, batch_id)
    found = list(destruction.items(db, batch_id))

    def name(login: str | None) -> str:
        account = accounts.find(db, login) if login else None
        return account.display_name if account else (login or "")

    people = People(
        name(batch.built_by), name(batch.approved_by), tuple(map(name, batch.witnesses))
    )
    unit, now = session.room.unit, session.clock.now()
    if which == "register":
        return render_destruction_register(batch, found, people, unit, now, progress)
    return render_handover(batch, found, people, unit, now)


def circulation_sheet(session: Session, document_id: int) -> Output:
    """传阅单 of one document, with its route and the times filled so far; audited when
    printed or saved."""
    session.require(*READERS)
    db = session.db
    doc = get_document(db, document_id)
    pdf = render_circulation(
        doc,
        circulation_records.status(db, document_id),
        instructions.of_document(db, document_id),
        session.room.unit,
        session.clock.now(),
    )
    return _delivered_with_audit(session, pdf, "circulation", {"document": doc.number})


def _delivered_with_audit(
    session: Session, pdf: bytes, kind: str, details: dict[str, object]
) -> Output:
    return Output(
        pdf,
        lambda where: _audit(session, "输出报表", kind, {**details, "to": where}),
        "表格已输出但未能记入审计，请销毁后重新输出。",
    )
