"""The words of the audit trail as people read them: which actions are the administrators' own
and which are security events, the groups of the audit page's 类别 filter, objects and detail keys
in Chinese, and who did it (Actor). Every action and object the program writes is listed here
(tests/app/test_audit_kinds.py). What each role may read, and the search: app/audit_view.py.

Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app import audit
from app.reports.kinds import TITLES as REPORT_TITLES
from app.roles import Role

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
SECURITY_MARKERS = ("失败", "锁定", "被拒", "解锁")

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
        "打印零星收文处理笺",
        "打印发文处理笺",
        "打印标签",
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
GROUP_OF = {action: group for group, actions in KIND_GROUPS.items() for action in actions}


def group_of(action: str) -> str:
    if action in GROUP_OF:
        return GROUP_OF[action]
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


def is_security(action: str) -> bool:
    return action in SECURITY_ACTIONS or any(m in action for m in SECURITY_MARKERS)


def is_administrative(action: str) -> bool:
    return action in ADMIN_ACTIONS or is_security(action)


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
