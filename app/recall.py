"""清退: the yearly recall of the year's 中/省/市 classified copies (seed 003: 次年6月前清退、登记、销毁).

Every such copy of year N ends as 已清退 (back to its issuer against a receipt), 已销毁 (through a
sealed destruction batch, see app.destruction) or 留用 (kept for a reason the security officer
approved). Copies out at the desk, or whose document still has an open instruction, block it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from app import audit, settings
from app.clock import stamp
from app.model import Credential
from app.numbers import registration_number
from app.registry import add_copy_event
from app.roles import Role
from db.connection import Database
from db.errors import InvalidInput, MijianError

if TYPE_CHECKING:
    from app.session import Session

SOURCES = ("中央", "省", "市")
LEVELS = ("绝密", "机密", "秘密")
OUTCOMES = ("已清退", "已销毁", "留用")
COLUMNS = ("来文单位", "文号", "收文编号", "标题", "密级", "份号", "结果", "阻碍", "说明")


@dataclass(frozen=True)
class Campaign:
    year: int
    deadline: date
    opened_at: str
    opened_by: str
    closed_at: str | None
    approved_by: str | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class RecallRow(NamedTuple):  # a NamedTuple: a year's list is 100,000 of them
    copy_id: int
    document_id: int
    number: str
    issuer: str
    doc_number: str
    title: str
    level: str
    source: str
    copy_no: str
    pages: int
    state: str
    detail: str  # the receipt, the reason kept, or the batch
    outcome: str  # 已清退, 已销毁, 留用, 待销毁 (in an open batch) or 待处理
    blocker: str  # why it cannot be settled now, or ""

    @property
    def settled(self) -> bool:
        return self.outcome in OUTCOMES

    def values(self) -> tuple[str, ...]:
        """The row as the list shows and exports it, in the order of COLUMNS."""
        return (
            self.issuer,
            self.doc_number,
            self.number,
            self.title,
            self.level,
            self.copy_no,
            self.outcome,
            self.blocker,
            self.detail,
        )


@dataclass
class Tally:
    settled: int = 0
    total: int = 0


@dataclass
class Progress:
    overall: Tally = field(default_factory=Tally)
    by_issuer: dict[str, Tally] = field(default_factory=dict)
    by_level: dict[str, Tally] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    blockers: int = 0


# ---- reading ----------------------------------------------------------------------------------
def campaign(db: Database, year: int) -> Campaign | None:
    row = db.one("SELECT * FROM recall_campaign WHERE year = ?", (year,))
    return _campaign(row) if row is not None else None


def campaigns(db: Database) -> list[Campaign]:
    return [_campaign(r) for r in db.query("SELECT * FROM recall_campaign ORDER BY year DESC")]


def _campaign(row: Any) -> Campaign:
    return Campaign(
        row["year"],
        date.fromisoformat(row["deadline"]),
        row["opened_at"],
        row["opened_by"],
        row["closed_at"],
        row["approved_by"],
    )


# The year's documents once (titles are long and each has about ten copies), then their copies.
_DOCUMENTS_SQL = """
SELECT d.id, d.year, d.serial, d.issuer, d.doc_number, d.title, d.level, d.source,
       EXISTS (SELECT 1 FROM instruction s WHERE s.document_id = d.id
               AND s.state IN ('待办', '办理中', '延期')) AS open_instruction
FROM document d
WHERE d.year = ? AND d.source IN ('中央', '省', '市') AND d.level IN ('绝密', '机密', '秘密')
  AND d.voided_at IS NULL
"""
_COPIES_SQL = """
SELECT c.id, c.document_id, c.copy_no, c.pages, c.state,
       rr.returned_on, rr.receiver, rr.receipt_no, rt.reason,
       (SELECT b.year || '年第' || b.serial || '批' || CASE WHEN b.sealed_at IS NULL
               THEN '（未封存）' ELSE '' END
        FROM destruction_item i JOIN destruction_batch b ON b.id = i.batch_id
        WHERE i.copy_id = c.id AND b.cancelled_at IS NULL ORDER BY b.id DESC LIMIT 1)
FROM document d JOIN copy c ON c.document_id = d.id
LEFT JOIN recall_return rr ON rr.copy_id = c.id
LEFT JOIN recall_retention rt ON rt.copy_id = c.id
WHERE d.year = ? AND d.source IN ('中央', '省', '市') AND d.level IN ('绝密', '机密', '秘密')
  AND d.voided_at IS NULL
"""


@dataclass(frozen=True)
class _Doc:
    number: str
    issuer: str
    doc_number: str
    title: str
    level: str
    source: str
    open_instruction: bool
    order: tuple[Any, ...]


def rows(db: Database, year: int, copy_ids: list[int] | None = None) -> list[RecallRow]:
    """The year's recall list, by issuer, then 文号 in number order, then 份号."""
    docs = {
        r[0]: _Doc(
            registration_number(r[1], r[2]),
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            bool(r[8]),
            doc_number_key(r[4]),
        )
        for r in db.query(_DOCUMENTS_SQL, (year,))
    }
    sql, params = _COPIES_SQL, [year]
    if copy_ids is not None:
        sql += f" AND c.id IN ({','.join('?' * len(copy_ids))})"
        params += copy_ids
    keyed = []
    for r in db.query(sql, params):
        doc = docs[r[1]]
        keyed.append(((doc.issuer, doc.order, doc.number, r[2]), _row(r, doc)))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


def _row(r: Any, doc: _Doc) -> RecallRow:
    # Columns by position (see _COPIES_SQL): a year's list reads 100,000 of these.
    state, blocker, detail = r[4], "", ""
    if state == "已清退":
        outcome = "已清退"
        detail = f"{r[5]} 交{r[6]}，回执 {r[7]}"
    elif state == "已销毁":
        outcome, detail = "已销毁", r[9] or ""
    elif r[8] is not None:
        outcome, detail = "留用", r[8]
    elif r[9]:
        outcome, detail = "待销毁", r[9]
    else:
        outcome = "待处理"
    if outcome not in OUTCOMES:
        if state == "借出":
            blocker = "借出未还"
        elif state == "遗失":
            blocker = "遗失待查"
        elif doc.open_instruction:
            blocker = "批示未办结"
    return RecallRow(
        r[0],
        r[1],
        doc.number,
        doc.issuer,
        doc.doc_number,
        doc.title,
        doc.level,
        doc.source,
        r[2],
        r[3],
        state,
        detail,
        outcome,
        blocker,
    )


def doc_number_key(text: str) -> tuple[Any, ...]:
    """文号 in number order: 市委发〔2026〕3号 before 〔2026〕12号."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def progress(items: list[RecallRow]) -> Progress:
    result = Progress()
    # Counted once over a handful of distinct keys, not row by row.
    kinds = Counter((r.issuer, r.level, r.outcome, r.blocker != "") for r in items)
    for (issuer, level, outcome, blocked), n in kinds.items():
        settled = n if outcome in OUTCOMES else 0
        for tally in (
            result.overall,
            result.by_issuer.setdefault(issuer, Tally()),
            result.by_level.setdefault(level, Tally()),
        ):
            tally.total += n
            tally.settled += settled
        result.outcomes[outcome] += n
        result.blockers += n if blocked else 0
    return result


def default_deadline(db: Database, year: int) -> date:
    month, day = settings.load(db).recall_deadline
    return date(year + 1, month, day)


# ---- the campaign -----------------------------------------------------------------------------
def open_campaign(session: Session, year: int, deadline: date | None = None) -> Campaign:
    session.require(Role.CUSTODIAN)
    db = session.db
    now = session.clock.now()
    if not 2000 <= year <= now.year:
        raise InvalidInput(f"清退年度须在 2000 到 {now.year} 之间。")
    due = deadline or default_deadline(db, year)
    if due.year <= year:
        raise InvalidInput(f"清退截止日须在 {year + 1} 年内或之后。")
    with db.transaction():
        if campaign(db, year) is not None:
            raise InvalidInput(f"{year} 年度的清退已经开始。")
        db.execute(
            "INSERT INTO recall_campaign (year, deadline, opened_at, opened_by) VALUES (?, ?, ?, ?)",
            (year, due.isoformat(), stamp(now), session.account.login),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "开始清退",
            f"recall:{year}",
            {"deadline": due.isoformat()},
        )
    return _open(db, year)


def _open(db: Database, year: int) -> Campaign:
    found = campaign(db, year)
    if found is None:
        raise InvalidInput(f"{year} 年度的清退尚未开始。")
    if found.closed:
        raise InvalidInput(f"{year} 年度的清退已于 {found.closed_at[:10]} 结束，记录不再更改。")  # type: ignore[index]
    return found


def _campaign_rows(db: Database, year: int, copy_ids: list[int]) -> list[RecallRow]:
    if not copy_ids:
        raise InvalidInput("请先选择要处理的文件。")
    found = rows(db, year, copy_ids)
    if len(found) != len(set(copy_ids)):
        raise InvalidInput(f"所选文件中有不属于 {year} 年度中央、省、市密级文件清退范围的。")
    return found


def record_return(
    session: Session,
    year: int,
    copy_ids: list[int],
    returned_on: date,
    receiver: str,
    receipt_no: str,
) -> int:
    """已清退: the copies went back to their issuer, against a receipt. All or none."""
    session.require(Role.CUSTODIAN)
    receiver, receipt_no = receiver.strip(), receipt_no.strip()
    if not receiver:
        raise InvalidInput("请填写接收人。")
    if not receipt_no:
        raise InvalidInput("请填写回执编号。")
    db = session.db
    now = session.clock.now()
    if returned_on > now.date():
        raise InvalidInput("清退日期不能晚于今天。")
    with db.transaction():
        _open(db, year)
        items = _campaign_rows(db, year, copy_ids)
        _refuse_unsettleable(items)
        for row in items:
            db.execute(
                "INSERT INTO recall_return (copy_id, returned_on, receiver, receipt_no,"
                " recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    row.copy_id,
                    returned_on.isoformat(),
                    receiver,
                    receipt_no,
                    stamp(now),
                    session.account.login,
                ),
            )
            db.execute("UPDATE copy SET state = '已清退' WHERE id = ?", (row.copy_id,))
            details = {"receiver": receiver, "receipt": receipt_no, "on": returned_on.isoformat()}
            add_copy_event(db, row.copy_id, now, session.account.login, "清退", details)
        audit.record(
            db,
            session.clock,
            session.account.login,
            "登记清退",
            f"recall:{year}",
            {
                "copies": [f"{r.number}/{r.copy_no}" for r in items],
                "receiver": receiver,
                "receipt": receipt_no,
                "on": returned_on.isoformat(),
            },
        )
    return len(items)


def _refuse_unsettleable(items: list[RecallRow]) -> None:
    problems = [
        f"{r.number} 第{r.copy_no}份：{r.blocker or r.outcome}"
        for r in items
        if r.blocker or r.outcome != "待处理"
    ]
    if problems:
        more = f" 等 {len(problems)} 份" if len(problems) > 3 else ""
        raise InvalidInput("以下文件现在不能清退：" + "；".join(problems[:3]) + more + "。")


def retain(
    session: Session, year: int, copy_ids: list[int], reason: str, approver: Credential
) -> int:
    """留用: kept in the room for a stated reason, on the security officer's own password."""
    session.require(Role.CUSTODIAN, Role.SECURITY_OFFICER)
    reason = reason.strip()
    if len(reason) < 2:
        raise InvalidInput("留用须写明理由。")
    db = session.db
    _retainable(db, year, copy_ids)  # before asking for the password
    who = session.confirm(approver, "留用审批", Role.SECURITY_OFFICER)
    now = session.clock.now()
    with db.transaction():
        items = _retainable(db, year, copy_ids)
        for row in items:
            db.execute(
                "INSERT INTO recall_retention (copy_id, reason, decided_at, decided_by,"
                " approved_by) VALUES (?, ?, ?, ?, ?)",
                (row.copy_id, reason, stamp(now), session.account.login, who.login),
            )
            add_copy_event(db, row.copy_id, now, session.account.login, "留用", {"reason": reason})
        audit.record(
            db,
            session.clock,
            session.account.login,
            "批准留用",
            f"recall:{year}",
            {
                "copies": [f"{r.number}/{r.copy_no}" for r in items],
                "reason": reason,
                "approver": who.login,
            },
        )
    return len(items)


def _retainable(db: Database, year: int, copy_ids: list[int]) -> list[RecallRow]:
    _open(db, year)
    items = _campaign_rows(db, year, copy_ids)
    settled = [r for r in items if r.outcome != "待处理"]
    if settled:
        r = settled[0]
        raise InvalidInput(f"{r.number} 第{r.copy_no}份 已是“{r.outcome}”，不能留用。")
    return items


def close_campaign(session: Session, year: int, approver: Credential) -> Campaign:
    """The year is done: every copy settled; the security officer signs it off."""
    session.require(Role.CUSTODIAN, Role.SECURITY_OFFICER)
    db = session.db
    _all_settled(db, year)
    who = session.confirm(approver, "结束清退", Role.SECURITY_OFFICER)
    now = session.clock.now()
    with db.transaction():
        left = _all_settled(db, year)
        db.execute(
            "UPDATE recall_campaign SET closed_at = ?, closed_by = ?, approved_by = ? WHERE year = ?",
            (stamp(now), session.account.login, who.login, year),
        )
        audit.record(
            db,
            session.clock,
            session.account.login,
            "结束清退",
            f"recall:{year}",
            {"outcomes": dict(left.outcomes), "approver": who.login},
        )
    found = campaign(db, year)
    if found is None:  # pragma: no cover - written just above
        raise MijianError("清退记录丢失。")
    return found


def _all_settled(db: Database, year: int) -> Progress:
    _open(db, year)
    left = progress(rows(db, year))
    if left.overall.settled < left.overall.total:
        raise InvalidInput(
            f"尚有 {left.overall.total - left.overall.settled} 份未清退、未销毁也未批准留用，"
            "不能结束本年度清退。"
        )
    return left
