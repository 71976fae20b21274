"""A title with a right-to-left override, typed into the registration form: refused with the field
and the code point named, everything typed kept, nothing registered."""

from __future__ import annotations

from collections.abc import Callable

from app.session import Session
from ui.pages.register_page import RegisterPage


def test_the_form_names_the_control_character_and_keeps_the_text(
    login: Callable[..., Session], qtbot
) -> None:
    session = login("jiyao")
    before = session.db.scalar("SELECT count(*) FROM document")
    page = RegisterPage(session)
    qtbot.addWidget(page)
    form = page.open_registration()
    form.issuer_edit.setText("市委办公室")
    form.doc_number_edit.setText("市委办发〔2026〕12号")
    form.title_edit.setText("关于\u202e做好保密工作的通知")
    form.level_combo.setCurrentText("机密")
    form.copies_edit.setText("000035")
    form.submit()
    assert "标题含有不可见的控制字符（U+202E），请删除后再保存。" in form.message_label.text()
    assert form.title_edit.text() == "关于\u202e做好保密工作的通知"
    assert form.copies_edit.text() == "000035"
    assert session.db.scalar("SELECT count(*) FROM document") == before
    form.title_edit.setText("关于做好保密工作的通知")
    form.submit()
    assert "已登记" in form.message_label.text()
    form.close()
