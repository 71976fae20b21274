"""What the auditor and the security officer read of the trail (app/audit_view.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from app import accounts, audit, audit_view, registry, settings
from app.audit import AuditEvent
from app.audit_view import AuditLine, for_role
from app.clock import FixedClock
from app.errors import WrongPassword
from app.maintenance import backup
from app.model import NewAccount
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, open_session


def _event(action: str, obj: str, details: dict[str, object], seq: int = 1) -> AuditEvent:
    return AuditEvent(seq, "2026-11-20T09:00:00+08:00", "jiyao", action, obj, details, "", "")


def test_business_events_are_reduced_for_every_administrator() -> None:
    checkout = _event("借出", "copy:2026-0001 第000001份", {"reader": "王芳", "title": "某文件"})
    for role in (Role.AUDITOR, Role.SYSADMIN, Role.SECURITY_OFFICER):
        (line,) = for_role(role, [checkout])
        assert line == AuditLine(
            1, "2026-11-20 09:00:00", "jiyao", "借出", "份 2026-0001 第000001份", "", True
        )
    (full,) = for_role(Role.APPROVER, [checkout])
    assert not full.reduced and "王芳" in full.details


def test_an_unknown_action_is_reduced_until_it_is_listed() -> None:
    (line,) = for_role(Role.AUDITOR, [_event("某新业务", "document:2026-0009", {"title": "x"})])
    assert line.reduced and line.details == "" and line.object == "收文 2026-0009"


def test_administrators_actions_read_in_chinese() -> None:
    created = _event(
        "创建账户", "account:zhaolei", {"after": {"display_name": "赵磊", "role": "custodian"}}
    )
    setting = _event("修改设置", "setting:idle_lock_minutes", {"before": 15, "after": 10}, seq=2)
    locked = _event(
        "账户锁定", "account:jiyao", {"at": "2026-11-20T09:00:00+08:00", "until": "x"}, seq=3
    )
    lines = for_role(Role.AUDITOR, [created, setting, locked])
    assert [line.details for line in lines] == [
        "新：（姓名：赵磊；角色：机要员）",
        "原：15；新：10",
        "发生时间：2026-11-20 09:00:00；锁定至：x",
    ]
    assert [line.object for line in lines] == ["账户 zhaolei", "设置 空闲锁定分钟数", "账户 jiyao"]
    assert not any(line.reduced for line in lines)


def test_the_auditor_reads_no_english_key_in_a_real_trail(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock, tmp_path: Path
) -> None:
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, "Secret-2026x"))
    settings.set_idle_lock_minutes(admin, 12)
    backup(admin, tmp_path / "b.mjdb")
    for _ in range(5):
        with pytest.raises(WrongPassword):
            open_session(room.db, "jiyao", "Wrong-pass-123", clock)
    clock.advance(minutes=20)
    lines = for_role(Role.AUDITOR, audit.page(login("shenji").db, None, 500))
    shown = {line.action for line in lines if not line.reduced}
    assert {"创建账户", "授予角色", "修改设置", "备份", "登录失败", "账户锁定", "登录"} <= shown
    for line in lines:
        assert not re.search(r"[A-Za-z_]{3,}：", line.details), line
        assert "{" not in line.details and "}" not in line.details


def test_security_events_page_back_through_the_trail_within_a_budget(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    for _ in range(3):
        with pytest.raises(WrongPassword):
            open_session(room.db, "jiyao", "Wrong-pass-123", clock)
    db = login("anquan").db  # flushes the three failures into the trail
    total = audit.count(db)
    found, more = audit_view.security_events(db, None)
    assert [e.action for e in found] == ["登录失败"] * 3 and more is None
    # A small budget stops early and says where to go on; going on finds the rest.
    first, cursor = audit_view.security_events(db, None, want=2, budget=1)
    assert len(first) == 2 and cursor is not None
    rest, end = audit_view.security_events(db, cursor, budget=total)
    assert len(rest) == 1 and end is None


# ---- filters, search and the printed 审计报告 (issue 13, item 13) ------------------------------
def _three_documents(login: Callable[..., Session], clock: FixedClock) -> Session:
    from tests.app.test_registry import doc

    custodian = login("jiyao")
    for n, title in enumerate(("甲件标题", "乙件标题", "丙件标题"), start=1):
        registry.register(custodian, doc(title=title, doc_number=f"F〔2026〕{n}号"))
        clock.advance(days=1)
    return custodian


def test_filters_narrow_the_trail_and_search_never_finds_hidden_details(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    from datetime import date

    from app.audit_view import AuditFilter, search

    _three_documents(login, clock)
    db = login("shenji").db

    def found(reader: Role = Role.AUDITOR, **f: object) -> list[AuditLine]:
        lines, more = search(db, reader, AuditFilter(**f))  # type: ignore[arg-type]
        assert more is None
        return lines

    registered = found(action="登记收文")
    assert [ln.object for ln in registered] == [
        "收文 2026-0003",
        "收文 2026-0002",
        "收文 2026-0001",
    ]
    assert all(ln.reduced and ln.who == "李晓梅（机要员）" for ln in registered)
    assert {ln.group for ln in registered} == {"收文登记"}
    assert {ln.account for ln in found(role=Role.CUSTODIAN)} == {"jiyao"}
    assert {ln.action for ln in found(group="账户与权限")} == {"创建账户", "授予角色"}
    assert [ln.object for ln in found(object_kind="document", object_text="０００２")] == [
        "收文 2026-0002"  # full-width input is read as the trail writes it
    ]
    day = date(2026, 11, 21)
    assert [ln.object for ln in found(action="登记收文", since=day, until=day)] == [
        "收文 2026-0002"
    ]
    assert found(account="xitong", action="登记收文") == []
    # The search box matches what is shown: names and objects, never a reduced event's title.
    assert len(found(text="李晓梅", action="登记收文")) == 3
    assert found(text="乙件标题") == [] and found(text="F〔2026〕2号") == []
    assert [ln.object for ln in found(Role.APPROVER, text="乙件标题")] == ["收文 2026-0002"]
    created = found(text="赵磊") + found(action="创建账户", text="张志强")
    assert created and all(not ln.reduced and "姓名：" in ln.details for ln in created)


def test_search_reads_a_bounded_stretch_and_says_where_to_go_on(
    login: Callable[..., Session], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.audit_view import AuditFilter, search

    _three_documents(login, clock)
    db = login("shenji").db
    monkeypatch.setattr(audit_view, "WINDOW", 2)
    want = AuditFilter(action="登记收文")
    first, cursor = search(db, Role.AUDITOR, want, budget=2)
    assert cursor is not None and len(first) <= 1
    seen = list(first)
    while cursor is not None:
        more, cursor = search(db, Role.AUDITOR, want, cursor, budget=4)
        seen += more
    assert [ln.object for ln in seen] == ["收文 2026-0003", "收文 2026-0002", "收文 2026-0001"]


def test_the_audit_report_is_the_auditors_and_audited_once_delivered(
    login: Callable[..., Session], clock: FixedClock, tmp_path: Path
) -> None:
    from app.audit_view import AuditFilter
    from app.errors import PermissionDenied
    from app.output import PRINTER
    from app.reports.audit_pdf import audit_report
    from tests.pdf_tools import text_of, unembedded_fonts

    custodian = _three_documents(login, clock)
    with pytest.raises(PermissionDenied):
        audit_report(custodian, AuditFilter())
    auditor = login("shenji")
    before = audit.count(auditor.db)
    output = audit_report(auditor, AuditFilter(action="登记收文"))
    assert audit.count(auditor.db) == before  # laid out, not yet on any medium
    pdf = tmp_path / "audit.pdf"
    pdf.write_bytes(output.pdf)
    text = text_of(pdf)
    assert "审计报告" in text and "事项 登记收文" in text
    assert "李晓梅（机要员）" in text and "收文 2026-0001" in text and "收文 2026-0003" in text
    assert "刘芳（安全审计员）" in text
    assert "甲件标题" not in text and "F〔2026〕1号" not in text and "{" not in text
    assert text.index("2026-0001") < text.index("2026-0003")  # oldest first
    assert unembedded_fonts(pdf) == []
    output.delivered(PRINTER)
    (event,) = audit.page(auditor.db, None, 1)
    assert event.action == "输出审计报告" and event.details["where"] == PRINTER
    (shown,) = for_role(Role.AUDITOR, [event])
    assert not shown.reduced and "事件数：3" in shown.details and "输出到：打印机" in shown.details


def test_a_report_too_long_to_read_asks_for_a_narrower_period(
    login: Callable[..., Session], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.audit_view import AuditFilter
    from app.errors import InvalidInput
    from app.reports import audit_pdf

    _three_documents(login, clock)
    auditor = login("shenji")
    monkeypatch.setattr(audit_pdf, "MOST_EVENTS", 2)
    with pytest.raises(InvalidInput, match="请缩短期间"):
        audit_pdf.audit_report(auditor, AuditFilter(action="登记收文"))
    assert audit_pdf.audit_report(auditor, AuditFilter(action="登记收文", object_text="0002"))


def test_an_act_confirmed_with_another_persons_password_names_them(
    login: Callable[..., Session],
) -> None:
    """A 批准销毁 typed in at the custodian's session is the 保密员's approval, and a sealing is
    the 监销人's: the auditor reads them beside the session's owner and finds them by name
    (walk-through: the log read as if the custodian approved her own destruction)."""
    from app.audit_view import AuditFilter, search

    custodian = login("jiyao")
    db = custodian.db
    with db.transaction():  # the events destruction.approve and .seal write, as they write them
        audit.record(
            db, custodian.clock, "jiyao", "批准销毁", "batch:2026-1", {"approver": "baomi"}
        )
        audit.record(
            db,
            custodian.clock,
            "jiyao",
            "销毁封存",
            "batch:2026-1",
            {"witnesses": ["baomi", "jiyao2"]},
        )
        audit.record(
            db, custodian.clock, "baomi", "重开当日", "day:2026-11-20", {"approver": "baomi"}
        )
    auditor = login("shenji").db

    def found(**f: object) -> list[AuditLine]:
        return search(auditor, Role.AUDITOR, AuditFilter(**f))[0]  # type: ignore[arg-type]

    [approved] = found(action="批准销毁")
    assert approved.account == "jiyao"
    assert approved.who == "李晓梅（机要员）；经王建国（保密员）批准"
    [sealed] = found(action="销毁封存")
    assert sealed.who == "李晓梅（机要员）；监销人 王建国（保密员）"  # jiyao2: no such account
    [reopened] = found(action="重开当日")
    assert reopened.who == "王建国（保密员）"  # no echo of the session's own owner
    assert found(text="王建国", action="批准销毁") == [approved]
    assert found(text="王建国", action="销毁封存") == [sealed]
    assert found(text="王建国", action="登记收文") == []
