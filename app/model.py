"""Frozen dataclasses shared by the services: the room and its accounts."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.roles import Role


@dataclass(frozen=True)
class RoomInfo:
    room_id: str
    name: str
    unit: str
    demo: bool


@dataclass(frozen=True)
class Account:
    id: int
    login: str
    display_name: str
    role: Role
    active: bool
    created_at: str
    password_changed_at: str
    # The role works only once the 安全保密管理员 has granted it (app/grants.py); None: not granted
    # yet, or revoked. Such an account cannot log in.
    granted_at: str | None = None
    granted_by: str | None = None

    @property
    def granted(self) -> bool:
        return self.granted_at is not None


@dataclass(frozen=True)
class NewAccount:
    login: str
    display_name: str
    role: Role
    password: str


@dataclass(frozen=True)
class Credential:
    """Another person's word at this workstation: their login and their own password
    (an approval, a witness). The password is checked against their key slot, never stored."""

    login: str
    password: str = field(repr=False)
