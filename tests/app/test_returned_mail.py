"""退文: mail that came by the wrong route, registered with the rule it broke and returned with
a printed 退文通知."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app import audit, returned_mail
from app.errors import InvalidInput, PermissionDenied
from app.output import PRINTER
from app.returned_mail import ReturnInput, Rule
from tests.conftest import BEIJING
from tests.pdf_tools import rasterise, text_of, unembedded_fonts


def _direct() -> ReturnInput:
    return ReturnInput(
        sender="区住建局",
        title="关于申请追加城建资金的请示",
        rule="越级件",
        returned_to="区住建局办公室",
        doc_number="区住建发[2026]33号",
        note="未经分管区领导审核，直接报送书记",
        came_at=datetime(2026, 11, 20, 8, 0, tzinfo=BEIJING),
    )


def test_a_return_is_numbered_recorded_and_append_only(login) -> None:
    custodian = login("jiyao")
    db = custodian.db
    first = returned_mail.record(custodian, _direct())
    assert first.label == "退2026-0001"
    assert first.rule is Rule.OVER_LEVEL and first.doc_number == "区住建发〔2026〕33号"
    assert first.returned_by == "jiyao" and first.returned_at >= first.came_at
    second = returned_mail.record(
        custodian, ReturnInput("某公司", "产品宣传册", "乱投件", "某公司", level="非密")
    )
    assert second.label == "退2026-0002"
    event = audit.page(db, None, 1)[0]
    assert (event.action, event.object) == ("登记退文", "returned:退2026-0002")
    assert [r.label for r in returned_mail.register_of(login("baomi"), 2026)] == [
        "退2026-0001",
        "退2026-0002",
    ]
    with pytest.raises(PermissionDenied):
        returned_mail.register_of(login("shenji"), 2026)
    with pytest.raises(PermissionDenied):
        returned_mail.record(login("baomi"), _direct())
    with pytest.raises(Exception, match="append-only"):
        db.execute("UPDATE returned_mail SET rule = '直送件'")
    with pytest.raises(Exception, match="append-only"):
        db.execute("DELETE FROM returned_mail")
    with pytest.raises(Exception, match="CHECK"):
        db.execute(
            "INSERT INTO returned_mail (year, serial, sender, title, level, rule, came_at,"
            " returned_at, returned_to, returned_by, created_at)"
            " VALUES (2026, 3, 'x', 'x', '非密', '其他', 'x', 'x', 'x', 'x', 'x')"
        )
    with pytest.raises(Exception, match="next of its year"):
        db.execute(
            "INSERT INTO returned_mail (year, serial, sender, title, level, rule, came_at,"
            " returned_at, returned_to, returned_by, created_at)"
            " VALUES (2026, 5, 'x', 'x', '非密', '直送件', 'x', 'x', 'x', 'x', 'x')"
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rule": "其他"}, "直送件、越级件、乱投件"),
        ({"sender": ""}, "来件单位"),
        ({"returned_to": " "}, "退回对象"),
        ({"came_at": datetime(2026, 11, 21, tzinfo=BEIJING)}, "晚于现在"),
    ],
)
def test_refusals_are_calm(login, change, message) -> None:
    custodian = login("jiyao")
    with pytest.raises(InvalidInput, match=message):
        returned_mail.record(custodian, ReturnInput(**{**_direct().__dict__, **change}))
    assert returned_mail.of_year(custodian.db, 2026) == []


def test_the_notice_prints_the_rule_and_is_audited_once_delivered(login, tmp_path: Path) -> None:
    custodian = login("jiyao")
    item = returned_mail.record(custodian, _direct())
    before = audit.count(custodian.db)
    output = returned_mail.print_notice(custodian, item.id)
    assert audit.count(custodian.db) == before
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(output.pdf)
    text = text_of(pdf)
    for expected in (
        "退文通知",
        "区住建局办公室：",
        "属于越级件（不依权限越级报送）",
        "现予退回",
        "区住建发〔2026〕33号",
        "退2026-0001",
        "未经分管区领导审核",
    ):
        assert expected in text, expected
    assert unembedded_fonts(pdf) == []
    assert len(rasterise(pdf)) == 1
    output.delivered(PRINTER)
    event = audit.page(custodian.db, None, 1)[0]
    assert (event.action, event.object) == ("打印退文通知", "returned:退2026-0001")
