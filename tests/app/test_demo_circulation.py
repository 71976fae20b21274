"""The demo room shows 传阅 under way and every kind of limit on the 今日时限 board."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app import (
    board,
    cabinets,
    circulation,
    folders,
    on_spot,
    outgoing_records,
    returned_mail,
    sign_clock,
    units,
)
from app.board import Kind
from app.clock import FixedClock, parse_stamp
from app.demo import DEMO_PASSWORD, create_demo_room
from app.session import open_session
from db.keyslots import KdfParams
from tests.conftest import BEIJING


def test_demo_room_has_routes_in_progress_and_a_full_board(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 20, 11, 0, tzinfo=BEIJING))
    paths = create_demo_room(tmp_path / "demo.mjdb", clock, KdfParams(time_cost=1, memory_kib=8192))
    custodian = open_session(paths.db, "jiyao", DEMO_PASSWORD, clock)
    try:
        db = custodian.db
        routed = [r[0] for r in db.query("SELECT DISTINCT document_id FROM reading_step")]
        assert len(routed) == 2
        moving = max((circulation.status(db, d) for d in routed), key=lambda s: len(s.read))
        assert [s.name for s in moving.read] == ["张建国"] and moving.read[0].instructed
        assert moving.steps[1].holding is not None  # 王芳 has it now
        assert [s.name for s in circulation.saved_routes(db)] == ["常委传阅"]
        rows = board.read_items(custodian)
        kinds = {r.kind for r in rows}
        assert {Kind.INSTRUCTION, Kind.READ, Kind.OUT} <= kinds
        # A classified copy out past its time first (密件不过夜), then 挂牌督办.
        overdue = [
            r for r in rows if r.kind == Kind.OUT and r.level != "非密" and r.due < clock.now()
        ]
        assert [r.flagged for r in rows[len(overdue) :]][:1] == [True]
        assert rows[: len(overdue)] == overdue
        # Units (readers in theirs), the four cabinets with the room's copies, one 分发 out:
        # found missing in a walk-through, where 分发 and 保管 opened empty.
        assert {u.name for u in units.list_units(db)} >= {"区委办公室", "区发展改革局"}
        assert units.unit_of(db, readers_by_name(db)["刘洋"]).name == "区发展改革局"
        listed = cabinets.listing(custodian)
        assert [c.cabinet.name for c in listed] == [
            "1号保密柜",
            "2号保密柜",
            "3号保密柜",
            "4号保密柜",
        ]
        assert sum(c.copies for c in listed) > 100
        handed = "SELECT count(*) FROM distribution_item i JOIN distribution_receipt r"
        assert int(db.scalar(f"{handed} ON r.id = i.receipt_id WHERE r.signer_id IS NOT NULL")) == 1
        # 发文 (issue 15): sent, some 回执 back and some missing, a voided number, one 退文.
        book = outgoing_records.of_year(db, 2026)
        assert [(o.label, o.voided_at is not None) for o in book] == [
            ("区委办发〔2026〕1号", False),
            ("区委办发〔2026〕2号", False),
            ("区委办发〔2026〕3号", True),
        ]
        states = [r.state for o in book[:2] for r in outgoing_records.recipients(db, o.id)]
        assert states.count("回执已回") == 2 and states.count("待回执") == 4
        assert int(db.scalar(f"{handed} ON r.id = i.receipt_id WHERE r.signer_id IS NULL")) == 7
        assert [str(r.rule) for r in returned_mail.of_year(db, 2026)] == ["越级件"]
        # The story ends before the room is opened: nothing in its future (walk-through: 发出
        # and 回执 times later than the clock on the wall).
        latest = max(parse_stamp(r[0]) for r in db.query("SELECT at FROM audit_event"))
        assert latest <= clock.now()
        sent = [
            r.sent_at for o in book[:2] for r in outgoing_records.recipients(db, o.id) if r.sent_at
        ]
        assert sent and max(sent) < clock.now()
        # Issue 16's rest: a 绝密 read in the room now, a folder out, a late sign-for.
        [reading] = on_spot.read_under_way(custodian)
        assert reading.reader == "张建国" and reading.elapsed(clock.now()) == "30:00"
        [red] = folders.all_folders(custodian)
        assert [o.reader for o in folders.out_in(db, red.id)] == ["曾晓东", "曾晓东"]
        [late] = sign_clock.read_late(custodian, clock.now().date())
        assert late.urgency == "特急" and late.minutes_late == 60
        assert board.count(db, clock.now()).late_signs == 1
        assert any(r.sign_late for r in board.read_items(custodian))
    finally:
        custodian.close()


def readers_by_name(db) -> dict[str, int]:
    from app.people import list_readers

    return {r.name: r.id for r in list_readers(db)}
