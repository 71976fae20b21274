"""办结 (issue 16): a registration is open until answered with its result, on the board and in
the index alike; the board's old items show their year."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from app import audit, board, completion, instructions, registry
from app.board import Kind
from app.errors import InvalidInput, PermissionDenied
from tests.app.test_board import at, morning  # noqa: F401 (fixture)
from tests.app.test_registry import doc
from tests.conftest import BEIJING


def _squeeze(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def test_the_board_and_the_index_say_open_in_the_same_words(login) -> None:
    """board.REGISTRATION_OPEN is the index's condition word for word: a count is an index
    count, and the two can never disagree about what is open."""
    db = login("jiyao").db
    sql = db.scalar("SELECT sql FROM sqlite_master WHERE name = 'document_open_deadline'")
    condition = _squeeze(sql).split(" WHERE ", 1)[1]
    assert condition == _squeeze(board.REGISTRATION_OPEN)
    assert "done_at IS NULL" in condition
    # And the board's queries use the index with that condition.
    plan = db.query(
        f"EXPLAIN QUERY PLAN SELECT count(*) FROM document INDEXED BY document_open_deadline"
        f" WHERE {board.REGISTRATION_OPEN} AND deadline < '2027'"
    )
    assert any("document_open_deadline" in r[3] for r in plan)


def test_a_handling_item_is_open_until_done_with_its_result(morning, login) -> None:  # noqa: F811
    custodian, officer, docs, late_item, telegram, today, later = morning
    before = board.count(custodian.db, custodian.clock.now())
    assert (Kind.HANDLE, late_item.document.id) in [
        (r.kind, r.document_id) for r in board.read_items(custodian)
    ]
    with pytest.raises(InvalidInput, match="办理结果"):
        completion.complete(custodian, late_item.document.id, " ")
    with pytest.raises(PermissionDenied):
        completion.complete(officer, late_item.document.id, "已书面答复")
    done = completion.complete(custodian, late_item.document.id, "已书面答复市委办公室")
    assert done.result == "已书面答复市委办公室" and done.done_by == custodian.account.login
    rows = board.read_items(custodian)
    assert late_item.document.id not in [r.document_id for r in rows if r.kind == Kind.HANDLE]
    after = board.count(custodian.db, custodian.clock.now())
    assert (after.total, after.overdue) == (before.total - 1, before.overdue - 1)
    event = audit.page(custodian.db, None, 1)[0]
    assert (event.action, event.object) == ("登记办结", f"document:{late_item.document.number}")
    assert event.details == {"result": "已书面答复市委办公室"}
    with pytest.raises(InvalidInput, match="已于"):
        completion.complete(custodian, late_item.document.id, "再办结一次")
    assert completion.read_completion(officer, late_item.document.id) == done
    with pytest.raises(PermissionDenied):
        completion.read_completion(login("shenji"), late_item.document.id)


def test_a_handling_item_without_any_instruction_stays_open(counter, clock) -> None:
    """Not only while a 批示 exists: a 办件 nobody wrote on stays on the board until 办结, and
    one whose 批示 is finished stays too."""
    custodian, _, _, _ = counter
    clock.set(at(20, 9))
    item = registry.register(
        custodian, doc(doc_number="H〔2026〕9号", received_at=at(18, 9), deadline=at(19, 17))
    )
    told = instructions.add(
        custodian,
        item.document.id,
        "王书记",
        "请抓紧办理",
        given_at=at(18, 10),
        deadline=at(19, 12),
    )
    instructions.finish(custodian, told.id, "已电话答复")
    assert [(r.kind, r.document_id) for r in board.read_items(custodian)] == [
        (Kind.HANDLE, item.document.id)
    ]
    completion.complete(custodian, item.document.id, "已办理完毕")
    assert board.read_items(custodian) == []


def test_old_items_show_their_year() -> None:
    now = datetime(2026, 1, 5, 9, 0, tzinfo=BEIJING)
    assert board.when_text(datetime(2025, 12, 30, 17, 30, tzinfo=BEIJING), now) == (
        "2025-12-30 17:30"
    )
    assert board.when_text(datetime(2026, 1, 4, 17, 30, tzinfo=BEIJING), now) == "01-04 17:30"


def test_the_result_is_printed_on_the_circulation_sheet_and_the_register(
    counter, clock, tmp_path
) -> None:
    from app import circulation
    from app.documents import get_document
    from app.reports.catalog import render
    from app.reports.circulation_pdf import render_circulation
    from tests.pdf_tools import text_of

    custodian, _, readers, docs = counter
    item = docs["secret"].document
    circulation.set_route(custodian, item.id, [readers["zhang"].id])
    completion.complete(custodian, item.id, "已按要求布置落实")
    sheet = tmp_path / "circ.pdf"
    sheet.write_bytes(
        render_circulation(
            get_document(custodian.db, item.id),
            circulation.status(custodian.db, item.id),
            instructions.of_document(custodian.db, item.id),
            custodian.room.unit,
            clock.now(),
        )
    )
    assert re.search(r"办理结果\s+已按要求布置落实", text_of(sheet))  # in its box
    register = tmp_path / "register.pdf"
    register.write_bytes(render(custodian, "register", 2026))
    printed = "".join(text_of(register).split())
    assert "已办结：" in printed and "布置落实" in printed  # the narrow column wraps it
    from app.register_query import RegisterFilter, page
    from app.reports.register_pdf import register_values

    [row] = [r for r in page(custodian.db, RegisterFilter(), limit=10) if r.id == item.id]
    from app.reports.register_pdf import HEADERS

    assert register_values(row)[HEADERS.index("办理情况")] == "已办结：已按要求布置落实"
