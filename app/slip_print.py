"""Printing slips, labels and badges: the PDF bytes in memory (never a temporary file), laid out
with proposed serials that are committed only when `Output.delivered` is called, after the
bytes reached the printer or were fully written to a file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app import documents, instructions, slips
from app.documents import Copy, Document
from app.errors import InvalidInput
from app.numbers import registration_number
from app.output import Output
from app.people import get_reader
from app.reports.sheets import override_note
from app.reports.slip_pdf import SlipData, render_badges, render_labels, render_slips
from app.roles import Role
from app.vocab import CopyState

if TYPE_CHECKING:
    from app.session import Session

# The states of a copy the room holds or will have back today (app/vocab.CopyState).
LABELLED = (*CopyState.in_room(), CopyState.LENT)


def print_slips(
    session: Session,
    document_id: int,
    copy_ids: list[int] | None = None,
    kind: str | None = None,
    page: str = "A4",
) -> Output:
    """One slip per copy (all copies unless `copy_ids`); the form follows the 来文类别 unless
    `kind` names another."""
    session.require(Role.CUSTODIAN)
    db = session.db
    document = documents.get_document(db, document_id)
    if document.voided_at is not None:
        raise InvalidInput(f"{document.number} 已作废，不再打印处理笺。")
    every_copy = documents.copies_of(db, document_id)
    # A copy away (with a unit, or gone for good) keeps the slip it left with: a new one would
    # retire that slip while the copy is out, and it would come back with a void code.
    copies = _held(document, [c for c in every_copy if copy_ids is None or c.id in copy_ids])
    recorded = [
        f"{i.leader}（{i.given_at:%m-%d}）：{i.text}"
        for i in instructions.of_document(db, document_id)
    ]
    form = kind or slips.form_for(document.source, document.outgoing)
    codes = slips.propose(session, [c.id for c in copies], form)
    data = [
        SlipData(
            document,
            c,
            code,
            *_handovers(session, c.id),
            instructions=recorded,
            copies_total=len(every_copy),
        )
        for c, code in zip(copies, codes, strict=True)
    ]
    return _output(session, render_slips(data, session.room.unit, page), codes)


def print_labels(session: Session, document_id: int, copy_ids: list[int] | None = None) -> Output:
    session.require(Role.CUSTODIAN)
    db = session.db
    document = documents.get_document(db, document_id)
    # A label is stuck on a copy the room holds: one sent to a unit, or gone for good, has none.
    copies = _held(
        document,
        [c for c in documents.copies_of(db, document_id) if copy_ids is None or c.id in copy_ids],
        "标签",
    )
    codes = slips.propose(session, [c.id for c in copies], slips.LABEL)
    number = registration_number(document.year, document.serial)
    pdf = render_labels(
        [
            (code, number, c.copy_no, document.level_label)
            for c, code in zip(copies, codes, strict=True)
        ],
        session.room.unit,
    )
    return _output(session, pdf, codes)


def _held(document: Document, chosen: list[Copy], what: str = "处理笺") -> list[Copy]:
    """The chosen copies the room holds (or has lent for the day); a refusal naming where they
    are when none is."""
    if not chosen:
        raise InvalidInput("没有可打印的份。")
    held = [c for c in chosen if c.state in LABELLED]
    if not held:
        states = "、".join(sorted({c.state for c in chosen}))
        which = document.number if len(chosen) > 1 else f"{document.number} 第{chosen[0].copy_no}份"
        raise InvalidInput(f"{which} 不在本室（{states}），不打印{what}。")
    return held


def _output(session: Session, pdf: bytes, codes: list[slips.IssuedCode]) -> Output:
    """The pages and their commit: new serials valid and the old slips retired, audited."""
    what = "标签" if codes[0].kind == slips.LABEL else "处理笺"
    return Output(
        pdf,
        lambda where: slips.commit(session, codes, where),
        f"刚输出的{what}无效，此前的{what}仍然有效；请销毁刚输出的{what}后重新打印。",
    )


def print_badges(session: Session, reader_ids: list[int]) -> bytes:
    session.require(Role.APPROVER, Role.CUSTODIAN)
    readers = [get_reader(session.db, r) for r in reader_ids]
    missing = [r.name for r in readers if not r.badge_code]
    if missing:
        raise InvalidInput("这些读者还没有证件码，请先在人员中填写：" + "、".join(missing))
    return render_badges(
        [(r.name, r.unit, r.position, r.badge_code or "") for r in readers], session.room.unit
    )


def _handovers(session: Session, copy_id: int) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The copy's last six handovers (reader, out, back) and a note for each exception among
    them; an excepted reader is marked ※ on their row."""
    rows = session.db.query(
        "SELECT r.name, h.out_at, h.back_at, h.override_by, h.override_reason, h.override_kind,"
        " h.override_head, h.override_ref, a.display_name AS approver FROM handover h"
        " JOIN reader r ON r.id = h.reader_id LEFT JOIN account a ON a.login = h.override_by"
        " WHERE h.copy_id = ? ORDER BY h.id DESC LIMIT 6",
        (copy_id,),
    )
    shown, notes = [], []
    for r in reversed(rows):
        out = r[1][5:16].replace("T", " ")
        mark = "※" if r["override_by"] else ""
        shown.append((r[0] + mark, out, (r[2] or "")[5:16].replace("T", " ")))
        if mark:
            notes.append(f"※ {out} {r[0]} 例外放行：{override_note(r)}")
    return shown, notes
