"""More of the business tables reconciled with the trail: each copy's custody history (holder,
times, state), each document's 密级, each account's role and grant, each closed day.

Every one of these rows is written in the same transaction as the event that records it, so
a row that disagrees with its event was changed behind the trail's back. Only copy numbers,
document numbers, logins and dates are reported, never a title or a reader's name.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from collections.abc import Iterable
from itertools import groupby

from app.clock import parse_stamp
from app.numbers import registration_number
from app.vocab import CopyState, sql_in
from db.connection import Database

# The audit actions that open a handover: across the counter, or a 绝密 read in the room
# (app.on_spot), which is a handover too.
HANDED_OUT = ("借出", "在室阅读")

# A row's time and its event's time come from two reads of the same clock in one transaction.
SAME_MOMENT_SECONDS = 120
SHOW = 5


def problems(db: Database, labels: dict[int, str]) -> list[str]:
    return [
        *_custody(db, labels),
        *_levels(db),
        *_accounts(db),
        *_closed_days(db),
    ]


# ---- custody ---------------------------------------------------------------------------------
def _custody(db: Database, labels: dict[int, str]) -> list[str]:
    out_events: dict[str, list[tuple[str, str]]] = defaultdict(list)
    back_events: dict[str, list[str]] = defaultdict(list)
    last_kind: dict[str, str] = {}
    for row in db.execute(
        "SELECT action, object, at, details FROM audit_event"
        " WHERE action IN ('借出', '在室阅读', '归还', '登记遗失', '确认遗失') AND object LIKE 'copy:%'"
        " ORDER BY seq"
    ):
        label = row["object"].removeprefix("copy:")
        if row["action"] in HANDED_OUT:
            reader = str(json.loads(row["details"]).get("reader", ""))
            out_events[label].append((row["at"], reader))
        elif row["action"] != "确认遗失":  # lost in the room (app.day_close): no handover closed
            back_events[label].append(row["at"])
        last_kind[label] = row["action"]
    holders, times, states = [], [], []
    names = _reader_names(db)
    # Copy by copy, in the order of the (copy_id, id) index: a room's millions of handovers are
    # never all in memory, and the window's thread keeps getting its turn.
    cursor = db.execute(
        "SELECT copy_id, out_at, back_at, reader_id FROM handover ORDER BY copy_id, id"
    )
    for copy_id, group in groupby(cursor, key=lambda r: int(r[0])):
        rows = [(r[1], r[2], r[3]) for r in group]
        label = labels[copy_id]
        for (out_at, _, reader_id), (at, reader) in zip(
            rows, out_events.get(label, []), strict=False
        ):
            if reader not in names.get(reader_id, ()):
                holders.append(label)
            if not _near(out_at, at):
                times.append(label)
        backs = sorted(b for _, b, _ in rows if b is not None)
        if any(not _near(b, at) for b, at in zip(backs, back_events.get(label, []), strict=False)):
            times.append(label)
    # The state each last audit action leaves a copy in.
    expected = {
        "借出": CopyState.LENT,
        "在室阅读": CopyState.LENT,
        "归还": CopyState.IN_CABINET,
        "登记遗失": CopyState.LOST,
        "确认遗失": CopyState.LOST,
    }
    for row in db.execute(f"SELECT id, state FROM copy WHERE state IN {sql_in(expected.values())}"):
        label = labels[int(row["id"])]
        if row["state"] != expected.get(last_kind.get(label, "归还"), CopyState.IN_CABINET):
            states.append(label)
    out = []
    if holders:
        out.append(f"借出记录的持有人与审计记录不符：{few(holders)}。")
    if times:
        out.append(f"借出或归还时间与审计记录不符：{few(sorted(set(times)))}。")
    if states:
        out.append(f"份的在柜、借出或遗失状态与审计记录不符：{few(states)}。")
    return out


def _reader_names(db: Database) -> dict[int, set[str]]:
    """Every name each reader has had (renames are audited), so a rename is no false alarm."""
    names: dict[int, set[str]] = defaultdict(set)
    for row in db.query("SELECT id, name FROM reader"):
        names[int(row["id"])].add(str(row["name"]))
    for row in db.execute(
        "SELECT object, details FROM audit_event WHERE action = '修改读者' AND object LIKE 'reader:%'"
    ):
        before = json.loads(row["details"]).get("before", {})
        if "name" in before:
            names[int(row["object"].removeprefix("reader:"))].add(str(before["name"]))
    return names


def _near(a: str, b: str) -> bool:
    try:
        gap = abs((parse_stamp(a) - parse_stamp(b)).total_seconds())
    except (TypeError, ValueError):
        return False
    return gap <= SAME_MOMENT_SECONDS


# ---- documents -------------------------------------------------------------------------------
def _levels(db: Database) -> list[str]:
    recorded: dict[str, str] = {}
    for row in db.execute(
        "SELECT object, details FROM audit_event WHERE action IN ('登记收文', '修改收文',"
        " '解密', '延长保密期限', '变更密级')"
        " ORDER BY seq"
    ):
        level = json.loads(row["details"]).get("after", {}).get("level")
        if level is not None:
            recorded[row["object"].removeprefix("document:")] = str(level)
    bad = []
    for row in db.execute("SELECT year, serial, level FROM document"):
        number = registration_number(row["year"], row["serial"])
        if number in recorded and recorded[number] != row["level"]:
            bad.append(number)
    return [f"收文的密级与审计记录不符：{few(bad)}。"] if bad else []


# ---- accounts --------------------------------------------------------------------------------
def _accounts(db: Database) -> list[str]:
    """An account's role and grant must be what its last 授予角色/撤销角色 event says (rooms
    migrated from before grants have none for their old accounts; those are not judged)."""
    granted: dict[str, str | None] = {}
    for row in db.execute(
        "SELECT action, object, details FROM audit_event"
        " WHERE action IN ('授予角色', '撤销角色', '重置密码') ORDER BY seq"
    ):
        login = row["object"].removeprefix("account:").casefold()
        if row["action"] in ("撤销角色", "重置密码"):  # a reset waits for a new grant
            granted[login] = None
        else:
            granted[login] = json.loads(row["details"]).get("after", {}).get("role")
    bad = []
    for row in db.query("SELECT login, role, granted_at FROM account"):
        login = str(row["login"]).casefold()
        if login not in granted:
            continue
        want = granted[login]
        has = row["role"] if row["granted_at"] is not None else None
        if want != has:
            bad.append(str(row["login"]))
    return [f"账户的角色或授权与审计记录不符：{few(bad)}。"] if bad else []


# ---- closed days -----------------------------------------------------------------------------
def _closed_days(db: Database) -> list[str]:
    events = {
        (str(r["object"]).removeprefix("day:"), int(r["seq"]))
        for r in db.query("SELECT object, seq FROM audit_event WHERE action = '日终清点'")
    }
    # A day reopened by the 保密员 and closed again has its second close on the reopening.
    rows = {
        (str(r["day"]), int(r["chain_seq"]))
        for r in db.query(
            "SELECT day, chain_seq FROM day_close UNION ALL"
            " SELECT day, chain_seq FROM day_reopen WHERE closed_at IS NOT NULL"
        )
    }
    out = []
    if events - rows:
        out.append(
            f"日终清点记录缺失（审计中有清点事件）：{few(sorted(d for d, _ in events - rows))}。"
        )
    if rows - events:
        out.append(f"日终清点记录没有对应的审计事件：{few(sorted(d for d, _ in rows - events))}。")
    return out


def few(items: Iterable[str], unit: str = "项") -> str:
    """The first few names, and how many there are in all."""
    items = list(items)
    more = f" 等 {len(items)} {unit}" if len(items) > SHOW else ""
    return "、".join(items[:SHOW]) + more


def few_sorted(items: Iterable[str], unit: str = "项") -> str:
    """`few` of the items in sorted order, without sorting them all: a damaged room can name a
    million copies, and one sort of them all held the interpreter for a quarter of a second."""
    items = list(items)
    more = f" 等 {len(items)} {unit}" if len(items) > SHOW else ""
    return "、".join(heapq.nsmallest(SHOW, items)) + more
