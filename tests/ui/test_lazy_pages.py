"""The window builds a page when it is first shown (or reached by index), not at login."""

from __future__ import annotations

from collections.abc import Callable

from app.roles import Page
from app.session import Session
from ui.main_window import MainWindow
from ui.pages.board_page import BoardPage
from ui.pages.custody_page import CustodyPage
from ui.pages.recall_page import RecallPage


def test_only_the_first_page_is_built_at_login(qtbot, login: Callable[..., Session]) -> None:
    window = MainWindow(login("jiyao"))
    qtbot.addWidget(window)
    window.show()
    titles = window.page_titles()
    assert isinstance(window.pages.built(0), BoardPage)
    assert all(window.pages.built(i) is None for i in range(1, len(titles)))
    assert window.findChildren(RecallPage) == []

    custody = titles.index(Page.CUSTODY.value)
    window.nav.setCurrentRow(custody)  # chosen in the list: built, then shown
    page = window.pages.currentWidget()
    assert isinstance(page, CustodyPage) and page.isVisible()
    assert window.pages.built(custody) is page
    assert window.pages.count() == len(titles)  # the placeholder went, nothing moved
    recall = titles.index(Page.RECALL.value)
    assert isinstance(window.pages.widget(recall), RecallPage)  # reached by index: built
    assert window.pages.currentWidget() is page


def test_the_status_bar_counts_from_the_first_page(qtbot, login: Callable[..., Session]) -> None:
    window = MainWindow(login("jiyao"))
    qtbot.addWidget(window)
    board = window.pages.widget(0)
    assert isinstance(board, BoardPage)
    board.counted.emit(7, 2)  # wired when the page was built
    assert window.limits_label.text() == "今日时限 7 项（逾期 2）"
