"""The storage layer's expected failures: the base `MijianError` (a calm Chinese message that is
safe to show the user), a wrong key or password, and what SQLite and the disk can do. The
program's own refusals (InvalidInput, PermissionDenied) are in app/errors.py, the module every
caller imports its errors from; anything that is not a `MijianError` is our bug and goes to the
crash dialog instead.
"""

from __future__ import annotations


class MijianError(Exception):
    """An expected failure (the environment's or the user's), never a bug."""

    message = "操作未能完成。"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class WrongPassword(MijianError):
    message = "用户名或密码不正确。"


class AccountLocked(MijianError):
    message = "该账户因多次密码错误已被锁定，请稍后再试。"


class NotAMijianDatabase(MijianError):
    message = "该文件不是密件台账数据库，或缺少配套的密钥文件（.keys）。"


class DatabaseDamaged(MijianError):
    message = "数据库文件已损坏或被篡改，请从备份恢复。"


class DatabaseTooNew(MijianError):
    message = "该数据库由更新版本的程序创建，请升级本程序后再打开。"


class DatabaseInUse(MijianError):
    message = "该数据库已在另一个程序窗口中打开，请先关闭那个窗口。"


class WeakConfiguration(MijianError):
    message = "数据库加密或安全设置低于要求，程序拒绝运行。"


# ---- the environment's fault, classified from SQLite's result codes (db/sqlite_codes.py) ----
class DiskFull(MijianError):
    message = "磁盘空间不足，本次操作未保存，已保存的记录不受影响。请腾出磁盘空间后重试。"


class DiskIOError(MijianError):
    message = (
        "读写磁盘时出错，本次操作未保存。请检查存放数据库的磁盘或U盘是否已拔出、接触不良，"
        "然后重新打开程序再试；如反复出现，请运行“检查数据库”。"
    )


class DatabaseReadOnly(MijianError):
    message = (
        "数据库文件或其所在文件夹不可写（只读），本次操作未保存。"
        "请确认磁盘未写保护、文件未设为只读后重试。"
    )


class CannotOpenDatabase(MijianError):
    message = "无法打开数据库文件：文件夹不存在、无访问权限或磁盘不可用。请检查存放位置后重试。"


class KeysFileWriteFailed(MijianError):
    message = "密钥文件（.keys）未能写入，本次更改未生效。请检查磁盘空间及写入权限后重试。"
