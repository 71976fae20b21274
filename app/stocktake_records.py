"""A finished stocktake as the room reads it: its findings, and the 清查登记表 for both
signatures (audited once printed or saved)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import audit, stocktake
from app.apart import run_apart
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


_FINDINGS = (
    "SELECT f.id, f.class, f.detail, f.resolution_kind, f.resolution, c.copy_no,"
    " d.year, d.serial, d.level, d.title FROM stocktake_finding f"
    " LEFT JOIN copy c ON c.id = f.copy_id LEFT JOIN document d ON d.id = c.document_id"
)


def _row(r: Any) -> FindingRow:
    return FindingRow(
        r["id"],
        Finding(r["class"]),
        f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份" if r["copy_no"] else "",
        r["level"] or "",
        r["title"] or "",
        r["detail"],
        f"{r['resolution_kind']}：{r['resolution']}" if r["resolution_kind"] else None,
    )


def findings(session: Session, stocktake_id: int) -> list[FindingRow]:
    """Every discrepancy of one stocktake, class by class in the order of `Finding` (for the
    printed sheet; the window reads them a page at a time, `findings_page`)."""
    session.require(*BUSINESS_ROLES)
    rows = session.db.query(f"{_FINDINGS} WHERE f.stocktake_id = ? ORDER BY f.id", (stocktake_id,))
    order = {f: i for i, f in enumerate(Finding)}
    return sorted(map(_row, rows), key=lambda f: (order[f.finding], f.id))


def findings_page(
    session: Session, stocktake_id: int, after: FindingRow | None = None, limit: int = 200
) -> list[FindingRow]:
    """The `limit` discrepancies that follow `after` in `findings`' order, read class by class
    along the finding index: a whole-room stocktake can find a million, and the window showed
    them all at once (19 s at the stress room)."""
    session.require(*BUSINESS_ROLES)
    classes = list(Finding)
    start, last_id = (classes.index(after.finding), after.id) if after else (0, 0)
    out: list[FindingRow] = []
    for finding in classes[start:]:
        rows = session.db.query(
            f"{_FINDINGS} WHERE f.stocktake_id = ? AND f.class = ? AND f.id > ?"
            " ORDER BY f.id LIMIT ?",
            (stocktake_id, finding.value, last_id, limit - len(out)),
        )
        out.extend(map(_row, rows))
        if len(out) >= limit:
            break
        last_id = 0
    return out


def register_sheet(session: Session, stocktake_id: int, progress: Any = None) -> Output:
    """清查登记表 of one stocktake, for both signatures; audited once printed or saved. Laid
    out apart from the window when the session has a process for it (app/apart.py): a whole
    room's sheet lists every discrepancy."""
    session.require(*BUSINESS_ROLES)
    pdf, scope, count = run_apart(session, progress, sheet_pdf, stocktake_id)

    def delivered(where: str) -> None:
        # session.db when delivered: a sheet laid out on the task runner is recorded through
        # the window's connection (ui/tasks.hand_over), the worker's being closed by then.
        with session.db.transaction():
            audit.record(
                session.db,
                session.clock,
                session.account.login,
                "输出清查登记表",
                f"stocktake:{stocktake_id}",
                {"scope": scope, "findings": count, "to": where},
            )

    return Output(pdf, delivered, "清查登记表已输出但未能记入审计，请销毁后重新输出。")


def sheet_pdf(session: Session, stocktake_id: int, progress: Any = None) -> tuple[bytes, str, int]:
    """(the 清查登记表's PDF, the stocktake's scope, how many findings it lists), not recorded."""
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
    return pdf, taken.scope, len(rows)
