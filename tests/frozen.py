"""The PyInstaller one-folder program, built once per test session for the build and bundle
tests (building takes minutes; both tests read the same folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def frozen_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built program's executable (its folder is the one the bundle packages)."""
    base = tmp_path_factory.mktemp("frozen")
    dist, work = base / "dist", base / "work"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "build.spec"),
            "--noconfirm",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=900,
    )
    return dist / "mijian" / ("mijian.exe" if os.name == "nt" else "mijian")
