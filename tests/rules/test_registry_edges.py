"""Registration edges the mutation run found untested: a document registered without 页数 has
its pages unknown (0, and a warning), never a made-up count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from app import registry
from app.registry import DocumentInput
from app.session import Session
from tests.app.test_registry import doc


def test_pages_left_out_are_unknown_not_invented(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    given = {k: v for k, v in asdict(doc(copy_numbers="7")).items() if k != "pages"}
    result = registry.register(custodian, DocumentInput(**given))
    assert [c.pages for c in result.copies] == [0]
    assert "未填写页数：借还核对时将无法核对页数。" in result.warnings
    stored = custodian.db.scalar("SELECT pages FROM copy WHERE id = ?", (result.copies[0].id,))
    assert stored == 0
