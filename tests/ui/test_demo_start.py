"""`mijian --demo` on a fresh machine: the demo room is made behind a bar, off the GUI thread,
never a black screen (walk-through: 25 s of nothing before the login window)."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer

from app.clock import FixedClock
from app.paths import RoomPaths
from app.session import is_demo_room
from ui.main import create_demo
from ui.tasks import ProgressWindow


def test_the_demo_room_is_made_behind_a_bar_while_the_window_keeps_ticking(
    qapp, qtbot, tmp_path: Path, clock: FixedClock
) -> None:
    paths = RoomPaths(tmp_path / "demo.mjdb")
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    seen: list[str] = []

    def look() -> None:
        seen.extend(
            w.label.text()
            for w in qapp.topLevelWidgets()
            if isinstance(w, ProgressWindow) and w.isVisible()
        )

    QTimer.singleShot(ProgressWindow.SHOW_AFTER_MS + 200, look)
    started = time.perf_counter()
    create_demo(paths, clock)
    took = time.perf_counter() - started
    timer.stop()
    assert paths.exists() and is_demo_room(paths)
    assert took > 0.6 and seen and "正在创建演示机要室" in seen[0]
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    # Making the demo takes seconds; on the GUI thread the window would freeze that long.
    assert len(ticks) > 50 and max(gaps) < 1.0, max(gaps)


def test_a_demo_room_that_cannot_be_written_is_said_calmly(qapp, tmp_path: Path, clock) -> None:
    """No room can be made where the folder is a file (as a full or read-only disk): a calm
    Chinese message, never the crash dialog."""
    import pytest

    from app.errors import MijianError

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(MijianError, match="文件读写失败"):
        create_demo(RoomPaths(blocker / "demo.mjdb"), clock)
