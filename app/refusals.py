"""Why a reader may not take a copy now: the desk's refusals, each of a typed kind.

A copy not in the room (void, held by someone, lost, recalled) is refused outright. A copy in the
room may be refused for the reader's clearance (涉密等级), the document's 阅文范围 (知悉范围),
the close time (密件不过夜) or a pending destruction batch; app.desk decides which of these an
override may lift, and with whose word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app import distribution, settings
from app.clock import parse_stamp
from app.destruction_records import open_batch_of
from app.people import Reader
from app.scanning import CopyRef
from app.vocab import CLASSIFIED, CLEARANCE_LABELS, CopyState, Level, may_hold
from db.connection import Database

ON_SPOT_LEVEL = Level.TOP_SECRET  # read in the room only (seed 000, DOMAIN.md: 即阅即批即退)


class RefusalKind(StrEnum):
    """Why a copy may not go to a reader. The values are what the handover record stores."""

    VOIDED = "登记作废"
    HELD = "他人持有"
    NOT_IN_ROOM = "不在柜"
    IN_BATCH = "待销毁"
    CLEARANCE = "涉密等级"
    SCOPE = "知悉范围"
    CLOSED = "闭库时间"
    # 绝密 is read in the room (即阅即批即退, the custodian present): the desk offers 在室阅读
    # (app.on_spot); taking it out needs the 单位负责人 named, as the law's other limits do.
    ON_SPOT = "绝密在室"

    @property
    def by_law(self) -> bool:
        """Access above a reader's clearance or outside the 知悉范围, and a 绝密 copy taken out
        of the room, need the approval of the unit's responsible person (机关、单位负责人), not
        only the 保密员's."""
        return self in (RefusalKind.CLEARANCE, RefusalKind.SCOPE, RefusalKind.ON_SPOT)

    @property
    def overridable(self) -> bool:
        """Nobody may override a copy that is not physically in the room, nor a void one."""
        return self not in (RefusalKind.VOIDED, RefusalKind.HELD, RefusalKind.NOT_IN_ROOM)


@dataclass(frozen=True)
class Refusal:
    kind: RefusalKind
    message: str

    @property
    def by_law(self) -> bool:
        return self.kind.by_law

    @property
    def overridable(self) -> bool:
        return self.kind.overridable


def refusal(db: Database, reader: Reader, copy: CopyRef, now: datetime) -> Refusal | None:
    """The first reason `reader` may not take `copy` now, or None."""
    found = refusals(db, reader, copy, now)
    return found[0] if found else None


def refusals(db: Database, reader: Reader, copy: CopyRef, now: datetime) -> list[Refusal]:
    """Every reason `reader` may not take `copy` now; an override must answer all of them.
    A copy that is not in the room gets one refusal: nothing else matters then."""
    if copy.voided:
        return [Refusal(RefusalKind.VOIDED, f"{copy.label} 的登记已作废。")]
    if copy.state == CopyState.LENT:
        holder = db.one(
            "SELECT r.name, h.out_at, h.on_spot FROM handover h JOIN reader r ON r.id = h.reader_id"
            " WHERE h.copy_id = ? AND h.back_at IS NULL",
            (copy.copy_id,),
        )
        if holder is not None:
            since = parse_stamp(holder["out_at"]).strftime("%m-%d %H:%M")
            text = (
                f"{copy.label} 在 {holder['name']} 处（{since} 借出），须先交回机要室，不得横传。"
            )
            if holder["on_spot"]:
                text = f"{copy.label} 正由 {holder['name']} 在室阅读（{since} 起），须阅毕交回。"
            return [Refusal(RefusalKind.HELD, text)]
        return [Refusal(RefusalKind.NOT_IN_ROOM, f"{copy.label} 未在柜。")]
    if copy.state != CopyState.IN_CABINET:
        held = distribution.held_text(db, copy.copy_id)
        said = held or f"{copy.label} 状态为{copy.state}，不能借出。"
        return [Refusal(RefusalKind.NOT_IN_ROOM, said)]
    found = []
    if open_batch_of(db, copy.copy_id) is not None:
        found.append(Refusal(RefusalKind.IN_BATCH, f"{copy.label} 已列入待销毁批次，不能借出。"))
    if not may_hold(reader.clearance, copy.level):
        text = f"{reader.name} 为{CLEARANCE_LABELS[reader.clearance]}，不能借阅{copy.level}件。"
        found.append(Refusal(RefusalKind.CLEARANCE, text))
    if not _in_scope(db, reader.id, copy.document_id):
        found.append(Refusal(RefusalKind.SCOPE, f"{reader.name} 不在该件的阅文范围内。"))
    if copy.level == ON_SPOT_LEVEL:
        text = f"{copy.label} 为绝密件，须在室阅读（即阅即批即退），不得带出机要室。"
        found.append(Refusal(RefusalKind.ON_SPOT, text))
    if copy.level in CLASSIFIED:
        close = settings.load(db).close_time
        if now.time() >= close:
            text = f"已过闭库时间 {close:%H:%M}，密件不得借出（密件不过夜）。"
            found.append(Refusal(RefusalKind.CLOSED, text))
    return found


def _in_scope(db: Database, reader_id: int, document_id: int) -> bool:
    scoped = db.scalar("SELECT count(*) FROM document_scope WHERE document_id = ?", (document_id,))
    if not scoped:
        return True
    return bool(
        db.scalar(
            "SELECT 1 FROM document_scope s WHERE s.document_id = ? AND (s.reader_id = ? OR s.group_id IN"
            " (SELECT group_id FROM reader_group_member WHERE reader_id = ?)) LIMIT 1",
            (document_id, reader_id, reader_id),
        )
    )
