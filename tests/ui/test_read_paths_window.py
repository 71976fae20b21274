"""The window of each administrator on the demo room with its content: every page, every table
and label it shows, read to the end, holds no title, 文号, reader or 批示 of that content."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

from app.clock import FixedClock
from app.paths import RoomPaths
from app.roles import BUSINESS_ROLES, PAGES_BY_ROLE, Role
from app.session import open_session
from tests.app.test_read_paths import Secrets, content_room, secrets  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, START
from ui.main_window import MainWindow

EXPECTED = {"xitong": ["设置"], "anquan": ["安全管理"], "shenji": ["审计"]}


def _everything_shown(window: MainWindow) -> tuple[str, int]:
    texts = [window.windowTitle()]
    models = 0
    for model in window.findChildren(QAbstractItemModel):
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        models += 1
        # Tables, and the lists of combo boxes and the navigation (one column).
        columns = model.columnCount() if isinstance(model, QAbstractTableModel) else 1
        for r in range(model.rowCount(QModelIndex())):
            texts += [str(model.index(r, c).data()) for c in range(columns)]
    texts += [w.text() for w in window.findChildren(QLabel)]
    texts += [w.text() for w in window.findChildren(QLineEdit)]
    texts += [w.toPlainText() for w in window.findChildren(QPlainTextEdit)]
    return "\n".join(texts), models


def test_no_administrator_window_shows_business_content(
    qtbot,
    content_room: RoomPaths,  # noqa: F811
    secrets: Secrets,  # noqa: F811
) -> None:
    business_pages = {p for r in BUSINESS_ROLES for p in PAGES_BY_ROLE[r]}
    for role in (Role.SYSADMIN, Role.SECURITY_OFFICER, Role.AUDITOR):
        assert not business_pages & set(PAGES_BY_ROLE[role])
    for user, pages in EXPECTED.items():
        session = open_session(content_room.db, user, PASSWORD, FixedClock(START), exclusive=False)
        try:
            window = MainWindow(session)
            qtbot.addWidget(window)
            window.show()
            assert window.page_titles() == pages
            shown, models = _everything_shown(window)
            assert models >= 1 and len(shown) > 200
            assert [t for t in secrets.texts if t in shown] == [], user
            window.close()
        finally:
            session.close()
    # The control: the same reading of the custodian's window does find the content.
    session = open_session(content_room.db, "jiyao", PASSWORD, FixedClock(START), exclusive=False)
    try:
        window = MainWindow(session)
        qtbot.addWidget(window)
        shown, _ = _everything_shown(window)
        assert any(t in shown for t in secrets.texts)
        window.close()
    finally:
        session.close()


def test_the_auditor_reads_administrators_in_full_and_business_reduced(
    qtbot,
    content_room: RoomPaths,  # noqa: F811
    shot,
) -> None:
    from ui.audit_model import REDUCED
    from ui.pages.audit_page import AuditPage

    session = open_session(content_room.db, "shenji", PASSWORD, FixedClock(START), exclusive=False)
    try:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        page = window.pages.widget(0)
        assert isinstance(page, AuditPage)
        model = page.model
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        rows = [[model.index(r, c).data() for c in range(6)] for r in range(model.rowCount())]
        by_action = {row[3]: row for row in rows}
        assert by_action["借出"][5] == REDUCED and by_action["借出"][4].startswith("份 ")
        assert by_action["登记收文"][5] == REDUCED
        assert "姓名：" in by_action["创建账户"][5] and "角色：" in by_action["创建账户"][5]
        shot(page, "audit-page-reduced")
        window.close()
    finally:
        session.close()
