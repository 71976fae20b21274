"""A password or the data key never reaches a text that may be logged or shown (a traceback
prints the repr of what it holds): an override's password and a session's data key."""

from __future__ import annotations

from collections.abc import Callable

from app.desk import Override
from app.session import Session
from tests.conftest import PASSWORD


def test_an_override_never_shows_its_password() -> None:
    word = Override("baomi", "Pass-of-the-approver-9", "会议急用", "李主任", "批2026-7")
    shown = repr(word) + str(word)
    assert "Pass-of-the-approver-9" not in shown
    assert "baomi" in shown and "会议急用" in shown  # the rest is there to read


def test_a_session_never_shows_its_data_key(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    shown = repr(session) + str(session)
    assert session.data_key and session.data_key.hex() not in shown
    assert repr(session.data_key) not in shown and str(list(session.data_key)) not in shown
    assert PASSWORD not in shown
    assert "jiyao" in shown
