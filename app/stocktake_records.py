"""A finished stocktake as the room reads it: its findings, and the 清查登记表 for both
signatures (audited once printed or saved)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import audit, stocktake
from app.numbers import registration_number
from app.output import Output
from app.reports.stocktake_pdf import Signers, render_stocktake_sheet
from app.roles import BUSINESS_ROLES
from app.stocktake import Finding

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class FindingRow:
    id: int
    finding: Finding
    item: str
    level: str
    title: str
    detail: str
    resolution: str | None


def findings(session: Session, stocktake_id: int) -> list[FindingRow]:
    """Every discrepancy of one stocktake, class by class in the order of `Finding`."""
    session.require(*BUSINESS_ROLES)
    rows = session.db.query(
        "SELECT f.id, f.class, f.detail, f.resolution_kind, f.resolution, c.copy_no,"
        " d.year, d.serial, d.level, d.title FROM stocktake_finding f"
        " LEFT JOIN copy c ON c.id = f.copy_id LEFT JOIN document d ON d.id = c.document_id"
        " WHERE f.stocktake_id = ? ORDER BY f.id",
        (stocktake_id,),
    )
    order = {f: i for i, f in enumerate(Finding)}
    out = [
        FindingRow(
            r["id"],
            Finding(r["class"]),
            f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份"
            if r["copy_no"]
            else "",
            r["level"] or "",
            r["title"] or "",
            r["detail"],
            f"{r['resolution_kind']}：{r['resolution']}" if r["resolution_kind"] else None,
        )
        for r in rows
    ]
    return sorted(out, key=lambda f: (order[f.finding], f.id))


def register_sheet(session: Session, stocktake_id: int) -> Output:
    """清查登记表 of one stocktake, for both signatures; audited once printed or saved."""
    session.require(*BUSINESS_ROLES)
    db = session.db
    done = stocktake.summary(session, stocktake_id)
    taken = done.stocktake
    signers = Signers(
        stocktake.person_name(db, taken.started_by),
        stocktake.person_name(db, taken.second_person),
        taken.confirmed_by is not None,
    )
    rows = findings(session, stocktake_id)
    pdf = render_stocktake_sheet(done, rows, signers, session.room.unit, session.clock.now())

    def delivered(where: str) -> None:
        with db.transaction():
            audit.record(
                db,
                session.clock,
                session.account.login,
                "输出清查登记表",
                f"stocktake:{stocktake_id}",
                {"scope": taken.scope, "findings": len(rows), "to": where},
            )

    return Output(pdf, delivered, "清查登记表已输出但未能记入审计，请销毁后重新输出。")
