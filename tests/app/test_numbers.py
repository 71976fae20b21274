"""文号, 份号 and 收文编号 as people and scanners type them."""

from __future__ import annotations

import pytest

from app.errors import InvalidInput
from app.numbers import (
    format_copy_ranges,
    normalise_doc_number,
    parse_copy_numbers,
    parse_registration_number,
    registration_number,
)


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("市委发〔2026〕12号", "市委发〔2026〕12号"),
        ("市委发[2026]12号", "市委发〔2026〕12号"),
        ("市委发【2026】012号", "市委发〔2026〕12号"),
        ("市委发［２０２６］１２号", "市委发〔2026〕12号"),
        ("市委发(2026)第12号", "市委发〔2026〕12号"),
        ("市委发（2026）12号", "市委发〔2026〕12号"),
        (" 中办发 〔2025〕 3 号 ", "中办发〔2025〕3号"),
        ("市委发﹝2026﹞12号", "市委发〔2026〕12号"),
        ("市委发〖2026〗12号", "市委发〔2026〕12号"),
        ("市委发〘2026〙12号", "市委发〔2026〕12号"),
        ("市委发「2026」12号", "市委发〔2026〕12号"),
        ("ＳＷ发（２０２６）１号", "SW发〔2026〕1号"),
    ],
)
def test_doc_numbers_are_normalised(typed: str, normal: str) -> None:
    assert normalise_doc_number(typed) == (normal, True)


@pytest.mark.parametrize("typed", ["内部明电", "市委发2026年12号", "第三号"])
def test_an_unparseable_doc_number_is_kept_as_typed(typed: str) -> None:
    assert normalise_doc_number(typed) == (typed, False)


def test_copy_numbers_lists_and_ranges() -> None:
    assert parse_copy_numbers("000031-000035, 000040") == [
        "000031",
        "000032",
        "000033",
        "000034",
        "000035",
        "000040",
    ]
    assert parse_copy_numbers("31～33，40、41") == [
        "000031",
        "000032",
        "000033",
        "000040",
        "000041",
    ]
    assert parse_copy_numbers("  ") == []
    assert format_copy_ranges(["000040", "000031", "000032", "000033"]) == "000031-000033, 000040"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("35-31", "颠倒"),
        ("31,31", "重复"),
        ("1234567", "六位"),
        ("abc", "无法识别"),
        ("1-2000", "1000"),
        ("000000", "000001 起"),
        ("0", "000001 起"),
        ("000000-000003", "000001 起"),
        ("000005, 000000", "000001 起"),
    ],
)
def test_bad_copy_numbers_are_refused_with_the_reason(typed: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        parse_copy_numbers(typed)


def test_registration_numbers() -> None:
    assert registration_number(2026, 1) == "2026-0001"
    assert parse_registration_number("2026-0001") == (2026, 1)
    assert parse_registration_number("２０２６－１２") == (2026, 12)
    assert parse_registration_number("000031") is None


@pytest.mark.parametrize("typed", ["市委发〔2026〕0号", "市委发[2026]000号", "〔2026〕0号"])
def test_a_zero_sequence_doc_number_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput, match="序号为 0"):
        normalise_doc_number(typed)


def test_the_first_copy_and_the_first_number_are_accepted() -> None:
    assert parse_copy_numbers("000001") == ["000001"]
    assert parse_copy_numbers("1-3") == ["000001", "000002", "000003"]
    assert normalise_doc_number("市委发〔2026〕1号") == ("市委发〔2026〕1号", True)
