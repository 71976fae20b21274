"""Input hygiene: every typed text refuses invisible control characters and has a length limit,
each use case refuses with the field named and writes nothing, and the longest accepted values
still print."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from app import accounts, desk, destruction, instructions, recall, registry, text_rules
from app.desk import Override
from app.errors import InvalidInput
from app.ledger_import import import_file
from app.model import Credential, NewAccount
from app.people import ReaderInput, add_group, add_reader
from app.reports.catalog import render
from app.roles import Role
from app.session import Session
from app.slip_print import print_slips
from tests.app.test_desk import counter  # noqa: F401  (fixture)
from tests.app.test_ledger_import import HEADERS, ROWS
from tests.app.test_registry import doc
from tests.conftest import PASSWORD
from tests.pdf_tools import text_of

RLO = "\u202e"


# ---- the rules at their boundaries ------------------------------------------------------------
@pytest.mark.parametrize("field", sorted(text_rules.RULES))
def test_each_limit_holds_at_the_limit_and_refuses_one_more(field: str) -> None:
    rule = text_rules.RULES[field]
    char = "B" if field == "badge_code" else "字"
    assert text_rules.clean(field, f"  {char * rule.limit}\t") == char * rule.limit
    with pytest.raises(InvalidInput) as refused:
        text_rules.clean(field, char * (rule.limit + 1))
    assert refused.value.message == (
        f"{rule.label}不能超过 {rule.limit} 个字（现有 {rule.limit + 1} 个），请删减后再保存。"
    )


def test_every_forbidden_code_point_is_refused_and_named() -> None:
    expected = [
        *range(0x00, 0x09),
        *range(0x0A, 0x20),
        *range(0x7F, 0xA0),
        0x200E,
        0x200F,
        0x2028,
        0x2029,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
    assert text_rules.forbidden_code_points() == expected
    for code in expected:
        for where in (f"关于{chr(code)}通知", f"{chr(code)}关于通知", f"关于通知{chr(code)}"):
            with pytest.raises(InvalidInput) as refused:
                text_rules.clean("title", where)
            assert refused.value.message == (
                f"标题含有不可见的控制字符（U+{code:04X}），请删除后再保存。"
            )


def test_tab_and_ordinary_text_pass() -> None:
    assert text_rules.clean("title", "关于\t做好 “保密” 工作的通知（2026）") == (
        "关于\t做好 “保密” 工作的通知（2026）"
    )
    assert text_rules.clean("remarks", "") == ""


def test_a_character_the_bundled_font_lacks_is_refused_never_printed_blank() -> None:
    # Ext-A and Ext-B print in the Hanazono fallback (tests/app/test_fonts_fallback.py);
    # Ext-G (U+30000...) is in no bundled face.
    for field in ("title", "reader_name", "issuer"):
        assert text_rules.clean(field, "张𠮷㐀村") == "张𠮷㐀村"
    for field, char in (
        ("title", "\U00030000"),
        ("reader_name", "\U00030001"),
        ("remarks", "\U0003134a"),
    ):
        with pytest.raises(InvalidInput) as refused:
            text_rules.clean(field, f"张{char}村")
        label = text_rules.RULES[field].label
        assert refused.value.message == (
            f"{label}中的“{char}”（U+{ord(char):04X}）本机打印字库中没有，打印出来会是空白。"
            "请改用常用字或拆字写法（如“土吉”）后再保存。"
        )
    ordinary = "“关于”《通知》（二〇二六）〔2026〕【】［］★…—‘’•№℃②Ⅱ€é·、。，；：！？％＋－１Ａ々①"
    assert text_rules.clean("title", ordinary) == ordinary


def test_badge_codes_are_what_a_scanner_types() -> None:
    assert text_rules.clean("badge_code", "b-0001") == "b-0001"
    with pytest.raises(InvalidInput, match="证件码只能由字母、数字"):
        text_rules.clean("badge_code", "证件1")


# ---- every input path -------------------------------------------------------------------------
def _count(session: Session, table: str) -> int:
    return int(session.db.scalar(f"SELECT count(*) FROM {table}"))


def test_registration_edit_and_void_refuse_and_write_nothing(
    login: Callable[..., Session],
) -> None:
    custodian = login("jiyao")
    before = _count(custodian, "document")
    cases = [
        (dict(title="关于" + RLO + "的通知"), "标题含有不可见的控制字符（U+202E）"),
        (dict(title="长" * 201), "标题不能超过 200 个字"),
        (dict(issuer="市委\x00办公室"), "来文单位含有不可见的控制字符（U+0000）"),
        (dict(doc_number="市委发〔2026〕1号" + "\u2066"), "文号含有不可见的控制字符（U+2066）"),
        (dict(remarks="备" * 121), "备注不能超过 120 个字"),
        (dict(attachments="附\x1b[31m件"), "附件含有不可见的控制字符（U+001B）"),
        (dict(cabinet="柜" * 31), "保密柜不能超过 30 个字"),
    ]
    for changes, message in cases:
        with pytest.raises(InvalidInput, match=re.escape(message)):
            registry.register(custodian, doc(**changes))
    assert _count(custodian, "document") == before

    document = registry.register(custodian, doc()).document
    for field, value, message in (
        ("title", "新" + RLO, "标题含有不可见的控制字符（U+202E）"),
        ("proposal", "拟" * 301, "拟办意见不能超过 300 个字"),
        ("status_note", "\x7f", "办理情况含有不可见的控制字符（U+007F）"),
    ):
        with pytest.raises(InvalidInput, match=re.escape(message)):
            registry.edit(custodian, document.id, {field: value})
    assert registry.edit(custodian, document.id, {"title": " 新标题 "}).title == "新标题"
    with pytest.raises(InvalidInput, match=re.escape("作废原因不能超过 200 个字")):
        registry.void(custodian, document.id, "因" * 201)
    assert custodian.db.scalar("SELECT title FROM document WHERE id = ?", (document.id,)) == (
        "新标题"
    )


def test_a_bad_ledger_row_is_named_and_the_others_are_imported(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.csv"
    bad_title = [*ROWS[1][:4], "国办" + RLO + "通知", *ROWS[1][5:]]
    long_issuer = [*ROWS[2][:2], "局" * 61, *ROWS[2][3:]]
    with open(ledger, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows([ROWS[0], bad_title, long_issuer])
    report = import_file(login("jiyao"), ledger)
    assert report.count("已导入") == 1
    errors = {r.line: r.message for r in report.rows if r.status == "错误"}
    assert errors == {
        3: "标题含有不可见的控制字符（U+202E），请删除后再保存。",
        4: "来文单位不能超过 60 个字（现有 61 个），请删减后再保存。",
    }


def test_readers_groups_and_accounts(login: Callable[..., Session]) -> None:
    officer = login("baomi")
    before = _count(officer, "reader")
    for data, message in (
        (ReaderInput("张\x00三"), "读者姓名含有不可见的控制字符（U+0000）"),
        (ReaderInput("张" * 21), "读者姓名不能超过 20 个字"),
        (ReaderInput("张三", unit="区委" + RLO), "读者单位含有不可见的控制字符（U+202E）"),
        (ReaderInput("张三", phone="1" * 31), "电话不能超过 30 个字"),
        (ReaderInput("张三", badge_code="B" * 21), "证件码不能超过 20 个字"),
    ):
        with pytest.raises(InvalidInput, match=re.escape(message)):
            add_reader(officer, data)
    assert _count(officer, "reader") == before
    with pytest.raises(InvalidInput, match=re.escape("分组名称含有不可见的控制字符（U+2069）")):
        add_group(officer, "常委\u2069", [])

    admin = login("xitong")
    with pytest.raises(InvalidInput, match=re.escape("姓名含有不可见的控制字符（U+202E）")):
        accounts.create_account(
            admin, NewAccount("zhaolei", "赵" + RLO + "磊", Role.CUSTODIAN, "Abcdefgh123")
        )
    with pytest.raises(InvalidInput, match=re.escape("姓名不能超过 20 个字")):
        accounts.validate_new_account(
            NewAccount("zhaolei", "赵" * 21, Role.CUSTODIAN, "Abcdefgh123"), []
        )


def test_instructions(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    document = registry.register(custodian, doc()).document
    for kwargs, message in (
        (dict(leader="王" + RLO, text="请阅"), "批示领导含有不可见的控制字符（U+202E）"),
        (dict(leader="王书记", text="阅" * 501), "批示内容不能超过 500 个字"),
        (dict(leader="王书记", text="请办", unit="\x0c"), "承办单位含有不可见的控制字符（U+000C）"),
        (dict(leader="王书记", text="请办", handler="人" * 21), "承办人不能超过 20 个字"),
    ):
        with pytest.raises(InvalidInput, match=re.escape(message)):
            instructions.add(custodian, document.id, **kwargs)  # type: ignore[arg-type]
    item = instructions.add(custodian, document.id, "王书记", "请抓紧办理").id
    with pytest.raises(InvalidInput, match=re.escape("催办说明含有不可见的控制字符（U+200F）")):
        instructions.chase(custodian, item, "电话", "办公室", "已\u200f催")
    with pytest.raises(InvalidInput, match=re.escape("办理说明不能超过 200 个字")):
        instructions.start(custodian, item, "办" * 201)
    with pytest.raises(InvalidInput, match=re.escape("延期理由含有不可见的控制字符（U+0007）")):
        instructions.request_extension(custodian, item, "理由\x07", custodian.clock.now())
    with pytest.raises(InvalidInput, match=re.escape("批准领导不能超过 20 个字")):
        instructions.decide_extension(custodian, item, True, "领" * 21)
    with pytest.raises(InvalidInput, match=re.escape("反馈含有不可见的控制字符（U+2028）")):
        instructions.finish(custodian, item, "已经办结\u2028完毕")
    assert instructions.get(custodian.db, item).state == "待办"


def test_desk_overrides_and_returns(counter) -> None:  # noqa: F811
    custodian, officer, readers, docs = counter
    copy = docs["confidential"].copies[0]
    law = {"head": "张三 区委书记", "reference": "区委批〔2026〕7号"}
    for override, message in (
        (Override("baomi", PASSWORD, "领导" + RLO + "同意", **law), "例外理由含有不可见的控制字符"),
        (Override("baomi", PASSWORD, "领导同意", "张" * 21, "7号"), "批准负责人不能超过 20 个字"),
        (Override("baomi", PASSWORD, "领导同意", "张三", "\x00"), "批准文号含有不可见的控制字符"),
    ):
        with pytest.raises(InvalidInput, match=re.escape(message)):
            desk.checkout(custodian, readers["wang"].id, [copy.id], override)
    secret = docs["secret"].copies[0]
    desk.checkout(custodian, readers["wang"].id, [secret.id])
    with pytest.raises(InvalidInput, match=re.escape("差异说明不能超过 200 个字")):
        desk.take_back(custodian, secret.id, "少" * 201)
    assert desk.take_back(custodian, secret.id, "少第3页\t") is not None


def test_recall_and_destruction(login: Callable[..., Session], clock) -> None:
    custodian = login("jiyao")
    with pytest.raises(InvalidInput, match=re.escape("接收人含有不可见的控制字符（U+202D）")):
        recall.record_return(custodian, 2026, [1], date(2026, 1, 5), "省\u202d局", "R1")
    with pytest.raises(InvalidInput, match=re.escape("回执编号不能超过 50 个字")):
        recall.record_return(custodian, 2026, [1], date(2026, 1, 5), "省局", "R" * 51)
    with pytest.raises(InvalidInput, match=re.escape("留用理由含有不可见的控制字符（U+001F）")):
        recall.retain(custodian, 2026, [1], "仍需\x1f参阅", Credential("baomi", PASSWORD))
    with pytest.raises(InvalidInput, match=re.escape("销毁地点不能超过 60 个字")):
        destruction.create(custodian, "碎纸机粉碎", "地" * 61, clock.now().date())
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", clock.now().date())
    with pytest.raises(InvalidInput, match=re.escape("撤销原因含有不可见的控制字符（U+202A）")):
        destruction.cancel(custodian, batch.id, "\u202a重复")


# ---- the longest accepted values print --------------------------------------------------------
def _longest(field: str, head: str) -> str:
    """`head`, then filler, then 末尾: exactly the field's limit."""
    limit = text_rules.RULES[field].limit
    return head + "文" * (limit - len(head) - 2) + "末尾"


def test_the_longest_values_print_in_the_register_the_instructions_and_the_slip(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    title = _longest("title", "最长标题开头")
    assert len(title) == 200
    document = registry.register(
        custodian,
        doc(
            title=title,
            issuer=_longest("issuer", "最长单位"),
            remarks=_longest("remarks", "最长备注"),
            attachments=_longest("attachments", "最长附件"),
            cabinet=_longest("cabinet", "柜"),
            doc_number="市委发〔2026〕" + "1" * 30 + "号",
        ),
    ).document
    registry.edit(
        custodian,
        document.id,
        {
            "proposal": _longest("proposal", "拟办"),
            "status_note": _longest("status_note", "情况"),
        },
    )
    item = instructions.add(
        custodian,
        document.id,
        "领" * 20,
        _longest("instruction", "最长批示开头"),
        unit="单" * 60,
        handler="人" * 20,
    ).id
    instructions.finish(custodian, item, _longest("feedback", "最长反馈开头"))

    scattered = ",".join(f"{3 * i + 1}-{3 * i + 2}" for i in range(text_rules.COPY_RANGES_LIMIT))
    registry.register(custodian, doc(copy_numbers=scattered, doc_number="市委发〔2026〕99号"))
    with pytest.raises(InvalidInput, match="份号分成 41 段"):
        registry.register(custodian, doc(copy_numbers=scattered + ",900", doc_number=""))
    for kind in ("register", "handovers", "instructions", "destruction", "stats", "review"):
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(render(custodian, kind, 2026))  # no LayoutError
        flat = re.sub(r"\s+", "", text_of(pdf))
        if kind in ("register", "instructions"):
            assert "最长标题开头" in flat and "末尾" in flat, kind
    slip = tmp_path / "slip.pdf"
    slip.write_bytes(
        print_slips(custodian, document.id, [document_copies(custodian, document.id)]).pdf
    )
    assert "最长标题开头" in re.sub(r"\s+", "", text_of(slip))


def document_copies(session: Session, document_id: int) -> int:
    return int(session.db.scalar("SELECT min(id) FROM copy WHERE document_id = ?", (document_id,)))


def test_what_input_accepts_prints_and_reads_back(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    titles = ("关于“春节”《通知》（二〇二六）", "【急】★…—②Ⅱ№℃々①的函")  # one line each
    for i, title in enumerate(titles):
        registry.register(custodian, doc(title=title, copy_numbers=str(100 + i)))
    pdf = tmp_path / "register.pdf"
    pdf.write_bytes(render(custodian, "register", 2026))
    text = re.sub(r"\s+", "", text_of(pdf))
    assert all(title in text for title in titles)
