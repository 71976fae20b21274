"""传阅: the route by 阅读层次, widened or narrowed only with a reason, 阅毕 and who is next."""

from __future__ import annotations

from datetime import datetime

import pytest

from app import audit, circulation, desk, registry
from app.errors import InvalidInput, PermissionDenied
from app.people import ReaderInput, add_reader
from tests.app.test_register_pdf import SHOTS
from tests.app.test_registry import doc
from tests.conftest import BEIJING


@pytest.fixture
def leaders(counter, login):
    """The counter plus a 副书记 and a 常委 cleared for 机密; a 3-copy 机密 document."""
    custodian, officer, readers, docs = counter
    readers["fu"] = add_reader(
        officer, ReaderInput("赵副", "区委", "副书记", "重要", "13800000005", "B0005")
    )
    readers["chang"] = add_reader(
        officer, ReaderInput("钱常", "区委", "常委、宣传部长", "重要", "13800000006", "B0006")
    )
    reg = registry.register(
        custodian, doc(level="机密", copy_numbers="31-33", doc_number="F〔2026〕9号")
    )
    return custodian, officer, readers, reg


def test_route_by_rank_read_and_next(leaders, clock) -> None:
    custodian, _, readers, reg = leaders
    db = custodian.db
    ids = [readers["chang"].id, readers["zhang"].id, readers["fu"].id]
    route = circulation.set_route(custodian, reg.document.id, ids, by_rank=True)
    assert [s.name for s in route.steps] == ["张建国", "赵副", "钱常"]  # 书记, 副书记, 常委
    first, second = (c.id for c in reg.copies[:2])
    assert circulation.next_reader(db, first).name == "张建国"
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["zhang"].id, [first])
    # Parallel copies: while 张建国 holds one, the next copy goes to 赵副.
    assert circulation.next_reader(db, second).name == "赵副"
    clock.set(datetime(2026, 11, 20, 9, 40, tzinfo=BEIJING))
    desk.take_back(custodian, first)
    result = circulation.record_read(custodian, first, readers["zhang"].id, instructed=True)
    assert result.next is not None and result.next.name == "赵副"
    with pytest.raises(InvalidInput, match="已登记阅毕"):
        circulation.record_read(custodian, first, readers["zhang"].id, instructed=False)
    with pytest.raises(InvalidInput, match="没有借阅过"):
        circulation.record_read(custodian, first, readers["fu"].id, instructed=False)
    status = circulation.status(db, reg.document.id)
    zhang = status.steps[0]
    assert zhang.read_at is not None and zhang.instructed
    assert zhang.held_minutes(clock.now()) == 40
    assert [s.name for s in status.unread] == ["赵副", "钱常"]
    assert not status.complete
    assert all(c.holder is None for c in status.copies)
    kinds = [e.action for e in audit.page(db, None, 5)]
    assert "阅毕" in kinds and "设定传阅路线" in kinds


def test_route_set_once_then_changed_only_with_reason(leaders) -> None:
    custodian, officer, readers, reg = leaders
    circulation.set_route(custodian, reg.document.id, [readers["zhang"].id])
    with pytest.raises(InvalidInput, match="已有传阅路线"):
        circulation.set_route(custodian, reg.document.id, [readers["fu"].id])
    with pytest.raises(InvalidInput, match="须写明理由"):
        circulation.widen(custodian, reg.document.id, readers["fu"].id, " ")
    wider = circulation.widen(custodian, reg.document.id, readers["chang"].id, "书记批示增阅")
    wider = circulation.widen(custodian, reg.document.id, readers["fu"].id, "书记批示增阅")
    assert [s.name for s in wider.steps] == ["张建国", "赵副", "钱常"]  # placed by rank
    assert wider.steps[1].added_kind == "扩大" and wider.steps[1].added_reason == "书记批示增阅"
    narrower = circulation.narrow(custodian, reg.document.id, readers["fu"].id, "出差不在岗")
    assert [s.name for s in narrower.steps] == ["张建国", "钱常"]
    assert [s.seq for s in narrower.steps] == [1, 2]
    assert narrower.removed[0].reason == "出差不在岗"
    # The removed step is kept, never deleted.
    assert custodian.db.scalar("SELECT count(*) FROM reading_step") == 3
    with pytest.raises(Exception, match="never deleted"), custodian.db.transaction():
        custodian.db.execute("DELETE FROM reading_step")
    actions = [e.action for e in audit.page(custodian.db, None, 4)]
    assert actions[:3] == ["缩小阅文范围", "扩大阅文范围", "扩大阅文范围"]
    with pytest.raises(PermissionDenied):
        circulation.widen(officer, reg.document.id, readers["wang"].id, "理由充分")


def test_route_respects_clearance_and_scope(leaders) -> None:
    custodian, _, readers, reg = leaders
    with pytest.raises(InvalidInput, match="涉密等级"):
        circulation.set_route(custodian, reg.document.id, [readers["wang"].id])  # 一般 → 秘密 only
    scoped = registry.register(
        custodian,
        doc(level="秘密", copy_numbers="40", doc_number="F〔2026〕10号", scope_group_ids=(1,)),
    )
    with pytest.raises(InvalidInput, match="知悉范围"):
        circulation.set_route(custodian, scoped.document.id, [readers["fu"].id])
    assert circulation.set_route(custodian, scoped.document.id, [readers["zhang"].id]).steps


def test_saved_route_and_narrowing_a_reader(leaders, clock) -> None:
    custodian, _, readers, reg = leaders
    saved = circulation.save_route(
        custodian, "常委传阅", [readers["zhang"].id, readers["fu"].id, readers["chang"].id]
    )
    assert saved.names == ("张建国", "赵副", "钱常")
    again = circulation.save_route(custodian, "常委传阅", [readers["zhang"].id, readers["fu"].id])
    assert again.id == saved.id and again.names == ("张建国", "赵副")
    route = circulation.set_route(custodian, reg.document.id, route_id=saved.id)
    assert [s.name for s in route.steps] == ["张建国", "赵副"]
    going = circulation.in_progress(custodian.db)
    assert [(g.number, g.readers, g.read) for g in going] == [(reg.document.number, 2, 0)]
    copy = reg.copies[0].id
    desk.checkout(custodian, readers["zhang"].id, [copy])
    with pytest.raises(InvalidInput, match="正持有"):
        circulation.narrow(custodian, reg.document.id, readers["zhang"].id, "不再阅")
    status = circulation.status(custodian.db, reg.document.id)
    assert status.copies[0].holder == "张建国"
    desk.take_back(custodian, copy)
    circulation.record_read(custodian, copy, readers["zhang"].id, instructed=False)
    with pytest.raises(InvalidInput, match="已阅毕"):
        circulation.narrow(custodian, reg.document.id, readers["zhang"].id, "不再阅")
    desk.checkout(custodian, readers["fu"].id, [copy])
    desk.take_back(custodian, copy)
    done = circulation.record_read(custodian, copy, readers["fu"].id, instructed=False)
    assert done.next is None
    assert circulation.status(custodian.db, reg.document.id).complete
    assert circulation.in_progress(custodian.db) == []  # read through: no longer 传阅中


def test_printed_circulation_sheet(leaders, clock, tmp_path) -> None:
    from app import instructions
    from app.documents import get_document
    from app.reports.circulation_pdf import render_circulation
    from tests.pdf_tools import fonts_of, rasterise, text_of, word_boxes

    custodian, _, readers, reg = leaders
    db = custodian.db
    circulation.set_route(custodian, reg.document.id, [readers["zhang"].id, readers["fu"].id])
    copy = reg.copies[0].id
    clock.set(datetime(2026, 11, 20, 9, 5, tzinfo=BEIJING))
    desk.checkout(custodian, readers["zhang"].id, [copy])
    clock.set(datetime(2026, 11, 20, 10, 20, tzinfo=BEIJING))
    desk.take_back(custodian, copy)
    circulation.record_read(custodian, copy, readers["zhang"].id, instructed=True)
    instructions.add(custodian, reg.document.id, "张建国", "请宣传部抓好落实")
    pdf = tmp_path / "circ.pdf"
    pdf.write_bytes(
        render_circulation(
            get_document(db, reg.document.id),
            circulation.status(db, reg.document.id),
            instructions.of_document(db, reg.document.id),
            custodian.room.unit,
            clock.now(),
        )
    )
    text = text_of(pdf)
    assert "传　阅　单" in text or "传 阅 单" in text
    assert "张建国→赵副" in text
    assert "11-20 09:05" in text and "11-20 10:20" in text and "1小时15分" in text
    assert "请宣传部抓好落实" in text and "未阅" in text
    assert "000031、000032、000033" in text
    assert "UMing" in fonts_of(pdf)
    # Room to sign: each reader's line at least 10 mm, 办理结果 a box to write in (walk-through).
    tops = {w: y0 for _, w, _, y0, _, _ in word_boxes(pdf)}
    mm = 72 / 25.4
    assert tops["赵副"] - tops["张建国"] >= 9.5 * mm
    assert tops["阅后请及时退回机要室，不得横传、复制、带离。"] - tops["办理结果"] >= 16 * mm
    pages = rasterise(pdf)
    assert pages
    SHOTS.mkdir(exist_ok=True)
    pages[0].replace(SHOTS / "circulation-pdf.png")


def test_reading_levels() -> None:
    from app.circulation_records import rank_of

    positions = ["科员", "区委副书记", "区长", "常委、宣传部长", "区委书记", "副区长", "顾问"]
    ordered = sorted(positions, key=rank_of)
    assert ordered == ["区委书记", "区长", "区委副书记", "常委、宣传部长", "副区长", "科员", "顾问"]
