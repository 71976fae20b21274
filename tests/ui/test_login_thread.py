"""What follows a login runs on the login's thread with it: the 违规过夜 check at start."""

from __future__ import annotations

from datetime import datetime

from app import desk
from tests.conftest import BEIJING
from ui.main import opened


def test_a_copy_out_overnight_becomes_an_incident_at_login(counter, clock, login) -> None:
    custodian, _, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["wang"].id, [docs["secret"].copies[0].id])
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=BEIJING))
    admin = opened(login("xitong"))  # not the counter's: nothing looked at
    assert admin.db.scalar("SELECT count(*) FROM incident") == 0
    session = opened(login("jiyao"))
    assert session.db.scalar("SELECT count(*) FROM incident WHERE kind = '违规过夜'") == 1
