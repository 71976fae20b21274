"""The demo room is usable at any hour (issue 13, item 15): its close time is 23:59, said in the
login notice and recorded in the trail; a real room still refuses classified checkouts after 17:30."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app import audit, desk, settings
from app.clock import FixedClock
from app.demo import DEMO_CLOSE_TIME, DEMO_PASSWORD, create_demo_room
from app.people import list_readers
from app.refusals import RefusalKind, refusals
from app.scanning import copy_ref
from app.session import Session, open_session
from db.keyslots import KdfParams
from tests.conftest import BEIJING

CHEAP = KdfParams(time_cost=1, memory_kib=8192)


def _classified_in_cabinet(session: Session) -> list[int]:
    rows = session.db.query(
        "SELECT c.id FROM copy c JOIN document d ON d.id = c.document_id"
        " WHERE d.level = '秘密' AND c.state = '在柜' AND d.voided_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM document_scope s WHERE s.document_id = d.id)"
        " ORDER BY c.id LIMIT 2"
    )
    return [int(r[0]) for r in rows]


def test_the_demo_lends_classified_copies_in_the_evening(tmp_path: Path) -> None:
    evening = datetime(2026, 11, 20, 21, 30, tzinfo=BEIJING)
    clock = FixedClock(evening)
    paths = create_demo_room(tmp_path / "demo.mjdb", clock, CHEAP)
    custodian = open_session(paths.db, "jiyao", DEMO_PASSWORD, clock)
    try:
        assert f"{settings.load(custodian.db).close_time:%H:%M}" == DEMO_CLOSE_TIME
        reader = next(
            r for r in list_readers(custodian.db, include_left=False) if r.clearance == "核心"
        )
        first, second = _classified_in_cabinet(custodian)
        for hour in (21, 6):  # at night, and before anyone is at work
            clock.set(evening.replace(hour=hour))
            assert refusals(custodian.db, reader, copy_ref(custodian.db, first), clock.now()) == []
        desk.checkout(custodian, reader.id, [first])
        # The change is honest: in the trail, by the system, with its reason.
        changed = [
            e for e in audit.page(custodian.db, None, 2000) if e.object == "setting:close_time"
        ]
        assert [(e.account, e.details["after"]) for e in changed] == [
            (audit.SYSTEM, DEMO_CLOSE_TIME)
        ]
        assert "演示" in changed[0].details["reason"]
    finally:
        custodian.close()


def test_a_real_room_still_closes_at_half_past_five(counter, clock: FixedClock) -> None:
    custodian, _, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 21, 30, tzinfo=BEIJING))
    copy = copy_ref(custodian.db, docs["secret"].copies[0].id)
    found = refusals(custodian.db, readers["zhang"], copy, clock.now())
    assert [r.kind for r in found] == [RefusalKind.CLOSED]


def test_a_demo_that_cannot_be_finished_leaves_no_half_room(tmp_path: Path, monkeypatch) -> None:
    """A full disk halfway through the demo content: nothing of it stays, so the next --demo
    starts afresh; a file that was there before is left alone."""
    from app import demo, demo_content

    clock = FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    path = tmp_path / "demo.mjdb"
    bystander = tmp_path / "demo.mjdb.lock"
    bystander.write_text("")

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(demo_content, "seed_desk", full)
    with pytest.raises(OSError):
        create_demo_room(path, clock, CHEAP)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.mjdb.lock"]
    assert not demo.RoomPaths(path).exists()

    monkeypatch.undo()
    paths = create_demo_room(path, clock, CHEAP)
    session = open_session(paths.db, "jiyao", DEMO_PASSWORD, clock)
    session.close()
