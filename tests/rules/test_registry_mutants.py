"""收文登记 rules that the session-7 mutation run left unguarded (issue 19, app/registry.py).

Each test names the rule it guards; its docstring lists the mutants it kills."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from app import audit, documents, outgoing, registration_checks, registry
from app.classification import Period
from app.clock import FixedClock
from app.errors import InvalidInput
from app.outgoing import OutgoingInput, RecipientInput
from app.people import ReaderInput, add_group, add_reader
from app.registration_checks import DocumentInput
from app.session import Session
from app.units import UnitInput, add_unit
from tests.app.test_registry import doc
from tests.conftest import START

NOW = START  # Friday 2026-11-20 09:00, the clock of every fixture here
TOO_FEW_PAGES = "未填写页数：借还核对时将无法核对页数。"


def _warnings(**changes: object) -> list[str]:
    return registration_checks.validate(doc(**changes), NOW)[2]


# ---- what validate accepts at its boundaries ------------------------------------------------
def test_only_a_classified_copy_without_pages_is_warned_about() -> None:
    """The 未填写页数 warning is for a 密件 registered with 0 pages only: not for one with its
    pages, nor for an unclassified item. Kills `level in CLASSIFIED and pages == 0` as `or`."""
    assert _warnings(pages=0) == [TOO_FEW_PAGES]
    assert _warnings(pages=6) == []
    assert _warnings(level="非密", copy_numbers="", pages=0) == []


def test_an_unclassified_item_without_a_count_is_one_copy() -> None:
    """An unclassified item given neither 份号 nor 份数 is registered as one copy, 000001.
    Kills `copy_count or 1` as `or 2`."""
    _, numbers, _ = registration_checks.validate(
        doc(level="非密", copy_numbers="", doc_number=""), NOW
    )
    assert numbers == ["000001"]


def test_what_is_not_typed_registers_as_the_paper_register_leaves_it() -> None:
    """Only issuer, 来文类别, title and 密级 typed: no page count (0, the slip says 登记时未填页数),
    平件, 阅件, one copy. Kills the input's defaults changed (pages 1 or -1, a wrong urgency)."""
    clean, numbers, _ = registration_checks.validate(
        DocumentInput(issuer="市委办公室", source="市", title="关于年终工作的通知", level="非密"),
        NOW,
    )
    assert (clean.pages, clean.urgency, clean.handling, numbers) == (0, "平件", "阅件", ["000001"])


@pytest.mark.parametrize(
    ("pages", "fine"), [(-1, False), (0, True), (10_000, True), (10_001, False)]
)
def test_the_page_count_runs_from_nought_to_ten_thousand(pages: int, fine: bool) -> None:
    """0 (not yet counted, said on the slip) to 10,000 pages, each end inclusive. Kills the
    bounds' number and comparison mutants and `or` as `and`."""
    if fine:
        assert registration_checks.validate(doc(pages=pages), NOW)[0].pages == pages
        return
    with pytest.raises(InvalidInput, match="^页数须在 0 到 10000 之间。$"):
        registration_checks.validate(doc(pages=pages), NOW)


def test_copy_ranges_up_to_the_register_cells_limit() -> None:
    """A registration's 份号 may fall into at most 40 runs (one cell of the printed register);
    41 are refused, and the message counts them. Kills `count(",") + 1` as `+ 2`, `+ 0`, `- 1`,
    and `ranges > LIMIT` as `>=`."""
    forty = ", ".join(str(n) for n in range(1, 80, 2))
    assert len(registration_checks.validate(doc(copy_numbers=forty), NOW)[1]) == 40
    with pytest.raises(InvalidInput, match="份号分成 41 段，登记簿一格最多印下 40 段"):
        registration_checks.validate(doc(copy_numbers=forty + ", 81"), NOW)


def test_times_at_their_limits_are_accepted() -> None:
    """Written today, signed for this very minute, taken at the exchange the minute it was
    signed for: all accepted; waiting after the signing is refused, and without a 签收时间 the
    wait is measured against now. Kills `written_on > today`, `received_at > now` and
    `waiting_at > (...)` each as `>=`, and `received_at or now` as `and`."""
    hour = timedelta(hours=1)
    registration_checks.validate(doc(written_on=NOW.date()), NOW)
    registration_checks.validate(doc(received_at=NOW), NOW)
    registration_checks.validate(doc(waiting_at=NOW - hour, received_at=NOW - hour), NOW)
    registration_checks.validate(doc(waiting_at=NOW - hour), NOW)
    with pytest.raises(InvalidInput, match="交换站待取时间不能晚于签收时间"):
        registration_checks.validate(doc(waiting_at=NOW - hour, received_at=NOW - 2 * hour), NOW)


def test_a_declassification_date_is_checked_from_receipt_and_across_29_february() -> None:
    """A 解密日期 further than the law's maximum is warned about, counted from the 成文日期, else
    from the 签收 date, and not at all when neither is known (the registration dialog asks so);
    from 29 February the limit is 28 February. Kills `received_at.date() if received_at` as
    `if not received_at`; in _years_after `except ValueError` replaced, `day=28` as 29 or 27,
    and `year + years` as `year - years`."""
    far = Period("解密日期", "2040-01-01")
    assert registration_checks.period_warnings(far, "秘密", None, NOW) == [
        "保密期限“秘密★至2040-01-01”超过秘密件的法定最长期限 10 年，请核对原件。"
    ]
    assert registration_checks.period_warnings(far, "秘密", None, None) == []
    leap = date(2024, 2, 29)
    assert (
        registration_checks.period_warnings(Period("解密日期", "2034-02-28"), "秘密", leap, None)
        == []
    )
    assert (
        len(
            registration_checks.period_warnings(
                Period("解密日期", "2034-03-01"), "秘密", leap, None
            )
        )
        == 1
    )


# ---- what a registration writes -------------------------------------------------------------
def test_each_copy_registration_names_its_cabinet(login: Callable[..., Session]) -> None:
    """A copy's 登记 event says which 保密柜 holds it, and nothing where none was given (密级文件
    专人专柜保管). Kills `{"cabinet": ...} if clean.cabinet` as `if not clean.cabinet`."""
    custodian = login("jiyao")
    db = custodian.db
    kept = registry.register(custodian, doc(doc_number="柜〔2026〕1号"))
    history = documents.copy_history(db, kept.copies[0].id)
    assert [(e.kind, e.details) for e in history] == [("登记", {"cabinet": "1号保密柜"})]
    loose = registry.register(custodian, doc(doc_number="柜〔2026〕2号", cabinet=""))
    assert documents.copy_history(db, loose.copies[0].id)[0].details == {}


def test_the_reading_scope_keeps_its_groups(login: Callable[..., Session]) -> None:
    """A 阅文范围 given by group is recorded with the document, beside the readers named one by
    one. Kills the loop over `clean.scope_group_ids` made empty."""
    officer = login("baomi")
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心"))
    group = add_group(officer, "常委会", [reader.id])
    done = registry.register(
        login("jiyao"), doc(scope_reader_ids=(reader.id,), scope_group_ids=(group.id,))
    )
    assert documents.scope_of(officer.db, done.document.id) == (["张建国"], ["常委会"])


def test_the_outgoing_register_refuses_a_copy_already_registered(
    login: Callable[..., Session],
) -> None:
    """每份文件只能登记一次 holds for the office's own 发文 too: where the room has already
    registered 000001 of 区委办发〔2026〕1号 under its own name (an old ledger, say), numbering the
    发文 is refused, not registered twice. Kills `duplicates_checked: bool = False` as `True`,
    and `not (duplicates_checked and db.depth > 1)` as `(duplicates_checked or ...)`."""
    custodian = login("jiyao")
    town = add_unit(custodian, UnitInput("城关镇", "乡镇街道"))
    registry.register(
        custodian,
        doc(
            issuer=custodian.room.unit,
            source=outgoing.OWN_SOURCE,
            level="秘密",
            doc_number="区委办发〔2026〕1号",
            copy_numbers="000001",
        ),
    )
    paper = OutgoingInput(
        code="区委办发",
        title="关于做好年底安全生产工作的通知",
        level="秘密",
        signed_by="刘书记",
        signed_on=date(2026, 11, 19),
        printed=1,
        pages=2,
        recipients=(RecipientInput(town.id, "主送", 1),),
    )
    with pytest.raises(InvalidInput, match="第 000001 份已于收文编号 2026-0001 登记"):
        outgoing.register(custodian, paper)
    assert custodian.db.scalar("SELECT count(*) FROM document") == 1


# ---- what the room already knows about an issuer ----------------------------------------------
def test_the_issuers_last_valid_source_is_offered(login: Callable[..., Session]) -> None:
    """The form follows a known sender: the 来文类别 of that issuer's last registration that is
    not voided, none for an unknown or empty one. Kills `if not cleaned` as `if cleaned` and as
    `if not not cleaned`, `issuer = ?` as `<>`, `AND voided_at IS NULL` as `OR` and as
    `IS NOT NULL`, and `str(found) if found is not None` as `if found is None` and as
    `if not found is not None`."""
    custodian = login("jiyao")
    registry.register(custodian, doc())
    registry.register(
        custodian,
        doc(issuer="省委办公厅", source="省", doc_number="省委办发〔2026〕3号", copy_numbers="1"),
    )
    wrong = registry.register(custodian, doc(issuer="省委办公厅", source="中央"))
    registry.void(custodian, wrong.document.id, "来文类别选错")
    db = custodian.db
    assert registration_checks.known_source(db, " 省委办公厅 ") == "省"
    assert registration_checks.known_source(db, "市委办公室") == "市"
    assert registration_checks.known_source(db, "县委办") is None
    assert registration_checks.known_source(db, "  ") is None


# ---- editing and voiding --------------------------------------------------------------------
def test_every_editable_field_can_be_edited_and_nothing_else(
    login: Callable[..., Session],
) -> None:
    """Each descriptive field of EDITABLE can be changed (and is audited); an empty 来文单位
    and any other field are refused by name; a 文号 edited keeps its own 格式 flag, no other
    registration's. Kills "issuer", "source", "cabinet", "proposal", "urgency", "handling"
    misspelt in EDITABLE, `"…" + "、".join(...)` as `-`, `not values["issuer"]` as
    `values["issuer"]`, and in `UPDATE document SET doc_number_ok = ? WHERE id = ?` either `=`
    as `<>`."""
    custodian = login("jiyao")
    db = custodian.db
    d = registry.register(custodian, doc()).document
    other = registry.register(custodian, doc(doc_number="市委办发〔2026〕13号")).document
    changes = {
        "issuer": "市委办",
        "source": "省",
        "cabinet": "2号保密柜",
        "proposal": "拟请张书记阅示",
        "urgency": "特急",
        "handling": "阅件",
    }
    edited = registry.edit(custodian, d.id, changes)
    assert {k: getattr(edited, k) for k in changes} == changes
    assert audit.page(db, None, 1)[0].details["after"] == changes
    assert not registry.edit(custodian, d.id, {"doc_number": "内部明电"}).doc_number_ok
    assert documents.get_document(db, other.id).doc_number_ok
    mended = registry.edit(custodian, d.id, {"doc_number": "市委办发[2026]14号"})
    assert (mended.doc_number, mended.doc_number_ok) == ("市委办发〔2026〕14号", True)
    with pytest.raises(InvalidInput, match="来文单位不能为空"):
        registry.edit(custodian, d.id, {"issuer": "  "})
    with pytest.raises(InvalidInput, match="这些项不能修改：copy_numbers、level"):
        registry.edit(custodian, d.id, {"level": "秘密", "copy_numbers": "1"})


def test_a_void_is_kept_on_every_copy_and_in_the_audit(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """作废 needs a reason of two characters at least; it is written on each copy's history
    with the reason and audited as voided False → True; a second void is refused naming the
    minute of the first. Kills `len(reason) < 2` as `< 1`, the copies loop made empty,
    `details or {}` as `details and {}`, `{"voided": True, ...}` as False, `{"voided": False}`
    as True, and `stamp(voided_at)[:16]` as `[:17]` and `[:15]`."""
    custodian = login("jiyao")
    db = custodian.db
    done = registry.register(custodian, doc())
    with pytest.raises(InvalidInput, match="作废须写明原因"):
        registry.void(custodian, done.document.id, "错")
    assert documents.get_document(db, done.document.id).voided_at is None
    clock.set(NOW.replace(hour=10, minute=7, second=31))
    registry.void(custodian, done.document.id, "重复")
    for c in done.copies:
        last = documents.copy_history(db, c.id)[-1]
        assert (last.kind, last.details) == ("作废", {"reason": "重复"})
    event = audit.page(db, None, 1)[0]
    assert (event.action, event.details) == (
        "作废收文",
        {"before": {"voided": False}, "after": {"voided": True, "reason": "重复"}},
    )
    refusal = "2026-0001 已于 2026-11-20T10:07 作废。"
    assert registry.void_refusal(db, done.document.id) == refusal
    with pytest.raises(InvalidInput) as raised:
        registry.void(custodian, done.document.id, "再作废一次")
    assert raised.value.message == refusal


def test_an_edited_urgency_is_held_to_the_documents_kind(login: Callable[..., Session]) -> None:
    """A document (not a telegram) is 特急, 加急 or 平件, whether registered or edited; 特提 is a
    telegram's. Registration refuses it (validate) and an edit refuses it the same way, naming
    the kind and its words; a telegram is held to its own (`"电报" if before.telegram` as
    `if not before.telegram`); 办理 is 办件 or 阅件 either way."""
    custodian = login("jiyao")
    d = registry.register(custodian, doc()).document
    with pytest.raises(InvalidInput, match="^文件的紧急程度须为特急、加急、平件。$"):
        registry.edit(custodian, d.id, {"urgency": "特提"})
    cable = registry.register(
        custodian,
        doc(telegram=True, urgency="特提", doc_number="市委办电〔2026〕5号", copy_numbers="7"),
    ).document
    with pytest.raises(InvalidInput, match="^电报的紧急程度须为特提、特急、加急、平急。$"):
        registry.edit(custodian, cable.id, {"urgency": "平件"})
    assert registry.edit(custodian, cable.id, {"urgency": "平急"}).urgency == "平急"
    with pytest.raises(InvalidInput, match="办件或阅件"):
        registry.edit(custodian, d.id, {"handling": "传阅件"})
    assert registry.edit(custodian, d.id, {"urgency": "特急"}).urgency == "特急"


# ---- numbering inside one transaction --------------------------------------------------------
def test_registrations_in_one_transaction_are_numbered_without_gaps_in_each_series(
    login: Callable[..., Session],
) -> None:
    """Registrations joined in one transaction (as a ledger import's rows are) take the next
    number of their own series each time: 收文 2026-0001, 2026-0002, then two 发文 F2026-0001 and
    F2026-0002, and a 收文 after them continues its series at 2026-0003, with nothing skipped or
    taken twice (_next_serial's memo: `last + 1` as `+ 2`, `+ 0`, `- 1`)."""
    custodian = login("jiyao")
    town = add_unit(custodian, UnitInput("城关镇", "乡镇街道"))

    def paper(n: int) -> OutgoingInput:
        return OutgoingInput(
            code="区委办发",
            title=f"关于做好年底安全生产工作的通知（{n}）",
            level="秘密",
            signed_by="刘书记",
            signed_on=date(2026, 11, 19),
            printed=1,
            pages=2,
            recipients=(RecipientInput(town.id, "主送", 1),),
        )

    numbers = []
    with custodian.db.transaction():
        for n in (1, 2):
            done = registry.register(
                custodian, doc(doc_number=f"市委办发〔2026〕{n}号", copy_numbers=f"{n}")
            )
            numbers.append(done.document.number)
        for n in (1, 2):
            sent = outgoing.register(custodian, paper(n))
            numbers.append(documents.get_document(custodian.db, sent.document_id).number)
        done = registry.register(custodian, doc(doc_number="市委办发〔2026〕3号", copy_numbers="3"))
        numbers.append(done.document.number)
    assert numbers == ["2026-0001", "2026-0002", "F2026-0001", "F2026-0002", "2026-0003"]
