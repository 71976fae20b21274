"""Settling what a stocktake found: each finding becomes an incident (事件, for the 保密员 to
handle like any 核对异常), a relocation (移柜, the copy recorded in the cabinet it was found in)
or a correction (更正, what was done, in words). Written once, audited."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from app import audit, cabinets, text_rules
from app.clock import stamp
from app.errors import InvalidInput, MijianError
from app.registry import add_copy_event
from app.roles import Role
from app.scanning import copy_ref
from app.stocktake import Finding, get

if TYPE_CHECKING:
    from app.session import Session


class Resolution(StrEnum):
    INCIDENT = "事件"
    RELOCATION = "移柜"
    CORRECTION = "更正"


def resolve(session: Session, finding_id: int, kind: Resolution | str, note: str) -> None:
    session.require(Role.CUSTODIAN)
    try:
        kind = Resolution(kind)
    except ValueError:
        raise InvalidInput("处理方式须为 事件、移柜 或 更正。") from None
    note = text_rules.clean("discrepancy", note)
    if len(note) < 2:
        raise InvalidInput("请写明处理情况。")
    db = session.db
    now = session.clock.now()
    with db.transaction():
        row = db.one("SELECT * FROM stocktake_finding WHERE id = ?", (finding_id,))
        if row is None:
            raise MijianError(f"没有编号为 {finding_id} 的清查差异。")
        if row["resolved_at"] is not None:
            raise InvalidInput("这项差异已经处理。")
        finding = Finding(row["class"])
        taken = get(db, row["stocktake_id"])
        copy_id = row["copy_id"]
        said = note
        if kind is Resolution.RELOCATION:
            if finding is not Finding.WRONG_CABINET or taken.cabinet is None:
                raise InvalidInput("只有“错柜”的差异可以按移柜处理。")
            placed = cabinets.place(session, taken.cabinet.id, copy_id)
            said = f"{placed.message}{note}"
        elif kind is Resolution.INCIDENT:
            if copy_id is None:
                raise InvalidInput(
                    "没有对应文件的差异（伪造、无法识别的编码）请按更正处理并报保密员。"
                )
            copy = copy_ref(db, copy_id)
            description = (
                f"清查{taken.scope}：{copy.label} {finding.label}（{row['detail']}）。{note}"
            )
            cursor = db.execute(
                "INSERT INTO incident (kind, copy_id, at, noted_by, description)"
                " VALUES ('核对异常', ?, ?, ?, ?)",
                (copy_id, stamp(now), session.account.login, description[:400]),
            )
            said = f"已登记核对异常（第 {cursor.lastrowid} 号）：{note}"
            add_copy_event(
                db, copy_id, now, session.account.login, "清查差异", {"finding": finding.value}
            )
        db.execute(
            "UPDATE stocktake_finding SET resolved_at = ?, resolved_by = ?, resolution_kind = ?,"
            " resolution = ? WHERE id = ?",
            (stamp(now), session.account.login, kind.value, said, finding_id),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "处理清查差异",
            f"stocktake:{taken.id}",
            {"finding": finding_id, "class": finding.value, "kind": kind.value, "note": note},
        )
