"""One way for a page to run an action (issue 14): ui.errors.attempt shows a typed error calmly
(an OSError too) and refreshes only on success. No page repeats the try/except by hand."""

from __future__ import annotations

import errno
import re
from collections import Counter
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import InvalidInput, MijianError
from ui.errors import attempt, attempted

UI = Path(__file__).resolve().parents[2] / "ui"
CATCHES = re.compile(r"except\s*\(?[^:\n]*\bMijianError\b")

# The blocks that stay, each with why attempt() does not serve there. (module: count, reason)
ALLOWED = {
    "ui/errors.py": (1, "attempt() itself"),
    "ui/tasks.py": (1, "SyncRunner hands a typed error to on_error (or re-raises), as the worker"),
    "ui/main.py": (1, "before any window exists: a critical box and exit status 2"),
    "ui/registration_dialog.py": (
        4,
        "the live preview while typing: every message of the fields gathered into one line, "
        "and 份数 left alone while 份号 does not parse (not an action)",
    ),
    "ui/printing.py": (
        2,
        "write_to names the file and the system's own words for an OSError; offer_pdf says "
        "nothing of a Cancelled (the person cancelled it)",
    ),
}


def test_no_page_repeats_the_try_except_by_hand() -> None:
    modules = sorted(UI.rglob("*.py"))
    assert len(modules) > 20, f"ui/ not found where expected: {UI}"
    found = Counter[str]()
    for path in modules:
        text = path.read_text(encoding="utf-8")
        found[path.relative_to(UI.parent).as_posix()] = len(CATCHES.findall(text))
    over = {name: n for name, n in found.items() if n > ALLOWED.get(name, (0, ""))[0]}
    assert over == {}, f"use ui.errors.attempt / attempted instead: {over}"
    stale = {name for name, (n, _) in ALLOWED.items() if found[name] < n}
    assert stale == set(), f"fewer blocks than allowed, lower the allowance: {stale}"
    assert sum(n for n, _ in ALLOWED.values()) <= 9


def test_the_scan_sees_both_forms() -> None:
    text = "try:\n    x()\nexcept MijianError as exc:\n    y()\nexcept (OSError, MijianError):\n"
    assert len(CATCHES.findall(text)) == 2


def test_attempted_shows_in_place_and_calms_an_os_error(qtbot, monkeypatch) -> None:
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: boxes.append(text))
    page = QWidget()
    qtbot.addWidget(page)
    said: list[str] = []
    done: list[bool] = []

    def pulled() -> None:
        raise OSError(errno.EIO, "Input/output error", "/media/u/x.pdf")

    def refused() -> None:
        raise InvalidInput("请先选中一份。")

    def show(exc: MijianError) -> None:
        said.append(exc.message)

    assert not attempted(page, pulled, lambda: done.append(True), show=show)
    assert not attempted(page, refused, lambda: done.append(True), show=show)
    assert attempted(page, lambda: None, lambda: done.append(True), show=show)  # None is fine
    assert said[0].startswith("文件读写失败（/media/u/x.pdf）") and said[1] == "请先选中一份。"
    assert boxes == [] and done == [True]
    assert attempt(page, refused) is None and boxes == ["请先选中一份。"]
