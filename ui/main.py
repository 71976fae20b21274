"""The composition root: parses the command line, opens the room, builds the window.

`mijian SUBCOMMAND …` runs the administration command line (app/cli.py) without Qt;
a plain `mijian` (or `mijian --demo`) opens the window.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app import cli, logs
from app.clock import Clock, SystemClock
from app.errors import MijianError
from app.paths import RoomPaths, default_db_path, demo_db_path, log_path
from app.roles import Role
from app.session import Session, is_demo_room, open_session

if TYPE_CHECKING:
    from app.model import NewAccount
    from app.seal import VerificationKey

# What the login dialog needs is imported above; the rules behind the pages (and reportlab,
# pypinyin, openpyxl) load after the key is unwrapped, where they are used.

log = logging.getLogger("mijian")


def main(argv: Sequence[str] | None = None) -> int:
    args = cli.build_parser().parse_args(argv)
    if args.self_check:
        from app import selfcheck

        return selfcheck.run()
    if args.command is not None:
        return cli.run(args)
    return run_window(args, SystemClock())


def room_path(args: argparse.Namespace) -> Path:
    if args.demo:
        return Path(args.db) if args.db else demo_db_path()
    return Path(args.db) if args.db else default_db_path()


def run_window(args: argparse.Namespace, clock: Clock) -> int:
    # Qt is imported here so that the command line never loads it.
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.errors import install_excepthook
    from ui.fonts import install_fonts
    from ui.translations import install_translations

    logs.setup(log_path())
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("密件台账")
    install_fonts(app)
    install_translations(app)
    install_excepthook()

    paths = RoomPaths(room_path(args))
    try:
        if args.demo and not paths.exists():
            create_demo(paths, clock)
        if not paths.exists() and not _first_run(paths, clock):
            return 0
        session = _login(paths, clock)
    except MijianError as exc:
        QMessageBox.critical(None, "密件台账", exc.message)
        return 2
    from ui.main_window import MainWindow

    # One window per login; 账户 → 切换用户 (or the lock screen's button) closes this session
    # and asks for the next person's login.
    while session is not None:
        window = MainWindow(session)
        window.show()
        window.open_check.start()  # the quick gate, off the GUI thread
        log.info("window opened for role %s", session.role.value)
        try:
            code = int(app.exec())
        finally:
            session.close()
        if not window.switching:
            return code
        window.deleteLater()
        session = _login(paths, clock)
    return 0


def create_demo(paths: RoomPaths, clock: Clock) -> None:
    """The demo room is made on a thread of its own behind a bar (it takes half a minute on a
    slow machine: the keys, the accounts and a year of demo ledgers); the window is never a
    black screen meanwhile. A typed error is raised here, on the GUI thread."""
    from PySide6.QtCore import QEventLoop

    from app.demo import create_demo_room
    from ui.errors import calm
    from ui.tasks import Call, ProgressWindow

    window = ProgressWindow(
        None,
        "密件台账",
        "正在创建演示机要室：生成密钥、演示账户和一年的演示台账，首次约需半分钟……",
        cancellable=False,
    )
    loop = QEventLoop()
    failures: list[MijianError] = []

    def finish(failure: MijianError | None = None) -> None:
        if failure is not None:
            failures.append(failure)
        window.end()
        loop.quit()

    def make() -> object:
        try:
            return create_demo_room(paths.db, clock)
        except OSError as exc:  # a full disk, no permission: a calm message, not the crash box
            calmly = calm(exc)
            assert calmly is not None
            raise calmly from exc

    call = Call(make, lambda _: finish(), finish, finish)
    if not call.finished:
        loop.exec()
    if failures:
        raise failures[0]


def _first_run(paths: RoomPaths, clock: Clock) -> bool:
    from ui.setup_wizard import SetupWizard

    sheets: list[tuple[VerificationKey, str, str]] = []

    def create(name: str, unit: str, accounts: list[NewAccount]) -> object:
        from app.room import create_room

        return create_room(
            paths.db, name, unit, accounts, clock, on_sheet=lambda k: sheets.append((k, unit, name))
        )

    created = bool(SetupWizard(create).exec())
    if sheets:
        from ui.seal_sheet import print_sheet

        key, unit, name = sheets.pop()
        print_sheet(None, key, unit, name, clock.now())
    return created


def opened(session: Session) -> Session:
    """What follows every login, on the login's own thread (not the window's): a classified
    copy that stayed out overnight without an exception becomes a 违规过夜 incident, shown on
    the desk until the 保密员 handles it (half a second on a room of a million copies)."""
    if session.role in (Role.CUSTODIAN, Role.APPROVER):
        from app.day_close import detect_overnight

        try:
            detect_overnight(session)
        except BaseException:
            session.close()
            raise
    return session


def _login(paths: RoomPaths, clock: Clock) -> Session | None:
    from ui.login import LoginDialog

    dialog = LoginDialog(
        lambda login, password, accept: opened(
            open_session(paths.db, login, password, clock, accept_rollback=accept)
        ),
        f"数据库：{paths.db}",
        is_demo_room(paths),
    )
    dialog.exec()
    return dialog.session


if __name__ == "__main__":
    raise SystemExit(main())
