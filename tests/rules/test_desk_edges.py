"""A 保密员's password never reaches a text that may be logged or shown (a traceback prints the
repr of what it holds): an override's password."""

from __future__ import annotations

from app.desk import Override


def test_an_override_never_shows_its_password() -> None:
    word = Override("baomi", "Pass-of-the-approver-9", "会议急用", "李主任", "批2026-7")
    shown = repr(word) + str(word)
    assert "Pass-of-the-approver-9" not in shown
    assert "baomi" in shown and "会议急用" in shown  # the rest is there to read
