"""The main window: assembles the pages a role may use, the idle lock and the status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import accounts, day_close, settings
from app.roles import BUSINESS_ROLES, Page, pages_for
from app.session import Session
from app.vocab import CopyState, Level
from ui.account_dialogs import ChangePasswordDialog
from ui.idle_lock import IdleWatcher, LockScreen
from ui.lazy_pages import LazyPages
from ui.open_check import OpenCheck
from ui.pages.audit_page import AuditPage
from ui.pages.board_page import BoardPage
from ui.pages.circulation_page import CirculationPage
from ui.pages.custody_page import CustodyPage
from ui.pages.day_close_page import DayClosePage
from ui.pages.desk_page import DeskPage
from ui.pages.distribution_page import DistributionPage
from ui.pages.instructions_page import InstructionsPage
from ui.pages.outgoing_page import OutgoingPage
from ui.pages.people_page import PeoplePage
from ui.pages.recall_page import RecallPage
from ui.pages.register_page import RegisterPage
from ui.pages.reports_page import ReportsPage
from ui.pages.review_page import ReviewPage
from ui.pages.security_page import SecurityPage
from ui.pages.settings_page import SettingsPage
from ui.pages.units_page import UnitsPage
from ui.report_dialog import ReportDialog
from ui.tasks import shutdown_runner

PageFactory = Callable[[Session], QWidget]
# Asked before quitting while copies are out: (parent, question) → quit?
ConfirmQuit = Callable[[QWidget, str], bool]


def confirm_quit(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "退出",
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


BUILT_PAGES: dict[Page, PageFactory] = {
    Page.BOARD: lambda s: BoardPage(s),
    Page.REGISTER: lambda s: RegisterPage(
        s,
        print_register=lambda parent, f: ReportDialog(
            s, "register", f.year or s.clock.now().year, parent=parent
        ).open(),
    ),
    Page.DESK: lambda s: DeskPage(s),
    Page.DISTRIBUTION: lambda s: DistributionPage(s),
    Page.OUTGOING: lambda s: OutgoingPage(s),
    Page.CIRCULATION: lambda s: CirculationPage(s),
    Page.DAY_CLOSE: lambda s: DayClosePage(s),
    Page.PEOPLE: lambda s: PeoplePage(s),
    Page.UNITS: lambda s: UnitsPage(s),
    Page.INSTRUCTIONS: lambda s: InstructionsPage(s),
    Page.RECALL: lambda s: RecallPage(s),
    Page.CUSTODY: lambda s: CustodyPage(s),
    Page.REVIEW: lambda s: ReviewPage(s),
    Page.REPORTS: lambda s: ReportsPage(s),
    Page.AUDIT: lambda s: AuditPage(s.db, s.role, session=s),
    Page.SECURITY: lambda s: SecurityPage(s),
    Page.SETTINGS: lambda s: SettingsPage(s),
}


def _refresh(page: QWidget | None) -> None:
    """refresh() the page; a page of tabs (清退销毁) refreshes the tab in sight (its own tabs
    refresh as they are chosen)."""
    refresh = getattr(page, "refresh", None)
    if callable(refresh):
        refresh()
    elif isinstance(page, QTabWidget):
        _refresh(page.currentWidget())


class MainWindow(QMainWindow):
    """Every page that shows the room's records has a `refresh()`; the window calls it each
    time the page is shown (chosen in the list, or the window unlocked), so no page shows the
    room as it was when it was built."""

    # The user asked to switch user: the composition root closes this session and logs in anew.
    switch_user = Signal()

    def __init__(
        self, session: Session, parent: QWidget | None = None, ask_quit: ConfirmQuit = confirm_quit
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._ask_quit = ask_quit
        self.switching = False
        self._closed = False
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
        # Each page is built when first shown (ui/lazy_pages.py): login to a usable window
        # does not wait for pages nobody has opened yet.
        self.pages = LazyPages(self._page_built)
        self.page_names: list[Page] = list(pages_for(account.role))
        for page in self.page_names:
            self.nav.addItem(page.value)
            self.pages.add_lazy(lambda page=page: BUILT_PAGES[page](session))  # type: ignore[misc]
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)
        self.pages.currentWidget()  # the first page, built now: the window opens on it

        content = QWidget()
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(header)
        content_layout.addLayout(body, 1)

        self.lock_screen = LockScreen(account.display_name, session)
        self.screens = QStackedWidget()
        self.screens.addWidget(content)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)
        self.pages.currentChanged.connect(self._page_changed)

        self.idle = IdleWatcher(session.clock, self._idle_minutes, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
            idle = self.idle
            # Before the children die, or their last events reach a half-destroyed filter.
            self.destroyed.connect(lambda: app.removeEventFilter(idle))

        self._build_menu()
        # A widget, not showMessage(): a menu's status tips would clear a message (and leave
        # the bar blank after the 账户 menu); they only cover a widget while they show.
        self.status_label = QLabel(
            f"{account.display_name}（{account.role.label}）　｜　数据库：{session.paths.db}"
            f"　｜　无操作 {self._idle_minutes()} 分钟自动锁定（Ctrl+L 立即锁定）"
        )
        self.statusBar().addWidget(self.status_label, 1)
        self.limits_label = QLabel()  # 今日时限 count, kept by the board page
        self.statusBar().addPermanentWidget(self.limits_label)
        self.open_check = OpenCheck(session)  # started by the composition root (ui/main.py)
        self.statusBar().addPermanentWidget(self.open_check)
        for index in range(self.pages.count()):
            widget = self.pages.built(index)
            if isinstance(widget, BoardPage):
                widget.refresh()  # the status bar's 今日时限 from the start
        self.idle.idle.connect(self._lock_when_idle)
        self.lock_screen.unlocked.connect(self._unlock)
        self.lock_screen.switch_user.connect(self.request_switch)

    def refresh_page(self) -> None:
        """Show the current page as the room is now (see the class's contract), and recount
        the status bar's 今日时限 (one indexed query) so it never lags what a page just did."""
        if not self.locked:
            _refresh(self.pages.currentWidget())
            for index in range(self.pages.count()):
                board = self.pages.built(index)
                if isinstance(board, BoardPage) and board is not self.pages.currentWidget():
                    board.tick()

    def _page_built(self, page: QWidget) -> None:
        if isinstance(page, BoardPage):
            page.counted.connect(self._show_limits)

    def _page_changed(self, _index: int) -> None:
        if self.isVisible():  # not while the window is closed or being torn down
            self.refresh_page()

    def out_question(self) -> str | None:
        """What to ask before quitting while copies are out (None: nothing is out, or the
        role may not read the room's records)."""
        if self.session.role not in BUSINESS_ROLES:
            return None
        tally = day_close.counts(self.session.db)
        out = sum(v[CopyState.LENT] for v in tally.values())
        if not out:
            return None
        classified = sum(v[CopyState.LENT] for k, v in tally.items() if k != Level.UNCLASSIFIED)
        of = f"（其中密件 {classified} 份）" if classified else ""
        return f"尚有 {out} 份文件借出在外{of}，未收回。确定退出密件台账吗？"

    def request_switch(self) -> None:
        """End this session's window; the login comes next (ui.main)."""
        self.switching = True
        self.close()
        if self.isVisible():  # refused: stay as we were
            self.switching = False
            return
        self.switch_user.emit()

    def request_quit(self) -> None:
        """退出 (Ctrl+Q): asks first while copies are out, naming how many."""
        if self._may_quit():
            self.close()

    def _may_quit(self) -> bool:
        question = self.out_question()
        return question is None or self._ask_quit(self, question)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        # The window's own close button asks like 退出; a close by the program (switching
        # user, after 退出 asked) does not ask again.
        if event.spontaneous() and not self._may_quit():
            event.ignore()
            return
        # Pages change as the window is torn down; the session may be closed by then.
        if not self._closed:
            self.pages.currentChanged.disconnect(self._page_changed)
        self._closed = True
        # The idle watcher filters the whole application's input; it must not outlive us.
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        self.idle.stop()
        shutdown_runner(self)  # the worker's job ends before ui.main closes the session
        super().closeEvent(event)

    @property
    def locked(self) -> bool:
        return self.screens.currentIndex() == 1

    def page_titles(self) -> list[str]:
        return [p.value for p in self.page_names]

    def lock(self, idle: bool = False) -> None:
        """Hide every record until the same person's password: after the idle limit, or by
        hand (Ctrl+L, 账户 → 锁定窗口)."""
        if self.locked:
            return
        self.lock_screen.show_reason(idle)
        self.screens.setCurrentIndex(1)
        self.menuBar().setEnabled(False)
        self.idle.paused = True
        self.lock_screen.password_edit.setFocus()

    def _lock_when_idle(self) -> None:
        self.lock(idle=True)

    def _lock_by_hand(self) -> None:
        self.lock(idle=False)

    def _unlock(self) -> None:
        self.screens.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        self.idle.paused = False
        self.idle.touch()
        self.refresh_page()

    def _show_limits(self, total: int, overdue: int) -> None:
        self.limits_label.setText(f"今日时限 {total} 项（逾期 {overdue}）")

    def _idle_minutes(self) -> int:
        return settings.load(self.session.db).idle_lock_minutes

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("账户")
        change = QAction("修改密码…", self)
        lock = QAction("锁定窗口", self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        switch = QAction("切换用户…", self)
        quit_action = QAction("退出", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        for action in (change, lock, switch, quit_action):
            menu.addAction(action)
        change.triggered.connect(self._change_password)
        lock.triggered.connect(self._lock_by_hand)
        switch.triggered.connect(self.request_switch)
        quit_action.triggered.connect(self.request_quit)
        self.lock_action, self.switch_action, self.quit_action = lock, switch, quit_action

    def _change_password(self) -> None:
        ChangePasswordDialog(
            lambda old, new: accounts.change_own_password(self.session, old, new), self
        ).exec()
