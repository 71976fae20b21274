"""The offline bundle as the custodian meets it (issue 18): the .deb from the stick installed into
a fresh Debian 12 root with no network, started, checked, upgraded, and its files verified.

The root is made once by tools/test-root.sh (bash tools/setup.sh test runs it) and copied per
run, so the installation always starts from a machine that has never seen MiJian.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRESH = Path(os.environ.get("MIJIAN_TEST_ROOT", "/var/cache/mijian/bookworm-root"))
PASSWORD = "mijian-demo-2026"


def bundle(dist: Path, out: Path, version: str | None = None) -> Path:
    args = ["bash", str(ROOT / "tools" / "bundle.sh"), "--dist", str(dist), "--out", str(out)]
    if version:
        args += ["--version", version]
    env = dict(os.environ, PYTHON=sys.executable)
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    (deb,) = out.glob("*.deb")
    return deb


@pytest.mark.slow
@pytest.mark.xdist_group("frozen")  # one worker builds the program once for both
def test_bundle_installs_offline_runs_upgrades_and_verifies(
    frozen_program: Path, tmp_path: Path
) -> None:
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not on this machine: the .deb cannot be built here")
    deb = bundle(frozen_program.parent, tmp_path / "v1")
    sums = (deb.parent / "SHA256SUMS").read_text().split()
    assert sums == [hashlib.sha256(deb.read_bytes()).hexdigest(), deb.name]
    size_mb = deb.stat().st_size / 2**20
    assert size_mb <= 200, f"the .deb is {size_mb:.0f} MB"
    print(f"deb_size: {size_mb:.0f} MB")

    if os.geteuid() != 0 or not FRESH.is_dir():
        pytest.skip(
            f"no fresh Debian root at {FRESH} (made by tools/test-root.sh as root): "
            "the .deb was built and its checksum checked, but not installed"
        )
    root = tmp_path / "machine"
    subprocess.run(["cp", "-a", str(FRESH), str(root)], check=True)
    assert not (root / "opt" / "mijian").exists()

    def offline(
        *args: str, stdin: str = "", check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """A command inside the fresh root, with no network at all (its own empty namespace)."""
        done = subprocess.run(
            ["unshare", "-n", "chroot", str(root), "env", "HOME=/root", "LANG=C.UTF-8", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    # unshare -n: the commands below run in a network namespace of their own, loopback only.
    interfaces = subprocess.run(
        ["unshare", "-n", "cat", "/proc/net/dev"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert [line.split(":")[0].strip() for line in interfaces] == ["lo"]
    shutil.copy(deb, root / "tmp" / deb.name)
    started = time.monotonic()
    offline("dpkg", "-i", f"/tmp/{deb.name}")
    print(f"install_time: {time.monotonic() - started:.1f} s")
    assert offline("cat", "/usr/share/applications/mijian.desktop").stdout.count("Name=密件台账")
    assert (root / "usr/share/icons/hicolor/256x256/apps/mijian.png").is_file()

    assert offline("mijian", "--version").stdout.strip().startswith("mijian ")
    checked = offline("mijian", "--self-check")
    assert "自检通过" in checked.stdout
    offline("mijian", "demo", "--db", "/root/demo.mjdb")
    first = offline(
        "mijian",
        "check",
        "--db",
        "/root/demo.mjdb",
        "--user",
        "shenji",
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    ).stdout
    assert "链完整" in first

    # The window: Qt's plugins, the fonts and the migrations load; the login dialog waits.
    window = subprocess.Popen(
        [
            "unshare",
            "-n",
            "chroot",
            str(root),
            "env",
            "HOME=/root",
            "QT_QPA_PLATFORM=offscreen",
            "/opt/mijian/mijian",
            "--demo",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(5)
    alive = window.poll() is None
    window.kill()
    _, err = window.communicate()
    assert alive, err
    assert "Traceback" not in err

    # A file changed after installation is named by the self-check.
    licence = root / "opt/mijian/_internal/resources/fonts/LICENSE-uming.txt"
    licence.write_text(licence.read_text() + "x")
    tampered = offline("mijian", "--self-check", check=False)
    assert tampered.returncode == 1
    assert "被修改：_internal/resources/fonts/LICENSE-uming.txt" in tampered.stdout

    # Upgrade: a newer bundle over the older keeps the room; the self-check passes again.
    newer = bundle(frozen_program.parent, tmp_path / "v2", version="99.0.0")
    shutil.copy(newer, root / "tmp" / newer.name)
    upgraded = offline("dpkg", "-i", f"/tmp/{newer.name}").stdout
    assert "over (" in upgraded
    assert "Version: 99.0.0" in offline("dpkg", "-s", "mijian").stdout
    assert "自检通过" in offline("mijian", "--self-check").stdout
    again = offline(
        "mijian",
        "check",
        "--db",
        "/root/demo.mjdb",
        "--user",
        "shenji",
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    ).stdout
    assert first.splitlines()[0] == again.splitlines()[0]  # the same trail, to the same head
