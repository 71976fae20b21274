"""What leaves the room on paper or in a file, and the rule for it: the side effect (new slip
serials, the audit event) is recorded only once the bytes are on the medium.

A file is written under a temporary name in the target's own folder, flushed to the device,
then renamed over the target, so a failed write (full stick, pulled stick, no permission)
leaves no partial file; the temporary is removed on failure.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import MijianError

if TYPE_CHECKING:
    from app.session import Session

PRINTER = "打印机"


class OutputFailed(MijianError):
    message = "文件未能写入，未作任何记录。"


@dataclass(frozen=True)
class Output:
    """PDF bytes not yet on any medium. `delivered(where)` records the side effect once they
    are (where: PRINTER or the file's path); `if_lost` tells the user what the paper or file
    already produced is worth when that record fails."""

    pdf: bytes
    delivered: Callable[[str], None]
    if_lost: str


def audited_output(
    session: Session, pdf: bytes, what: str, action: str, obj: str, details: dict[str, Any]
) -> Output:
    """Pages whose only side effect is their audit event (`action` on `obj`, with `details`
    and where they went), written once they reached the printer or the file."""
    from app import audit  # app.audit imports nothing of this module; kept lazy all the same

    def delivered(where: str) -> None:
        with session.db.transaction():
            audit.record(
                session.db,
                session.clock,
                session.account.login,
                action,
                obj,
                {**details, "where": where},
            )

    return Output(pdf, delivered, f"刚输出的{what}未记入审计，请销毁后重新打印。")


_REASONS = {
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一项不是文件夹",
    errno.EISDIR: "同名的文件夹已存在",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "存储介质为只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已满",
    errno.EIO: "读写出错，存储介质可能已损坏或已拔出",
    errno.ENAMETOOLONG: "文件名过长",
}


def reason_of(exc: OSError) -> str:
    """Why a file operation failed, in the user's words (disk full, no permission, …)."""
    return _REASONS.get(exc.errno or 0, exc.strerror or "未知原因")


def failed(target: Path, exc: OSError) -> OutputFailed:
    return OutputFailed(f"无法写入 {target}：{reason_of(exc)}。未作任何记录。")


def write_file(target: Path, data: bytes, *, replace: bool = True) -> None:
    """Write `data` to `target` completely or not at all; OutputFailed on any OS failure."""
    if not replace and target.exists():
        raise OutputFailed(f"文件已存在，不会覆盖：{target}")
    if target.is_dir():
        raise failed(target, IsADirectoryError(errno.EISDIR, "is a directory"))
    # The temporary name is in the folder the person chose for this very file (their 涉密存储介质),
    # never the system's temp folder: the bytes land where they were going anyway, and the rename
    # makes them appear whole or not at all. A failure removes the part file.
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise failed(target, exc) from exc
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise failed(target, exc) from exc
    _sync_folder(target.parent)


def deliver_file(
    target: Path, data: bytes, record: Callable[[str], None], *, replace: bool
) -> None:
    """Write the file, then record its side effect; if the record fails the file is removed,
    so a file on disk always has its record and a failure leaves nothing behind."""
    write_file(target, data, replace=replace)
    try:
        record(str(target))
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows (not on Windows)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
