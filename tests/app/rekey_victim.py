"""Runs one key rotation on the room given, for tests/app/test_rekey_crash.py to SIGKILL.

Prints `ready` once logged in and `done` when the rotation has returned.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app import rekey
from app.clock import SystemClock
from app.session import open_session

if __name__ == "__main__":
    session = open_session(Path(sys.argv[1]), sys.argv[2], sys.argv[3], SystemClock())
    print("ready", flush=True)
    rekey.rotate_now(session)
    print("done", flush=True)
    session.close()
