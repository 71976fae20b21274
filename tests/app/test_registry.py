"""收文登记: registering copy by copy, gapless numbers, duplicates, edits, voids, the register."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from app import audit, documents, register_query, registry
from app.classification import Period
from app.clock import FixedClock
from app.errors import InvalidInput, PermissionDenied
from app.people import ReaderInput, add_reader
from app.register_query import RegisterFilter
from app.registration_checks import DocumentInput
from app.session import Session
from tests.conftest import BEIJING


def doc(**changes: object) -> DocumentInput:
    base: dict[str, object] = dict(
        issuer="市委办公室",
        source="市",
        title="关于做好年终保密检查工作的通知",
        level="机密",
        doc_number="市委办发[2026]12号",
        copy_numbers="000031-000035, 000040",
        pages=6,
        written_on=date(2026, 11, 10),
        urgency="加急",
        handling="办件",
        cabinet="1号保密柜",
    )
    base.update(changes)
    return DocumentInput(**base)  # type: ignore[arg-type]


def test_a_document_is_registered_copy_by_copy(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    result = registry.register(custodian, doc())
    d = result.document
    assert d.number == "2026-0001"
    assert d.doc_number == "市委办发〔2026〕12号" and d.doc_number_ok
    assert d.level_label == "机密★20年" and d.period.defaulted
    assert [c.copy_no for c in result.copies] == [
        "000031",
        "000032",
        "000033",
        "000034",
        "000035",
        "000040",
    ]
    assert all(c.state == "在柜" and c.pages == 6 for c in result.copies)
    assert d.deadline is not None and d.deadline > d.received_at
    history = documents.copy_history(custodian.db, result.copies[0].id)
    assert [e.kind for e in history] == ["登记"]
    event = audit.page(custodian.db, None, 1)[0]
    assert (event.action, event.object) == ("登记收文", "document:2026-0001")
    assert event.details["after"]["copies"] == "000031-000035, 000040"


def test_numbers_are_gapless_per_year_and_never_reused(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    custodian = login("jiyao")
    first = registry.register(custodian, doc(doc_number="A〔2026〕1号")).document
    second = registry.register(custodian, doc(doc_number="A〔2026〕2号")).document
    registry.void(custodian, second.id, "重复登记")
    third = registry.register(custodian, doc(doc_number="A〔2026〕2号")).document
    assert [first.number, second.number, third.number] == ["2026-0001", "2026-0002", "2026-0003"]
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=BEIJING))
    assert (
        registry.register(custodian, doc(doc_number="A〔2027〕1号")).document.number == "2027-0001"
    )


def test_the_same_copy_twice_is_refused_naming_the_first(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    registry.register(custodian, doc())
    with pytest.raises(InvalidInput, match="000033 份已于收文编号 2026-0001 登记"):
        registry.register(
            custodian, doc(doc_number="市委办发【2026】012号", copy_numbers="000033-000036")
        )
    # Other copies of the same document are fine.
    registry.register(custodian, doc(copy_numbers="000036-000039"))


def test_bad_input_is_refused_and_nothing_is_written(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    before = audit.count(custodian.db)
    for bad, reason in [
        (doc(issuer=" "), "来文单位"),
        (doc(title=""), "标题"),
        (doc(copy_numbers=""), "份号"),
        (doc(copy_numbers="5-1"), "颠倒"),
        (doc(source="外省"), "来文类别"),
        (doc(urgency="特提"), "紧急程度"),
        (doc(copy_count=3), "不一致"),
        (doc(written_on=date(2027, 1, 1)), "成文日期"),
    ]:
        with pytest.raises(InvalidInput, match=reason):
            registry.register(custodian, bad)
    assert audit.count(custodian.db) == before
    assert custodian.db.scalar("SELECT count(*) FROM document") == 0


def test_unclassified_items_may_be_counted_without_copy_numbers(
    login: Callable[..., Session],
) -> None:
    result = registry.register(
        login("jiyao"), doc(level="非密", copy_numbers="", copy_count=3, doc_number="")
    )
    assert [c.copy_no for c in result.copies] == ["000001", "000002", "000003"]
    assert result.document.level_label == "非密"


def test_an_unparseable_doc_number_is_kept_with_a_warning(login: Callable[..., Session]) -> None:
    result = registry.register(login("jiyao"), doc(doc_number="内部明电"))
    assert result.document.doc_number == "内部明电" and not result.document.doc_number_ok
    assert any("按原样保存" in w for w in result.warnings)


def test_periods_and_telegram_deadlines(login: Callable[..., Session], clock: FixedClock) -> None:
    custodian = login("jiyao")
    long = registry.register(
        custodian, doc(period=Period("长期"), doc_number="B〔2026〕1号")
    ).document
    assert long.level_label == "机密★长期"
    telegram = registry.register(
        custodian, doc(telegram=True, urgency="特提", doc_number="B〔2026〕2号")
    ).document
    # 特提: at once, a real short limit (30 minutes by default), not the instant of receipt.
    assert telegram.deadline == clock.now() + timedelta(minutes=30)
    urgent = registry.register(custodian, doc(urgency="特急", doc_number="B〔2026〕3号")).document
    assert (urgent.deadline - urgent.received_at).total_seconds() == 2 * 3600  # type: ignore[operator]
    # Friday 2026-11-20 09:00 + 2 working days = Tuesday.
    plain = registry.register(custodian, doc(urgency="平件", doc_number="B〔2026〕4号")).document
    assert plain.deadline is not None and plain.deadline.date() == date(2026, 11, 24)


def test_edit_and_void_are_audited_with_before_and_after(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    d = registry.register(custodian, doc()).document
    edited = registry.edit(
        custodian, d.id, {"title": "关于做好年终保密自查工作的通知", "remarks": "原件"}
    )
    assert edited.title.endswith("自查工作的通知")
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "修改收文"
    assert event.details["before"]["title"] == "关于做好年终保密检查工作的通知"
    with pytest.raises(InvalidInput, match="原因"):
        registry.void(custodian, d.id, " ")
    voided = registry.void(custodian, d.id, "来文单位收回重发")
    assert voided.voided_at is not None and voided.void_reason == "来文单位收回重发"
    with pytest.raises(InvalidInput, match="已作废"):
        registry.edit(custodian, d.id, {"remarks": "x"})
    with pytest.raises(Exception, match="never deleted"):
        custodian.db.execute("DELETE FROM document WHERE id = ?", (d.id,))


def test_only_the_custodian_registers(login: Callable[..., Session]) -> None:
    for user in ("baomi", "xitong", "shenji"):
        with pytest.raises(PermissionDenied):
            registry.register(login(user), doc())


def test_scope_records_readers_and_groups(login: Callable[..., Session]) -> None:
    officer = login("baomi")
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心"))
    d = registry.register(login("jiyao"), doc(scope_reader_ids=(reader.id,))).document
    assert documents.scope_of(officer.db, d.id) == (["张建国"], [])


def test_register_filters_search_and_pages(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    custodian = login("jiyao")
    titles = [
        "关于召开区委常委会议的通知",
        "关于印发保密工作要点的通知",
        "信访事项转办函",
        "常委会纪要",
    ]
    for i, title in enumerate(titles * 5):
        clock.advance(minutes=5)
        registry.register(
            custodian,
            doc(
                title=title,
                doc_number=f"C〔2026〕{i + 1}号",
                copy_numbers=f"{100 + i}",
                level=("机密", "秘密")[i % 2],
                source=("市", "信访")[i % 2],
                issuer=("市委办公室", "区信访局")[i % 2],
            ),
        )
    db = custodian.db
    everything = RegisterFilter()
    assert register_query.count(db, everything) == 20
    first = register_query.page(db, everything, limit=7)
    second = register_query.page(db, everything, after=first[-1].key, limit=7)
    third = register_query.page(db, everything, after=second[-1].key, limit=7)
    numbers = [r.number for r in first + second + third]
    assert numbers == [f"2026-{n:04d}" for n in range(20, 0, -1)]
    oldest = register_query.page(db, everything, limit=3, newest_first=False)
    assert [r.number for r in oldest] == ["2026-0001", "2026-0002", "2026-0003"]
    after = register_query.page(db, everything, oldest[-1].key, limit=2, newest_first=False)
    assert [r.number for r in after] == ["2026-0004", "2026-0005"]
    assert register_query.count(db, RegisterFilter(level="秘密")) == 10
    assert register_query.count(db, RegisterFilter(source="信访", issuer="区信访局")) == 10
    assert (
        register_query.count(db, RegisterFilter(search="常委")) == 10
    )  # two characters: LIKE path
    assert register_query.count(db, RegisterFilter(search="常委会")) == 10  # trigram path
    assert register_query.count(db, RegisterFilter(search="保密工作要点")) == 5
    assert (
        register_query.count(db, RegisterFilter(search="委")) == 15
    )  # 信访事项转办函 from 区信访局 has none
    assert [r.number for r in register_query.page(db, RegisterFilter(search="000105"))] == [
        "2026-0006"
    ]
    assert [r.number for r in register_query.page(db, RegisterFilter(search="2026-0003"))] == [
        "2026-0003"
    ]
    assert register_query.count(db, RegisterFilter(search="C〔2026〕7号")) == 1
    assert register_query.count(db, RegisterFilter(state="借出")) == 0
    assert register_query.count(db, RegisterFilter(year=2025)) == 0
    row = register_query.page(db, RegisterFilter(search="2026-0001"))[0]
    assert (row.copies, row.copy_ranges, row.level_label) == (1, "000100", "机密★20年")


@pytest.mark.parametrize(
    ("level", "most"),
    [("秘密", 10), ("机密", 20), ("绝密", 30)],
)
def test_a_period_above_the_legal_maximum_warns_at_each_level(
    login: Callable[..., Session], level: str, most: int
) -> None:
    custodian = login("jiyao")
    at_most = registry.register(
        custodian, doc(level=level, period=Period("年", str(most)), doc_number="P〔2026〕1号")
    )
    assert not any("法定最长" in w for w in at_most.warnings)
    months = registry.register(
        custodian,
        doc(level=level, period=Period("月", str(most * 12)), doc_number="P〔2026〕2号"),
    )
    assert not any("法定最长" in w for w in months.warnings)
    over = registry.register(
        custodian, doc(level=level, period=Period("年", str(most + 1)), doc_number="P〔2026〕3号")
    )
    assert [w for w in over.warnings if "法定最长" in w] == [
        f"保密期限“{level}★{most + 1}年”超过{level}件的法定最长期限 {most} 年，请核对原件。"
    ]
    over_months = registry.register(
        custodian,
        doc(level=level, period=Period("月", str(most * 12 + 1)), doc_number="P〔2026〕4号"),
    )
    assert any("法定最长" in w for w in over_months.warnings)
    # A 解密日期 counts from 成文日期 (2026-11-10 in doc()).
    last_day = date(2026 + most, 11, 10).isoformat()
    on_time = registry.register(
        custodian, doc(level=level, period=Period("解密日期", last_day), doc_number="P〔2026〕5号")
    )
    assert not any("法定最长" in w for w in on_time.warnings)
    late = date(2026 + most, 11, 11).isoformat()
    too_late = registry.register(
        custodian, doc(level=level, period=Period("解密日期", late), doc_number="P〔2026〕6号")
    )
    assert any("法定最长" in w for w in too_late.warnings)


@pytest.mark.parametrize("period", [Period("年", "0"), Period("月", "0")])
def test_a_zero_period_is_refused(login: Callable[..., Session], period: Period) -> None:
    custodian = login("jiyao")
    with pytest.raises(InvalidInput, match="保密期限不能为 0"):
        registry.register(custodian, doc(period=period))
    assert custodian.db.scalar("SELECT count(*) FROM document") == 0


def test_zero_numbers_are_refused(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    with pytest.raises(InvalidInput, match="000001 起"):
        registry.register(custodian, doc(copy_numbers="000000"))
    with pytest.raises(InvalidInput, match="序号为 0"):
        registry.register(custodian, doc(doc_number="市委办发〔2026〕0号"))
    assert custodian.db.scalar("SELECT count(*) FROM document") == 0


def test_the_same_doc_number_under_another_issuer_spelling_warns(
    login: Callable[..., Session],
) -> None:
    custodian = login("jiyao")
    first = registry.register(custodian, doc(issuer="市委办公室", doc_number="市委办发[2026]12号"))
    assert not any("文号" in w for w in first.warnings)
    again = registry.register(
        custodian, doc(issuer="市委办", doc_number="市委办发﹝2026﹞12号", copy_numbers="000033")
    )
    assert (
        "文号 市委办发〔2026〕12号 已以来文单位“市委办公室”登记为 2026-0001，"
        "请核对是否同一文件重复登记。"
    ) in again.warnings
    registry.void(custodian, again.document.id, "来文单位写法不一")
    # Further copies under the same spelling are the ordinary case; a voided one is no duplicate.
    more = registry.register(custodian, doc(issuer="市委办公室", copy_numbers="000050"))
    assert not any("文号" in w for w in more.warnings)
    third = registry.register(custodian, doc(issuer="中共市委办公室", copy_numbers="000060"))
    assert [w for w in third.warnings if "文号" in w] == [
        "文号 市委办发〔2026〕12号 已以来文单位“市委办公室”登记为 2026-0001，"
        "请核对是否同一文件重复登记。"
    ]
