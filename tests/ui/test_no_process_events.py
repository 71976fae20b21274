"""Nothing slow on the GUI thread: no code in ui/ spins the event loop from inside a slot
(`processEvents` lets any slot run in the middle of another: the desk's refresh, the idle lock).
Long work goes to the task runner (ui/tasks.py) instead."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
SPINS = re.compile(r"processEvents|sendPostedEvents|QEventLoop\(\)\.exec")


def test_no_module_in_ui_spins_the_event_loop() -> None:
    modules = sorted(UI.rglob("*.py"))
    assert len(modules) > 20, f"ui/ not found where expected: {UI}"
    found = [
        f"{path.relative_to(UI.parent)}:{number}: {line.strip()}"
        for path in modules
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SPINS.search(line)
    ]
    assert found == [], "run it on the task runner instead:\n" + "\n".join(found)
