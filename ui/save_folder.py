"""Where the save dialog starts: the folder this user saved to last, else the removable media.

Every PDF the room saves is meant for a 涉密存储介质, so the dialog never starts in the program's
own folder. The last folder is kept per user of the machine (Qt's per-user settings file, beside
the program's other window settings; it holds a folder path only, never a file name or a title)
and used only while it still exists (a stick pulled out falls back to the media folders).
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

KEY = "printing/last_save_folder"


def media_roots(user: str | None = None) -> tuple[Path, ...]:
    """Where a desktop mounts removable media: udisks2 (/media/$USER, /run/media/$USER), /mnt."""
    user = user or os.environ.get("USER") or getpass.getuser()
    return (Path("/media") / user, Path("/run/media") / user, Path("/mnt"))


def settings_file() -> Path:
    """This user's settings file (a test points it elsewhere)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    return Path(base or Path.home() / ".config") / "MiJian" / "printing.ini"


def _store() -> QSettings:
    return QSettings(str(settings_file()), QSettings.Format.IniFormat)


def last_folder() -> Path | None:
    value = _store().value(KEY)
    return Path(str(value)) if value else None


def remember(folder: Path) -> None:
    store = _store()
    store.setValue(KEY, str(folder))
    store.sync()


def start_folder(roots: tuple[Path, ...] | None = None) -> Path:
    """The last folder used if it is still there; else the first media folder that exists; a
    media folder holding exactly one medium starts inside it; else the user's home."""
    last = last_folder()
    if last is not None and last.is_dir():
        return last
    for root in roots if roots is not None else media_roots():
        if root.is_dir():
            inside = [p for p in _children(root) if p.is_dir()]
            return inside[0] if len(inside) == 1 else root
    return Path.home()


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []
