"""设置 → 默认办理时限 through the window (system administrator)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app import audit, instructions, settings
from app.session import Session
from tests.conftest import BEIJING
from ui.pages.settings_page import SettingsPage


def test_the_default_time_limits_are_set_on_the_settings_page(
    login: Callable[..., Session], qtbot, shot
) -> None:
    admin = login("xitong")
    page = SettingsPage(admin)
    qtbot.addWidget(page)
    page.resize(1200, 900)
    box = page.time_limits_box
    assert box.spins["limit_policy_days"].value() == 3
    assert box.spins["limit_routine_days"].value() == 1
    assert "发文的审核时限" in box.spins["limit_policy_days"].toolTip()
    box.spins["limit_policy_days"].setValue(5)
    box.save_button.click()
    assert box.message_label.text() == "已保存 1 项时限。"
    assert settings.load_time_limits(admin.db).policy_days == 5
    event = audit.page(admin.db, None, 1)[0]
    assert (event.action, event.object) == ("修改设置", "setting:limit_policy_days")
    assert event.details == {"before": 3, "after": 5}
    friday = datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING)
    due = instructions.default_deadline(admin.db, friday, "政策性")
    assert due == datetime(2026, 11, 27, 9, 0, tzinfo=BEIJING)
    box.save_button.click()
    assert box.message_label.text() == "时限没有改动。"
    shot(page, "settings-time-limits")
