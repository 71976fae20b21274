"""Where files live: the room of this machine, the demo room, the log, and shipped resources."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "MiJian"


@dataclass(frozen=True)
class RoomPaths:
    """A room is a database file with its key-slot file and lock file beside it."""

    db: Path

    @property
    def keys(self) -> Path:
        return self.db.with_name(self.db.name + ".keys")

    @property
    def lock(self) -> Path:
        return self.db.with_name(self.db.name + ".lock")

    @property
    def anchor(self) -> Path:
        """How far the room has come, kept outside the room file (app/anchor.py)."""
        return self.db.with_name(self.db.name + ".anchor")

    @property
    def files(self) -> tuple[Path, Path, Path]:
        """What a copy of the room consists of: database, key slots, anchor."""
        return (self.db, self.keys, self.anchor)

    def exists(self) -> bool:
        return self.db.exists() or self.keys.exists()


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "room.mjdb"


def demo_db_path() -> Path:
    return data_dir() / "demo" / "demo.mjdb"


def log_path() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "mijian.log"


def resource_path(relative: str) -> Path:
    """A file under resources/, from the source tree or from a frozen PyInstaller build."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources" / relative
