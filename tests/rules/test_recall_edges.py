"""The 清退 year's range: from 2000 to the current year, both ends included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from app import recall
from app.errors import InvalidInput
from app.model import Credential
from app.session import Session
from tests.conftest import PASSWORD


def test_a_campaign_year_runs_from_2000_to_this_year(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    this_year = custodian.clock.now().year
    for year in (1999, this_year + 1):
        with pytest.raises(InvalidInput, match=f"清退年度须在 2000 到 {this_year} 之间"):
            recall.open_campaign(custodian, year)
    assert recall.open_campaign(custodian, 2000).year == 2000
    assert recall.open_campaign(custodian, this_year).year == this_year


def test_a_campaigns_deadline_falls_in_the_next_year_or_later(
    login: Callable[..., Session],
) -> None:
    custodian = login("jiyao")
    with pytest.raises(InvalidInput, match="清退截止日须在 2026 年内或之后"):
        recall.open_campaign(custodian, 2025, date(2025, 12, 31))
    assert recall.open_campaign(custodian, 2025, date(2026, 1, 1)).year == 2025


def test_a_closed_campaign_says_the_day_it_closed(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    recall.open_campaign(custodian, 2025)
    recall.close_campaign(custodian, 2025, Credential("baomi", PASSWORD))
    day = custodian.clock.now().date().isoformat()
    with pytest.raises(InvalidInput, match=f"2025 年度的清退已于 {day} 结束，记录不再更改"):
        recall.record_return(custodian, 2025, [1], date(2026, 11, 20), "a", "b")
