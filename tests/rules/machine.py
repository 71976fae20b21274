"""The room's life as a Hypothesis state machine over a real encrypted room and a moving clock.

Rules: register, checkout (one copy or a folder of two), the 保密员's F7 override, return with and
without a discrepancy, resolving an incident, an overnight exception, the day close, overnight
detection, a destruction batch (build, approve, seal with witnesses typed in any spelling,
cancel), a recall return (清退), and time: minutes, the close time one second before/at/after, the next morning. Audit
sealing (app/seal.py) runs inside: at every day close and the first write of a new day; the
sealed trail is verified with the sheet when each example ends.

Every rule predicts from its own tables below (never from the rule modules' own constants, so a
broken constant there is seen) whether the room must accept or refuse, and checks the audit
trail grew by exactly the events the change owes, and that a refusal changed nothing. The
invariants run after every step. Of the recall, only the return is stepped (留用 and closing the
year have their own tests in tests/app/test_recall.py).

Used by tests/rules/test_lifecycle.py (a bounded run in CI) and bench/rules_machine.py (long runs).
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
)

from app import audit, day_close, desk, destruction, recall, registry, seal, seal_verify
from app.clock import FixedClock, parse_stamp
from app.desk import Override
from app.errors import InvalidInput, PermissionDenied
from app.model import Credential
from app.paths import RoomPaths
from app.people import ReaderInput, add_reader
from app.session import Session, open_session
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD

# The room's rules, written out again for the oracle (DOMAIN.md).
LEVELS = ("绝密", "机密", "秘密", "非密")
SECRET = ("绝密", "机密", "秘密")
LEVEL_RANK = {"非密": 0, "秘密": 1, "机密": 2, "绝密": 3}
CLEARANCE_RANK = {"非涉密": 0, "一般": 1, "重要": 2, "核心": 3}
CLOSE = time(17, 30)
BUILDER = "jiyao"
# Witnesses as they may be typed: capitals, full width (an input method), stray spaces, the
# builder himself, one of the 三员 (who may not witness). All name one of four accounts.
WITNESSES = ("baomi", "BAOMI", " zhuren ", "ｚｈｕｒｅｎ", "anquan", "JIYAO", "ｊｉｙａｏ")
BUSINESS = {"jiyao", "baomi", "zhuren"}  # the accounts that may witness (not the 三员)

RANK_SQL = (
    "(CASE d.level WHEN '绝密' THEN 3 WHEN '机密' THEN 2 WHEN '秘密' THEN 1 ELSE 0 END)"
    " > (CASE r.clearance WHEN '核心' THEN 3 WHEN '重要' THEN 2 WHEN '一般' THEN 1 ELSE 0 END)"
)


def key(login: str) -> str:
    """The oracle's own login comparison (full width, case, spaces)."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", login).split()).lower()


class RoomMachine(RuleBasedStateMachine):
    """Set `template` (a migrated demo room), `scratch` and `sheet` before running."""

    template: ClassVar[RoomPaths | None] = None
    scratch: ClassVar[Path | None] = None
    sheet: ClassVar[str] = ""
    steps_run: ClassVar[int] = 0

    copies = Bundle("copies")

    def __init__(self) -> None:
        super().__init__()
        assert self.template is not None, "RoomMachine.template is not set"
        where = Path(tempfile.mkdtemp(dir=self.scratch))
        self.paths = RoomPaths(where / "room.mjdb")
        for source, dest in zip(self.template.files, self.paths.files, strict=True):
            if source.exists():
                shutil.copyfile(source, dest)
        self.clock = FixedClock(datetime(2026, 11, 20, 8, 30, tzinfo=BEIJING))
        self.custodian = self._login(BUILDER)
        self.officer = self._login("baomi")
        self.readers = {
            clearance: add_reader(
                self.officer, ReaderInput(name, "区委办", "", clearance, "", badge)
            )
            for clearance, name, badge in (
                ("核心", "张建国", "R1"),
                ("重要", "王芳", "R2"),
                ("一般", "李明", "R3"),
                ("非涉密", "赵四", "R4"),
            )
        }
        self.serial = 0
        self.batch_id: int | None = None
        self.destroyed: dict[int, int] = {}  # copy id → its handovers when destroyed
        self.returned: dict[int, int] = {}  # copy id → its handovers when recalled (已清退)
        recall.open_campaign(self.custodian, 2026, date(2027, 6, 30))

    def _login(self, login: str) -> Session:
        return open_session(self.paths.db, login, PASSWORD, self.clock, exclusive=False)

    @property
    def db(self) -> Any:
        return self.custodian.db

    def teardown(self) -> None:
        try:
            if self.sheet:
                db = self.db
                room_id = str(db.scalar("SELECT room_id FROM room WHERE id = 1"))
                report = seal_verify.verify(db, seal.parse_verification_key(self.sheet, room_id))
                assert report.ok, report.lines
        finally:
            self.custodian.close()
            self.officer.close()
            shutil.rmtree(self.paths.db.parent, ignore_errors=True)

    # ---- the harness: predicted outcome, exact audit growth, refusals change nothing -----------
    def _snapshot(self) -> tuple[Any, ...]:
        return tuple(
            self.db.one(
                "SELECT (SELECT count(*) FROM handover), (SELECT count(*) FROM handover"
                " WHERE back_at IS NULL), (SELECT count(*) FROM incident), (SELECT count(*)"
                " FROM incident WHERE resolved_at IS NULL), (SELECT count(*) FROM"
                " overnight_exception), (SELECT count(*) FROM day_close), (SELECT count(*) FROM"
                " destruction_item), (SELECT count(*) FROM destruction_batch), (SELECT"
                " group_concat(state) FROM (SELECT state FROM copy ORDER BY id)),"
                " (SELECT count(*) FROM document)"
            )
        )

    def _attempt(self, allowed: bool, events: int, action: Any) -> Any:
        type(self).steps_run += 1
        before = audit.count(self.db)
        snap = self._snapshot()
        try:
            result = action()
        except (InvalidInput, PermissionDenied) as refused:
            assert not allowed, f"refused, but the rules allow it: {refused}"
            assert audit.count(self.db) == before, "a refusal wrote to the audit trail"
            assert self._snapshot() == snap, "a refusal changed the room"
            return None
        assert allowed, "accepted, but the rules refuse it"
        grown = audit.count(self.db) - before
        assert grown == events, f"{grown} audit events for a change that owes {events}"
        return result

    def _copy(self, copy_id: int) -> Any:
        return self.db.one(
            "SELECT c.state, d.level, d.voided_at IS NOT NULL AS voided, EXISTS (SELECT 1 FROM"
            " destruction_item i JOIN destruction_batch b ON b.id = i.batch_id WHERE i.copy_id"
            " = c.id AND b.sealed_at IS NULL AND b.cancelled_at IS NULL) AS in_batch,"
            " (SELECT id FROM handover WHERE copy_id = c.id AND back_at IS NULL) AS open_id"
            " FROM copy c JOIN document d ON d.id = c.document_id WHERE c.id = ?",
            (copy_id,),
        )

    def _refused_for(self, copy_id: int, clearance: str) -> list[str]:
        """What the rules hold against lending `copy_id` to a reader of `clearance` now."""
        row = self._copy(copy_id)
        if row["state"] != "在柜" or row["voided"]:
            return ["not in room"]
        today = self.clock.now().date().isoformat()
        if self.db.one("SELECT 1 FROM day_close WHERE day = ?", (today,)):
            return ["day closed"]  # nothing goes out after the signed close; F7 cannot lift it
        found = []
        if row["in_batch"]:
            found.append("待销毁")
        if CLEARANCE_RANK[clearance] < LEVEL_RANK[row["level"]]:
            found.append("涉密等级")
        if row["level"] == "绝密":
            found.append("绝密在室")  # read in the room; out only with the head named
        if row["level"] in SECRET and self.clock.now().time() >= CLOSE:
            found.append("闭库时间")
        return found

    # ---- registering and the counter ------------------------------------------------------------
    @rule(target=copies, level=st.sampled_from(LEVELS), n=st.integers(1, 2))
    def register(self, level: str, n: int) -> Any:
        self.serial += 1
        first = 100 * self.serial
        numbers = f"{first}" if n == 1 else f"{first}-{first + n - 1}"
        data = doc(level=level, copy_numbers=numbers, doc_number=f"机〔2026〕{self.serial}号")
        done = self._attempt(True, 1, lambda: registry.register(self.custodian, data))
        return multiple(*[c.id for c in done.copies])

    @rule(copy=copies, clearance=st.sampled_from(tuple(CLEARANCE_RANK)))
    def checkout(self, copy: int, clearance: str) -> None:
        reader = self.readers[clearance]
        allowed = not self._refused_for(copy, clearance)
        self._attempt(allowed, 1, lambda: desk.checkout(self.custodian, reader.id, [copy]))

    @rule(a=copies, b=copies, clearance=st.sampled_from(tuple(CLEARANCE_RANK)))
    def checkout_folder(self, a: int, b: int, clearance: str) -> None:
        """A folder of two copies: all or none."""
        if a == b:
            return
        reader = self.readers[clearance]
        allowed = not self._refused_for(a, clearance) and not self._refused_for(b, clearance)
        self._attempt(allowed, 2, lambda: desk.checkout(self.custodian, reader.id, [a, b]))

    @rule(copy=copies, clearance=st.sampled_from(tuple(CLEARANCE_RANK)))
    def override(self, copy: int, clearance: str) -> None:
        """F7: the 保密员 lifts what may be lifted; nothing lends a copy that is not in the room."""
        reader = self.readers[clearance]
        refused = self._refused_for(copy, clearance)
        word = Override("baomi", PASSWORD, "领导急需阅批", "张建国 书记", "批字2026-7")
        allowed = not {"not in room", "day closed"} & set(refused)
        done = self._attempt(
            allowed, 1, lambda: desk.checkout(self.custodian, reader.id, [copy], word)
        )
        if done:
            row = self.db.one("SELECT * FROM handover WHERE id = ?", (done[0],))
            assert (row["override_by"] == "baomi") == bool(refused)
            assert ("涉密等级" in (row["override_kind"] or "")) == ("涉密等级" in refused)

    @rule(copy=copies, discrepancy=st.booleans())
    def take_back(self, copy: int, discrepancy: bool) -> None:
        open_id = self._copy(copy)["open_id"]
        pending = open_id is not None and self.db.one(
            "SELECT 1 FROM incident WHERE handover_id = ? AND kind = '核对异常'"
            " AND resolved_at IS NULL",
            (open_id,),
        )
        allowed = open_id is not None and not (discrepancy and pending)
        note = "缺第3页" if discrepancy else ""
        self._attempt(allowed, 1, lambda: desk.take_back(self.custodian, copy, note))
        if allowed:
            assert self._copy(copy)["state"] == ("借出" if discrepancy else "在柜")

    @precondition(
        lambda self: self.db.one("SELECT 1 FROM incident WHERE resolved_at IS NULL") is not None
    )
    @rule(lost=st.booleans())
    def resolve_incident(self, lost: bool) -> None:
        row = self.db.one(
            "SELECT i.id, i.kind, h.back_at IS NULL AS still_out FROM incident i"
            " LEFT JOIN handover h ON h.id = i.handover_id WHERE i.resolved_at IS NULL"
            " ORDER BY i.id LIMIT 1"
        )
        events = 2 if row["kind"] == "核对异常" and row["still_out"] else 1
        outcome = "遗失" if lost else "归还"
        self._attempt(
            True,
            events,
            lambda: day_close.resolve_incident(self.officer, row["id"], "已核实处理", outcome),
        )

    @rule(copy=copies)
    def exception(self, copy: int) -> None:
        handover = self.db.scalar(
            "SELECT max(id) FROM handover WHERE copy_id = ?", (copy,)
        )  # the open one, or the last returned (refused)
        if handover is None:
            return
        now = self.clock.now()
        still_out = self.db.one("SELECT back_at IS NULL FROM handover WHERE id = ?", (handover,))[0]
        already = self.db.one(
            "SELECT 1 FROM overnight_exception WHERE handover_id = ? AND night = ?",
            (handover, now.date().isoformat()),
        )
        allowed = bool(still_out) and already is None
        until = now + timedelta(hours=16)
        self._attempt(
            allowed,
            1,
            lambda: day_close.add_exception(self.officer, handover, "次日上午开会使用", until),
        )

    # ---- the day --------------------------------------------------------------------------------
    def _unexcepted_out(self, night: date) -> list[int]:
        return [
            r[0]
            for r in self.db.query(
                "SELECT h.id FROM handover h JOIN copy c ON c.id = h.copy_id JOIN document d"
                " ON d.id = c.document_id WHERE h.back_at IS NULL AND d.level IN ('绝密', '机密',"
                " '秘密') AND NOT EXISTS (SELECT 1 FROM overnight_exception e WHERE"
                " e.handover_id = h.id AND e.night = ?)",
                (night.isoformat(),),
            )
        ]

    @rule()
    def close_day(self) -> None:
        today = self.clock.now().date()
        closed = self.db.one("SELECT 1 FROM day_close WHERE day = ?", (today.isoformat(),))
        allowed = closed is None and not self._unexcepted_out(today)
        self._attempt(allowed, 1, lambda: day_close.close_day(self.custodian))

    def _nights_owed(self) -> set[tuple[int, str]]:
        """(handover, night) of every classified copy out over a night without an exception."""
        today = self.clock.now().date()
        owed = set()
        for h in self.db.query(
            "SELECT h.id, h.out_at, h.back_at FROM handover h JOIN copy c ON c.id = h.copy_id"
            " JOIN document d ON d.id = c.document_id WHERE d.level IN ('绝密', '机密', '秘密')"
        ):
            night = parse_stamp(h["out_at"]).date()
            last = parse_stamp(h["back_at"]).date() if h["back_at"] else today
            while night < last:
                if not self.db.one(
                    "SELECT 1 FROM overnight_exception WHERE handover_id = ? AND night = ?",
                    (h["id"], night.isoformat()),
                ):
                    owed.add((h["id"], night.isoformat()))
                night += timedelta(days=1)
        return owed

    def _nights_noted(self) -> set[tuple[int, str]]:
        return {
            (r[0], r[1])
            for r in self.db.query(
                "SELECT handover_id, night FROM incident WHERE kind = '违规过夜'"
            )
        }

    @rule()
    def detect_overnight(self) -> None:
        new = self._nights_owed() - self._nights_noted()
        self._attempt(True, len(new), lambda: day_close.detect_overnight(self.custodian))
        assert self._nights_noted() == self._nights_owed() | self._nights_noted()
        assert not self._nights_noted() - self._nights_owed(), "an incident for a covered night"

    @rule(minutes=st.sampled_from([1, 30, 120, 300]))
    def wait(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @precondition(lambda self: self.clock.now().time() < time(17, 29, 59))
    @rule(offset=st.sampled_from([-1, 0, 1]))
    def to_close_time(self, offset: int) -> None:
        """One second before, at, or after the close time."""
        now = self.clock.now()
        self.clock.set(datetime.combine(now.date(), CLOSE, now.tzinfo) + timedelta(seconds=offset))

    @rule()
    def next_morning(self) -> None:
        now = self.clock.now()
        self.clock.set(datetime.combine(now.date() + timedelta(days=1), time(8, 30), now.tzinfo))

    # ---- recall (清退) -----------------------------------------------------------------------------
    @rule(copy=copies)
    def recall_return(self, copy: int) -> None:
        """Back to the issuer against a receipt: only a classified copy in the room, nobody's
        business any more, and in no open destruction batch."""
        row = self._copy(copy)
        allowed = (
            row["level"] in SECRET
            and row["state"] == "在柜"
            and not row["voided"]
            and not row["in_batch"]
        )
        today = self.clock.now().date()
        self._attempt(
            allowed,
            1,
            lambda: recall.record_return(self.custodian, 2026, [copy], today, "市委办", "HZ-1"),
        )
        if allowed:
            self.returned[copy] = self._handovers(copy)

    # ---- destruction ----------------------------------------------------------------------------
    def _batch_state(self) -> str:
        assert self.batch_id is not None
        return destruction.get(self.db, self.batch_id).state

    def _batch_away(self) -> bool:
        return (
            self.db.one(
                "SELECT 1 FROM destruction_item i JOIN copy c ON c.id = i.copy_id"
                " WHERE i.batch_id = ? AND c.state <> '在柜'",
                (self.batch_id,),
            )
            is not None
        )

    @rule(copy=copies)
    def batch_add(self, copy: int) -> None:
        if self.batch_id is None:
            made = self._attempt(
                True,
                1,
                lambda: destruction.create(
                    self.custodian, "碎纸机粉碎", "机要室", self.clock.now().date()
                ),
            )
            self.batch_id = made.id
        batch_id = self.batch_id
        row = self._copy(copy)
        allowed = (
            self._batch_state() in ("编制中", "待审批")
            and row["level"] in SECRET
            and row["state"] == "在柜"
            and not row["voided"]
            and not row["in_batch"]
        )
        self._attempt(allowed, 1, lambda: destruction.add(self.custodian, batch_id, [copy]))

    @precondition(lambda self: self.batch_id is not None)
    @rule()
    def batch_approve(self) -> None:
        batch_id = self.batch_id
        assert batch_id is not None
        allowed = self._batch_state() == "待审批" and not self._batch_away()
        approver = Credential("baomi", PASSWORD)
        self._attempt(allowed, 1, lambda: destruction.approve(self.custodian, batch_id, approver))

    @precondition(lambda self: self.batch_id is not None)
    @rule(first=st.sampled_from(WITNESSES), second=st.sampled_from(WITNESSES))
    def batch_seal(self, first: str, second: str) -> None:
        batch_id = self.batch_id
        assert batch_id is not None
        allowed = (
            self._batch_state() == "待监销"
            and not self._batch_away()
            and key(first) != key(second)
            and BUILDER not in (key(first), key(second))
            and {key(first), key(second)} <= BUSINESS
        )
        pair = (Credential(first, PASSWORD), Credential(second, PASSWORD))
        done = self._attempt(allowed, 1, lambda: destruction.seal(self.custodian, batch_id, pair))
        if done:
            for (copy_id,) in self.db.query(
                "SELECT copy_id FROM destruction_item WHERE batch_id = ?", (batch_id,)
            ):
                self.destroyed[copy_id] = self._handovers(copy_id)
            self.batch_id = None

    @precondition(lambda self: self.batch_id is not None)
    @rule()
    def batch_cancel(self) -> None:
        batch_id = self.batch_id
        assert batch_id is not None
        self._attempt(
            True, 1, lambda: destruction.cancel(self.custodian, batch_id, "清单有误，重新编制")
        )
        self.batch_id = None

    def _handovers(self, copy_id: int) -> int:
        return int(self.db.scalar("SELECT count(*) FROM handover WHERE copy_id = ?", (copy_id,)))

    # ---- invariants -----------------------------------------------------------------------------
    @invariant()
    def a_copy_is_never_out_twice(self) -> None:
        twice = self.db.query(
            "SELECT copy_id FROM handover WHERE back_at IS NULL GROUP BY copy_id"
            " HAVING count(*) > 1"
        )
        assert not twice, f"copies out twice: {[r[0] for r in twice]}"
        out = {r[0] for r in self.db.query("SELECT id FROM copy WHERE state = '借出'")}
        held = {r[0] for r in self.db.query("SELECT copy_id FROM handover WHERE back_at IS NULL")}
        assert out == held, f"借出 {sorted(out)} but held {sorted(held)}"

    @invariant()
    def a_destroyed_copy_never_moves(self) -> None:
        gone = {r[0] for r in self.db.query("SELECT id FROM copy WHERE state = '已销毁'")}
        assert gone == set(self.destroyed), "a copy destroyed other than by a sealed batch"
        for copy_id, handovers in self.destroyed.items():
            assert self._handovers(copy_id) == handovers, f"destroyed copy {copy_id} went out"

    @invariant()
    def a_recalled_copy_never_moves(self) -> None:
        back = {r[0] for r in self.db.query("SELECT id FROM copy WHERE state = '已清退'")}
        assert back == set(self.returned), "a copy 已清退 other than by a recorded return"
        for copy_id, handovers in self.returned.items():
            assert self._handovers(copy_id) == handovers, f"recalled copy {copy_id} went out"

    @invariant()
    def no_day_closed_over_a_classified_copy_out(self) -> None:
        """At every 密级: no day closed while a classified copy was out without its exception.
        (A copy lent in the second of the close, after it, is the next night's business.)"""
        over = self.db.query(
            "SELECT k.day, h.id FROM day_close k JOIN handover h ON h.out_at < k.closed_at"
            " AND (h.back_at IS NULL OR h.back_at > k.closed_at) JOIN copy c ON c.id = h.copy_id"
            " JOIN document d ON d.id = c.document_id WHERE d.level IN ('绝密', '机密', '秘密')"
            " AND NOT EXISTS (SELECT 1 FROM overnight_exception e WHERE e.handover_id = h.id"
            " AND e.night = k.day)"
        )
        assert not over, f"days closed over copies out: {[tuple(r) for r in over]}"

    @invariant()
    def nobody_holds_above_clearance_without_approval(self) -> None:
        bad = self.db.query(
            "SELECT h.id FROM handover h JOIN reader r ON r.id = h.reader_id JOIN copy c"
            " ON c.id = h.copy_id JOIN document d ON d.id = c.document_id WHERE "
            + RANK_SQL
            + " AND (h.override_by IS NULL OR instr(coalesce(h.override_kind, ''), '涉密等级') = 0"
            " OR trim(coalesce(h.override_head, '')) = '' OR trim(coalesce(h.override_ref, ''))"
            " = '')"
        )
        assert not bad, f"handovers above clearance without approval: {[r[0] for r in bad]}"

    @invariant()
    def totals_equal_the_tables(self) -> None:
        direct: dict[tuple[str, str], int] = {
            (r[0], r[1]): r[2]
            for r in self.db.query(
                "SELECT d.level, c.state, count(*) FROM copy c JOIN document d"
                " ON d.id = c.document_id GROUP BY 1, 2"
            )
        }
        kept = {(r[0], r[1]): r[2] for r in self.db.query("SELECT * FROM copy_count") if r[2]}
        assert kept == direct
        report = day_close.counts(self.db)
        for level in LEVELS:
            for state in ("在柜", "借出"):
                assert report[level][state] == direct.get((level, state), 0)

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        chain = audit.verify(self.db)
        assert chain.ok, chain.message
        assert chain.count == self.db.scalar("SELECT max(seq) FROM audit_event")
        assert chain.head == audit.head(self.db)
