"""The registration's vocabularies, written out from DOMAIN.md: every word of each is accepted,
and nothing else; the page count's and the copy count's ranges at their ends."""

from __future__ import annotations

from datetime import datetime

import pytest

from app import registration_checks
from app.errors import InvalidInput
from tests.app.test_registry import doc
from tests.conftest import BEIJING

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING)
SOURCES = ["中央", "省", "市", "区本级", "下级单位", "信访"]
LEVELS = ["绝密", "机密", "秘密", "非密"]
URGENCIES = ["特急", "加急", "平件"]
TELEGRAM_URGENCIES = ["特提", "特急", "加急", "平急"]
HANDLING = ["办件", "阅件"]


def accepted(**changes: object) -> bool:
    try:
        registration_checks.validate(doc(**changes), NOW)
    except InvalidInput:
        return False
    return True


def test_each_source_and_nothing_else() -> None:
    assert [s for s in SOURCES if accepted(source=s)] == SOURCES
    assert not any(accepted(source=s) for s in ("", "县", "区委", "中央 "))


def test_each_level_and_nothing_else() -> None:
    assert [lv for lv in LEVELS if accepted(level=lv, copy_numbers="1")] == LEVELS
    assert not any(accepted(level=lv) for lv in ("", "内部", "绝密★"))


def test_each_urgency_of_a_file_and_of_a_telegram() -> None:
    assert [u for u in URGENCIES if accepted(urgency=u)] == URGENCIES
    assert not any(accepted(urgency=u) for u in ("特提", "平急", ""))
    assert [u for u in TELEGRAM_URGENCIES if accepted(urgency=u, telegram=True)] == (
        TELEGRAM_URGENCIES
    )
    assert not accepted(urgency="平件", telegram=True)


def test_each_handling_and_nothing_else() -> None:
    assert [h for h in HANDLING if accepted(handling=h)] == HANDLING
    assert not accepted(handling="传阅")


def test_pages_from_0_to_10000() -> None:
    assert [p for p in (-1, 0, 1, 10_000, 10_001) if accepted(pages=p)] == [0, 1, 10_000]


def test_an_unclassified_registration_counts_1_to_1000_copies() -> None:
    plain = dict(level="非密", copy_numbers="")
    counts = [c for c in (0, 1, 1000, 1001) if accepted(copy_count=c, **plain)]
    assert counts == [0, 1, 1000]  # 0 (not given) means one copy


def test_the_urgency_refusal_names_the_words_of_files_or_of_telegrams() -> None:
    with pytest.raises(InvalidInput, match="^文件的紧急程度须为特急、加急、平件。$"):
        registration_checks.validate(doc(urgency="特提"), NOW)
    with pytest.raises(InvalidInput, match="^电报的紧急程度须为特提、特急、加急、平急。$"):
        registration_checks.validate(doc(urgency="平件", telegram=True), NOW)
