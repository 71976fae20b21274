"""The four roles of a classified-document room (三员 plus the custodian) and what each may see."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CUSTODIAN = "custodian"
    SECURITY_OFFICER = "security_officer"
    SYSADMIN = "sysadmin"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_administrator(self) -> bool:
        return self is not Role.CUSTODIAN


_LABELS = {
    Role.CUSTODIAN: "机要员",
    Role.SECURITY_OFFICER: "安全保密管理员",
    Role.SYSADMIN: "系统管理员",
    Role.AUDITOR: "安全审计员",
}


class Page(StrEnum):
    """The main window's pages, in the order they appear."""

    REGISTER = "收文登记"
    DESK = "借阅台"
    DAY_CLOSE = "日终清点"
    INSTRUCTIONS = "批示督办"
    RECALL = "清退销毁"
    REPORTS = "报表"
    PEOPLE = "人员"
    AUDIT = "审计"
    SETTINGS = "设置"


# Who may open which page. The auditor reads the trail and changes nothing; the system
# administrator keeps accounts, backups and settings but never reads classified records.
PAGES_BY_ROLE: dict[Role, tuple[Page, ...]] = {
    Role.CUSTODIAN: (
        Page.REGISTER,
        Page.DESK,
        Page.DAY_CLOSE,
        Page.INSTRUCTIONS,
        Page.RECALL,
        Page.REPORTS,
    ),
    Role.SECURITY_OFFICER: (
        Page.REGISTER,
        Page.PEOPLE,
        Page.DAY_CLOSE,
        Page.INSTRUCTIONS,
        Page.RECALL,
        Page.REPORTS,
    ),
    Role.SYSADMIN: (Page.SETTINGS,),
    Role.AUDITOR: (Page.AUDIT,),
}


def pages_for(role: Role) -> tuple[Page, ...]:
    return PAGES_BY_ROLE[role]
