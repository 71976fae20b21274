"""First-run wizard, and no plaintext of a known name anywhere on disk after real use."""

from __future__ import annotations

import logging
from pathlib import Path

from app import accounts, logs
from app.clock import FixedClock
from app.model import NewAccount
from app.paths import RoomPaths
from app.roles import Role
from app.room import create_room
from app.session import open_session
from ui.main_window import MainWindow
from ui.setup_wizard import SetupWizard

SECRETS = ("绝密测试机要室甲", "欧阳明月", "司马青云", "测试单位乙")


def _fill(wizard: SetupWizard, rows: dict[Role, tuple[str, str, str, str]]) -> None:
    wizard.room_page.name_edit.setText(SECRETS[0])
    wizard.room_page.unit_edit.setText(SECRETS[3])
    for role, values in rows.items():
        for edit, value in zip(wizard.accounts_page.rows[role], values, strict=True):
            edit.setText(value)


def test_wizard_creates_the_room_and_refuses_bad_input(
    qtbot, tmp_path: Path, clock: FixedClock, shot
) -> None:
    paths = RoomPaths(tmp_path / "new.mjdb")
    wizard = SetupWizard(lambda n, u, a: create_room(paths.db, n, u, a, clock))
    qtbot.addWidget(wizard)
    wizard.show()
    rows = {
        Role.SYSADMIN: ("admin", "欧阳明月", "Admin-pass-01", "Admin-pass-01"),
        Role.SECURITY_OFFICER: ("sec", "欧阳明月", "Secur-pass-02", "Secur-pass-02"),
        Role.APPROVER: ("apr", "戊", "Appro-pass-05", "Appro-pass-05"),
        Role.AUDITOR: ("aud", "丙", "Audit-pass-03", "Audit-pass-03"),
        Role.CUSTODIAN: ("cus", "司马青云", "short", "short"),
    }
    _fill(wizard, rows)
    wizard.next()
    assert not wizard.accounts_page.validatePage()
    assert "三员分立" in wizard.accounts_page.error_label.text()
    assert not paths.exists()
    rows[Role.SECURITY_OFFICER] = ("sec", "乙", "Secur-pass-02", "Secur-pass-02")
    _fill(wizard, rows)
    assert not wizard.accounts_page.validatePage()
    assert "至少 10 位" in wizard.accounts_page.error_label.text()
    shot(wizard, "wizard-refused")
    rows[Role.CUSTODIAN] = ("cus", "司马青云", "Custo-pass-04", "Custo-pass-04")
    _fill(wizard, rows)
    assert wizard.accounts_page.validatePage()
    session = open_session(paths.db, "cus", "Custo-pass-04", clock)
    assert session.room.name == SECRETS[0]
    session.close()


def test_no_plaintext_name_in_database_keys_or_log(
    qtbot, tmp_path: Path, clock: FixedClock
) -> None:
    log_file = tmp_path / "mijian.log"
    logs.setup(log_file)
    try:
        paths = create_room(
            tmp_path / "r.mjdb",
            SECRETS[0],
            SECRETS[3],
            [
                NewAccount("admin", SECRETS[1], Role.SYSADMIN, "Admin-pass-01"),
                NewAccount("sec", "乙", Role.SECURITY_OFFICER, "Secur-pass-02"),
                NewAccount("apr", "戊", Role.APPROVER, "Appro-pass-05"),
                NewAccount("aud", "丙", Role.AUDITOR, "Audit-pass-03"),
                NewAccount("cus", SECRETS[2], Role.CUSTODIAN, "Custo-pass-04"),
            ],
            clock,
        )
        admin = open_session(paths.db, "admin", "Admin-pass-01", clock, exclusive=True)
        accounts.create_account(
            admin, NewAccount("cus2", "诸葛长风", Role.CUSTODIAN, "Custo-pass-05")
        )
        window = MainWindow(admin)
        qtbot.addWidget(window)
        window.show()
        logging.getLogger("mijian").info("window opened for role %s", admin.role.value)
        on_disk = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
        admin.close()
    finally:
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "baseFilename", None) == str(log_file):
                logging.getLogger().removeHandler(handler)
                handler.close()
    assert log_file in on_disk and len(on_disk[log_file]) > 0
    assert any(str(p).endswith("-wal") for p in on_disk)
    for path, data in on_disk.items():
        for secret in (*SECRETS, "诸葛长风"):
            for encoding in ("utf-8", "utf-16-le", "gb18030"):
                assert secret.encode(encoding) not in data, f"{secret} in {path.name}"
