"""The system administrator's 设置 page and the auditor's 审计 page, driven through the widgets."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import accounts, audit, grants
from app.clock import FixedClock
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, open_session
from tests.conftest import PASSWORD
from tests.ui.job_threads import JobThreads
from ui.account_dialogs import NewAccountDialog
from ui.pages.audit_page import AuditPage
from ui.pages.settings_page import SettingsPage
from ui.tasks import SyncRunner, use_runner


def test_new_account_dialog_refuses_then_creates(
    qtbot, login: Callable[..., Session], room: RoomPaths, clock: FixedClock, shot
) -> None:
    admin = login("xitong")
    page = SettingsPage(admin)
    qtbot.addWidget(page)
    dialog = NewAccountDialog(
        lambda new: accounts.create_account(admin, new), page
    )  # owned by page
    qtbot.keyClicks(dialog.login_edit, "zhaolei")
    dialog.name_edit.setText("张志强")  # Chinese arrives through the IME, not key clicks
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.AUDITOR.value))
    qtbot.keyClicks(dialog.password_edit, "Secret-2026x")
    qtbot.keyClicks(dialog.again_edit, "Secret-2026x")
    dialog.buttons.accepted.emit()
    assert "三员分立" in dialog.error_label.text()
    assert dialog.login_edit.text() == "zhaolei"  # nothing typed is lost
    shot(dialog, "new-account-refused")
    dialog.name_edit.setText("赵磊")
    dialog.buttons.accepted.emit()
    assert dialog.result() == dialog.DialogCode.Accepted
    grants.grant_role(login("anquan"), "zhaolei")
    open_session(room.db, "zhaolei", "Secret-2026x", clock).close()


def test_backup_and_check_from_the_page(
    qtbot, login: Callable[..., Session], tmp_path: Path, shot, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = login("xitong")
    target = tmp_path / "out" / "b.mjdb"
    page = SettingsPage(admin, choose_path=lambda parent: target)
    qtbot.addWidget(page)
    page.show()
    jobs = JobThreads(monkeypatch)
    page.backup_button.click()  # on the window's task runner
    assert not page.backup_button.isEnabled() and not page.check_button.isEnabled()
    qtbot.waitUntil(lambda: "已备份到" in page.maintenance_label.text(), timeout=30_000)
    assert target.exists() and Path(f"{target}.keys").exists()
    assert page.backup_button.isEnabled()
    page.check_button.click()
    qtbot.waitUntil(lambda: "链完整" in page.maintenance_label.text(), timeout=60_000)
    assert len(jobs.threads) == 2 and jobs.all_off_the_gui_thread
    assert audit.page(admin.db, None, 1)[0].action == "备份"  # the worker's, committed
    shot(page, "settings-page")
    page.task_runner.shutdown()


def test_a_pulled_stick_during_backup_is_a_calm_message(
    qtbot, login: Callable[..., Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = login("xitong")
    stick = tmp_path / "stick"
    stick.write_text("")  # the stick's folder is gone: a file stands where it was mounted
    target = stick / "b.mjdb"
    page = SettingsPage(admin, choose_path=lambda parent: target)
    qtbot.addWidget(page)
    use_runner(page, SyncRunner(admin))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    crashed: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: crashed.append(exc))
    page.backup_button.click()
    assert crashed == [] and len(shown) == 1
    assert "文件读写失败" in shown[0] and "请检查存储介质后重试" in shown[0]
    assert page.maintenance_label.text() == shown[0]
    assert page.backup_button.isEnabled() and not target.exists()


def test_reset_without_a_selection_says_what_to_do(login: Callable[..., Session], qtbot) -> None:
    page = SettingsPage(login("xitong"))
    qtbot.addWidget(page)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if box is not None:
            seen.append(box.text())
            box.close()

    QTimer.singleShot(0, close_box)
    page.reset_button.click()
    assert seen == ["请先在表中选中一个账户。"]


def test_audit_page_verifies_and_names_a_broken_row(
    qtbot, login: Callable[..., Session], shot
) -> None:
    session = login("shenji")
    page = AuditPage(session.db)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    assert page.model.rowCount() > 5
    page.verify_button.click()
    assert page.result_label.text().startswith("链完整：")
    shot(page, "audit-page")
    session.db.execute("DROP TRIGGER audit_event_no_update")
    session.db.execute("UPDATE audit_event SET object = 'x' WHERE seq = 2")
    page.verify_button.click()
    assert "第 2 条" in page.result_label.text()


def test_password_login_after_page_use(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    # The pages leave the key slots usable by everyone.
    for user in ("jiyao", "baomi"):
        open_session(room.db, user, PASSWORD, clock).close()


def test_the_holiday_calendar_is_entered_in_settings(login: Callable[..., Session], qtbot) -> None:
    from app import workdays

    admin = login("xitong")
    page = SettingsPage(admin)
    qtbot.addWidget(page)
    page.calendar_year.setValue(2026)
    page.calendar_edit.setPlainText("2026-10-01~2026-10-03 休 国庆节\n2026-09-27 班 国庆调休")
    page.save_calendar_button.click()
    assert "4 天" in page.maintenance_label.text()
    assert len(workdays.entries(admin.db, 2026)) == 4


def test_the_recall_deadline_is_a_setting(login: Callable[..., Session], qtbot) -> None:
    from app import recall, settings

    admin = login("xitong")
    page = SettingsPage(admin)
    qtbot.addWidget(page)
    assert page.recall_edit.text() == "06-30"
    page.recall_edit.setText("5月31日")
    page.save_recall_button.click()
    assert page.recall_edit.text() == "05-31" and "5 月 31 日" in page.maintenance_label.text()
    assert settings.load(admin.db).recall_deadline == (5, 31)
    assert str(recall.default_deadline(admin.db, 2026)) == "2027-05-31"
