"""An insider with a password and the files, running SQL through the program's own connection,
tries to rewrite the trail; each attack is scripted and must be caught.

Figures are printed (run with -s): N tried, N caught, N lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from app import anchor, audit, desk, scanning, seal, seal_verify, trail
from app.day_close import close_day
from app.maintenance import check_room, find_head
from app.session import Session
from tests.conftest import BEIJING

DAYS = 4
AUDIT_TRIGGERS = ("audit_event_no_update", "audit_event_no_delete")
SEAL_TRIGGERS = ("audit_seal_no_update", "audit_seal_no_delete")


def _copy_id(session: Session, code: str) -> int:
    found = scanning.resolve(session.db, code).copy
    assert found is not None
    return found.copy_id


@pytest.fixture
def week(counter, clock) -> tuple[Session, list[int]]:
    """Four working days at the counter, each closed (and so sealed); a fifth day open."""
    custodian, _, readers, _ = counter
    copy = _copy_id(custodian, "2026-0001/000001")
    for day in range(DAYS):
        clock.set(datetime(2026, 11, 20 + day, 9, 0, tzinfo=BEIJING))
        desk.checkout(custodian, readers["zhang"].id, [copy])
        clock.advance(hours=2)
        desk.take_back(custodian, copy)
        clock.advance(hours=6)
        close_day(custodian)
    clock.set(datetime(2026, 11, 20 + DAYS, 9, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["wang"].id, [copy])
    periods = [s.period for s in seal.seals(custodian.db)]
    assert len(periods) >= DAYS
    return custodian, periods


def _drop(session: Session, *names: str) -> None:
    for name in names:
        session.db.execute(f"DROP TRIGGER IF EXISTS {name}")


def _rechain(session: Session, from_seq: int) -> None:
    """Recompute every hash from `from_seq` on, as the insider would with audit.event_hash,
    and move the stored day-close heads along so that they still point into the chain."""
    db = session.db
    prev = db.scalar("SELECT hash FROM audit_event WHERE seq = ?", (from_seq - 1,)) or audit.GENESIS
    rows = db.query("SELECT * FROM audit_event WHERE seq >= ? ORDER BY seq", (from_seq,))
    moved: dict[str, str] = {}
    for r in rows:
        digest = audit.event_hash(
            r["seq"], r["at"], r["account"], r["action"], r["object"], r["details"], prev
        )
        moved[r["hash"]] = digest
        db.execute(
            "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, r["seq"])
        )
        prev = digest
    db.execute("DROP TRIGGER IF EXISTS day_close_is_final")
    for old, new in moved.items():
        db.execute("UPDATE day_close SET chain_head = ? WHERE chain_head = ?", (new, old))


def _period_range(session: Session, period: int) -> tuple[int, int]:
    row = session.db.one("SELECT first_seq, last_seq FROM audit_seal WHERE period = ?", (period,))
    return int(row["first_seq"]), int(row["last_seq"])


def _edit(session: Session, period: int) -> None:
    first, last = _period_range(session, period)
    _drop(session, *AUDIT_TRIGGERS)
    session.db.execute(
        "UPDATE audit_event SET details = '{\"rewritten\": true}' WHERE seq = ?",
        ((first + last) // 2,),
    )
    _rechain(session, first)


def _edit_and_fix_seals(session: Session, period: int) -> None:
    _edit(session, period)
    _drop(session, *SEAL_TRIGGERS)
    for s in seal.seals(session.db):
        head = session.db.scalar("SELECT hash FROM audit_event WHERE seq = ?", (s.last_seq,))
        session.db.execute("UPDATE audit_seal SET head = ? WHERE period = ?", (head, s.period))


def _delete_and_renumber(session: Session, period: int) -> None:
    first, last = _period_range(session, period)
    _drop(session, *AUDIT_TRIGGERS, *SEAL_TRIGGERS)
    db = session.db
    db.execute("DELETE FROM audit_event WHERE seq = ?", (first,))
    db.execute("UPDATE audit_event SET seq = seq - 1 WHERE seq > ?", (first,))
    if first == last:  # a period of one event: its seal goes too
        db.execute("DELETE FROM audit_seal WHERE period = ?", (period,))
    else:
        db.execute("UPDATE audit_seal SET last_seq = last_seq - 1 WHERE period = ?", (period,))
    db.execute("UPDATE audit_seal SET first_seq = first_seq - 1 WHERE period > ?", (period,))
    db.execute("UPDATE audit_seal SET last_seq = last_seq - 1 WHERE period > ?", (period,))
    _rechain(session, first)
    for s in seal.seals(db):
        head = db.scalar("SELECT hash FROM audit_event WHERE seq = ?", (s.last_seq,))
        db.execute("UPDATE audit_seal SET head = ? WHERE period = ?", (head, s.period))


def _reseal_with_todays_key(session: Session, period: int) -> None:
    """Drop the seals from `period` on, rewrite, and seal again with the key held today."""
    _edit(session, period)
    _drop(session, *SEAL_TRIGGERS)
    session.db.execute("DELETE FROM audit_seal WHERE period >= ?", (period,))
    with session.db.transaction():
        seal.seal(session.db, session.clock, session.room.room_id)


def _reseal_under_the_old_number(session: Session, period: int) -> None:
    """As above, but claim the old period number for the new seal."""
    _edit(session, period)
    _drop(session, *SEAL_TRIGGERS)
    db = session.db
    db.execute("DELETE FROM audit_seal WHERE period >= ?", (period,))
    db.execute("UPDATE audit_seal_key SET period = ?", (period,))
    with db.transaction():
        seal.seal(db, session.clock, session.room.room_id)


ATTACKS: dict[str, Callable[[Session, int], None]] = {
    "edit one event, recompute the chain and the day-close heads": _edit,
    "…and move the seals' heads along": _edit_and_fix_seals,
    "delete an event and renumber": _delete_and_renumber,
    "drop the later seals and reseal with today's key": _reseal_with_todays_key,
    "reseal under the old period number": _reseal_under_the_old_number,
}


def test_no_rewrite_of_a_sealed_period_verifies(
    week, login: Callable[..., Session], room, sheet_text: str
) -> None:
    custodian, periods = week
    snapshot = room.db.with_name("before.mjdb")
    custodian.db.export_to(snapshot, custodian.data_key)
    custodian.close()
    tried = caught = 0
    for name, attack in ATTACKS.items():
        for period in periods:
            _restore_copy(room, snapshot, custodian)
            insider = login("jiyao")
            _, attacked_last = _period_range(insider, period)
            attack(insider, period)
            # The insider holds the room's secret too, so the anchor is moved along.
            anchor.Anchor(insider.db, room.anchor).write(anchor.room_point(insider.db))
            auditor = login("shenji")
            report = trail.verify(auditor, sheet_text)
            tried += 1
            if not report.ok:
                caught += 1
                # The period named covers the rewrite (the attacked one, or a forged seal
                # spanning it), never a later untouched one.
                assert report.failed is None or report.failed.first_seq <= attacked_last, name
            insider.close()
            auditor.close()
    print(f"\nsealed-period rewrites: {tried} tried, {caught} caught, {tried - caught} lost")
    assert tried == len(ATTACKS) * len(periods) and caught == tried


def _restore_copy(room, snapshot, custodian: Session) -> None:
    """Put the pre-attack room back (encrypted export under the same key; no anchor change)."""
    from db.connection import Database

    for suffix in ("", "-wal", "-shm"):
        path = room.db.with_name(room.db.name + suffix)
        path.unlink(missing_ok=True)
    copy = Database.open(snapshot, custodian.data_key)
    copy.export_to(room.db, custodian.data_key)
    anchor.Anchor(copy, room.anchor).write(anchor.room_point(copy))
    copy.close()


def test_the_untouched_week_verifies_and_names_its_open_period(
    week, login: Callable[..., Session], sheet_text: str
) -> None:
    custodian, periods = week
    auditor = login("shenji")
    report = trail.verify(auditor, sheet_text)
    assert report.ok, report.lines
    assert report.periods == len(seal.seals(auditor.db)) >= len(periods)
    assert report.open_count >= 1  # today's events are not sealed yet
    before = report.open_count
    desk.take_back(custodian, _copy_id(custodian, "2026-0001/000001"))
    report = trail.verify(auditor, sheet_text)
    assert report.ok and report.open_count == before + 1
    assert any("未封存：第" in line for line in report.lines)


def test_a_wrong_sheet_is_refused(week, login: Callable[..., Session], sheet_text: str) -> None:
    auditor = login("shenji")
    wrong = sheet_text[:-10] + ("0" if sheet_text[-10] != "0" else "1") + sheet_text[-9:]
    with pytest.raises(Exception, match="校验码"):
        trail.verify(auditor, wrong)
    other = seal.VerificationKey(auditor.room.room_id, b"\x01" * 32)
    report = seal_verify.verify(auditor.db, other)
    assert not report.ok and report.failed is not None and report.failed.period == 0


def test_check_sees_a_dropped_trigger_and_a_copy_moved_behind_the_trail(
    week, login: Callable[..., Session]
) -> None:
    custodian, _ = week
    assert check_room(custodian).ok, check_room(custodian).lines
    custodian.db.execute("DROP TRIGGER audit_event_no_update")
    report = check_room(custodian)
    assert not report.ok and any("audit_event_no_update" in line for line in report.lines)
    # Recreate it faithfully: check passes again, then move a copy without an event.
    from app.schema_check import reference

    sql = reference()[("trigger", "audit_event_no_update")]
    custodian.db.execute(sql)
    assert check_room(custodian).ok
    copy = _copy_id(custodian, "2026-0001/000001")
    custodian.db.execute(
        "UPDATE handover SET back_at = out_at WHERE copy_id = ? AND back_at IS NULL", (copy,)
    )
    custodian.db.execute("UPDATE copy SET state = '在柜' WHERE id = ?", (copy,))
    report = check_room(custodian)
    assert not report.ok
    assert any("归还/遗失记录与审计记录不符" in line for line in report.lines), report.lines


def test_check_sees_a_stored_day_close_head_gone_from_the_chain(week) -> None:
    custodian, periods = week
    _drop(custodian, *AUDIT_TRIGGERS)
    custodian.db.execute("UPDATE audit_event SET details = '{}' WHERE seq = 3")
    _rechain_without_heads(custodian, 3)
    report = check_room(custodian)
    assert any("日终清点记录的链头" in line for line in report.lines), report.lines


def _rechain_without_heads(session: Session, from_seq: int) -> None:
    db = session.db
    prev = db.scalar("SELECT hash FROM audit_event WHERE seq = ?", (from_seq - 1,))
    for r in db.query("SELECT * FROM audit_event WHERE seq >= ? ORDER BY seq", (from_seq,)):
        digest = audit.event_hash(
            r["seq"], r["at"], r["account"], r["action"], r["object"], r["details"], prev
        )
        db.execute(
            "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, r["seq"])
        )
        prev = digest


def test_a_printed_head_is_found_or_named_missing(week) -> None:
    custodian, _ = week
    head = custodian.db.scalar("SELECT chain_head FROM day_close ORDER BY day LIMIT 1")
    assert "是第" in find_head(custodian.db, head[:20])
    _drop(custodian, *AUDIT_TRIGGERS)
    custodian.db.execute("UPDATE audit_event SET details = '{}' WHERE seq = 2")
    _rechain_without_heads(custodian, 2)
    assert "不在审计链中" in find_head(custodian.db, head)


def test_sealing_happens_daily_and_forgets_the_old_key(
    counter, clock, login: Callable[..., Session], room
) -> None:
    custodian, *_ = counter
    before = seal.current_state(custodian.db)
    assert before is not None
    custodian.close()
    clock.advance(days=1)
    session = login("jiyao")
    after = seal.current_state(session.db)
    assert after is not None and after[0] == before[0] + 1 and after[1] == seal.evolve(before[1])
    session.close()
    # The old key is nowhere in the room's files once the sealing transaction is checkpointed:
    # the pages are encrypted anyway, so look with the key, page by page, in the decrypted file.
    plain = room.db.with_name("plain.db")
    from db.connection import Database

    key = login("jiyao").data_key
    db = Database.open(room.db, key)
    db.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
    db.execute("SELECT sqlcipher_export('plain')")
    db.execute("DETACH DATABASE plain")
    db.close()
    assert before[1] not in plain.read_bytes()
    assert after[1] in plain.read_bytes()
    plain.unlink()


def test_verification_key_text_round_trips(sheet_text: str) -> None:
    room_id = sheet_text.split(":")[1].lower()
    key = seal.parse_verification_key(sheet_text, room_id)
    assert seal.parse_verification_key(" ".join(key.groups), room_id) == key
    assert seal.parse_verification_key(key.text.lower(), room_id) == key
    with pytest.raises(Exception, match="另一个机要室"):
        seal.parse_verification_key(sheet_text, "00000000-0000-0000-0000-000000000000")
    # Full-width input from a Chinese input method is the same key.
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in " ".join(key.groups))
    assert seal.parse_verification_key(wide, room_id) == key


def test_key_derivation_walks_far_quickly() -> None:
    first = b"\x02" * 32
    assert seal.key_at(first, 3) == seal.evolve(seal.evolve(seal.evolve(first)))
    assert seal.key_at(first, 0) == first
    assert len(seal.key_at(first, seal.RESTART_JUMP)) == 32


def test_the_week_spans_days(week) -> None:
    custodian, periods = week
    days = {s.sealed_at[:10] for s in seal.seals(custodian.db)}
    assert len(days) >= DAYS
    assert periods == list(range(len(periods)))


def test_the_parallel_walk_finds_what_the_sequential_walk_finds(week, login, sheet_text) -> None:
    """Two worker processes over halves of the trail name the same first broken event and the
    same period as one pass does (the stress room's 2,000,000 events use this)."""
    from app import trail_parallel

    custodian, _ = week
    db, path, key = custodian.db, custodian.paths.db, custodian.data_key
    last = audit.count(db)
    wanted = {s.last_seq for s in seal.seals(db)}
    chain, heads = trail_parallel.walk(path, key, last, wanted, workers=2)
    assert chain == audit.verify(db) and chain.ok
    assert set(heads) == wanted
    _drop(custodian, *AUDIT_TRIGGERS)
    for seq in (last - 1, last // 2 + 1, 2):  # the second half, the seam, the first half
        row = db.one("SELECT details FROM audit_event WHERE seq = ?", (seq,))
        db.execute("UPDATE audit_event SET details = '{\"x\": 1}' WHERE seq = ?", (seq,))
        parallel, _ = trail_parallel.walk(path, key, last, wanted, workers=2)
        assert parallel.broken_seq == audit.verify(db).broken_seq == seq
        db.execute("UPDATE audit_event SET details = ? WHERE seq = ?", (row["details"], seq))
    _edit(custodian, 1)  # a rewrite with the chain recomputed: the seal names the period
    key_sheet = seal.parse_verification_key(sheet_text, custodian.room.room_id)
    one = seal_verify.verify(db, key_sheet)
    both = seal_verify.verify(
        db,
        key_sheet,
        walker=lambda w: trail_parallel.walk(path, key, audit.count(db), w, workers=2),
    )
    assert not one.ok and one.failed == both.failed and one.reason == both.reason
