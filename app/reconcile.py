"""The business tables reconciled with the audit trail, so an edit behind the trail's back shows.

The trail is sealed (app/seal.py), but the tables that say where each copy is are ordinary rows
that anyone holding the data key can UPDATE. Each kind of custody change writes both a row and
an event in one transaction, so they must agree: every handover has its 借出 event and every
closed one its 归还 or 登记遗失 event; every 清退, 留用 and sealed destruction is in the events
that recorded it; and a copy's state is what its rows say (借出 exactly when a handover is open,
已清退 exactly with a return, 已销毁 exactly inside a sealed batch). Only counts and copy numbers
are reported, never a title.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from app import reconcile_records
from app.numbers import registration_number
from app.reconcile_records import HANDED_OUT
from app.vocab import CopyState, sql_value
from db.connection import Database

SHOW = 5


def problems(db: Database) -> list[str]:
    labels = _labels(db)
    events = _event_counts(db)
    out: list[str] = []
    rows = _row_counts(db, labels)
    for kind, what in (
        ("借出", "借出记录"),
        ("收回", "归还/遗失记录"),
        ("清退", "清退记录"),
        ("留用", "留用记录"),
    ):
        out.extend(_compare(what, rows[kind], events[kind]))
    sealed_rows = Counter(
        {
            f"batch:{r['year']}-{r['serial']}": int(r["n"])
            for r in db.query(
                "SELECT b.year, b.serial, count(i.copy_id) AS n FROM destruction_batch b"
                " JOIN destruction_item i ON i.batch_id = b.id"
                " WHERE b.sealed_at IS NOT NULL GROUP BY b.id"
            )
        }
    )
    out.extend(_compare("销毁封存", sealed_rows, events["销毁"]))
    out.extend(_states(db, labels))
    out.extend(reconcile_records.problems(db, labels))
    return out


def _labels(db: Database) -> dict[int, str]:
    # The big reads here iterate their cursor rather than fetch every row in one call, which
    # held the interpreter (and so the window's thread) for as long as a million rows took.
    return {
        int(r["id"]): f"{registration_number(r['year'], r['serial'])} 第{r['copy_no']}份"
        for r in db.execute(
            "SELECT c.id, d.year, d.serial, c.copy_no FROM copy c JOIN document d"
            " ON d.id = c.document_id"
        )
    }


def _short(label: str) -> str:
    """`2026-0001 第000031份` and `2026-0001/000031` name the same copy."""
    if "/" in label:
        number, copy_no = label.split("/", 1)
        return f"{number} 第{copy_no}份"
    return label


def _event_counts(db: Database) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {
        k: Counter() for k in ("借出", "收回", "清退", "留用", "销毁")
    }
    for row in db.execute(
        "SELECT action, object, details FROM audit_event WHERE action IN"
        " ('借出', '在室阅读', '归还', '登记遗失', '登记清退', '批准留用', '销毁封存')"
    ):
        action, obj = row["action"], row["object"]
        label = obj.removeprefix("copy:")
        if action in HANDED_OUT:
            counts["借出"][label] += 1
        elif action in ("归还", "登记遗失"):
            counts["收回"][label] += 1
        elif action == "销毁封存":
            counts["销毁"][obj] += int(json.loads(row["details"]).get("copies", 0))
        else:
            kind = "清退" if action == "登记清退" else "留用"
            for copy in json.loads(row["details"]).get("copies", []):
                counts[kind][_short(copy)] += 1
    return counts


def _row_counts(db: Database, labels: dict[int, str]) -> dict[str, Counter[str]]:
    def by_copy(sql: str) -> Counter[str]:
        return Counter({labels[int(r[0])]: int(r[1]) for r in db.execute(sql)})

    return {
        "借出": by_copy("SELECT copy_id, count(*) FROM handover GROUP BY copy_id"),
        "收回": by_copy(
            "SELECT copy_id, count(*) FROM handover WHERE back_at IS NOT NULL GROUP BY copy_id"
        ),
        "清退": by_copy("SELECT copy_id, count(*) FROM recall_return GROUP BY copy_id"),
        "留用": by_copy("SELECT copy_id, count(*) FROM recall_retention GROUP BY copy_id"),
    }


def _compare(what: str, rows: Counter[str], events: Counter[str]) -> list[str]:
    missing = [k for k in rows if rows[k] > events.get(k, 0)]
    unrecorded = [k for k in events if events[k] > rows.get(k, 0)]
    out = []
    if missing:
        out.append(
            f"{what}与审计记录不符：{len(missing)} 份有记录而无审计事件（{_first(missing)}）。"
        )
    if unrecorded:
        out.append(
            f"{what}与审计记录不符：{len(unrecorded)} 份有审计事件而记录缺失（{_first(unrecorded)}）。"
        )
    return out


def _states(db: Database, labels: dict[int, str]) -> list[str]:
    checks = (
        (
            "记为借出却没有未归还的借出记录，或有未归还的借出记录却不记为借出",
            f"SELECT c.id FROM copy c WHERE (c.state = {sql_value(CopyState.LENT)}) <> EXISTS"
            " (SELECT 1 FROM handover h"
            " WHERE h.copy_id = c.id AND h.back_at IS NULL)",
        ),
        (
            "已清退状态与清退记录不符",
            f"SELECT c.id FROM copy c WHERE (c.state = {sql_value(CopyState.RECALLED)}) <> EXISTS"
            " (SELECT 1 FROM"
            " recall_return r WHERE r.copy_id = c.id)",
        ),
        (
            "已销毁状态与封存的销毁批次不符",
            f"SELECT c.id FROM copy c WHERE (c.state = {sql_value(CopyState.DESTROYED)}) <> EXISTS"
            " (SELECT 1 FROM"
            " destruction_item i JOIN destruction_batch b ON b.id = i.batch_id"
            " WHERE i.copy_id = c.id AND b.sealed_at IS NOT NULL)",
        ),
    )
    out = []
    for what, sql in checks:
        bad = [labels[int(r[0])] for r in db.execute(sql)]
        if bad:
            out.append(f"份的状态与记录不符（{what}）：{len(bad)} 份（{_few(bad)}）。")
    return out


def _few(items: Iterable[str]) -> str:
    return reconcile_records.few(items, "份")


def _first(items: Iterable[str]) -> str:
    return reconcile_records.few_sorted(items, "份")
