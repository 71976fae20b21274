"""Every printable report by name: one entry point for `mijian report KIND` and the window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import audit, instructions
from app.register_query import RegisterFilter
from app.reports.instructions_pdf import render_ledger
from app.reports.register_pdf import render_register
from app.roles import Role
from db.errors import InvalidInput

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class Report:
    kind: str
    title: str
    roles: tuple[Role, ...]
    render: Callable[[Session, int], bytes]


def _register(session: Session, year: int) -> bytes:
    return render_register(
        session.db, RegisterFilter(year=year), session.room.unit, session.clock.now(), f"{year}年"
    )


def _instructions(session: Session, year: int) -> bytes:
    items = instructions.search(session.db, year=year, limit=1_000_000)
    items.sort(key=lambda i: i.given_at)
    return render_ledger(
        [(i, instructions.events(session.db, i.id)) for i in items],
        session.room.unit,
        year,
        session.clock.now(),
    )


REPORTS: dict[str, Report] = {
    "register": Report(
        "register", "收文登记簿", (Role.CUSTODIAN, Role.SECURITY_OFFICER), _register
    ),
    "instructions": Report(
        "instructions", "批示件台账", (Role.CUSTODIAN, Role.SECURITY_OFFICER), _instructions
    ),
}


def render(session: Session, kind: str, year: int) -> bytes:
    """The report's PDF bytes; printing a list of classified titles is itself audited."""
    report = REPORTS.get(kind)
    if report is None:
        raise InvalidInput(f"没有名为 {kind} 的报表。现有：" + "、".join(REPORTS) + "。")
    session.require(*report.roles)
    if not 2000 <= year <= 2100:
        raise InvalidInput("年份须在 2000 到 2100 之间。")
    pdf = report.render(session, year)
    with session.db.transaction():
        audit.record(
            session.db,
            session.clock,
            session.account.login,
            "输出报表",
            f"report:{kind}",
            {"year": year, "bytes": len(pdf)},
        )
    return pdf
