"""Expected failures: each carries a calm Chinese message that is safe to show the user.

Anything that is not a `MijianError` is our bug and goes to the crash dialog instead.
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


class PermissionDenied(MijianError):
    message = "当前账户无权执行此操作。"


class InvalidInput(MijianError):
    message = "输入有误，请检查后重试。"
