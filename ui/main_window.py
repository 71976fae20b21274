"""The main window: assembles the pages a role may use, the idle lock and the status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import accounts, settings
from app.roles import Page, pages_for
from app.session import Session
from ui.account_dialogs import ChangePasswordDialog
from ui.idle_lock import IdleWatcher, LockScreen
from ui.pages.audit_page import AuditPage
from ui.pages.board_page import BoardPage
from ui.pages.circulation_page import CirculationPage
from ui.pages.day_close_page import DayClosePage
from ui.pages.desk_page import DeskPage
from ui.pages.instructions_page import InstructionsPage
from ui.pages.people_page import PeoplePage
from ui.pages.recall_page import RecallPage
from ui.pages.register_page import RegisterPage
from ui.pages.reports_page import ReportsPage
from ui.pages.security_page import SecurityPage
from ui.pages.settings_page import SettingsPage
from ui.report_dialog import ReportDialog

PageFactory = Callable[[Session], QWidget]

BUILT_PAGES: dict[Page, PageFactory] = {
    Page.BOARD: lambda s: BoardPage(s),
    Page.REGISTER: lambda s: RegisterPage(
        s,
        print_register=lambda parent, f: ReportDialog(
            s, "register", f.year or s.clock.now().year, parent=parent
        ).open(),
    ),
    Page.DESK: lambda s: DeskPage(s),
    Page.CIRCULATION: lambda s: CirculationPage(s),
    Page.DAY_CLOSE: lambda s: DayClosePage(s),
    Page.PEOPLE: lambda s: PeoplePage(s),
    Page.INSTRUCTIONS: lambda s: InstructionsPage(s),
    Page.RECALL: lambda s: RecallPage(s),
    Page.REPORTS: lambda s: ReportsPage(s),
    Page.AUDIT: lambda s: AuditPage(s.db, s.role, session=s),
    Page.SECURITY: lambda s: SecurityPage(s),
    Page.SETTINGS: lambda s: SettingsPage(s),
}


class MainWindow(QMainWindow):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        account = session.account
        self.setWindowTitle(f"密件台账 · {session.room.name}")
        self.resize(1440, 860)

        header = QLabel(
            f"<b>{session.room.name}</b>　{session.room.unit}"
            f"　｜　{account.display_name}（{account.role.label}）"
        )
        header.setStyleSheet("font-size: 15px; padding: 6px 4px;")
        self.nav = QListWidget()
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet(
            "QListWidget { font-size: 15px; } QListWidget::item { padding: 8px; }"
        )
        self.pages = QStackedWidget()
        self.page_names: list[Page] = list(pages_for(account.role))
        for page in self.page_names:
            self.nav.addItem(page.value)
            self.pages.addWidget(BUILT_PAGES[page](session))
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)

        content = QWidget()
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(header)
        content_layout.addLayout(body, 1)

        self.lock_screen = LockScreen(account.display_name, session.verify_password)
        self.screens = QStackedWidget()
        self.screens.addWidget(content)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)

        self.idle = IdleWatcher(session.clock, self._idle_minutes, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
            idle = self.idle
            # Before the children die, or their last events reach a half-destroyed filter.
            self.destroyed.connect(lambda: app.removeEventFilter(idle))

        self._build_menu()
        self.limits_label = QLabel()  # 今日时限 count, kept by the board page
        self.statusBar().addPermanentWidget(self.limits_label)
        for index in range(self.pages.count()):
            widget = self.pages.widget(index)
            if isinstance(widget, BoardPage):
                widget.counted.connect(self._show_limits)
                widget.refresh()
        self.statusBar().showMessage(
            f"数据库：{session.paths.db}　｜　无操作 {self._idle_minutes()} 分钟自动锁定"
        )
        self.idle.idle.connect(self.lock)
        self.lock_screen.unlocked.connect(self._unlock)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        # The idle watcher filters the whole application's input; it must not outlive us.
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        self.idle.stop()
        super().closeEvent(event)

    @property
    def locked(self) -> bool:
        return self.screens.currentIndex() == 1

    def page_titles(self) -> list[str]:
        return [p.value for p in self.page_names]

    def lock(self) -> None:
        if self.locked:
            return
        self.screens.setCurrentIndex(1)
        self.menuBar().setEnabled(False)
        self.idle.paused = True
        self.lock_screen.password_edit.setFocus()

    def _unlock(self) -> None:
        self.screens.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        self.idle.paused = False
        self.idle.touch()

    def _show_limits(self, total: int, overdue: int) -> None:
        self.limits_label.setText(f"今日时限 {total} 项（逾期 {overdue}）")

    def _idle_minutes(self) -> int:
        return settings.load(self.session.db).idle_lock_minutes

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("账户")
        change = QAction("修改密码…", self)
        lock = QAction("锁定窗口", self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        quit_action = QAction("退出", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        for action in (change, lock, quit_action):
            menu.addAction(action)
        change.triggered.connect(self._change_password)
        lock.triggered.connect(self.lock)
        quit_action.triggered.connect(self.close)

    def _change_password(self) -> None:
        ChangePasswordDialog(
            lambda old, new: accounts.change_own_password(self.session, old, new), self
        ).exec()
