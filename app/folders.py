"""一夹一传递: a folder with its own QR label (app.folder_code), what it holds, its return.

Scanning the folder at the desk hands out every copy in it at once (app.counter: the reader's
badge, then the folder; app.desk.checkout with `folder_id`). Its return cannot complete until
every 份号 that went out in it has been scanned back or recorded as a discrepancy
(`take_back`, all in one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import audit, circulation, desk, folder_code, folder_items, text_rules
from app.circulation import ReadResult
from app.clock import stamp
from app.errors import InvalidInput, MijianError
from app.output import Output, audited_output
from app.roles import BUSINESS_ROLES, Role
from app.scanning import CopyRef, copy_ref
from app.slips import ForgedCode, audit_refused, room_secret
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class Folder:
    id: int
    name: str
    code: str  # the label's QR payload


@dataclass(frozen=True)
class OutInFolder:
    copy: CopyRef
    reader: str


@dataclass(frozen=True)
class FolderBack:
    folder: str
    returned: int
    discrepancies: int
    reads: list[ReadResult]


def create(session: Session, name: str) -> Folder:
    """A new folder (e.g. 红夹1): print its label with `print_label`."""
    session.require(Role.CUSTODIAN)
    name = text_rules.clean("folder_name", name)
    if not name:
        raise InvalidInput("请填写文件夹名称（如 红夹1）。")
    db = session.db
    with db.transaction():
        if db.scalar("SELECT 1 FROM folder WHERE name = ?", (name,)):
            raise InvalidInput(f"已有名为“{name}”的文件夹。")
        cursor = db.execute(
            "INSERT INTO folder (name, created_at, created_by) VALUES (?, ?, ?)",
            (name, stamp(session.clock.now()), session.account.login),
        )
        audit.record(db, session.clock, session.account.login, "新建文件夹", f"folder:{name}")
    return get(db, int(cursor.lastrowid))


def get(db: Database, folder_id: int) -> Folder:
    row = db.one("SELECT id, name FROM folder WHERE id = ?", (folder_id,))
    if row is None:
        raise MijianError("没有这个文件夹。")
    secret, room_id = room_secret(db)
    return Folder(row["id"], row["name"], folder_code.encode(secret, room_id, row["id"]))


def all_folders(session: Session) -> list[Folder]:
    session.require(*BUSINESS_ROLES)
    return [get(session.db, r["id"]) for r in session.db.query("SELECT id FROM folder ORDER BY id")]


def read_code(session: Session, text: str) -> Folder:
    """The folder a scanned label names; a forged code is refused and audited by its shape."""
    session.require(*BUSINESS_ROLES)
    secret, room_id = room_secret(session.db)
    folder_id = folder_code.decode(secret, room_id, text)
    if folder_id is None or not session.db.scalar(
        "SELECT 1 FROM folder WHERE id = ?", (folder_id,)
    ):
        audit_refused(session, text, ForgedCode.message)
        raise ForgedCode()
    return get(session.db, folder_id)


def contents(db: Database, folder_id: int) -> list[CopyRef]:
    """The copies the folder holds now."""
    return [copy_ref(db, c) for c in folder_items.contents(db, folder_id)]


def out_in(db: Database, folder_id: int) -> list[OutInFolder]:
    """The copies out now that went out in this folder, and who has them."""
    rows = db.query(
        "SELECT h.copy_id, r.name FROM handover h INDEXED BY handover_open_folder"
        " JOIN reader r ON r.id = h.reader_id"
        " WHERE h.back_at IS NULL AND h.folder_id = ? ORDER BY h.id",
        (folder_id,),
    )
    return [OutInFolder(copy_ref(db, r["copy_id"]), r["name"]) for r in rows]


def take_back(
    session: Session,
    folder_id: int,
    checked: list[int],
    notes: dict[int, str],
    instructed: bool = False,
) -> FolderBack:
    """The folder's return: every copy that went out in it is either in `checked` (scanned
    back, check confirmed: returned, 阅毕 where the reader is on the route) or in `notes` (a
    discrepancy recorded, the copy stays out until the 保密员 resolves it). All or nothing.
    `instructed`: the reader wrote a 批示 (recorded with each 阅毕)."""
    session.require(Role.CUSTODIAN)
    db = session.db
    with db.transaction():
        folder = get(db, folder_id)
        expected = {o.copy.copy_id: o for o in out_in(db, folder_id)}
        if not expected:
            raise InvalidInput(f"文件夹 {folder.name} 没有借出的文件。")
        stray = (set(checked) | set(notes)) - set(expected)
        if stray:
            raise InvalidInput(f"{copy_ref(db, min(stray)).label} 不在文件夹 {folder.name} 中。")
        missing = [
            o.copy.copy_no for c, o in expected.items() if c not in checked and c not in notes
        ]
        if missing:
            raise InvalidInput(missing_text(folder.name, missing))
        reads = []
        for copy_id in checked:
            if copy_id in notes:
                continue
            read = circulation.return_and_read(session, copy_id, instructed=instructed)
            if read is not None:
                reads.append(read)
        for copy_id, note in notes.items():
            if not note.strip():
                raise InvalidInput("请写明异常情况。")
            desk.take_back(session, copy_id, note)
    return FolderBack(folder.name, len(expected) - len(notes), len(notes), reads)


def missing_text(name: str, copy_nos: list[str]) -> str:
    return (
        f"文件夹 {name} 还有 {len(copy_nos)} 份未核：{'、'.join(copy_nos)}——"
        "请逐份扫描收回，缺失或有异常的按 F6 登记。"
    )


def print_label(session: Session, folder_id: int) -> Output:
    """The folder's label (name and QR), audited once printed or saved."""
    from app.reports.folder_label_pdf import render_label

    session.require(Role.CUSTODIAN)
    folder = get(session.db, folder_id)
    pdf = render_label(folder.name, folder.code, session.room.unit)

    return audited_output(session, pdf, "文件夹标签", "打印文件夹标签", f"folder:{folder.name}", {})
