"""The person at the window before the worker: what the task runner (ui/tasks.py) sets up so
that a scan at the counter does not wait for a report being laid out or a check being run.

- `InputWatch`, on the application while jobs run, tells the jobs of every key or click
  (app.progress.FOREGROUND: a job then stands aside, the GIL free, for a bounded while);
- `SWITCH_INTERVAL`, how soon the worker hands the GIL back when the window asks for it;
- `settle_heap`, the window's objects out of the cyclic collector's reach before each job.
Measured with bench/desk.py at the stress room (see TaskRunner.__init__).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QEvent, QObject

from app.progress import FOREGROUND

SWITCH_INTERVAL = 0.0002  # seconds (sys.setswitchinterval); see TaskRunner.__init__
_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.Wheel,
    }
)


class InputWatch(QObject):
    """Installed on the application while jobs run: every key or click tells the jobs to stand
    aside (app.progress.FOREGROUND), so a scan at the counter never waits for a report."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in _INPUT:
            FOREGROUND.touch()
        return False


def settle_heap() -> None:
    """Before a job: what the window holds now (Qt wrappers, pages, fonts, the modules) moves
    out of the cyclic collector's reach (gc.freeze). A full collection holds the GIL throughout
    and then walks only what was made since: during a 20,000-row register they took 30-100 ms
    each, and the longest gap of a probe thread fell from 98 to 38 ms."""
    gc.freeze()
