"""A process killed with SIGKILL mid-write loses nothing it had committed (WAL + synchronous=FULL)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import audit
from db.connection import Database
from db.migrate import migrate

ROOT = Path(__file__).resolve().parents[2]
KEY = bytes(range(100, 132))

WRITER = r"""
import sys
from app import audit
from app.clock import SystemClock
from db.connection import Database
db = Database.open(sys.argv[1], bytes.fromhex(sys.argv[2]))
clock = SystemClock()
n = int(sys.argv[3])
while True:
    n += 1
    with db.transaction():
        db.execute("INSERT INTO setting (key, value) VALUES (?, ?)", (f"row{n}", "x" * 3000))
        audit.record(db, clock, "writer", "写入", f"row{n}")
    print(n, flush=True)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_mid_write_loses_no_committed_row(tmp_path: Path) -> None:
    path = tmp_path / "crash.mjdb"
    db = Database.open(path, KEY, create=True)
    migrate(db)
    db.close()
    rng = random.Random(20261121)
    committed = 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(50):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), KEY.hex(), str(committed)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout is not None
        wanted = rng.randint(1, 30)
        for _ in range(wanted):
            line = child.stdout.readline()
            if not line:
                break
            committed = int(line)
        time.sleep(rng.random() * 0.01)  # land the kill anywhere inside the next writes
        child.send_signal(signal.SIGKILL)
        for line in child.stdout:  # what it had already printed was committed too
            committed = int(line)
        child.wait()

        db = Database.open(path, KEY)
        try:
            assert db.integrity_problems() == []
            have = db.scalar("SELECT count(*) FROM setting WHERE key LIKE 'row%'")
            assert have >= committed
            assert (
                db.scalar("SELECT count(*) FROM setting WHERE key = ?", (f"row{committed}",)) == 1
            )
            assert audit.verify(db).ok
            committed = have  # a commit whose print was lost to the kill still counts
        finally:
            db.close()
    assert committed >= 50
