"""清退 rules the session-7 mutation run found unguarded (issue 19): what each row of the recall
list says (收文编号, 页数, the batch a copy is in or was destroyed by, its order by 份号), the
campaign's counts and its refusals as the custodian reads them. Each test names the rule; the
mutants it kills are in its docstring."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import NamedTuple

import pytest

from app import day_close, desk, destruction, instructions, recall, registry
from app.clock import FixedClock
from app.errors import InvalidInput
from app.model import Credential
from app.people import ReaderInput, add_reader
from app.recall import RecallRow
from app.reports import sheets
from app.session import Session
from tests.app.test_registry import doc
from tests.conftest import PASSWORD
from tests.rules.test_tables import FRIDAY

OFFICER = Credential("baomi", PASSWORD)
WITNESSES = (OFFICER, Credential("zhuren", PASSWORD))


class Year(NamedTuple):
    custodian: Session
    copies: dict[str, int]  # "P2" is the 省 document's 份号 000002, "C1" the 中央 one's 000001


@pytest.fixture
def year(login: Callable[..., Session], clock: FixedClock) -> Year:
    """A 2026 recall with every outcome. 2026-0001 (省, 4 pages, copies registered as 000005,
    000002, 000009): P2 returned, P5 kept (留用), P9 untouched. 2026-0002 (中央, 6 pages): C1
    destroyed in sealed batch 1, C3 in batch 2 which was cancelled and then lent out, C2 in
    batch 3, still open."""
    clock.set(FRIDAY)
    officer = login("baomi")
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", "1", "B0001"))
    custodian = login("jiyao")
    province = registry.register(
        custodian,
        doc(
            issuer="省委办公厅",
            source="省",
            doc_number="省委办发〔2026〕3号",
            copy_numbers="000005, 000002, 000009",
            pages=4,
        ),
    )
    central = registry.register(
        custodian,
        doc(
            issuer="中共中央办公厅",
            source="中央",
            doc_number="中办发〔2026〕7号",
            copy_numbers="1-3",
            pages=6,
        ),
    )
    copies = {f"P{int(c.copy_no)}": c.id for c in province.copies}
    copies |= {f"C{int(c.copy_no)}": c.id for c in central.copies}
    recall.open_campaign(custodian, 2026)
    recall.record_return(custodian, 2026, [copies["P2"]], FRIDAY.date(), "省委机要局", "R-1")
    recall.retain(custodian, 2026, [copies["P5"]], "年度总结仍需参阅", OFFICER)
    first = destruction.create(custodian, "碎纸机粉碎", "机要室", FRIDAY.date())
    destruction.add(custodian, first.id, [copies["C1"]])
    destruction.approve(custodian, first.id, OFFICER)
    destruction.seal(custodian, first.id, WITNESSES)
    second = destruction.create(custodian, "碎纸机粉碎", "机要室", FRIDAY.date())
    destruction.add(custodian, second.id, [copies["C3"]])
    destruction.cancel(custodian, second.id, "改期销毁")
    third = destruction.create(custodian, "送销毁中心", "市保密技术服务中心", FRIDAY.date())
    destruction.add(custodian, third.id, [copies["C2"]])
    desk.checkout(custodian, reader.id, [copies["C3"]])
    return Year(custodian, copies)


def _listed(y: Year) -> dict[str, RecallRow]:
    by_id = {r.copy_id: r for r in recall.rows(y.custodian.db, 2026)}
    return {name: by_id[copy_id] for name, copy_id in y.copies.items()}


def test_each_row_says_how_its_copy_ended_or_where_it_waits(year: Year) -> None:
    """The list gives each copy's 收文编号, 页数, outcome, blocker and detail: a destroyed copy
    names its sealed batch, a copy in an open batch is 待销毁 and names it 未封存, a cancelled
    batch no longer counts, and only copies done with are settled. Kills: the number from
    `r[1], r[2]` as `r[2]`/`r[0]`, `r[1]`/`r[1]`; pages `r[3]` as `r[4]`/`r[2]`; the destroyed
    detail `r[9] or ""` as `r[8]`/`r[9] and ""`; `elif r[9]` as `r[8]`; the open batch's detail
    `r[9]` as `r[10]`/`r[8]`; in the batch subquery `b.sealed_at IS NULL` as `IS NOT NULL`,
    '年第', '批', '（未封存）' emptied, `b.id = i.batch_id` and `i.copy_id = c.id` as `<>`,
    `AND b.cancelled_at` as `OR`, `cancelled_at IS NULL` as `IS NOT NULL`; `@property` removed
    from RecallRow.settled."""
    rows = _listed(year)
    assert {name: r.number for name, r in rows.items()} == {
        "P5": "2026-0001",
        "P2": "2026-0001",
        "P9": "2026-0001",
        "C1": "2026-0002",
        "C2": "2026-0002",
        "C3": "2026-0002",
    }
    assert {r.pages for n, r in rows.items() if n[0] == "P"} == {4}
    assert {r.pages for n, r in rows.items() if n[0] == "C"} == {6}
    seen = {name: (r.outcome, r.blocker, r.detail) for name, r in rows.items()}
    assert seen == {
        "P2": ("已清退", "", "2026-11-20 交省委机要局，回执 R-1"),
        "P5": ("留用", "", "年度总结仍需参阅"),
        "P9": ("待处理", "", ""),
        "C1": ("已销毁", "", "2026年第1批"),
        "C2": ("待销毁", "", "2026年第3批（未封存）"),
        "C3": ("待处理", "借出未还", ""),
    }
    settled = {name: r.settled for name, r in rows.items()}
    assert settled == {"P2": True, "P5": True, "P9": False, "C1": True, "C2": False, "C3": False}


def test_the_progress_counts_settled_copies_and_blockers(year: Year) -> None:
    """Progress counts only copies done with as settled and each blocked copy once (none when
    nothing blocks). Kills: `settled = n if outcome in OUTCOMES else 0` as `else 1`/`else -1`;
    `r.blocker != ""` as `==`; `n if blocked else 0` as `not blocked`/`else 1`/`else -1`;
    CampaignProgress.blockers' default 0 as 1/-1."""
    items = recall.rows(year.custodian.db, 2026)
    done = recall.progress(items)
    assert (done.overall.settled, done.overall.total, done.blockers) == (3, 6, 1)
    issuers = done.by_issuer
    assert (issuers["中共中央办公厅"].settled, issuers["省委办公厅"].settled) == (1, 2)
    assert (done.by_level["机密"].settled, done.by_level["机密"].total) == (3, 6)
    assert done.outcomes == {"已清退": 1, "留用": 1, "已销毁": 1, "待销毁": 1, "待处理": 2}
    unblocked = recall.progress([r for r in items if not r.blocker])
    assert (unblocked.overall.settled, unblocked.blockers) == (3, 0)
    assert recall.progress([]).blockers == 0


def test_the_campaign_does_not_close_and_says_how_many_are_left(year: Year) -> None:
    """Closing refuses while copies are unsettled and says how many: total minus settled.
    Kills `total - settled` as `total + settled`."""
    with pytest.raises(InvalidInput) as refused:
        recall.close_campaign(year.custodian, 2026, OFFICER)
    assert refused.value.message.startswith("尚有 3 份未清退、未销毁也未批准留用")


def test_a_return_names_at_most_three_copies_it_refuses(year: Year) -> None:
    """A refused return names the first three problem copies in list order, and adds the count
    only past three. Kills `len(problems) > 3` as `not ... > 3`, `> 4`, `> 2`, `>= 3`, `<= 3`,
    and `problems[:3]` as `[:4]`/`[:2]`."""
    c = year.copies
    head = "以下文件现在不能清退：2026-0002 第000001份：已销毁；2026-0002 第000002份：待销毁；"
    three = head + "2026-0002 第000003份：借出未还"

    def refusal(names: list[str]) -> str:
        with pytest.raises(InvalidInput) as refused:
            recall.record_return(
                year.custodian, 2026, [c[n] for n in names], FRIDAY.date(), "省委机要局", "R-2"
            )
        return refused.value.message

    assert refusal(["C3", "C2", "C1"]) == three + "。"
    assert refusal(["P5", "C3", "C2", "C1"]) == three + " 等 4 份。"


def test_a_settled_copy_is_not_kept_and_the_window_says_why_at_once(year: Year) -> None:
    """留用 is refused for a copy already returned or destroyed, naming the first such copy in
    list order; retain_refusal returns that sentence instead of raising. Kills `settled[0]` as
    `settled[1]`/`settled[-1]` and `except InvalidInput` replaced."""
    c, db = year.copies, year.custodian.db
    returned = "2026-0001 第000002份 已是“已清退”，不能留用。"
    assert recall.retain_refusal(db, 2026, [c["P2"]]) == returned
    destroyed = "2026-0002 第000001份 已是“已销毁”，不能留用。"
    assert recall.retain_refusal(db, 2026, [c["P2"], c["C1"]]) == destroyed
    with pytest.raises(InvalidInput, match=destroyed):
        recall.retain(year.custodian, 2026, [c["P2"], c["C1"]], "仍需参阅", OFFICER)
    assert recall.retain_refusal(db, 2026, [c["P9"]]) is None


def test_chosen_copies_come_back_in_copy_number_order(year: Year) -> None:
    """Within one document the list runs by 份号, even for copies registered out of order and
    chosen by id. Kills the sort key's `r[2]` as `r[3]`/`r[1]`."""
    c, db = year.copies, year.custodian.db
    chosen = recall.rows(db, 2026, [c["P5"], c["P9"], c["P2"]])
    assert [r.copy_no for r in chosen] == ["000002", "000005", "000009"]


def test_a_choice_past_sqlites_parameter_limit_is_read(year: Year) -> None:
    """A choice longer than SQLite allows parameters (32,766 by default, 250,000 in the build we
    ship) is filtered in Python, not bound into the query: choosing a whole year's list works.
    Kills `len(copy_ids) > 500` as `<= 500`."""
    c, db = year.copies, year.custodian.db
    everything = [r.copy_id for r in recall.rows(db, 2026)]
    padded = [*c.values(), *range(10**6, 10**6 + 300_000)]  # ids outside the recall
    assert [r.copy_id for r in recall.rows(db, 2026, padded)] == everything


def test_the_export_headers_name_their_columns(year: Year) -> None:
    """The exported 清退情况 sheet's headers are the room's words, each over its own value.
    Kills each word of COLUMNS changed."""
    sheet = sheets.recall_rows(year.custodian.db, 2026)
    returned = next(dict(zip(sheet.headers, r, strict=True)) for r in sheet.rows if "R-1" in r[8])
    assert returned == {
        "来文单位": "省委办公厅",
        "文号": "省委办发〔2026〕3号",
        "收文编号": "2026-0001",
        "标题": "关于做好年终保密检查工作的通知",
        "密级": "机密",
        "份号": "000002",
        "结果": "已清退",
        "阻碍": "",
        "说明": "2026-11-20 交省委机要局，回执 R-1",
    }


def test_campaigns_are_listed_newest_first(login: Callable[..., Session]) -> None:
    """The campaigns page lists the latest year first. Kills `ORDER BY year DESC` as `ASC`."""
    custodian = login("jiyao")
    for y in (2025, 2023, 2024):
        recall.open_campaign(custodian, y)
    assert [c.year for c in recall.campaigns(custodian.db)] == [2025, 2024, 2023]


def test_of_two_lost_copies_the_refusal_names_the_first(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """留用 of lost copies is refused naming the first lost copy in list order.
    Kills `lost[0]` as `lost[-1]`."""
    clock.set(FRIDAY)
    officer = login("baomi")
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", "1", "B0001"))
    custodian = login("jiyao")
    done = registry.register(custodian, doc(source="省", copy_numbers="1-2"))
    recall.open_campaign(custodian, 2026)
    for copy in done.copies:
        desk.checkout(custodian, reader.id, [copy.id])
        incident = desk.take_back(custodian, copy.id, "只交回封套，文件未见")
        assert incident is not None
        day_close.resolve_incident(officer, incident, "经查确已遗失，按失泄密事件上报", "遗失")
    refusal = recall.retain_refusal(custodian.db, 2026, [c.id for c in reversed(done.copies)])
    assert refusal is not None and refusal.startswith("2026-0001 第000001份 已登记遗失，不能留用")


def test_the_recall_holds_the_upper_levels_documents_and_no_other(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """Once the year's recall has begun, a 密件 from 中央, 省 or 市 cannot be voided nor moved
    to another 来文类别 (it would vanish from the list); one of the 区本级 still can (SOURCES'
    "中央", "省", "市" each changed)."""
    clock.set(FRIDAY)
    custodian = login("jiyao")
    ids = {
        source: registry.register(
            custodian, doc(source=source, doc_number=f"清〔2026〕{n}号", copy_numbers=f"{n}")
        ).document.id
        for n, source in enumerate(("中央", "省", "市", "区本级"), 1)
    }
    recall.open_campaign(custodian, 2026)
    db = custodian.db
    assert {r.source for r in recall.rows(db, 2026)} == {"中央", "省", "市"}
    for source in ("中央", "省", "市"):
        refusal = registry.void_refusal(db, ids[source])
        assert refusal is not None and "清退已经开始，不能再作废" in refusal, source
        with pytest.raises(InvalidInput, match="来文类别不能再改为中央、省、市以外"):
            registry.edit(custodian, ids[source], {"source": "区本级"})
    assert registry.void_refusal(db, ids["区本级"]) is None
    registry.void(custodian, ids["区本级"], "重复登记")


def test_an_instruction_not_yet_done_blocks_its_copies_in_every_open_state(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """A copy whose document has a 批示 still 待办, 办理中 or 延期 cannot be settled (阻碍
    批示未办结); once it is 已办结 nothing blocks it (the open states '办理中' and
    '延期' emptied in the list's query)."""
    clock.set(FRIDAY - timedelta(days=3))
    custodian = login("jiyao")
    docs = [
        registry.register(
            custodian, doc(source="省", doc_number=f"批〔2026〕{n}号", copy_numbers=f"{n}")
        ).document
        for n in range(1, 5)
    ]
    items = [instructions.add(custodian, d.id, "张建国", "请区委办阅处").id for d in docs]
    instructions.start(custodian, items[1])
    late = instructions.get(custodian.db, items[2]).deadline + timedelta(days=10)
    instructions.request_extension(custodian, items[2], "等待市里答复", late)
    instructions.decide_extension(custodian, items[2], True, "张建国")
    instructions.finish(custodian, items[3], "已阅处完毕")
    clock.set(FRIDAY)
    recall.open_campaign(custodian, 2026)
    by_document = {r.document_id: r for r in recall.rows(custodian.db, 2026)}
    states = [instructions.get(custodian.db, i).state for i in items]
    assert states == ["待办", "办理中", "延期", "已办结"]
    assert [by_document[d.id].blocker for d in docs] == ["批示未办结"] * 3 + [""]
