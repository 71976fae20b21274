"""What each role may read of the audit trail, in plain Chinese.

三员: the 安全审计员 reviews the administrators' actions (accounts, roles, passwords, backups,
restores, settings, logins and lockouts) in full; of the business events (registration, 借出,
归还, 销毁, 批示 …) an administrator sees only the kind, the time, the account and the object's
id (收文编号/份号, a batch or reader number): never the details, which carry titles, 文号,
readers and 批示 text. An action not known to be administrative is reduced: a new kind of event
is safe by default and is shown in full once it is added here.

Qt-free; reads through `audit.page` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app import audit
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
    }
)
# Security events (the 安全保密管理员's page): failures, lockouts, refusals, unlocking.
SECURITY_ACTIONS = frozenset(
    {"登录失败", "账户锁定", "确认失败", "放行确认失败", "登录被拒", "解锁账户", "扫描被拒"}
)
_SECURITY_MARKERS = ("失败", "锁定", "被拒", "解锁")


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: str
    account: str
    action: str
    object: str
    details: str  # empty when reduced
    reduced: bool


def is_security(action: str) -> bool:
    return action in SECURITY_ACTIONS or any(m in action for m in _SECURITY_MARKERS)


def is_administrative(action: str) -> bool:
    return action in ADMIN_ACTIONS or is_security(action)


def for_role(role: Role, events: Iterable[audit.AuditEvent]) -> list[AuditLine]:
    """The events as `role` may read them: an administrator sees business events reduced."""
    return [
        line(e, reduced=role.is_administrator and not is_administrative(e.action)) for e in events
    ]


def line(event: audit.AuditEvent, *, reduced: bool) -> AuditLine:
    return AuditLine(
        seq=event.seq,
        at=event.at.replace("T", " ")[:19],
        account=event.account,
        action=event.action,
        object=object_label(event.object),
        details="" if reduced else describe(event.details),
        reduced=reduced,
    )


def security_events(
    db: Database, before_seq: int | None, want: int = 200, budget: int = 5_000
) -> tuple[list[AuditLine], int | None]:
    """Up to `want` security events before `before_seq`, newest first, reading at most `budget`
    events of the trail; also where to continue (None: the start of the trail was reached)."""
    found: list[AuditLine] = []
    cursor = before_seq
    read = 0
    while len(found) < want and read < budget:
        batch = audit.page(db, cursor, 1000)
        if not batch:
            return found, None
        read += len(batch)
        for event in batch:
            cursor = event.seq
            if is_security(event.action):
                found.append(line(event, reduced=False))
                if len(found) == want:
                    break
        if cursor == 1:
            return found, None
    return found, cursor


# ---- readable Chinese -------------------------------------------------------------------------
_OBJECT_KINDS = {
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
}
_WHOLE_OBJECTS = {"room": "机要室", "slips": "处理笺", "ledger": "台账", "scan": "扫描"}
_SETTINGS = {
    "idle_lock_minutes": "空闲锁定分钟数",
    "close_time": "闭库时间",
    "recall_deadline": "清退截止日",
}
_KEYS = {
    "after": "新",
    "before": "原",
    "display_name": "姓名",
    "role": "角色",
    "active": "在用",
    "bootstrap": "首任授权",
    "to": "备份文件",
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
    "period": "封存期",
    "seal": "封存",
    "seal_continues_at_period": "封存自此期继续",
    "live_room_unreadable": "现有机要室无法打开",
    "printed_head": "日终清点表链头",
    "backup_holds_it": "备份含此链头",
    "sealed": "建库即封存",
}


def object_label(obj: str) -> str:
    if obj in _WHOLE_OBJECTS:
        return _WHOLE_OBJECTS[obj]
    kind, sep, ident = obj.partition(":")
    if not sep or kind not in _OBJECT_KINDS:
        return obj
    if kind == "setting":
        ident = _SETTINGS.get(ident, ident)
    return f"{_OBJECT_KINDS[kind]} {ident}"


def describe(details: dict[str, Any]) -> str:
    """Details as `姓名：赵磊；角色：机要员`, nested ones as `新（…）`; never JSON."""
    return "；".join(f"{_KEYS.get(k, k)}：{_value(k, v)}" for k, v in details.items())


def _value(key: str, value: Any) -> str:
    if isinstance(value, dict):
        return "（" + describe(value) + "）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "无"
    if isinstance(value, list):
        return "、".join(_value(key, v) for v in value)
    text = str(value)
    if key == "role":
        try:
            return Role(text).label
        except ValueError:
            return text
    if key in ("at", "until"):
        return text.replace("T", " ")[:19]
    if key == "chain_head":
        return text[:16] + "…"
    return text
