"""The chain's numbering is checked on its own: an event renumbered with a hash recomputed to
match (the hash is no secret) still breaks the chain at that event."""

from __future__ import annotations

from collections.abc import Callable

from app import audit
from app.session import Session


def test_a_renumbered_event_breaks_the_chain(login: Callable[..., Session]) -> None:
    session = login("shenji")
    db = session.db
    last = db.one("SELECT * FROM audit_event ORDER BY seq DESC LIMIT 1")
    seq = last["seq"] + 5
    forged = audit.event_hash(
        seq, last["at"], last["account"], last["action"], last["object"], last["details"],
        last["prev_hash"],
    )  # fmt: skip
    db.execute("DROP TRIGGER audit_event_no_update")
    db.execute("UPDATE audit_event SET seq = ?, hash = ? WHERE seq = ?", (seq, forged, last["seq"]))
    report = audit.verify(db)
    assert not report.ok
    assert (report.broken_seq, report.count) == (last["seq"], last["seq"] - 1)  # where it broke
