"""The roles of a classified-document room and what each may see.

Two business roles (机要员, 保密员) read and change the room's records; the 三员 (系统管理员,
安全保密管理员, 安全审计员) administer the system and never see a title, 文号, reader or 批示.
Every read of business rows is reached either through a page of a business role (PAGES_BY_ROLE)
or through a session function that calls `session.require(*BUSINESS_ROLES)`.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CUSTODIAN = "custodian"
    # The office's 保密员 (or the leader in charge): the room's business approvals (exceptions,
    # 留用, destruction approval, incidents). A business role, not one of the 三员.
    APPROVER = "approver"
    # The IT 安全保密管理员 of the 三员: grants and revokes roles, handles security events
    # (lockouts, a room behind its anchor, restoring an older backup). Never reads business data.
    SECURITY_OFFICER = "security_officer"
    SYSADMIN = "sysadmin"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_administrator(self) -> bool:
        """One of the 三员 (系统管理员, 安全保密管理员, 安全审计员)."""
        return self in (Role.SYSADMIN, Role.SECURITY_OFFICER, Role.AUDITOR)


_LABELS = {
    Role.CUSTODIAN: "机要员",
    Role.APPROVER: "保密员",
    Role.SECURITY_OFFICER: "安全保密管理员",
    Role.SYSADMIN: "系统管理员",
    Role.AUDITOR: "安全审计员",
}


class Page(StrEnum):
    """The main window's pages, in the order they appear."""

    BOARD = "今日时限"
    REGISTER = "收文登记"
    DESK = "借阅台"
    CIRCULATION = "传阅"
    DAY_CLOSE = "日终清点"
    INSTRUCTIONS = "批示督办"
    RECALL = "清退销毁"
    CUSTODY = "保管"
    REVIEW = "定密审查"
    REPORTS = "报表"
    DISTRIBUTION = "分发"
    OUTGOING = "发文"
    PEOPLE = "人员"
    UNITS = "单位"
    AUDIT = "审计"
    SECURITY = "安全管理"
    SETTINGS = "设置"


# The roles that may read the room's records (titles, 文号, readers, 批示).
BUSINESS_ROLES = (Role.CUSTODIAN, Role.APPROVER)

# Who may open which page. The auditor reads the trail and changes nothing; the system
# administrator keeps accounts, backups and settings; the 安全保密管理员 grants and revokes
# roles and handles security events. None of the three reads classified records.
PAGES_BY_ROLE: dict[Role, tuple[Page, ...]] = {
    Role.CUSTODIAN: (
        Page.BOARD,  # the custodian's first screen each morning (issue 16)
        Page.REGISTER,
        Page.DESK,
        Page.CIRCULATION,
        Page.DISTRIBUTION,
        Page.OUTGOING,
        Page.DAY_CLOSE,
        Page.INSTRUCTIONS,
        Page.RECALL,
        Page.CUSTODY,
        Page.UNITS,
        Page.REPORTS,
    ),
    Role.APPROVER: (
        Page.REGISTER,
        Page.PEOPLE,
        Page.DAY_CLOSE,
        Page.INSTRUCTIONS,
        Page.RECALL,
        Page.REVIEW,  # 解密, 延长, 变更密级 (issue 17)
        Page.REPORTS,
    ),
    Role.SECURITY_OFFICER: (Page.SECURITY,),
    Role.SYSADMIN: (Page.SETTINGS,),
    Role.AUDITOR: (Page.AUDIT,),
}


def pages_for(role: Role) -> tuple[Page, ...]:
    return PAGES_BY_ROLE[role]
