"""`bash tools/setup.sh demo` installs once and then opens the demo without reinstalling (issue
13, item 15). The script itself runs; dpkg-query, python and the program are stand-ins on a
scratch copy, so the test neither installs packages nor opens a window."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FAKE_PYTHON = """#!/usr/bin/env bash
echo "python $*" >> "$LOG"
if [ "$1 $2 $3" = "-m pip install" ] && [ "${@: -1}" = "." ]; then
  printf '#!/usr/bin/env bash\\necho "mijian $*" >> "$LOG"\\n' > "$(dirname "$0")/mijian"
  chmod +x "$(dirname "$0")/mijian"
fi
"""


def _scratch(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "repo"
    (repo / "tools").mkdir(parents=True)
    shutil.copy(ROOT / "tools" / "setup.sh", repo / "tools" / "setup.sh")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    venv_bin = repo / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").write_text(FAKE_PYTHON)
    (venv_bin / "python").chmod(0o755)
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "dpkg-query").write_text("#!/bin/sh\necho 'install ok installed'\n")
    (tools / "dpkg-query").chmod(0o755)
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "LOG": str(tmp_path / "log")}
    return repo, env


def _run(repo: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["bash", str(repo / "tools" / "setup.sh"), "demo"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_setup_demo_installs_once_and_then_only_opens_the_demo(tmp_path: Path) -> None:
    repo, env = _scratch(tmp_path)
    log = tmp_path / "log"
    first = _run(repo, env)
    assert "pip install -q -e ." in log.read_text()
    assert log.read_text().splitlines()[-1] == "mijian --demo"
    assert ".venv/bin/mijian" in first  # where the program is, since it is not on PATH

    log.unlink()
    second = _run(repo, env)
    assert "skipping pip" in second
    assert log.read_text().splitlines() == ["mijian --version", "mijian --demo"]

    # A new version (pyproject.toml changed) installs again.
    text = (repo / "pyproject.toml").read_text()
    (repo / "pyproject.toml").write_text(text + "\n# changed\n")
    log.unlink()
    _run(repo, env)
    assert "pip install -q -e ." in log.read_text()
