"""The password rule: at least 10 characters from 3 of the 4 classes."""

from __future__ import annotations

from app.errors import InvalidInput

MIN_LENGTH = 10


def classes_in(password: str) -> int:
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not c.isalnum() for c in password)
    return sum((lower, upper, digit, other))


def check(password: str) -> None:
    """Raise InvalidInput with the reason when `password` breaks the rule."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"密码至少 {MIN_LENGTH} 位。")
    if classes_in(password) < 3:
        raise InvalidInput("密码须包含大写字母、小写字母、数字、符号中的至少三类。")
