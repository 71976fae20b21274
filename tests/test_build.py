"""The PyInstaller one-folder program builds, reports its version and checks a demo room."""

from __future__ import annotations

import os
import subprocess
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.xdist_group("frozen")  # one worker builds the program once for both
def test_frozen_program_runs(frozen_program: Path, tmp_path: Path) -> None:
    program = frozen_program
    # The fallback and Latin faces and Qt's Chinese catalogue, where the program looks for them.
    internal = program.parent / "_internal"
    for font in ("uming.ttc", "HanaMinA.ttf", "HanaMinB.ttf", "DejaVuSans.ttf"):
        assert (internal / "resources" / "fonts" / font).is_file(), font
    assert (internal / "PySide6" / "Qt" / "translations" / "qtbase_zh_CN.qm").is_file()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    env = dict(
        os.environ,
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        QT_QPA_PLATFORM="offscreen",
    )

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(program), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
        )

    assert run("--version").stdout.strip() == f"mijian {version}"
    # A process apart (long reports, the full check) is the program started again: it starts.
    assert "报表进程：正常" in run("--self-check").stdout
    room = tmp_path / "demo.mjdb"
    assert run("demo", "--db", str(room)).returncode == 0
    checked = run(
        "check",
        "--db",
        str(room),
        "--user",
        "shenji",
        "--password-stdin",
        stdin="mijian-demo-2026\n",
    )
    assert checked.returncode == 0, checked.stderr
    assert "链完整" in checked.stdout

    # The window path: fonts, migrations and Qt plugins load, and the login dialog waits.
    window = subprocess.Popen([str(program), "--demo"], env=env, stderr=subprocess.PIPE, text=True)
    keys = tmp_path / "data" / "MiJian" / "demo" / "demo.mjdb.keys"
    deadline = time.monotonic() + 30  # 4 s on an idle machine; 8-12 s at a load of 8 on 2 cores
    while not keys.exists() and window.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    alive = window.poll() is None
    window.kill()
    _, err = window.communicate()
    assert alive, err
    assert "Traceback" not in err
    assert keys.exists()
