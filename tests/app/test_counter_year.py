"""A due time in another year says its year at the desk, as the board does (issue 16)."""

from __future__ import annotations

from datetime import datetime

from app.counter import Counter
from tests.conftest import BEIJING


def test_a_loan_due_next_year_says_the_year(counter, clock) -> None:
    custodian, *_ = counter
    clock.set(datetime(2026, 12, 30, 10, 0, tzinfo=BEIJING))
    at = Counter(custodian)
    at.line("B0003")  # 李四: the 非密 copy, lent for days
    at.line("2026-0004")
    done = at.line("")
    assert done.banner == "已借出 1 份给 李四，请于 2027年01月06日 17:30 前交回。", done.banner
