"""The 清退 year's range: from 2000 to the current year, both ends included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from app import recall
from app.errors import InvalidInput
from app.session import Session


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
