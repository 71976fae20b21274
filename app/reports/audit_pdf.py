"""审计报告: the trail of a period as the auditor may read it, for print and the archive.

The report holds exactly what the 审计 page shows the auditor (app/audit_view.py): the
administrators' actions in full, business events reduced to kind, time, account and object id.
It is audited as an output (输出审计报告) only once it is on the printer or the medium.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from app import audit, audit_view
from app.apart import run_apart
from app.audit_view import AuditFilter, AuditLine
from app.errors import InvalidInput
from app.output import Output
from app.reports.document import build_pdf
from app.reports.fonts import markup, register_fonts
from app.reports.tables import PagedTable, Progress, fitted, grid_style
from app.roles import Role
from app.session import Session

TITLE = "审计报告"
HEADERS = ("序号", "时间", "账户", "类别", "事项", "对象", "详情")
WIDTHS_MM = (14, 30, 36, 20, 26, 52, 95)
REDUCED = "—（业务事件，按三员规定不显示详情）"
# About 2,000 landscape pages: past that a report is no longer read, only stored; the auditor
# narrows the period or the filter instead (the whole trail is verified by 校验审计链, not read).
MOST_EVENTS = 100_000


def audit_report(session: Session, f: AuditFilter, progress: Progress | None = None) -> Output:
    """The 审计报告 of `f` (its period and filters) and its audit record, made when the bytes
    reach the printer or a file. The auditor's alone."""
    session.require(Role.AUDITOR)
    pdf, events = run_apart(session, progress, audit_pdf, f)
    details = {"period": f.period(), "filter": f.describe(), "events": events}
    return _audit_record(session, pdf, details)


def audit_pdf(
    session: Session, f: AuditFilter, progress: Progress | None = None
) -> tuple[bytes, int]:
    """(the 审计报告's PDF, how many events it lists), not recorded."""
    session.require(Role.AUDITOR)
    lines: list[AuditLine] = []
    for line in audit_view.every_line(session.db, session.role, f, progress):
        lines.append(line)
        if len(lines) > MOST_EVENTS:
            raise InvalidInput(
                f"符合条件的事件超过 {MOST_EVENTS:,} 条，请缩短期间或增加筛选条件后再输出审计报告。"
            )
    now = session.clock.now()
    pdf = render_audit_report(
        lines,
        f,
        session.room.unit,
        now,
        f"{session.account.display_name}（{session.role.label}）",
        audit.head(session.db),
        audit.count(session.db),
        progress,
    )
    return pdf, len(lines)


def _audit_record(session: Session, pdf: bytes, details: dict[str, object]) -> Output:
    def record(where: str) -> None:
        with session.db.transaction():
            audit.record(
                session.db,
                session.clock,
                session.account.login,
                "输出审计报告",
                "report:audit",
                {**details, "bytes": len(pdf), "where": where},
            )

    return Output(pdf, record, "审计报告已输出但未能记入审计，请销毁后重新输出。")


def render_audit_report(
    lines: list[AuditLine],
    f: AuditFilter,
    unit: str,
    printed_at: datetime,
    printed_by: str,
    head: str,
    total: int,
    progress: Progress | None = None,
) -> bytes:
    font = register_fonts()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    head_style = ParagraphStyle("head", parent=cell, fontSize=8.5, alignment=1)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")

    by_group = Counter(line.group for line in lines)
    summary = Table(
        [["类别", "事件数"]]
        + [[group, str(n)] for group, n in sorted(by_group.items(), key=lambda x: -x[1])]
        + [["合计", str(len(lines))]],
        colWidths=[50 * mm, 30 * mm],
        hAlign="LEFT",
    )
    summary.setStyle(grid_style(font, 9))

    def make_row(line: AuditLine | None) -> list[Paragraph | str]:
        # Plain one-line cells where the text fits: a Paragraph per cell cost 4 ms an event.
        if line is None:
            return [Paragraph("（本期无符合条件的事件）", cell)] + [""] * (len(HEADERS) - 1)
        values = (
            str(line.seq),
            line.at,
            line.who,
            line.group,
            line.action,
            line.object,
            REDUCED if line.reduced else line.details,
        )
        return [fitted(v, cell, w * mm) for v, w in zip(values, WIDTHS_MM, strict=True)]

    style = grid_style(font, 8)
    records: list[AuditLine | None] = list(lines) or [None]
    if not lines:
        style.append(("SPAN", (0, 1), (-1, 1)))
    table = PagedTable(
        [Paragraph(h, head_style) for h in HEADERS],
        records,
        make_row,
        [w * mm for w in WIDTHS_MM],
        style,
        progress,
    )
    story = [
        Paragraph(TITLE, title),
        Paragraph(
            markup(f"{unit}　　期间：{f.period()}"), ParagraphStyle("c", parent=body, alignment=1)
        ),
        Spacer(1, 4 * mm),
        Paragraph(markup(f"筛选条件：{f.describe()}"), body),
        Paragraph(markup(f"输出人：{printed_by}　　输出时间：{printed_at:%Y-%m-%d %H:%M}"), body),
        Paragraph(
            markup(f"审计链共 {total} 条，输出时链头：{head}"),
            body,
        ),
        Paragraph(
            "管理员（系统管理员、安全保密管理员、安全审计员）的操作完整列出；业务事件只列类别、时间、"
            "账户和对象编号（三员不得查看业务数据）。",
            body,
        ),
        Spacer(1, 3 * mm),
        Paragraph("一、按类别汇总", body),
        Spacer(1, 2 * mm),
        summary,
        Spacer(1, 5 * mm),
        Paragraph("二、事件明细（按时间先后）", body),
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 12 * mm),
        Paragraph("安全审计员签字：＿＿＿＿＿＿＿＿　　　　日期：＿＿＿＿＿＿＿＿", body),
    ]
    return build_pdf(
        story,
        TITLE,
        unit,
        landscape(A4),
        (12, 14),
        footer="审计报告　按涉密载体管理",
        printed_at=printed_at,
    )
