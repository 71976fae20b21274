"""The login dialog appears before the rest of the program is loaded: importing it brings neither
the demo room's builder (and with it the desk, the registry, pinyin) nor the report layouts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_login_dialog_imports_only_what_it_needs() -> None:
    probe = (
        "import sys, ui.main, ui.login; "
        "print(sorted(m for m in ('app.demo', 'app.desk', 'pypinyin', 'reportlab.platypus')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert loaded == "[]"
