"""At a return that records 阅毕 the counter asks whether the reader wrote a 批示 (issue 16):
nothing is written until it is answered; yes opens the 批示 entry for the document."""

from __future__ import annotations

from app import circulation, desk
from app.counter import Counter, counter_key
from app.counter_view import Ask, EnterDoes, Tone
from tests.app.test_circulation import leaders  # noqa: F401 (fixture)


def _out_and_back(at: Counter, badge: str, code: str):
    at.line(badge)
    at.line(code)
    at.line("")  # hand over
    at.line(code)  # back: the check
    return at.line("")  # the check confirmed: the question


def test_the_question_then_no(leaders) -> None:  # noqa: F811
    custodian, _, readers, reg = leaders
    circulation.set_route(custodian, reg.document.id, [readers["zhang"].id, readers["fu"].id])
    at = Counter(custodian)
    code = f"{reg.document.number}/000031"
    asked = _out_and_back(at, "B0001", code)
    assert asked.asks is Ask.INSTRUCTED and asked.enter is EnterDoes.NOT_INSTRUCTED
    assert asked.tone is Tone.CHECK and "张建国 是否作了批示？" in asked.banner
    # Nothing written yet: the copy is still out, nobody has read it.
    assert [r.copy.copy_id for r in desk.out_now(custodian.db)] == [reg.copies[0].id]
    assert circulation.status(custodian.db, reg.document.id).steps[0].read_at is None
    refused = at.line("B0005")
    assert refused.beep and refused.banner.startswith("请先回答：") and at.reader is None
    done = at.line("")  # no
    assert done.asks is None and "张建国 阅毕。下一位：赵副" in done.banner
    assert not circulation.status(custodian.db, reg.document.id).steps[0].instructed


def test_the_question_then_yes_opens_the_entry(leaders) -> None:  # noqa: F811
    custodian, _, readers, reg = leaders
    circulation.set_route(custodian, reg.document.id, [readers["zhang"].id])
    at = Counter(custodian)
    code = f"{reg.document.number}/000031"
    _out_and_back(at, "B0001", code)
    said = counter_key(at, "Y")  # as the CLI session types it
    assert said.asks is Ask.INSTRUCTION
    assert (said.instruction_number, said.instruction_leader) == (reg.document.number, "张建国")
    assert "阅毕（有批示）。传阅已完成" in said.banner and said.changed
    assert circulation.status(custodian.db, reg.document.id).steps[0].instructed
    assert desk.out_now(custodian.db) == []


def test_esc_at_the_question_writes_nothing_and_a_reader_off_the_route_is_not_asked(
    leaders,  # noqa: F811
) -> None:
    custodian, _, readers, reg = leaders
    circulation.set_route(custodian, reg.document.id, [readers["zhang"].id])
    at = Counter(custodian)
    code = f"{reg.document.number}/000031"
    _out_and_back(at, "B0001", code)
    at.clear()
    assert len(desk.out_now(custodian.db)) == 1
    assert at.line(code).enter is EnterDoes.TAKE_BACK  # scanned again: the check again
    at.clear()
    other = f"{reg.document.number}/000032"
    back = _out_and_back(at, "B0005", other)  # 赵副 is not on the route
    assert (
        back.asks is None and back.banner == f"已归还：{reg.document.number} 第000032份，核对无误"
    )
