"""What each role may read of the audit trail, in plain Chinese, and how the auditor finds it.

三员: the 安全审计员 reviews the administrators' actions (accounts, roles, passwords, backups,
restores, settings, logins and lockouts) in full; of the business events (registration, 借出,
归还, 销毁, 批示 …) an administrator sees only the kind, the time, the account and the object's
id (收文编号/份号, a batch or reader number): never the details, which carry titles, 文号,
readers and 批示 text. An action not known to be administrative is reduced: a new kind of event
is safe by default and is shown in full once it is added here.

Filters and the search box match only what the role may read: a search is narrowed in SQL and
then checked against the line as shown, so a word that occurs only in a reduced event's hidden
details never finds it.

Qt-free; reads `audit_event` and the account names only.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app import audit
from app.audit_words import (
    ADMIN_ACTIONS,
    GROUP_OF,
    OBJECT_KINDS,
    OTHER_GROUP,
    SECURITY_ACTIONS,
    SECURITY_MARKERS,
    WHOLE_OBJECTS,
    Actor,
    describe,
    group_of,
    is_administrative,
    is_security,
    items,
    object_label,
)
from app.roles import Role
from db.connection import Database


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: str
    account: str
    action: str
    object: str
    details: str  # empty when reduced
    reduced: bool
    # For the detail view and the report; not compared (a line is its seven fields above).
    actor: str = field(default="", compare=False)
    group: str = field(default="", compare=False)
    items: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    hash: str = field(default="", compare=False)

    @property
    def who(self) -> str:
        return self.actor or self.account

    @property
    def sentence(self) -> str:
        """The event as one sentence: 2026-11-20 09:00:00 李晓梅（机要员）借出：份 2026-0001 第000001份."""
        return f"{self.at} {self.who}{self.action}：{self.object}"

    def shown_text(self) -> str:
        """Everything the reader of this line sees; what the search box matches."""
        return " ".join(
            (str(self.seq), self.at, self.account, self.who, self.group, self.action)
            + (self.object, self.details)
        )


def for_role(
    role: Role, events: Iterable[audit.AuditEvent], actors: Mapping[str, Actor] | None = None
) -> list[AuditLine]:
    """The events as `role` may read them: an administrator sees business events reduced."""
    return [
        line(
            e,
            reduced=role.is_administrator and not is_administrative(e.action),
            actors=actors,
        )
        for e in events
    ]


def line(
    event: audit.AuditEvent, *, reduced: bool, actors: Mapping[str, Actor] | None = None
) -> AuditLine:
    actor = (actors or {}).get(event.account)
    return AuditLine(
        seq=event.seq,
        at=event.at.replace("T", " ")[:19],
        account=event.account,
        action=event.action,
        object=object_label(event.object, actors),
        details="" if reduced else describe(event.details),
        reduced=reduced,
        actor=(actor.label if actor else event.account)
        + _confirmed_by(event.details, event.account, actors),
        group=group_of(event.action),
        items=() if reduced else items(event.details),
        hash=event.hash,
    )


# Details naming the people who confirmed an act with their own password at another's session:
# the auditor must see them beside the session's owner (a 批准销毁 reads as the 保密员's act).
CONFIRMERS = {"approver": "经{}批准", "witnesses": "监销人 {}"}


def _confirmed_by(
    details: Mapping[str, Any], account: str, actors: Mapping[str, Actor] | None
) -> str:
    said = []
    for key, form in CONFIRMERS.items():
        value = details.get(key)
        logins = [value] if isinstance(value, str) else value
        if not isinstance(logins, list) or not logins:
            continue
        known = actors or {}
        # Only accounts: an `approver` that is not a login (a leader approving a 批示's delay)
        # is business content, which an administrator's reduced line must not show.
        names = "、".join(
            known[x].label for x in logins if isinstance(x, str) and x != account and x in known
        )
        if names:
            said.append(form.format(names))
    return f"；{'；'.join(said)}" if said else ""


def actors(db: Database) -> dict[str, Actor]:
    """Every account's name and role by login (accounts are never deleted), and the system."""
    found = {audit.SYSTEM: Actor(audit.SYSTEM, "系统", "")}
    for row in db.query("SELECT login, display_name, role FROM account"):
        role = _role_label(row["role"]) if row["role"] else ""
        found[row["login"]] = Actor(row["login"], row["display_name"], role)
    return found


def _role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value


def security_events(
    db: Database, before_seq: int | None, want: int = 200, budget: int = 5_000
) -> tuple[list[AuditLine], int | None]:
    """Up to `want` security events before `before_seq`, newest first, reading at most `budget`
    events of the trail; also where to continue (None: the start of the trail was reached)."""
    found: list[AuditLine] = []
    cursor = before_seq
    read = 0
    names = actors(db)
    while len(found) < want and read < budget:
        batch = audit.page(db, cursor, 1000)
        if not batch:
            return found, None
        read += len(batch)
        for event in batch:
            cursor = event.seq
            if is_security(event.action):
                found.append(line(event, reduced=False, actors=names))
                if len(found) == want:
                    break
        if cursor == 1:
            return found, None
    return found, cursor


# ---- filters and search -----------------------------------------------------------------------
@dataclass(frozen=True)
class AuditFilter:
    """What the auditor narrows the trail to; empty fields do not filter."""

    account: str = ""  # a login, or 系统
    role: Role | None = None  # the account's role today
    group: str = ""  # one of KIND_GROUPS (or 其他)
    action: str = ""
    since: date | None = None
    until: date | None = None  # inclusive
    object_kind: str = ""  # a key of OBJECT_KINDS
    object_text: str = ""
    text: str = ""  # the search box: matched against the line as shown

    def describe(self) -> str:
        """The filter in words, for the report's heading and its audit event."""
        parts = []
        if self.account:
            parts.append(f"账户 {self.account}")
        if self.role is not None:
            parts.append(f"角色 {self.role.label}")
        if self.group:
            parts.append(f"类别 {self.group}")
        if self.action:
            parts.append(f"事项 {self.action}")
        if self.object_kind:
            parts.append(f"对象类别 {OBJECT_KINDS.get(self.object_kind, self.object_kind)}")
        if self.object_text.strip():
            parts.append(f"对象含“{self.object_text.strip()}”")
        if self.text.strip():
            parts.append(f"含“{self.text.strip()}”")
        return "、".join(parts) or "全部事件"

    def period(self) -> str:
        since = f"{self.since:%Y-%m-%d}" if self.since else "最早"
        until = f"{self.until:%Y-%m-%d}" if self.until else "至今"
        return f"{since} 至 {until}" if self.since or self.until else "全部时间"


def _norm(text: str) -> str:
    """Full-width input (a Chinese input method's) as the trail writes it."""
    return unicodedata.normalize("NFKC", text).strip()


def _where(f: AuditFilter, role: Role) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if _norm(f.text):
        text, text_params = _text_clause(_norm(f.text), role)
        clauses.append(text)
        params.extend(text_params)
    if f.account:
        clauses.append("account = ?")
        params.append(f.account)
    if f.role is not None:
        clauses.append("account IN (SELECT login FROM account WHERE role = ?)")
        params.append(f.role.value)
    if f.group:
        known = [a for a, g in GROUP_OF.items() if g == f.group]
        if f.group == OTHER_GROUP:
            clauses.append(f"action NOT IN ({','.join('?' * len(GROUP_OF))})")
            params.extend(GROUP_OF)
        elif known:
            clauses.append(f"action IN ({','.join('?' * len(known))})")
            params.extend(known)
    if f.action:
        clauses.append("action = ?")
        params.append(f.action)
    if f.since is not None:
        clauses.append("at >= ?")
        params.append(f.since.isoformat())
    if f.until is not None:
        clauses.append("at < ?")
        params.append((f.until + timedelta(days=1)).isoformat())
    if f.object_kind:
        if f.object_kind in WHOLE_OBJECTS:
            clauses.append("object = ?")
            params.append(f.object_kind)
        else:
            clauses.append("object LIKE ? ESCAPE '\\'")
            params.append(_escape_like(f.object_kind) + ":%")
    if _norm(f.object_text):
        clauses.append("object LIKE ? ESCAPE '\\'")
        params.append("%" + _escape_like(_norm(f.object_text)) + "%")
    return "".join(f" AND {c}" for c in clauses), params


def _text_clause(text: str, role: Role) -> tuple[str, list[Any]]:
    """The search box in SQL, to narrow before the shown line decides: names, logins, roles,
    kinds, times, objects (also by their Chinese kind word) and detail values as stored. Details
    count only where the role reads them (an administrator: in the administrators' own actions),
    so hidden details are not even read."""
    like = "%" + _escape_like(text) + "%"
    esc = " ESCAPE '\\'"
    parts = [
        f"account LIKE ?{esc}",
        f"action LIKE ?{esc}",
        f"object LIKE ?{esc}",
        f"replace(at, 'T', ' ') LIKE ?{esc}",
        f"account IN (SELECT login FROM account WHERE display_name LIKE ?{esc})",
    ]
    params: list[Any] = [like] * 5
    # The people who confirmed an act at another's session are shown on its line (CONFIRMERS),
    # whatever the role, so they are found by name too.
    parts.append(
        f"EXISTS (SELECT 1 FROM account a WHERE a.display_name LIKE ?{esc} AND (details LIKE"
        " '%\"approver\": \"' || a.login || '\"%' OR details LIKE"
        " '%\"witnesses\": [%\"' || a.login || '\"%'))"
    )
    params.append(like)
    roles = [r.value for r in Role if text in r.label]
    if roles:
        parts.append(f"account IN (SELECT login FROM account WHERE role IN ({_marks(roles)}))")
        params.extend(roles)
    groups = [a for a, g in GROUP_OF.items() if text in g]
    if groups:
        parts.append(f"action IN ({_marks(groups)})")
        params.extend(groups)
    if text.isdigit():
        parts.append("seq = ?")
        params.append(int(text))
    if role.is_administrator:
        shown = sorted(ADMIN_ACTIONS | SECURITY_ACTIONS)
        markers = " OR ".join("action LIKE ?" for _ in SECURITY_MARKERS)
        parts.append(f"(details LIKE ?{esc} AND (action IN ({_marks(shown)}) OR {markers}))")
        params += [like, *shown, *(f"%{m}%" for m in SECURITY_MARKERS)]
    else:
        parts.append(f"details LIKE ?{esc}")
        params.append(like)
    # Object labels in Chinese (份, 收文 …) stand for the stored prefixes (copy:, document: …).
    kinds = [k for k, label in OBJECT_KINDS.items() if label in text or text in label]
    for kind in kinds:
        parts.append(f"object LIKE ?{esc}")
        params.append(_escape_like(kind) + ":%")
    return "(" + " OR ".join(parts) + ")", params


def _marks(values: list[str]) -> str:
    return ",".join("?" * len(values))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matches(text: str) -> Callable[[AuditLine], bool]:
    wanted = _norm(text).casefold()
    if not wanted:
        return lambda _: True
    return lambda ln: wanted in ln.shown_text().casefold()


WINDOW = 20_000  # sequence numbers per query: each query is a bounded range of the primary key


def search(
    db: Database,
    role: Role,
    f: AuditFilter,
    before_seq: int | None = None,
    want: int = 200,
    budget: int = 200_000,
) -> tuple[list[AuditLine], int | None]:
    """Up to `want` lines matching `f` before `before_seq`, newest first, as `role` may read
    them, reading at most about `budget` events of the trail (each query a range of the primary
    key); also where to continue (None: the start of the trail was reached)."""
    names = actors(db)
    where, params = _where(f, role)
    keep = _matches(f.text)
    top = (
        before_seq
        if before_seq is not None
        else int(db.scalar("SELECT max(seq) FROM audit_event") or 0) + 1
    )
    found: list[AuditLine] = []
    read = 0
    while top > 1 and read < budget:
        low = max(1, top - WINDOW)
        # With a search the SQL only narrows (the line as shown decides): read in bigger batches.
        limit = 1000 if f.text.strip() else want - len(found)
        rows = db.query(
            f"SELECT * FROM audit_event WHERE seq < ? AND seq >= ?{where}"
            " ORDER BY seq DESC LIMIT ?",
            (top, low, *params, limit),
        )
        # A full batch may leave more in this window: go on just below its last row.
        below = rows[-1]["seq"] if len(rows) == limit else low
        read += top - below
        for shown in for_role(role, map(_event, rows), names):
            if keep(shown):
                found.append(shown)
                if len(found) == want:
                    return found, (shown.seq if shown.seq > 1 else None)
        top = below
    return found, (top if top > 1 else None)


def every_line(
    db: Database, role: Role, f: AuditFilter, progress: Callable[[int, int], None] | None = None
) -> Iterator[AuditLine]:
    """Every line matching `f`, oldest first (for the printed report), a batch at a time."""
    names = actors(db)
    where, params = _where(f, role)
    keep = _matches(f.text)
    last = int(db.scalar("SELECT max(seq) FROM audit_event") or 0)
    after = 0
    while after < last:
        rows = db.query(
            f"SELECT * FROM audit_event WHERE seq > ?{where} ORDER BY seq LIMIT 1000",
            (after, *params),
        )
        if not rows:
            return
        yield from (ln for ln in for_role(role, map(_event, rows), names) if keep(ln))
        after = rows[-1]["seq"]
        if progress is not None:
            progress(after, last)


def _event(row: Any) -> audit.AuditEvent:
    return audit.AuditEvent(
        seq=row["seq"],
        at=row["at"],
        account=row["account"],
        action=row["action"],
        object=row["object"],
        details=json.loads(row["details"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )
