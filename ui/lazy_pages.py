"""The window's pages, each built the first time it is shown or asked for.

Built all at login, the custodian's pages cost seconds on a large room (清退销毁 reads the year's
recall rows, 保管 its custody lists) before the first screen appeared. Here each page starts as
an empty placeholder at its place in the stack; `widget(i)`, `setCurrentIndex(i)` and
`currentWidget()` build it then, so code that reaches a page by index sees the real page.
`built(i)` looks without building.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QStackedWidget, QWidget


class LazyPages(QStackedWidget):
    def __init__(self, on_built: Callable[[QWidget], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make: dict[int, Callable[[], QWidget]] = {}
        self._on_built = on_built

    def add_lazy(self, make: Callable[[], QWidget]) -> int:
        index = super().addWidget(QWidget())
        self._make[index] = make
        return index

    def built(self, index: int) -> QWidget | None:
        """The page at `index` if it has been built, else None (and it is not built now)."""
        return None if index in self._make else super().widget(index)

    def widget(self, index: int) -> QWidget:
        make = self._make.pop(index, None)
        if make is not None:
            placeholder = super().widget(index)
            page = make()
            super().insertWidget(index, page)  # before the placeholder: no index moves
            super().removeWidget(placeholder)
            placeholder.deleteLater()
            self._on_built(page)
        return super().widget(index)

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802 (Qt API)
        if 0 <= index < self.count():
            self.widget(index)
        super().setCurrentIndex(index)

    def currentWidget(self) -> QWidget:  # noqa: N802 (Qt API)
        return self.widget(self.currentIndex())
