"""What a folder (一夹一传递) holds now: written only with an audit event, never deleted.

Kept apart from app.folders so that app.desk can pack a folder in the handover's own
transaction without importing the folder's use cases (which use the desk).
"""

from __future__ import annotations

from app import audit
from app.clock import Clock, stamp
from app.numbers import registration_number
from db.connection import Database


def contents(db: Database, folder_id: int) -> list[int]:
    """The copy ids in the folder now, in the order they were put in."""
    rows = db.query(
        "SELECT copy_id FROM folder_item WHERE folder_id = ? AND removed_at IS NULL ORDER BY id",
        (folder_id,),
    )
    return [int(r["copy_id"]) for r in rows]


def pack(db: Database, clock: Clock, login: str, folder_id: int, copy_ids: list[int]) -> None:
    """The folder holds exactly `copy_ids` from now (taken from any other folder they were in);
    audited as 装夹 when that changes what it holds. Call inside a transaction."""
    name = db.scalar("SELECT name FROM folder WHERE id = ?", (folder_id,))
    before = contents(db, folder_id)
    if sorted(before) == sorted(copy_ids):
        return
    now = stamp(clock.now())
    marks = ",".join("?" * len(copy_ids)) or "NULL"
    # Out of this folder what is not to stay, and out of any other folder what comes in.
    db.execute(
        "UPDATE folder_item SET removed_at = ?, removed_by = ? WHERE removed_at IS NULL"
        f" AND ((folder_id = ? AND copy_id NOT IN ({marks}))"
        f" OR (folder_id <> ? AND copy_id IN ({marks})))",
        (now, login, folder_id, *copy_ids, folder_id, *copy_ids),
    )
    for copy_id in copy_ids:
        if copy_id not in before:
            db.execute(
                "INSERT INTO folder_item (folder_id, copy_id, added_at, added_by)"
                " VALUES (?, ?, ?, ?)",
                (folder_id, copy_id, now, login),
            )
    labels = _labels(db, copy_ids)
    audit.record(
        db, clock, login, "装夹", f"folder:{name}", {"before": _labels(db, before), "after": labels}
    )


def _labels(db: Database, copy_ids: list[int]) -> list[str]:
    if not copy_ids:
        return []
    marks = ",".join("?" * len(copy_ids))
    rows = db.query(
        "SELECT d.year, d.serial, c.copy_no FROM copy c JOIN document d ON d.id = c.document_id"
        f" WHERE c.id IN ({marks}) ORDER BY d.year, d.serial, c.copy_no",
        tuple(copy_ids),
    )
    return [f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份" for r in rows]
