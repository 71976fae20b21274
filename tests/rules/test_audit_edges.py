"""A new room's trail starts at event 1 on the genesis hash, and verifies."""

from __future__ import annotations

from pathlib import Path

from app import audit
from app.clock import FixedClock
from app.demo import create_demo_room
from app.session import open_session
from db.keyslots import KdfParams
from tests.conftest import PASSWORD, START


def test_a_new_rooms_trail_starts_at_1_on_the_genesis_hash(tmp_path: Path) -> None:
    clock = FixedClock(START)
    paths = create_demo_room(
        tmp_path / "new.mjdb", clock, KdfParams(time_cost=1, memory_kib=8192), content=False
    )
    session = open_session(paths.db, "shenji", PASSWORD, clock)
    try:
        first = session.db.one("SELECT seq, prev_hash FROM audit_event ORDER BY seq LIMIT 1")
        assert tuple(first) == (1, "0" * 64)
        seqs = [r[0] for r in session.db.query("SELECT seq FROM audit_event ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        assert audit.verify(session.db).ok
    finally:
        session.close()
