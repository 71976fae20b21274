"""The 报表 page describes every report it lists (walk-through: 分发登记 once stood with an
empty description); a report added to the catalogue without one fails here."""

from __future__ import annotations

from app.reports.kinds import TITLES
from ui.pages.reports_page import DESCRIPTIONS


def test_every_report_has_a_description() -> None:
    assert set(DESCRIPTIONS) == set(TITLES)
    assert all(len(text) >= 8 for text in DESCRIPTIONS.values())
