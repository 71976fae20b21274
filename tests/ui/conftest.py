from __future__ import annotations

import os
from pathlib import Path

import pytest

SHOTS = Path(os.environ.get("MIJIAN_SHOTS", Path(__file__).resolve().parents[2] / "shots"))


@pytest.fixture
def shot():
    """shot(widget, "name") saves a PNG of the widget under shots/ for a person to look at."""

    def _shot(widget, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        assert widget.grab().save(str(path))
        return path

    return _shot


@pytest.fixture(autouse=True, scope="session")
def _fonts(qapp):
    from ui.fonts import install_fonts

    install_fonts(qapp)
