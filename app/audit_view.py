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
from app.reports.kinds import TITLES as REPORT_TITLES
from app.roles import Role
from db.connection import Database

# The administrators' own actions, shown in full to the auditor.
ADMIN_ACTIONS = frozenset(
    {
        "创建机要室",
        "创建账户",
        "停用账户",
        "授予角色",
        "撤销角色",
        "重置密码",
        "修改密码",
        "备份",
        "从备份恢复",
        "修改设置",
        "修改节假日",
        "登录",
        "接受回退",
        "开始封存审计链",
        "恢复封存",
        "备份副本",
        "更换数据密钥",
        "输出审计报告",
    }
)
# Security events (the 安全保密管理员's page): failures, lockouts, refusals, unlocking.
SECURITY_ACTIONS = frozenset(
    {"登录失败", "账户锁定", "确认失败", "放行确认失败", "登录被拒", "解锁账户", "扫描被拒"}
)
_SECURITY_MARKERS = ("失败", "锁定", "被拒", "解锁")

# Every kind of event the program writes, by the group the auditor filters on. An action not
# listed here (a future kind) falls in 其他 and is still found by the other filters.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "账户与权限": ("创建账户", "停用账户", "授予角色", "撤销角色", "重置密码", "修改密码"),
    "登录与安全": (
        "登录",
        "登录失败",
        "账户锁定",
        "解锁账户",
        "解除锁定",
        "锁定期间尝试",
        "锁定时间异常",
        "登录被拒",
        "确认失败",
        "放行确认失败",
        "扫描被拒",
    ),
    "系统维护": (
        "创建机要室",
        "修改设置",
        "修改节假日",
        "备份",
        "备份副本",
        "从备份恢复",
        "接受回退",
        "更换数据密钥",
        "数据密钥更换中断",
    ),
    "审计链": ("开始封存审计链", "恢复封存", "输出审计报告"),
    "收文登记": ("登记收文", "修改收文", "作废收文", "导入台账", "登记办结"),
    "借阅归还": (
        "借出",
        "归还",
        "核对异常",
        "登记遗失",
        "确认遗失",
        "打印传文处理笺",
        "打印收文处理笺",
        "在室阅读",
        "新建文件夹",
        "装夹",
        "打印文件夹标签",
    ),
    "日终清点": ("日终清点", "重开当日", "过夜例外", "违规过夜", "处理事件"),
    "批示督办": (
        "登记批示",
        "批示办理中",
        "催办",
        "申请延期",
        "延期批准",
        "延期驳回",
        "批示办结",
        "挂牌督办",
        "摘牌",
    ),
    "传阅": ("保存传阅路线", "设定传阅路线", "扩大阅文范围", "缩小阅文范围", "阅毕"),
    "清退销毁": (
        "开始清退",
        "登记清退",
        "批准留用",
        "结束清退",
        "新建销毁批次",
        "列入销毁批次",
        "移出销毁批次",
        "撤销销毁批次",
        "批准销毁",
        "销毁封存",
    ),
    "分发": ("分发", "分发收回", "分发签收单", "打印分发签收单", "清退催收"),
    "发文与退文": (
        "登记发文",
        "发出发文",
        "作废发文",
        "发文办理",
        "打印发文回执",
        "收回回执",
        "催收回执",
        "登记退文",
        "打印退文通知",
    ),
    "读者与单位": (
        "新增读者",
        "修改读者",
        "读者离岗",
        "新增读者分组",
        "输出交接清单",
        "新增单位",
        "修改单位",
        "撤销单位",
        "读者所属单位",
    ),
    "保管": (
        "新增保密柜",
        "入柜",
        "按登记入柜",
        "开始清查",
        "完成清查",
        "处理清查差异",
        "输出清查登记表",
        "调查扣留",
        "解除扣留",
        "归档",
        "复制审批",
        "登记载体",
        "开始机要员交接",
        "机要员交接签字",
        "输出机要员交接清单",
    ),
    "定密审查": ("解密", "延长保密期限", "变更密级"),
    "输出": ("输出报表", "导出明文报表"),
}
OTHER_GROUP = "其他"
_GROUP_OF = {action: group for group, actions in KIND_GROUPS.items() for action in actions}


def group_of(action: str) -> str:
    if action in _GROUP_OF:
        return _GROUP_OF[action]
    if action.startswith("打印"):
        return "借阅归还"
    return "登录与安全" if is_security(action) else OTHER_GROUP


@dataclass(frozen=True)
class Actor:
    """Who did it, as the auditor reads it: 李晓梅（机要员）."""

    login: str
    name: str
    role: str  # the role's label, empty when none is granted or for the system itself

    @property
    def label(self) -> str:
        if self.login == audit.SYSTEM:
            return "系统（程序自动记录）"
        return f"{self.name}（{self.role or '未授权'}）" if self.name else self.login


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


def is_security(action: str) -> bool:
    return action in SECURITY_ACTIONS or any(m in action for m in _SECURITY_MARKERS)


def is_administrative(action: str) -> bool:
    return action in ADMIN_ACTIONS or is_security(action)


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
        known = [a for a, g in _GROUP_OF.items() if g == f.group]
        if f.group == OTHER_GROUP:
            clauses.append(f"action NOT IN ({','.join('?' * len(_GROUP_OF))})")
            params.extend(_GROUP_OF)
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
    groups = [a for a, g in _GROUP_OF.items() if text in g]
    if groups:
        parts.append(f"action IN ({_marks(groups)})")
        params.extend(groups)
    if text.isdigit():
        parts.append("seq = ?")
        params.append(int(text))
    if role.is_administrator:
        shown = sorted(ADMIN_ACTIONS | SECURITY_ACTIONS)
        markers = " OR ".join("action LIKE ?" for _ in _SECURITY_MARKERS)
        parts.append(f"(details LIKE ?{esc} AND (action IN ({_marks(shown)}) OR {markers}))")
        params += [like, *shown, *(f"%{m}%" for m in _SECURITY_MARKERS)]
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


# ---- readable Chinese -------------------------------------------------------------------------
OBJECT_KINDS = {
    "account": "账户",
    "copy": "份",
    "document": "收文",
    "reader": "读者",
    "group": "读者分组",
    "batch": "销毁批次",
    "report": "报表",
    "recall": "清退",
    "incident": "事件",
    "day": "日终清点",
    "setting": "设置",
    "calendar": "节假日",
    "instruction": "批示",
    "cabinet": "保密柜",
    "stocktake": "清查",
    "unit": "单位",
    "receipt": "分发签收单",
    "route": "传阅路线",
    "folder": "文件夹",
    "ledger": "台账文件",
    "outgoing": "发文",
    "returned": "退文",
}
WHOLE_OBJECTS = {
    "room": "机要室",
    "slips": "处理笺",
    "ledger": "台账",
    "scan": "扫描",
    "cabinet": "保密柜",
}
_SETTINGS = {
    "idle_lock_minutes": "空闲锁定分钟数",
    "close_time": "闭库时间",
    "recall_deadline": "清退截止日",
}
_REPORTS = {
    "register": "收文登记簿",
    "handovers": "借阅登记",
    "instructions": "批示件台账",
    "recall": "清退清单",
    "destruction": "销毁情况",
    "destruction-register": "销毁登记表",
    "destruction-handover": "销毁载体移交单",
    "stats": "年度统计",
    "review": "保密期限届满审查清单",
    "audit": "审计报告",
    **REPORT_TITLES,
}
_KEYS = {
    "after": "新",
    "before": "原",
    "display_name": "姓名",
    "role": "角色",
    "active": "在用",
    "bootstrap": "首任授权",
    "to": "输出到",
    "chain_head": "审计链头",
    "from": "来源",
    "replaced_kept_as": "原数据库保留为",
    "older_than_last_close": "早于日终清点",
    "day": "日期",
    "confirmed_by": "确认人",
    "for": "事项",
    "at": "发生时间",
    "until": "锁定至",
    "unit": "单位",
    "reason": "原因",
    "code": "扫描内容",
    "room": "机要室文件所到",
    "anchor": "锚点所到",
    "seq": "序号",
    "head": "链头",
    "period": "期间",
    "seal": "封存",
    "seal_continues_at_period": "封存自此期继续",
    "live_room_unreadable": "现有机要室无法打开",
    "printed_head": "日终清点表链头",
    "backup_holds_it": "备份含此链头",
    "sealed": "建库即封存",
    "count": "次数",
    "last": "最后一次",
    "generation": "密钥代次",
    "year": "年度",
    "bytes": "字节数",
    "events": "事件数",
    "filter": "筛选条件",
    "where": "输出到",
    "issuer": "发文单位",
    "batch": "批次",
    "copies": "份",
    "method": "销毁方式",
    "on": "日期",
    "place": "地点",
    "receipt": "回执编号",
    "receiver": "接收人",
    "deadline": "截止日",
    "approver": "批准人",
    "outcomes": "结果",
    "by_level": "按密级",
    "witnesses": "监销人",
    "how": "方式",
    "leader": "领导",
    "note": "说明",
    "whom": "对象",
    "new_deadline": "新时限",
    "due": "应还时间",
    "reader": "读者",
    "counts": "数量",
    "exceptions": "例外",
    "expected_return": "预计归还",
    "night": "日期",
    "kind": "类别",
    "title": "标题",
    "doc_number": "文号",
    "units": "收文单位",
    "kept": "存档份",
    "recipients": "主送抄送",
    "printed": "印制份数",
    "signed_by": "签发人",
    "signed_on": "签发日期",
    "registration": "收文编号",
    "signer": "签收人",
    "rule": "退文原因",
    "sender": "来件单位",
    "returned_to": "退回对象",
    "level": "密级",
    "urgency": "紧急程度",
    "notes": "办理情况",
    "voided": "作废",
    "signed_by_badge": "扫证签收",
    "recall_by": "清退期限",
    # issue 16: 办结, 在室阅读, folders, the sign-for clock
    "result": "办理结果",
    "present": "在场机要员",
    "on_spot_minutes": "在室阅读（分钟）",
    "waiting_at": "交换站待取",
    "sign_due": "应签收时间",
    "late_signs": "签收逾时",
}


def object_label(obj: str, actors: Mapping[str, Actor] | None = None) -> str:
    """`copy:2026-0118 第00004份` as 份 2026-0118 第00004份, `incident:2` as 事件 第2号 …"""
    if obj in WHOLE_OBJECTS:
        return WHOLE_OBJECTS[obj]
    kind, sep, ident = obj.partition(":")
    if not sep or kind not in OBJECT_KINDS:
        return obj
    name = OBJECT_KINDS[kind]
    if kind == "setting":
        ident = _SETTINGS.get(ident, ident)
    elif kind == "report":
        ident = _REPORTS.get(ident, ident)
    elif kind == "account":
        actor = (actors or {}).get(ident)
        if actor is not None and actor.name:
            ident = f"{ident}（{actor.name}）"
    elif kind == "batch" and "-" in ident:
        year, _, serial = ident.partition("-")
        ident = f"{year}年第{serial}批"
    elif kind in ("recall", "calendar") and ident.isdigit():
        ident = f"{ident}年度"
    elif (
        kind in ("reader", "group", "incident", "cabinet", "stocktake", "unit", "outgoing")
        and ident.isdigit()
    ):
        ident = f"第{ident}号"
    elif kind == "instruction":
        number, _, item = ident.partition("#")
        ident = f"第{item}号" + (f"（收文 {number}）" if number else "")
    return f"{name} {ident}"


def items(details: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Details as (label, value) pairs for the detail view, one per key."""
    return tuple((_KEYS.get(k, k), _value(k, v, full=True)) for k, v in _ordered(details))


def _ordered(details: dict[str, Any]) -> list[tuple[str, Any]]:
    """The stored details are sorted by key (so 新 came before 原); read 原 first."""
    return sorted(details.items(), key=lambda kv: kv[0] != "before")


def describe(details: dict[str, Any]) -> str:
    """Details as `姓名：赵磊；角色：机要员`, nested ones as `新（…）`; never JSON."""
    return "；".join(f"{_KEYS.get(k, k)}：{_value(k, v)}" for k, v in _ordered(details))


def _value(key: str, value: Any, *, full: bool = False) -> str:
    if isinstance(value, dict):
        return "（" + describe(value) + "）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "无"
    if isinstance(value, list):
        return "、".join(_value(key, v, full=full) for v in value)
    text = str(value)
    if key == "role":
        try:
            return Role(text).label
        except ValueError:
            return text
    if key in ("at", "until"):
        return text.replace("T", " ")[:19]
    if key in ("chain_head", "head", "printed_head") and not full:
        return text[:16] + "…" if len(text) > 16 else text
    return text
