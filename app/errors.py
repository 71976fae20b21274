"""Every expected failure, in one place for the program: the storage layer's (db/errors.py,
re-exported here) and the program's own refusals. Each carries a calm Chinese message that is
safe to show the user; `ui/` imports its errors from here, never from `db/`.
"""

from __future__ import annotations

from db.errors import (
    AccountLocked,
    CannotOpenDatabase,
    DatabaseDamaged,
    DatabaseInUse,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskFull,
    DiskIOError,
    KeysFileWriteFailed,
    MijianError,
    NotAMijianDatabase,
    WeakConfiguration,
    WrongPassword,
)


class PermissionDenied(MijianError):
    message = "当前账户无权执行此操作。"


class InvalidInput(MijianError):
    message = "输入有误，请检查后重试。"


__all__ = [
    "AccountLocked",
    "CannotOpenDatabase",
    "DatabaseDamaged",
    "DatabaseInUse",
    "DatabaseReadOnly",
    "DatabaseTooNew",
    "DiskFull",
    "DiskIOError",
    "InvalidInput",
    "KeysFileWriteFailed",
    "MijianError",
    "NotAMijianDatabase",
    "PermissionDenied",
    "WeakConfiguration",
    "WrongPassword",
]
