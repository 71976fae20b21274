"""发文登记簿, 回执催收 and 退文登记 as year sheets: what the 报表 page and `mijian report`
print, and what a CSV/XLSX export writes. Counted in 件 (documents) and 份 (copies)."""

from __future__ import annotations

from datetime import datetime

from app import outgoing_records, returned_mail
from app.clock import stamp
from app.reports.sheets import Sheet
from app.reports.tables import Progress
from app.reports.year_pdf import render_sheet
from db.connection import Database

BOOK_HEADERS = (
    "发文字号",
    "各份编号",  # the room's number for its copies (F2026-0001, app/numbers.py)
    "标题",
    "密级",
    "紧急程度",
    "签发人",
    "签发日期",
    "印制份数",
    "页数",
    "主送/抄送（份号）",
    "存档份",
    "回执",
    "办理情况",
)
BOOK_WIDTHS = (30, 18, 34, 18, 12, 14, 18, 12, 9, 42, 26, 16, 24)


def book_sheet(db: Database, year: int) -> Sheet:
    rows: list[tuple[object, ...]] = []
    copies = 0
    for out in outgoing_records.of_year(db, year):
        lines = outgoing_records.recipients(db, out.id)
        sent = "；".join(f"{r.role} {r.unit} {r.copy_ranges}" for r in lines)
        back = sum(r.replied_at is not None for r in lines)
        if out.voided_at is not None:
            status = f"已作废：{out.void_reason}"
            replies = "—"
        else:
            copies += out.printed
            status = out.notes
            waiting = sum(r.sent_at is not None and r.replied_at is None for r in lines)
            replies = f"{back}/{len(lines)}" + (f"，待 {waiting}" if waiting else "")
            if not any(r.sent_at for r in lines):
                replies = "未发出"
        rows.append(
            (
                out.label,
                out.registration,
                out.title,
                out.level_label,
                out.urgency,
                out.signed_by,
                out.signed_on.isoformat(),
                out.printed,
                out.pages,
                sent,
                outgoing_records.kept_range(out, lines) or "无",
                replies,
                status,
            )
        )
    c = outgoing_records.counts(db, year)
    title = f"发文登记簿（{year}年，共 {c['件']} 件 {copies} 份，作废 {c['作废']} 号）"
    return Sheet(title, BOOK_HEADERS, rows)


def render_book(
    db: Database, year: int, unit: str, now: datetime, progress: Progress | None = None
) -> bytes:
    return render_sheet(
        book_sheet(db, year),
        unit,
        now,
        BOOK_WIDTHS,
        frozenset({2, 3, 9, 10, 12}),
        progress=progress,
    )


REPLY_HEADERS = (
    "发文字号",
    "标题",
    "密级",
    "收文单位",
    "主送/抄送",
    "份号",
    "份数",
    "发出时间",
    "已催收",
    "最近催收",
)
REPLY_WIDTHS = (30, 50, 22, 38, 18, 34, 10, 26, 14, 26)  # 份号 and 密级★期限 on one line


def replies_sheet(db: Database, year: int) -> Sheet:
    """Every 回执 still missing of `year`'s 发文."""
    rows: list[tuple[object, ...]] = []
    documents: set[int] = set()
    copies = 0
    for line in outgoing_records.missing_replies(db):
        out = outgoing_records.get(db, line.outgoing_id)
        if out.year != year:
            continue
        documents.add(out.id)
        copies += line.copies
        last = db.scalar(
            "SELECT max(at) FROM outgoing_reply_chase WHERE recipient_id = ?", (line.id,)
        )
        rows.append(
            (
                out.label,
                out.title,
                out.level_label,
                line.unit,
                line.role,
                line.copy_ranges,
                line.copies,
                stamp(line.sent_at)[:16].replace("T", " ") if line.sent_at else "",
                f"{line.chases} 次" if line.chases else "未催",
                str(last)[:16].replace("T", " ") if last else "",
            )
        )
    title = f"回执催收（{year}年发文，{len(documents)} 件 {len(rows)} 个单位 {copies} 份未回执）"
    return Sheet(title, REPLY_HEADERS, rows)


def render_replies(
    db: Database, year: int, unit: str, now: datetime, progress: Progress | None = None
) -> bytes:
    return render_sheet(
        replies_sheet(db, year), unit, now, REPLY_WIDTHS, frozenset({1, 3}), progress=progress
    )


RETURNED_HEADERS = (
    "退文编号",
    "来件单位",
    "文号",
    "标题",
    "密级",
    "退文原因",
    "指出的问题",
    "收到时间",
    "退回时间",
    "退回对象",
    "经办",
)
RETURNED_WIDTHS = (20, 30, 26, 50, 10, 14, 38, 22, 22, 26, 14)


def returned_sheet(db: Database, year: int) -> Sheet:
    items = returned_mail.of_year(db, year)
    rows: list[tuple[object, ...]] = [
        (
            i.label,
            i.sender,
            i.doc_number,
            i.title,
            i.level,
            str(i.rule),
            i.note,
            stamp(i.came_at)[:16].replace("T", " "),
            stamp(i.returned_at)[:16].replace("T", " "),
            i.returned_to,
            i.returned_by,
        )
        for i in items
    ]
    by_rule = "、".join(
        f"{rule} {n}" for rule in returned_mail.Rule if (n := sum(i.rule == rule for i in items))
    )
    title = f"退文登记（{year}年，共 {len(items)} 件{'：' + by_rule if by_rule else ''}）"
    return Sheet(title, RETURNED_HEADERS, rows)


def render_returned(
    db: Database, year: int, unit: str, now: datetime, progress: Progress | None = None
) -> bytes:
    return render_sheet(
        returned_sheet(db, year),
        unit,
        now,
        RETURNED_WIDTHS,
        frozenset({1, 3, 6, 9}),
        progress=progress,
    )
