"""For tests/app/test_rekey_crash.py to SIGKILL: in the room given (argv: room, mode, the demo password), `rotate` rotates the data key
as the system administrator; `reset` resets jiyao's password (the change, then the rotation).
Prints `ready` once logged in and `done` at the end."""

from __future__ import annotations

import sys
from pathlib import Path

from app import accounts, rekey
from app.clock import SystemClock
from app.session import open_session

if __name__ == "__main__":
    session = open_session(Path(sys.argv[1]), "xitong", sys.argv[3], SystemClock())
    print("ready", flush=True)
    if sys.argv[2] == "reset":
        accounts.reset_password(session, "jiyao", "Reset-pass-99")
    else:
        rekey.rotate_now(session)
    print("done", flush=True)
    session.close()
