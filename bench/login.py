"""Start and login at a generated room, as the custodian meets them.

    python bench/login.py [--room small|large|stress] [--runs 3]

- start_to_dialog: from starting the interpreter to the login dialog on screen (offscreen), in a
  fresh process each run, imports included (wall, and the CPU the process used);
- login_wait: from Enter in the password field to the dialog accepting (Argon2id key unwrap,
  opening, any migration: on the login thread), and the longest stall of the event loop while
  it ran (the gap between ticks of a 10 ms timer: the window must stay responsive);
- login_wait includes the 违规过夜 check at start (ui.main.opened, on the login thread);
  overnight_recheck is that check again on the GUI thread, for comparison (nothing new to find);
- window_build: after the key is unwrapped and the room open, until the main window is shown
  and idle (the first page built; the others when first shown).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DIALOG = """
import time, sys
sys.path.insert(0, {root!r})
import ui.main  # what the program imports before its window code, as `mijian` starts
from PySide6.QtWidgets import QApplication
from ui.fonts import install_fonts
from ui.translations import install_translations
from ui.login import LoginDialog
app = QApplication([])
install_fonts(app)
install_translations(app)
dialog = LoginDialog(lambda *a: None, "数据库：bench", False)
dialog.show()
app.processEvents()
print(time.process_time(), flush=True)  # the CPU this process has used, start included
"""


def start_to_dialog(runs: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) from starting the interpreter to the dialog shown, per run;
    on a loaded machine the CPU figure is the closer to what a quiet one shows."""
    out, cpu = [], []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    for _ in range(runs + 1):  # the first warms the disk cache
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", DIALOG.format(root=str(ROOT))],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert child.stdout is not None
        cpu.append(float(child.stdout.readline()))
        out.append(time.perf_counter() - started)
        child.wait()
    return out[1:], cpu[1:]


class Ticks:
    """A 10 ms timer's ticks: the longest gap is the longest the event loop was blocked."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.stamps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.stamps.append(time.perf_counter()))

    def start(self) -> None:
        self.stamps = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> float:
        """The longest gap in ms, the end counted as a tick."""
        self.timer.stop()
        self.stamps.append(time.perf_counter())
        return max(b - a for a, b in zip(self.stamps, self.stamps[1:], strict=False)) * 1000


def login_once(paths: object, user: str) -> dict[str, float]:
    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
    from PySide6.QtTest import QTest

    from app.clock import FixedClock
    from app.day_close import detect_overnight
    from app.demo import DEMO_PASSWORD
    from app.session import open_session
    from bench.rooms import NOW
    from ui.login import LoginDialog
    from ui.main import opened
    from ui.main_window import MainWindow

    clock = FixedClock(NOW.replace(hour=10))
    dialog = LoginDialog(
        lambda login, password, accept: opened(
            open_session(
                paths.db,  # type: ignore[attr-defined]
                login,
                password,
                clock,
                exclusive=False,
                accept_rollback=accept,
            )
        ),
        "数据库：bench",
        False,
    )
    dialog.show()
    QTest.keyClicks(dialog.login_edit, user)
    QTest.keyClicks(dialog.password_edit, DEMO_PASSWORD)
    ticks = Ticks()
    ticks.start()
    started = time.perf_counter()
    QTest.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    loop = QEventLoop()
    dialog.finished.connect(loop.quit)
    if dialog.isVisible():
        loop.exec()
    waited = time.perf_counter() - started
    stall = ticks.stop()
    session = dialog.session
    assert session is not None, dialog.error_label.text()
    started = time.perf_counter()
    detect_overnight(session)  # done already on the login thread: found nothing new now
    overnight = time.perf_counter() - started
    ticks.start()
    started = time.perf_counter()
    window = MainWindow(session)
    window.show()
    QCoreApplication.processEvents()
    built = time.perf_counter() - started
    window_stall = ticks.stop()
    window.close()
    window.deleteLater()
    QCoreApplication.processEvents()
    session.close()
    return {
        "login_wait_s": waited,
        "login_longest_stall_ms": stall,
        "overnight_recheck_s": overnight,
        "window_build_s": built,
        "window_build_stall_ms": window_stall,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=("small", "large", "stress"), default="small")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="jiyao", help="a demo login (jiyao: the custodian)")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from bench.rooms import build

    dialog, cpu = start_to_dialog(args.runs)
    print(
        f"start_to_dialog: median {statistics.median(dialog):.2f} s wall"
        f" (min {min(dialog):.2f}, max {max(dialog):.2f}; {args.runs} runs),"
        f" {statistics.median(cpu):.2f} s cpu"
    )
    paths, _ = build(args.room)
    app = QApplication.instance() or QApplication([])
    figures: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for name, value in login_once(paths, args.user).items():
            figures.setdefault(name, []).append(value)
    print(f"room: {args.room}, user {args.user}, {args.runs} logins")
    for name, values in figures.items():
        print(f"{name}: median {statistics.median(values):.2f} (max {max(values):.2f})")
    del app


if __name__ == "__main__":
    main()
